/**
 * Typechecks the packed package as a new user's project sees it: a fresh directory holding only the
 * tarball's contents, `zod` and `typescript` (no Google client, no OpenTelemetry, no `@types/node`),
 * `strict: true`, `skipLibCheck: false`, so that our own `.d.ts` / `.d.cts` files are checked too.
 * A consumer that imports `retry`, `toPipelineError`, `createMessageHandler` and `parseMessage` is
 * checked under `moduleResolution` nodenext (module nodenext), node16 (module node16), both as an ES
 * module (`.mts`) and as CommonJS (`.cts`), and bundler (module esnext). Before that, the declarations
 * the main entry loads are searched for an import of an optional peer dependency, which names the
 * file and the package. No network: the package is unpacked with `tar`, `zod` and `typescript` are
 * linked from this repository's node_modules. See docs/decisions/types-without-peers.md.
 *
 * `node scripts/check-consumer-types.mjs [tarball]`: packs the package into a temporary directory
 * when no tarball is given. Needs `npm run build` first. `check-package.mjs` runs it on its tarball.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** What the consumer does with the four names: each result is used with its precise type. */
const CONSUMER = `import {
  createMessageHandler,
  parseMessage,
  type PipelineError,
  retry,
  toPipelineError,
} from 'gcp-pipeline-resilience';
import * as z from 'zod';

const Order = z.object({ id: z.string(), quantity: z.number().int() });

export const doubled: Promise<number> = retry(async ({ attempt }) => attempt * 2, { maxAttempts: 3 });
export const typed: PipelineError = toPipelineError(new Error('boom'));
export const transient: boolean = typed.transient;
export const order: { id: string; quantity: number } = parseMessage(Order, { id: 'a', quantity: 1 });
export const handler = createMessageHandler(
  Order,
  async (data) => {
    const quantity: number = data.quantity;
    return quantity;
  },
  { onInvalid: 'nack' },
);
// @ts-expect-error: the parsed message is typed, not any.
export const wrong: string = parseMessage(Order, {}).quantity;
`;

/** One program per resolution mode; nodenext and node16 check an ES module and a CommonJS consumer. */
const MODES = [
  {
    name: 'nodenext',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    files: ['consumer.mts', 'consumer.cts'],
  },
  { name: 'node16', module: 'node16', moduleResolution: 'node16', files: ['consumer.mts', 'consumer.cts'] },
  { name: 'bundler', module: 'esnext', moduleResolution: 'bundler', files: ['consumer.ts'] },
];

/** Runs the check on a packed tarball; throws with every failure. Returns the time it took, ms. */
export async function checkConsumerTypes(tarball) {
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'gpr-consumer-'));
  try {
    const project = join(work, 'consumer');
    const installed = join(project, 'node_modules', 'gcp-pipeline-resilience');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
    for (const name of ['zod', 'typescript']) {
      symlinkSync(join(root, 'node_modules', name), join(project, 'node_modules', name), 'junction');
    }
    const leaks = peerImports(installed);
    if (leaks.length > 0) {
      throw new Error(
        `The main entry's declarations import optional peer dependencies, which a project without them cannot resolve (TS2307):\n${leaks.join('\n')}`,
      );
    }
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    for (const file of ['consumer.mts', 'consumer.cts', 'consumer.ts'])
      writeFileSync(join(project, file), CONSUMER);
    const tsc = join(project, 'node_modules', 'typescript', 'lib', 'tsc.js');
    const runs = MODES.map(async (mode) => {
      const config = `tsconfig.${mode.name}.json`;
      writeFileSync(
        join(project, config),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            skipLibCheck: false,
            // TypeScript's own lib.*.d.ts only; our declarations and zod's are checked.
            skipDefaultLibCheck: true,
            module: mode.module,
            moduleResolution: mode.moduleResolution,
            target: 'es2022',
            types: [],
            noEmit: true,
          },
          files: mode.files,
        }),
      );
      try {
        await promisify(execFile)(process.execPath, [tsc, '-p', config], { cwd: project });
        return undefined;
      } catch (error) {
        return `moduleResolution ${mode.name} (${mode.files.join(', ')}):\n${error.stdout || error.message}`;
      }
    });
    const failures = (await Promise.all(runs)).filter((failure) => failure !== undefined);
    if (failures.length > 0) {
      throw new Error(
        `A project with only this package, zod and typescript does not typecheck:\n${failures.join('\n')}`,
      );
    }
    return performance.now() - started;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Every import of an optional peer in the declarations the main entry (`.` in the exports map) loads,
 * following their relative imports into shared chunks, as `file: package` lines.
 */
function peerImports(installed) {
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  const optional = Object.entries(manifest.peerDependenciesMeta ?? {})
    .filter(([, meta]) => meta.optional)
    .map(([name]) => name);
  const entry = manifest.exports['.'];
  const pending = [entry.import.types, entry.require.types].map((types) => join(installed, types));
  const seen = new Set();
  const leaks = [];
  while (pending.length > 0) {
    const file = pending.pop();
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(
      /^(?:import|export)[^;]*?from ['"]([^'"]+)['"]|import\(['"]([^'"]+)['"]\)/gm,
    )) {
      const specifier = match[1] ?? match[2];
      if (specifier.startsWith('.')) {
        const base = join(dirname(file), specifier).replace(/\.[cm]?js$/, '');
        pending.push(`${base}.d.ts`, `${base}.d.cts`, `${base}.d.mts`);
      } else if (optional.some((peer) => specifier === peer || specifier.startsWith(`${peer}/`))) {
        leaks.push(`  ${file.slice(installed.length + 1)}: ${specifier}`);
      }
    }
  }
  return leaks;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const given = process.argv[2];
  const packDir = given ? undefined : mkdtempSync(join(tmpdir(), 'gpr-pack-'));
  try {
    let tarball = given && resolve(given);
    if (packDir) {
      const packed = execFileSync(npm, ['pack', '--silent', '--pack-destination', packDir], {
        cwd: root,
        encoding: 'utf8',
      });
      tarball = join(packDir, packed.trim().split('\n').at(-1) ?? '');
    }
    const ms = await checkConsumerTypes(tarball);
    console.log(`consumer types: ok (nodenext, node16, bundler; ESM and CJS) in ${(ms / 1000).toFixed(1)} s`);
  } catch (error) {
    console.error(error.message);
    process.exitCode = 1;
  } finally {
    if (packDir) rmSync(packDir, { recursive: true, force: true });
  }
}
