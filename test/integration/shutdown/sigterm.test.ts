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

/** Resolves with the child's exit code and signal. */
function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Resolves when the child prints `ready` (rejects if it exits first). */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before it was ready: ${out}`)));
  });
}

describe('SIGTERM with two trackers in one process (a real child process)', () => {
  let standIn: BigQueryStandIn;

  beforeAll(async () => {
    standIn = await startBigQueryStandIn({ projectId: PROJECT });
    for (const sport of ['nba', 'mlb']) {
      await standIn.run(`CREATE SCHEMA ${sport}_reference`);
      await standIn.run(unresolvedPlayersTableDdl(`${PROJECT}.${sport}_reference.unresolved_players`));
    }
  });
  afterAll(() => standIn.close());

  /** Runs the child with two trackers holding misses, sends it SIGTERM, and checks what landed. */
  async function sigtermLandsEveryMiss(callFlushOnExit: boolean): Promise<void> {
    // The MLB flush needs three attempts (two 503s, 300 ms apart); the NBA one needs one.
    const path = /mlb_reference\/tables\/unresolved_players\/insertAll$/;
    const before = standIn.requests.length;
    standIn.faults.add({ method: 'POST', path, error: { status: 503, reason: 'backendError' }, times: 2 });
    const child = spawn(
      process.execPath,
      ['--import', tsxLoader, join(here, 'fixtures', 'two-trackers.ts')],
      {
        env: {
          ...process.env,
          STAND_IN_ENDPOINT: standIn.endpoint,
          STAND_IN_PROJECT: PROJECT,
          CALL_FLUSH_ON_EXIT: callFlushOnExit ? '1' : '0',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exit = exited(child);
    await ready(child);
    child.kill('SIGTERM');
    const { code, signal } = await exit;

    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    // The premise: the MLB flush really was the slow one (two 503s before it landed).
    const mlbInserts = standIn.requests.slice(before).filter((r) => path.test(r.path));
    expect(mlbInserts.map((r) => r.status)).toEqual([503, 503, 200]);
    for (const [sport, expected] of [
      ['nba', ['lebronjames', 'stephencurry']],
      ['mlb', ['aaronjudge', 'loganwebb']],
    ] as const) {
      const table = `${PROJECT}.${sport}_reference.unresolved_players`;
      const rows = await standIn.run(`SELECT player_lookup FROM ${table} ORDER BY 1`);
      expect(rows.map((r) => r.player_lookup)).toEqual(expected);
      await standIn.run(`DELETE FROM ${table} WHERE TRUE`);
    }
  }

  it('exits only after both trackers flushed, then re-raises SIGTERM', async () => {
    await sigtermLandsEveryMiss(true);
  }, 60_000);

  it('does the same when no code called flushOnExit(): trackers holding rows join by themselves', async () => {
    await sigtermLandsEveryMiss(false);
  }, 60_000);
});
