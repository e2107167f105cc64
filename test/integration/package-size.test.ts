/**
 * The size promises of the built package (bench/lib/bundle-size.ts holds the list): a one-line
 * application bundled with esbuild `--bundle --minify --platform=node` must stay under each case's
 * ceiling. Sizes are deterministic, so this is a test; import time is measured in `npm run bench`.
 * `npm test` builds first.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleSize, kb, SIZE_CASES } from '../../bench/lib/bundle-size.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

beforeAll(() => {
  const entry = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build the package first (npx tsup)`);
});

describe('what importing the package costs a bundled application', () => {
  it.each(SIZE_CASES)('$name stays within $ceilingKb KB minified', async ({ code, ceilingKb }) => {
    const { bytes } = await bundleSize(code);
    expect(kb(bytes), `${kb(bytes)} KB`).toBeLessThanOrEqual(ceilingKb);
  });

  it('bundles no zod for the retry layer and the error taxonomy', async () => {
    for (const c of SIZE_CASES.filter((c) => !c.code.includes('import *'))) {
      expect((await bundleSize(c.code)).zodBytes, c.name).toBe(0);
    }
  });

  it('drops the classes an application never uses: `{ retry }` carries no CircuitBreaker and no error class of other layers', async () => {
    const retryOnly = SIZE_CASES.find((c) => /import \{ retry \}/.test(c.code));
    const { text } = await bundleSize(retryOnly?.code ?? '');
    // `retry` itself is there, with the classes its classification constructs...
    expect(text).toContain('"ServiceUnavailableError"');
    expect(text).toContain('"CircuitBreakerOpenError"');
    // ...but not the breaker (its option check names it) nor errors that only other layers throw.
    expect(text).not.toContain('new CircuitBreaker');
    for (const name of ['MessageDecodeError', 'StorageError', 'QueryGuardError', 'AlertConfigError']) {
      expect(text, name).not.toContain(`"${name}"`);
    }
  });

  it('bundles no zod locale but English, even for import * (zod is imported as a namespace)', async () => {
    const all = SIZE_CASES.find((c) => c.code.includes('import *'));
    const { inputs } = await bundleSize(all?.code ?? '');
    expect(inputs.some((file) => file.includes('node_modules/zod/'))).toBe(true);
    // `import { z } from 'zod'` made esbuild keep every locale (about 260 KB minified).
    expect(inputs.filter((file) => /zod\/v4\/locales\/(?!en\.js)/.test(file))).toEqual([]);
  });
});

describe('what importing the package costs a cold start in Node', () => {
  it("reads none of Node's lazily loaded globals at import (fetch's load undici)", async () => {
    const script = `
      const read = [];
      for (const name of ['fetch', 'Response', 'Request', 'Headers', 'FormData', 'TextDecoder', 'TextEncoder']) {
        const own = Object.getOwnPropertyDescriptor(globalThis, name);
        Object.defineProperty(globalThis, name, {
          configurable: true,
          get() { read.push(name); return own.get ? own.get.call(globalThis) : own.value; },
        });
      }
      await import('gcp-pipeline-resilience');
      process.stdout.write(JSON.stringify(read));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(JSON.parse(stdout)).toEqual([]);
  });

  // `process.moduleLoadList` names every Node builtin loaded so far. The probe proves it can see the
  // two: it lists them once they are imported on purpose, after the package.
  it('loads neither node:crypto (OpenSSL), node:http nor node:util at import: they load on first use', async () => {
    const script = `
      const wanted = ['NativeModule crypto', 'NativeModule http', 'NativeModule internal/util/parse_args/parse_args'];
      const loaded = () => wanted.filter((name) => process.moduleLoadList.includes(name));
      const before = loaded();
      await import('gcp-pipeline-resilience');
      const afterPackage = loaded();
      await import('node:crypto');
      await import('node:http');
      await import('node:util'); // an ES module import of it loads its argument parser
      process.stdout.write(JSON.stringify({ before, afterPackage, afterProbe: loaded() }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(JSON.parse(stdout)).toEqual({
      before: [],
      afterPackage: [],
      afterProbe: [
        'NativeModule crypto',
        'NativeModule http',
        'NativeModule internal/util/parse_args/parse_args',
      ],
    });
  });
});
