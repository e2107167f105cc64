import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { StorageError } from '../../../src/errors/index.js';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../src/testing/bigquery/index.js';

const CALLS = 200;
const ROWS_PER_CALL = 500;
const CONCURRENCY = 8;
/** Backoff pauses end at once; attempt timeouts still use real timers. */
const instantSleeps = { now: () => Date.now(), sleep: async () => undefined };

/**
 * About 30% of the calls of every RPC fail, mixing the failures Google documents: UNAVAILABLE and
 * ABORTED statuses, disconnects in the middle of an AppendRows stream, appends and commits that were
 * applied but whose answer was lost. Seeded: the same rules fire in the same proportions every run.
 */
function addMixedFaults(standIn: BigQueryStandIn, seed: number): void {
  const f = standIn.storageWrite.faults;
  f.add({
    name: 'append-lost-answer',
    method: 'AppendRows',
    rate: 0.1,
    seed,
    code: 'UNAVAILABLE',
    served: true,
  });
  f.add({ name: 'append-disconnect', method: 'AppendRows', rate: 0.1, seed: seed + 1, code: 'UNAVAILABLE' });
  f.add({ name: 'append-aborted', method: 'AppendRows', rate: 0.1, seed: seed + 2, code: 'ABORTED' });
  f.add({
    name: 'create-unavailable',
    method: 'CreateWriteStream',
    rate: 0.3,
    seed: seed + 3,
    code: 'UNAVAILABLE',
  });
  f.add({
    name: 'finalize-unavailable',
    method: 'FinalizeWriteStream',
    rate: 0.3,
    seed: seed + 4,
    code: 'UNAVAILABLE',
  });
  f.add({
    name: 'commit-lost-answer',
    method: 'BatchCommitWriteStreams',
    rate: 0.15,
    seed: seed + 5,
    code: 'UNAVAILABLE',
    served: true,
  });
  f.add({
    name: 'commit-aborted',
    method: 'BatchCommitWriteStreams',
    rate: 0.15,
    seed: seed + 6,
    code: 'ABORTED',
  });
  f.add({
    name: 'get-unavailable',
    method: 'GetWriteStream',
    rate: 0.3,
    seed: seed + 7,
    code: 'UNAVAILABLE',
  });
}

describe('writeRows under 30% mixed Storage Write faults: 100,000 rows in 200 calls', () => {
  let s: BigQueryStandIn;

  beforeAll(async () => {
    s = await startBigQueryStandIn();
    await s.run('CREATE SCHEMA ds');
  });
  afterAll(async () => {
    await s.close();
  });

  // atomic: a short attempt budget, so that some calls fail and are redelivered whole, as a nacked
  // Pub/Sub message would be; a failed call must leave nothing. committed: a longer budget, since a
  // failed committed call leaves the prefix it wrote (exactly once holds within a call, across
  // reconnects and resent appends).
  it.each([
    ['atomic', 3],
    ['committed', 30],
  ] as const)(
    '%s: every call writes its rows exactly once (0 lost, 0 duplicated); a failed atomic call leaves 0 rows',
    async (mode, maxAttempts) => {
      const table = `ds.chaos_${mode}`;
      await s.run(`CREATE TABLE ${table} (id INT64 NOT NULL, call INT64 NOT NULL, payload STRING)`);
      s.storageWrite.faults.clear();
      addMixedFaults(s, mode === 'atomic' ? 101 : 202);
      const bq = new BigQueryExecutor({
        client: s.client(),
        writeClient: s.writeClient(),
        projectId: 'test-project',
        retry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 2, clock: instantSleeps },
      });
      const rowsOfCall = (call: number) =>
        Array.from({ length: ROWS_PER_CALL }, (_, i) => ({
          id: call * ROWS_PER_CALL + i,
          call,
          payload: `row-${call}-${i}`,
        }));
      const failedCalls: Array<{ call: number; error: unknown }> = [];
      const rowsOfFailedCallRightAfter: number[] = [];
      let deliveries = 0;
      const deliver = async (call: number): Promise<void> => {
        for (;;) {
          deliveries++;
          try {
            await bq.writeRows(table, rowsOfCall(call), { mode, batchRows: 250 });
            return;
          } catch (error) {
            failedCalls.push({ call, error });
            if (
              mode === 'committed' ||
              (error instanceof StorageError && error.storageCode === 'COMMIT_OUTCOME_UNKNOWN')
            ) {
              throw error;
            }
            if (mode === 'atomic') {
              const [row] = await s.run(`SELECT COUNT(*) AS n FROM ${table} WHERE call = ${call}`);
              rowsOfFailedCallRightAfter.push(Number(row?.n));
            }
            // Redelivery: the same batch again, as a nacked Pub/Sub message would bring it back.
          }
        }
      };
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < CALLS) await deliver(next++);
        }),
      );
      s.storageWrite.faults.clear();

      const [totals] = await s.run(`SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM ${table}`);
      const lost = CALLS * ROWS_PER_CALL - Number(totals?.d);
      const duplicated = Number(totals?.n) - Number(totals?.d);
      const injected = s.storageWrite.faults.rules.length; // cleared: 0
      expect(injected).toBe(0);
      const faulted = s.storageWrite.requests.filter((r) => r.fault !== undefined).length;
      const total = s.storageWrite.requests.length;
      console.log(
        `${mode}: ${CALLS} calls, ${deliveries} deliveries, ${failedCalls.length} failed deliveries, ${faulted}/${total} RPCs faulted (${((100 * faulted) / total).toFixed(1)}%), lost=${lost} duplicated=${duplicated}`,
      );
      expect(lost).toBe(0);
      expect(duplicated).toBe(0);
      expect(Number(totals?.n)).toBe(CALLS * ROWS_PER_CALL);
      expect(faulted / total).toBeGreaterThan(0.1);
      if (mode === 'committed') expect(failedCalls).toEqual([]);
      if (mode === 'atomic') {
        expect(failedCalls.length).toBeGreaterThan(0);
        expect(rowsOfFailedCallRightAfter.every((n) => n === 0)).toBe(true);
      }
    },
    240_000,
  );
});
