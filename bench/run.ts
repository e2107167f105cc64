/**
 * `npm run bench` (= `tsx bench/run.ts`): runs every section of issue 6, prints each table as markdown
 * and writes bench/results.json. Never part of `npm test`.
 *
 *   tsx bench/run.ts                     all sections
 *   tsx bench/run.ts overhead contention  only these (results.json keeps the other sections' last figures)
 *   tsx bench/run.ts --smoke             a few seconds per section, to check that it runs; writes nothing
 *   npm run bench -- fidelity            the BigQuery stand-in's GoogleSQL conformance (PIPELINE_SQL_DIR=dir
 *                                        adds the acceptance of a pipeline's SQL files)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { machineInfo, machineLine } from './lib/machine.js';
import type { Mode, Section, SectionResult } from './lib/section.js';
import { markdownTable } from './lib/stats.js';

const sections: Record<string, () => Promise<Section>> = {
  overhead: async () => (await import('./sections/overhead.js')).overhead,
  contention: async () => (await import('./sections/contention/index.js')).contention,
  amplification: async () => (await import('./sections/amplification.js')).amplification,
  throughput: async () => (await import('./sections/throughput.js')).throughput,
  http: async () => (await import('./sections/http.js')).http,
  fidelity: async () => (await import('./sections/fidelity.js')).fidelity,
  bigquery: async () => (await import('./sections/bigquery.js')).bigquery,
  size: async () => (await import('./sections/size.js')).size,
  'storage-write': async () => (await import('./sections/storage-write.js')).storageWrite,
  telemetry: async () => (await import('./sections/telemetry.js')).telemetry,
};

const resultsPath = new URL('./results.json', import.meta.url);

interface StoredSection extends SectionResult {
  ranAt: string;
  mode: Mode;
  machine: ReturnType<typeof machineInfo>;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const mode: Mode = args.includes('--smoke') ? 'smoke' : 'full';
  const names = args.filter((a) => !a.startsWith('--'));
  for (const n of names) {
    if (!(n in sections))
      throw new Error(`unknown section ${n}; choose from ${Object.keys(sections).join(', ')}`);
  }
  const selected = names.length > 0 ? names : Object.keys(sections);
  const machine = machineInfo();
  console.log(
    `# gcp-pipeline-resilience benchmarks (${mode})\n\n${machineLine(machine)}; ${new Date().toISOString()}\n`,
  );

  const results: Record<string, StoredSection> = {};
  let failed = false;
  for (const name of selected) {
    const t0 = Date.now();
    try {
      const run = await sections[name]!();
      const result = await run(mode);
      results[name] = { ...result, ranAt: new Date().toISOString(), mode, machine };
      print(result, Date.now() - t0);
    } catch (err) {
      failed = true;
      console.log(
        `## ${name}: FAILED\n\n\`\`\`\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n\`\`\`\n`,
      );
    }
  }

  if (mode === 'full') {
    let previous: { sections?: Record<string, StoredSection> } = {};
    try {
      previous = JSON.parse(await readFile(resultsPath, 'utf8'));
    } catch {
      // first run: nothing to keep
    }
    const merged = { ...(previous.sections ?? {}), ...results };
    const file = {
      command: 'npm run bench',
      writtenAt: new Date().toISOString(),
      machine,
      sections: merged,
    };
    await writeFile(resultsPath, `${JSON.stringify(file, null, 2)}\n`);
    console.log(`Wrote ${resultsPath.pathname}`);
  }
  if (failed) process.exitCode = 1;
}

function print(result: SectionResult, elapsedMs: number): void {
  console.log(`## ${result.title}\n`);
  for (const table of result.tables) console.log(`${markdownTable(table)}\n`);
  for (const note of result.notes ?? []) console.log(`${note}\n`);
  if (result.targets.length > 0) {
    console.log('Targets:\n');
    for (const t of result.targets) console.log(`- ${t.met ? 'MET' : 'MISSED'}: ${t.name} (${t.detail})`);
    console.log('');
  }
  console.log(`_(section took ${(elapsedMs / 1000).toFixed(1)} s)_\n`);
}

await main();
