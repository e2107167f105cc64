/**
 * A bundler takes the ES module build (`dist/`, the `module` condition) and may write CommonJS:
 * esbuild's default output for `--platform=node` is CommonJS, and so is a Cloud Function bundled
 * that way. In that output `import.meta` is an empty object, so the build must not compute anything
 * from `import.meta.url` at load, and what it `require`s at first use (`node:crypto`, the
 * OpenTelemetry API, an optional peer's files) must be found from the bundle's own file. This test
 * bundles a small application from the built `dist/index.js` to CommonJS and runs it in a fresh
 * process. `npm test` builds first.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const entry = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'gpr-bundled-cjs-'));

/** The optional peers stay outside the bundle, as an application that does not install them has. */
const OPTIONAL_PEERS = ['@google-cloud/*', '@opentelemetry/*', '@duckdb/*', '@grpc/*', 'nodemailer', 'pino'];

beforeAll(() => {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build the package first (npx tsup)`);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function bundleAndRun(code: string): Promise<unknown> {
  const outfile = join(work, `app-${Math.random().toString(36).slice(2)}.cjs`);
  await build({
    stdin: { contents: code, resolveDir: work, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: OPTIONAL_PEERS,
    outfile,
    logLevel: 'silent',
  });
  const { stdout } = await run(process.execPath, [outfile]);
  return JSON.parse(stdout);
}

describe('the ES module build bundled to CommonJS', () => {
  it('loads with the BigQuery layer and hashes insert ids (node:crypto on first use)', async () => {
    const result = await bundleAndRun(`
      import { BigQueryExecutor, stableInsertId } from ${JSON.stringify(entry)};
      console.log(JSON.stringify({ executor: typeof BigQueryExecutor, id: stableInsertId({ a: 1 }) }));
    `);
    expect(result).toEqual({ executor: 'function', id: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('loads with every layer (import *)', async () => {
    const result = await bundleAndRun(`
      import * as pkg from ${JSON.stringify(entry)};
      console.log(JSON.stringify({ retry: typeof pkg.retry, names: Object.keys(pkg).length > 50 }));
    `);
    expect(result).toEqual({ retry: 'function', names: true });
  });
});
