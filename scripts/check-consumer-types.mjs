/**
 * Typechecks the packed package as a new user's project sees it: a fresh directory holding only the
 * tarball's contents, `zod` and `typescript` (no Google client, no OpenTelemetry, no `@types/node`),
 * `strict: true`, `skipLibCheck: false`, so that our own `.d.ts` / `.d.cts` files are checked too.
 * A consumer that imports `retry`, `toPipelineError`, `createMessageHandler` and `parseMessage` is
 * checked under `moduleResolution` nodenext (module nodenext), node16 (module node16), both as an ES
 * module (`.mts`) and as CommonJS (`.cts`), and bundler (module esnext). Before that, the declarations
 * the main entry loads are searched for an import of an optional peer dependency, which names the
 * file and the package.
 *
 * Three more projects check the `./testing` subpath the same way: one with no peer (the clock, the
 * HTTP and Slack stand-ins, fault rules), one with only `@google-cloud/bigquery`
 * and `@google-cloud/pubsub` beside it (what a pipeline's tests install) that starts the BigQuery and
 * Pub/Sub stand-ins and adds fault rules, and one with every peer the testing declarations import,
 * whose stand-ins' `client()` must still be the real client classes (not `any`).
 *
 * No network: the package is unpacked with `tar`, `zod`, `typescript` and the Google clients are linked
 * from this repository's node_modules. See docs/decisions/types-without-peers.md.
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

/**
 * The testing subpath with no Google client and no `@types/node`: the clock, the HTTP and Slack
 * stand-ins and fault rules need none.
 */
const TESTING_NO_PEER_CONSUMER = `import {
  type BigQueryFaultRule,
  createTestClock,
  type PubSubFaultRule,
  startHttpStandIn,
  startSlackStandIn,
} from 'gcp-pipeline-resilience/testing';

export async function standIns(): Promise<string> {
  const clock = createTestClock();
  await clock.sleep(10);
  const http = await startHttpStandIn();
  const slack = await startSlackStandIn();
  const rules: [BigQueryFaultRule, PubSubFaultRule] = [
    { path: /insertAll/, error: { status: 503, reason: 'backendError' }, times: 2 },
    { method: 'Publish', code: 'UNAVAILABLE', times: 2 },
  ];
  void [slack, rules];
  return http.url;
}
`;

/**
 * The testing subpath with only the BigQuery and Pub/Sub clients installed: the stand-ins' clients are
 * the real classes, fault rules are checked against their types.
 */
const TESTING_CONSUMER = `import type { BigQuery } from '@google-cloud/bigquery';
import type { PubSub } from '@google-cloud/pubsub';
import {
  type BigQueryFaultRule,
  createTestClock,
  type PubSubFaultRule,
  startBigQueryStandIn,
  startPubSubStandIn,
} from 'gcp-pipeline-resilience/testing';

export async function standIns(): Promise<[BigQuery, PubSub]> {
  const clock = createTestClock();
  await clock.sleep(10);
  const bigquery = await startBigQueryStandIn();
  const insertFails: BigQueryFaultRule = { path: /insertAll/, error: { status: 503, reason: 'backendError' }, times: 2 };
  bigquery.faults.add(insertFails);
  const rows: Record<string, unknown>[] = await bigquery.run('SELECT 1 AS x');
  const pubsub = await startPubSubStandIn();
  const publishFails: PubSubFaultRule = { method: 'Publish', code: 'UNAVAILABLE', times: 2 };
  pubsub.faults.add(publishFails);
  // @ts-expect-error: a fault rule's method is checked.
  pubsub.faults.add({ method: 'Publish', code: 'NOT_A_STATUS', times: 1 });
  // @ts-expect-error: the client is the real BigQuery class, not any.
  const notBigQuery: string = bigquery.client();
  // @ts-expect-error: the client is the real PubSub class, not any.
  const notPubSub: string = pubsub.client({ projectId: 'p' });
  void [rows, notBigQuery, notPubSub];
  return [bigquery.client({ projectId: 'p' }), pubsub.client()];
}
`;

/** The testing subpath with every peer its declarations import: each stand-in hands out the real class. */
const TESTING_ALL_PEERS_CONSUMER = `${TESTING_CONSUMER}
import type { v1 } from '@google-cloud/bigquery-storage';
import type { Logging } from '@google-cloud/logging';
import type { MetricServiceClient } from '@google-cloud/monitoring';
import type { Storage } from '@google-cloud/storage';
import { startLoggingStandIn, startMonitoringStandIn, startStorageStandIn } from 'gcp-pipeline-resilience/testing';

export async function moreStandIns(): Promise<[v1.BigQueryWriteClient, Logging, MetricServiceClient, Storage]> {
  const bigquery = await startBigQueryStandIn();
  const pubsub = await startPubSubStandIn();
  const logging = await startLoggingStandIn();
  const monitoring = await startMonitoringStandIn({ pubsub });
  const storage = await startStorageStandIn();
  // @ts-expect-error: the write client is the real class, not any.
  const notWriter: string = bigquery.writeClient();
  // @ts-expect-error: the client is the real Logging class, not any.
  const notLogging: string = logging.client();
  // @ts-expect-error: the client is the real MetricServiceClient class, not any.
  const notMonitoring: string = monitoring.client();
  // @ts-expect-error: the client is the real Storage class, not any.
  const notStorage: string = storage.client();
  void [notWriter, notLogging, notMonitoring, notStorage];
  return [bigquery.writeClient(), logging.client(), monitoring.client(), storage.client()];
}
`;

/**
 * One fresh project per case: which packages sit beside this one (linked from this repository) and
 * what the consumer does. The Google clients bring \`@types/node\` with them (google-gax, teeny-request).
 */
const PROJECTS = [
  { name: 'main entry, no peer', links: [], code: CONSUMER },
  { name: 'testing subpath, no peer', links: [], code: TESTING_NO_PEER_CONSUMER },
  {
    name: 'testing subpath with @google-cloud/bigquery and @google-cloud/pubsub only',
    links: ['@google-cloud/bigquery', '@google-cloud/pubsub'],
    code: TESTING_CONSUMER,
  },
  {
    name: 'testing subpath with every peer its declarations import',
    links: [
      '@google-cloud/bigquery',
      '@google-cloud/bigquery-storage',
      '@google-cloud/logging',
      '@google-cloud/monitoring',
      '@google-cloud/pubsub',
      '@google-cloud/storage',
    ],
    code: TESTING_ALL_PEERS_CONSUMER,
  },
];

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
    const failures = [];
    // One project at a time, its three programs in parallel: the machine may have two cores.
    for (const [index, project] of PROJECTS.entries()) {
      const failed = await checkProject(join(work, `consumer-${index}`), tarball, project);
      if (failed.length > 0) failures.push(`${project.name}:\n${failed.join('\n')}`);
    }
    if (failures.length > 0) {
      throw new Error(`A fresh project with this package does not typecheck:\n${failures.join('\n')}`);
    }
    return performance.now() - started;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Unpacks the tarball into a fresh project with `links` beside it and typechecks `code`; returns failures. */
async function checkProject(project, tarball, { links, code }) {
  const installed = join(project, 'node_modules', 'gcp-pipeline-resilience');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  for (const name of ['zod', 'typescript', ...links]) {
    mkdirSync(dirname(join(project, 'node_modules', name)), { recursive: true });
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
    writeFileSync(join(project, file), code);
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
      if (!error.stdout) return `moduleResolution ${mode.name}: ${error.message}`;
      const ours = ownErrors(error.stdout);
      return ours.length === 0
        ? undefined
        : `moduleResolution ${mode.name} (${mode.files.join(', ')}):\n${ours.join('\n')}`;
    }
  });
  return (await Promise.all(runs)).filter((failure) => failure !== undefined);
}

/**
 * The errors of tsc's output that are ours: in the consumer or in this package's declarations. Errors
 * inside another package's declarations (a Google client's, two copies of `@types/node` linked from
 * this repository) are that package's and appear without this one too: google-auth-library's
 * declarations import the ES module gtoken from CommonJS, which node16 refuses (TS1479), and
 * bigquery-storage's apache-arrow brings its own `@types/node`. A message's continuation lines
 * (indented) stay with it.
 */
function ownErrors(output) {
  const kept = [];
  let keeping = false;
  for (const line of output.split('\n')) {
    if (/^\s/.test(line)) {
      if (keeping) kept.push(line);
      continue;
    }
    const file = /^(.*?)\(\d+,\d+\): error /.exec(line)?.[1];
    keeping =
      file === undefined
        ? line.trim() !== ''
        : !file.includes('node_modules/') || file.includes('node_modules/gcp-pipeline-resilience/');
    if (keeping) kept.push(line);
  }
  return kept;
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
    console.log(
      `consumer types: ok (${PROJECTS.length} projects; nodenext, node16, bundler; ESM and CJS) in ${(ms / 1000).toFixed(1)} s`,
    );
  } catch (error) {
    console.error(error.message);
    process.exitCode = 1;
  } finally {
    if (packDir) rmSync(packDir, { recursive: true, force: true });
  }
}
