/**
 * What importing the package costs a bundled application: esbuild `--bundle --minify --platform=node`
 * of a one-line file, the way a Cloud Function is usually built. The package is resolved by its name
 * through its own `exports` map (self-reference), so the figures are those of the built `dist/`, as a
 * user gets it. The optional peers (the Google clients, the stand-ins' engines) are left external: a
 * user who imports a layer installs its peer anyway, and they weigh the same with any library. zod,
 * the one runtime dependency, is bundled and counted.
 *
 * Shared by `npm run bench` (the `size` section) and the size check in `npm test`: one list of cases
 * and limits.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * One import to measure. `targetKb` is the size the package aims at (reported by the bench as met or
 * missed); `ceilingKb` is what `npm test` enforces: the target once it is met, until then the size
 * reached so far plus a small margin, so that no change makes the import heavier unnoticed.
 * KB = 1024 bytes, minified.
 */
export interface SizeCase {
  name: string;
  /** The one line of the application. */
  code: string;
  /** The size promised (issue target). */
  targetKb: number;
  /** A tighter figure we aim for; reported, never enforced. */
  stretchKb?: number;
  /** The most it may weigh in `npm test`. */
  ceilingKb: number;
}

/** The package's size promises, checked in `npm test` and reported by `npm run bench`. */
export const SIZE_CASES: readonly SizeCase[] = [
  {
    name: '{ retry }',
    code: "import { retry } from 'gcp-pipeline-resilience'; console.log(retry);",
    targetKb: 25,
    stretchKb: 15,
    ceilingKb: 44.5,
  },
  {
    name: '{ retry, RetryBudget, CircuitBreaker, toPipelineError }',
    code: "import { retry, RetryBudget, CircuitBreaker, toPipelineError } from 'gcp-pipeline-resilience'; console.log(retry, RetryBudget, CircuitBreaker, toPipelineError);",
    targetKb: 30,
    ceilingKb: 50.9,
  },
  {
    name: 'import * (everything, zod included)',
    code: "import * as all from 'gcp-pipeline-resilience'; console.log(all);",
    targetKb: 150,
    ceilingKb: 473.5,
  },
];

/** The alternatives, as their users import them, bundled the same way in the same run. */
export const SIZE_BASELINES: ReadonlyArray<{ name: string; code: string }> = [
  {
    name: 'cockatiel retry (handleAll, ExponentialBackoff)',
    code: "import { retry, handleAll, ExponentialBackoff } from 'cockatiel'; console.log(retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() }));",
  },
  { name: 'p-retry', code: "import pRetry from 'p-retry'; console.log(pRetry);" },
];

/** What one bundle weighs, and how much of it is zod. */
export interface BundleSize {
  bytes: number;
  zodBytes: number;
  /** The files that put code in the bundle, relative to the repository root. */
  inputs: string[];
  /** The bundle itself, to check what was kept. */
  text: string;
}

/** The optional peers of the package: external in every measurement. */
export function optionalPeers(): string[] {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
    peerDependencies?: Record<string, string>;
  };
  return Object.keys(pkg.peerDependencies ?? {});
}

/**
 * Bundles `code` as an application at the repository root would and returns its minified size.
 * Needs `npm run build` first for the package's own cases.
 *
 * @example
 * const { bytes } = await bundleSize("import { retry } from 'gcp-pipeline-resilience'; console.log(retry);");
 */
export async function bundleSize(code: string): Promise<BundleSize> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    stdin: { contents: code, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: optionalPeers(),
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no output');
  let zodBytes = 0;
  const inputs: string[] = [];
  for (const out of Object.values(result.metafile.outputs)) {
    for (const [file, input] of Object.entries(out.inputs)) {
      if (input.bytesInOutput === 0) continue;
      inputs.push(file);
      if (file.includes('node_modules/zod/')) zodBytes += input.bytesInOutput;
    }
  }
  return { bytes: output.contents.length, zodBytes, inputs, text: output.text };
}

/** Bytes to KB (1024), one decimal. */
export function kb(bytes: number): number {
  return Math.round((bytes / 1024) * 10) / 10;
}
