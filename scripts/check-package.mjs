#!/usr/bin/env node
/**
 * `npm run check:package`, after publint: packs the package into a temporary directory and runs
 * are-the-types-wrong on that tarball, then typechecks it in fresh projects: the main entry with only
 * zod and typescript beside it, the testing subpath with no peer, with only the BigQuery and Pub/Sub
 * clients, and with every peer (`check-consumer-types.mjs`). `attw --pack .` would pack into the repository root and then
 * delete every `gcp-pipeline-resilience-*.tgz` there, including one the user packed themselves.
 * Needs `npm run build` first.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkConsumerTypes } from './check-consumer-types.mjs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const work = mkdtempSync(join(tmpdir(), 'gpr-pack-'));
try {
  const packed = execFileSync(npm, ['pack', '--silent', '--pack-destination', work], { encoding: 'utf8' });
  const tarball = join(work, packed.trim().split('\n').at(-1) ?? '');
  execFileSync(process.execPath, [attwBin(), tarball], { stdio: 'inherit' });
  const ms = await checkConsumerTypes(tarball);
  console.log(
    `consumer types: fresh projects typecheck (main entry with only zod and typescript; testing with no peer, with bigquery + pubsub only, with every peer; nodenext, node16, bundler; ESM and CJS) in ${(ms / 1000).toFixed(1)} s`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

function attwBin() {
  return join(import.meta.dirname, '..', 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
}
