/**
 * `npx tsx bench/run.ts size`: what importing the package costs. Bundle sizes (deterministic) of
 * one-line applications against cockatiel and p-retry bundled the same way, and cold `import()` time
 * of the main entry against cockatiel's and p-retry's, in fresh processes, in the same run. Needs
 * `npm run build` first: it measures `dist/` as published.
 */
import { bundleSize, kb, SIZE_BASELINES, SIZE_CASES } from '../lib/bundle-size.js';
import { coldImports } from '../lib/cold-import.js';
import type { Mode, SectionResult, Target } from '../lib/section.js';
import { fmt, median, round, type Table } from '../lib/stats.js';

const PACKAGE = 'gcp-pipeline-resilience';
/** The import-time promise: the main entry within this factor of cockatiel's cold import. */
const IMPORT_RATIO_LIMIT = 1.3;

export async function size(mode: Mode): Promise<SectionResult> {
  const targets: Target[] = [];
  const sizeRows: string[][] = [];
  const baselineRows: string[][] = [];
  const figures: Record<string, unknown> = {};

  const baselines: Record<string, number> = {};
  for (const baseline of SIZE_BASELINES) {
    const { bytes } = await bundleSize(baseline.code);
    baselines[baseline.name] = bytes;
    baselineRows.push([baseline.name, fmt(kb(bytes), 1), '-', '-', '-', '-']);
  }
  const cockatielBytes = baselines[SIZE_BASELINES[0]!.name]!;
  for (const c of SIZE_CASES) {
    const { bytes, zodBytes } = await bundleSize(c.code);
    figures[c.name] = { bytes, zodBytes, targetKb: c.targetKb, ceilingKb: c.ceilingKb };
    sizeRows.push([
      c.name,
      fmt(kb(bytes), 1),
      fmt(kb(zodBytes), 1),
      `${c.targetKb}${c.stretchKb ? ` (stretch ${c.stretchKb})` : ''}`,
      String(c.ceilingKb),
      `${fmt(bytes / cockatielBytes, 2)}x`,
    ]);
    targets.push({
      name: `${c.name} <= ${c.targetKb} KB minified`,
      met: bytes <= c.targetKb * 1024,
      detail: `${fmt(kb(bytes), 1)} KB`,
    });
    if (c.stretchKb !== undefined) {
      targets.push({
        name: `stretch: ${c.name} <= ${c.stretchKb} KB minified`,
        met: bytes <= c.stretchKb * 1024,
        detail: `${fmt(kb(bytes), 1)} KB`,
      });
    }
  }
  figures.baselines = baselines;

  const rounds = mode === 'full' ? 15 : 3;
  // Node loads the package's own build, which carries its copy of zod in a few files
  // (docs/decisions/build.md). An application that builds schemas of its own also imports the zod
  // it installed: that case is measured too, beside zod's own cold import.
  const withZod = `${PACKAGE} + zod`;
  // Node's build defers zod and the exported schemas to their first use (docs/decisions/lazy-zod.md):
  // a handler's cold start pays the import and that first parse, measured together here.
  const firstParse = `${PACKAGE} then m0.Phase2CompletionMessage.safeParse({ processor_name: 'p', game_date: '2026-01-24' })`;
  const specifiers = [PACKAGE, 'cockatiel', 'p-retry', 'zod', withZod, firstParse];
  const samples = await coldImports(specifiers, rounds);
  const medians = Object.fromEntries(
    specifiers.map((s) => [
      s,
      {
        wallMs: median(samples[s]!.map((x) => x.wallMs)),
        cpuMs: median(samples[s]!.map((x) => x.cpuMs)),
      },
    ]),
  );
  const base = medians.cockatiel!;
  const importRows = specifiers.map((s) => [
    s === PACKAGE
      ? `${PACKAGE} (main entry)`
      : s === 'zod'
        ? "zod alone (the application's own)"
        : s === withZod
          ? "the main entry, then the application's own zod"
          : s === firstParse
            ? 'the main entry, then its first schema parse'
            : s,
    fmt(medians[s]!.wallMs, 1),
    fmt(medians[s]!.cpuMs, 1),
    `${fmt(medians[s]!.wallMs / base.wallMs, 2)}x`,
    `${fmt(medians[s]!.cpuMs / base.cpuMs, 2)}x`,
  ]);
  const ratio = medians[PACKAGE]!.wallMs / base.wallMs;
  figures.coldImport = { rounds, medians, ratioToCockatiel: round(ratio, 3) };
  targets.push({
    name: `cold import() of the main entry <= ${IMPORT_RATIO_LIMIT}x cockatiel's`,
    met: ratio <= IMPORT_RATIO_LIMIT,
    detail: `${fmt(ratio, 2)}x (median of ${rounds} fresh processes each, interleaved)`,
  });

  const tables: Table[] = [
    {
      title: 'Bundle size: esbuild --bundle --minify --platform=node of a one-line file',
      headers: [
        'import',
        'KB',
        'of which zod, KB',
        'target, KB',
        'npm test ceiling, KB',
        'vs cockatiel retry',
      ],
      rows: [...sizeRows, ...baselineRows],
      note: 'KB = 1024 bytes, minified, not compressed. The optional peers (Google clients) are external; zod is bundled.',
    },
    {
      title: 'Cold import(): a fresh Node process per sample, import only',
      headers: ['package', 'wall ms (median)', 'CPU ms (median)', 'wall vs cockatiel', 'CPU vs cockatiel'],
      rows: importRows,
      note: `${rounds} samples per package, interleaved round by round; process start not included.`,
    },
  ];
  return { title: 'Import cost', tables, figures, targets };
}
