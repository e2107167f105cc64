/**
 * Node's build (`dist/node/`) builds the exported schemas on first use; the bundler build (`dist/`)
 * builds them at import, with the application's zod (docs/decisions/lazy-zod.md). This test holds the
 * built files to both halves of that: nothing is built by the import in Node's build (ES module and
 * CommonJS), everything is in the bundler's, and each exported schema of one build answers like the
 * same schema of the other. `npm test` builds first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';

const root = fileURLToPath(new URL('../../', import.meta.url));
const builds = {
  node: `${root}dist/node/index.js`,
  nodeCommonJs: `${root}dist/node/index.cjs`,
  bundler: `${root}dist/index.js`,
};

type Exports = Record<string, unknown>;
let node: Exports;
let bundler: Exports;
let schemaNames: string[];

beforeAll(async () => {
  for (const file of Object.values(builds)) {
    if (!existsSync(file)) throw new Error(`${file} is missing: build the package first (npm run build)`);
  }
  bundler = (await import(/* @vite-ignore */ pathToFileURL(builds.bundler).href)) as Exports;
  node = (await import(/* @vite-ignore */ pathToFileURL(builds.node).href)) as Exports;
  schemaNames = Object.keys(bundler).filter((name) => bundler[name] instanceof z.ZodType);
});

/**
 * What `body` (an expression over the loaded module `m` and the test's own zod `z`) gives in a fresh
 * process that loads `file`: nothing else has used its schemas yet.
 */
function inFreshProcess(file: string, body: string, nodeFlags: string[] = []): unknown {
  const commonJs = file.endsWith('.cjs');
  const load = commonJs
    ? `const m = require(${JSON.stringify(file)}); const z = require('zod');`
    : `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); const z = await import('zod');`;
  const script = `${load}\nprocess.stdout.write(JSON.stringify(${body}));`;
  const type = commonJs ? 'commonjs' : 'module';
  const args = [...nodeFlags, `--input-type=${type}`, '-e', script];
  return JSON.parse(execFileSync(process.execPath, args, { cwd: root }).toString());
}

/** How many own keys each named export has right after a fresh process loads `file`. */
function ownKeysAtImport(file: string, names: string[]): Record<string, number> {
  const counts = `Object.fromEntries(${JSON.stringify(names)}.map((n) => [n, Object.keys(m[n]).length]))`;
  return inFreshProcess(file, counts) as Record<string, number>;
}

describe('exported schemas in the two builds', () => {
  it('finds the exported schemas (the cases below would hold for none otherwise)', () => {
    expect(schemaNames).toEqual(expect.arrayContaining(['Phase2CompletionMessage', 'Sport', 'calendarDate']));
    expect(schemaNames.length).toBeGreaterThanOrEqual(14);
  });

  it("are not built by Node's import, ES module or CommonJS", () => {
    for (const file of [builds.node, builds.nodeCommonJs]) {
      const counts = ownKeysAtImport(file, schemaNames);
      expect(Object.entries(counts).filter(([, keys]) => keys !== 0)).toEqual([]);
    }
  });

  it("are built by the bundler build's import", () => {
    const counts = ownKeysAtImport(builds.bundler, schemaNames);
    expect(Object.entries(counts).filter(([, keys]) => keys === 0)).toEqual([]);
  });

  it('answer alike in both builds: JSON Schema, metadata, parses and issues', () => {
    const samples: unknown[] = [
      {},
      { processor_name: 'BdlGamesProcessor', game_date: '2026-01-24', record_count: 3 },
      { scraper_name: 'odds', gcs_path: 'gs://b/p', status: 'partial', game_date: '2026-02-30' },
      { target_date: 'yesterday', sport: 'mlb', force: 'yes' },
      'nba',
      '2024-02-29',
      7,
      null,
    ];
    for (const name of schemaNames) {
      const fromNode = node[name] as z.ZodType;
      const fromBundler = bundler[name] as z.ZodType;
      expect(z.globalRegistry.get(fromNode), name).toEqual(z.globalRegistry.get(fromBundler));
      expect(z.toJSONSchema(fromNode, { io: 'input', unrepresentable: 'any' }), name).toEqual(
        z.toJSONSchema(fromBundler, { io: 'input', unrepresentable: 'any' }),
      );
      for (const sample of samples) {
        const a = fromNode.safeParse(sample);
        const b = fromBundler.safeParse(sample);
        expect({ success: a.success, data: a.data, issues: a.error?.issues }, name).toEqual({
          success: b.success,
          data: b.data,
          issues: b.error?.issues,
        });
      }
    }
  });

  it('answer alike before their first use: for...in, a registry entry the application added, a frozen schema', () => {
    const body = `(() => {
      const keys = []; for (const key in m.Phase2CompletionMessage) keys.push(key);
      z.globalRegistry.add(m.Sport, { title: 'Mine' });
      Object.freeze(m.calendarDate);
      const frozen = z.object({ day: m.calendarDate }).safeParse({ day: '2024-02-30' });
      return { keys, sport: [z.globalRegistry.get(m.Sport), z.toJSONSchema(m.Sport).title], frozen: frozen.error?.issues };
    })()`;
    const expected = inFreshProcess(builds.bundler, body);
    expect(expected).toMatchObject({ keys: ['def', 'type'], sport: [{ title: 'Mine' }, 'Mine'] });
    for (const file of [builds.node, builds.nodeCommonJs])
      expect(inFreshProcess(file, body), file).toEqual(expected);
  });

  it("keep V8's fast properties once built, as an eagerly built schema does", () => {
    const body = `[m.Phase2CompletionMessage.safeParse({}).success, %HasFastProperties(m.Phase2CompletionMessage),
      m.Sport.parse('nba'), %HasFastProperties(m.Sport), %HasFastProperties(m.Sport.clone())]`;
    for (const file of [builds.node, builds.nodeCommonJs]) {
      expect(inFreshProcess(file, body, ['--allow-natives-syntax']), file).toEqual([
        false,
        true,
        'nba',
        true,
        true,
      ]);
    }
  });
});

describe("zod in Node's build", () => {
  const zodFile = `${root}dist/node/zod.cjs`;

  it('is read on first use by the ES modules, not at import; the CommonJS build inlines its own', () => {
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const loaded = () => Object.keys(require.cache).filter((file) => file === ${JSON.stringify(zodFile)}).length;
      const esm = await import(${JSON.stringify(pathToFileURL(builds.node).href)});
      const cjs = require(${JSON.stringify(builds.nodeCommonJs)});
      const atImport = loaded();
      const parsed = [esm.Sport.parse('nba'), esm.calendarDate.safeParse('2025-02-29').success];
      const afterEsmUse = loaded();
      const parsedCjs = cjs.Sport.parse('mlb');
      process.stdout.write(JSON.stringify({ atImport, afterEsmUse, afterCjsUse: loaded(), parsed, parsedCjs }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
    }).toString();
    expect(JSON.parse(out)).toEqual({
      atImport: 0,
      afterEsmUse: 1,
      afterCjsUse: 1,
      parsed: ['nba', false],
      parsedCjs: 'mlb',
    });
  });

  /**
   * Bundles `app` (ES module code importing Node's build by its path, as a bundler told not to use the
   * `module` condition resolves it) into `dir`, runs it there and returns what it printed.
   */
  async function bundleAndRunIn(dir: string, app: string): Promise<string> {
    const outfile = join(dir, 'app.mjs');
    await build({
      stdin: { contents: app, resolveDir: dir, loader: 'js' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile,
      logLevel: 'silent',
    });
    expect(readdirSync(dir)).toContain('app.mjs');
    expect(readdirSync(dir)).not.toContain('zod.cjs');
    return execFileSync(process.execPath, [outfile], { cwd: dir }).toString();
  }

  it('falls back to the zod package when an application bundled Node build has no zod.cjs beside it', async () => {
    // Inside the repository, so that the bundle finds the zod package the way a deployed app would.
    const dir = mkdtempSync(join(root, 'node_modules', '.gpr-bundled-node-build-'));
    try {
      const out = await bundleAndRunIn(
        dir,
        `import { Phase2CompletionMessage } from ${JSON.stringify(builds.node)};
        const issue = Phase2CompletionMessage.safeParse({ processor_name: 'p', game_date: '2026-02-30' }).error.issues[0];
        console.log(JSON.stringify([issue.path, issue.message]));`,
      );
      expect(JSON.parse(out)).toEqual([['game_date'], 'must be a real calendar date (YYYY-MM-DD)']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the problem when that fallback finds an older zod', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpr-bundled-node-build-zod3-'));
    try {
      // The application's own zod is zod 3 (zod 4's `zod/v3` stands in for it).
      mkdirSync(join(dir, 'node_modules', 'zod'), { recursive: true });
      writeFileSync(
        join(dir, 'node_modules', 'zod', 'index.js'),
        `module.exports = require(${JSON.stringify(`${root}node_modules/zod/v3/index.cjs`)});`,
      );
      const out = await bundleAndRunIn(
        dir,
        `import { Sport } from ${JSON.stringify(builds.node)};
        try { Sport.parse('nba'); console.log('parsed'); } catch (err) { console.log(err.message); }`,
      );
      expect(out).toContain('zod.cjs is missing beside the bundle and the zod found instead is not zod 4');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the problem, at the first use, when the bundle is deployed without any zod', async () => {
    // A slim image or a bundled function: no node_modules anywhere above the bundle.
    const dir = mkdtempSync(join(tmpdir(), 'gpr-bundled-node-build-no-zod-'));
    try {
      const out = await bundleAndRunIn(
        dir,
        `import { Sport } from ${JSON.stringify(builds.node)};
        console.log('imported');
        try { Sport.parse('nba'); console.log('parsed'); } catch (err) { console.log(err.message); }`,
      );
      expect(out).toContain('imported');
      expect(out).toContain('zod.cjs is missing beside the bundle and no zod is installed');
      expect(out).toContain("the 'module' condition");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
