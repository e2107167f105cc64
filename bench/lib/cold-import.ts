/**
 * Cold `import()` time of a package: a fresh Node process per sample, timing only the `await import()`
 * inside it (process start excluded), as a Cloud Function pays it on a cold start. Samples of the
 * packages compared are interleaved round by round, so load on a shared machine hits them alike.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

/** Wall and CPU milliseconds of one cold import. */
export interface ImportSample {
  wallMs: number;
  cpuMs: number;
}

/**
 * Imports `specifier` once in a fresh Node process started at the repository root (so the package
 * resolves itself by name, through its `exports` map) and returns how long the import took. Several
 * specifiers joined by ` + ` are imported one after the other in that process (an application that
 * imports the package and zod), and timed together. What follows ` then ` is a statement run after the
 * imports and timed with them, over the first module as `m0` (a first call that loads what the import
 * deferred).
 *
 * @example
 * const { wallMs } = await coldImport('cockatiel');
 */
export async function coldImport(specifier: string): Promise<ImportSample> {
  const [modules = '', firstUse] = specifier.split(' then ');
  const imports = modules.split(' + ').map((s, i) => `const m${i} = await import(${JSON.stringify(s)});`);
  const script = [
    'const c0 = process.cpuUsage(); const t0 = performance.now();',
    ...imports,
    ...(firstUse === undefined ? [] : [`${firstUse};`]),
    'const wall = performance.now() - t0; const c = process.cpuUsage(c0);',
    'process.stdout.write(JSON.stringify({ wallMs: wall, cpuMs: (c.user + c.system) / 1000 }));',
  ].join('\n');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
  return JSON.parse(stdout) as ImportSample;
}

/**
 * `rounds` cold imports of each specifier, interleaved (one of each per round).
 *
 * @example
 * const samples = await coldImports(['gcp-pipeline-resilience', 'cockatiel'], 15);
 */
export async function coldImports(
  specifiers: readonly string[],
  rounds: number,
): Promise<Record<string, ImportSample[]>> {
  const samples: Record<string, ImportSample[]> = Object.fromEntries(specifiers.map((s) => [s, []]));
  for (let round = 0; round < rounds; round++) {
    for (const specifier of specifiers) samples[specifier]?.push(await coldImport(specifier));
  }
  return samples;
}
