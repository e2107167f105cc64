import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unresolvedPlayersTableDdl } from '../../../src/index.js';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../src/testing/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const tsxLoader = createRequire(import.meta.url).resolve('tsx');
const PROJECT = 'test-project';

describe("SIGTERM with the tracker on a coordinator of its own and a write still in flight at the flush's limit", () => {
  let standIn: BigQueryStandIn;

  beforeAll(async () => {
    standIn = await startBigQueryStandIn({ projectId: PROJECT });
    await standIn.run('CREATE SCHEMA mlb_reference');
    await standIn.run(unresolvedPlayersTableDdl(`${PROJECT}.mlb_reference.unresolved_players`));
  });
  afterAll(() => standIn.close());

  it('the process still ends by SIGTERM, instead of running on until it is killed', async () => {
    standIn.faults.add({ method: 'POST', path: /\/insertAll$/, hang: true, times: 1 });
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', tsxLoader, join(here, 'fixtures', 'own-coordinator.ts')],
      {
        env: { ...process.env, STAND_IN_ENDPOINT: standIn.endpoint, STAND_IN_PROJECT: PROJECT },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`child exited (${code}) before it was ready: ${out}`)));
    });
    child.kill('SIGTERM');
    // The flush may take 1 s; anything past 15 s is a process nobody ends (Cloud Run would SIGKILL it).
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const ended = await exit;
    clearTimeout(timer);
    // Before, it ran on: the tracker's coordinator saw the listener the in-flight write had added
    // (the process-wide coordinator's, which never saw the signal) and left the exit to it.
    expect(ended, stderr).toEqual({ code: null, signal: 'SIGTERM' });
    // The flush that could not finish was reported, not lost silently.
    expect(stderr).toMatch(/did not finish within its limit/);
  }, 60_000);
});
