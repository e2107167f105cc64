import { describe, expect, it } from 'vitest';
import { OperationTimeoutError, RowError, StorageError } from '../../../src/errors/index.js';
import { caught } from '../../helpers/caught.js';
import { fastRetry, useWriteStandIn } from './helpers.js';

/** The system clock, except that backoff pauses end at once (deadlines still use real timers). */
const instantSleeps = { now: () => Date.now(), sleep: async () => undefined };

const rowsOf = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ id: from + i, name: `n${from + i}` }));

describe('writeRows through the Storage Write API (real clients against the stand-in)', () => {
  const w = useWriteStandIn('w');
  const { executor, freshTable, ids, calls } = w;

  it.each(['atomic', 'committed', 'default'] as const)(
    '%s mode writes every row once, with BigQuery types converted exactly',
    async (mode) => {
      const table = await freshTable(
        'id INT64 NOT NULL, name STRING, seen TIMESTAMP, played_on DATE, local DATETIME, score FLOAT64, ok BOOL, amount NUMERIC, raw BYTES, doc JSON, tags ARRAY<STRING>, player STRUCT<team STRING, jersey INT64>',
      );
      const result = await executor().writeRows(
        table,
        [
          {
            id: '9007199254740993',
            name: 'a',
            seen: '2026-01-02T03:04:05.123456Z',
            played_on: '2026-01-02',
            local: '2026-01-02 03:04:05',
            score: 1.5,
            ok: false,
            amount: '12.34',
            raw: Buffer.from('hi'),
            doc: { k: [1, 2] },
            tags: ['x', 'y'],
            player: { team: 'LAL', jersey: 23 },
          },
          { id: 2 },
        ],
        { mode },
      );
      expect(result).toMatchObject({ mode, written: 2 });
      if (mode === 'atomic') expect(result.commitTime).toBeInstanceOf(Date);
      const [row] = await w.s.run(
        `SELECT CAST(id AS STRING) AS id, name, UNIX_MICROS(seen) AS seen, CAST(played_on AS STRING) AS d, score, ok, CAST(amount AS STRING) AS amount, raw, tags, player.team AS team, player.jersey AS jersey FROM ${table} WHERE name = 'a'`,
      );
      expect(row).toMatchObject({
        id: '9007199254740993',
        seen: Date.UTC(2026, 0, 2, 3, 4, 5) * 1000 + 123456,
        d: '2026-01-02',
        score: 1.5,
        ok: false,
        raw: Buffer.from('hi'),
        tags: ['x', 'y'],
        team: 'LAL',
        jersey: 23,
      });
      expect(String(row?.amount)).toMatch(/^12\.34/);
      expect(await ids(table)).toHaveLength(2);
    },
  );

  it('refuses rows that do not fit before sending anything, by index and column, and writes nothing', async () => {
    const table = await freshTable('id INT64 NOT NULL, played_on DATE, ok BOOL');
    const mark = w.s.storageWrite.requests.length;
    const error = await caught(
      executor().writeRows(table, [
        { id: 1 },
        { id: 'abc' },
        { id: 3, played_on: '2026-02-30' },
        { id: 4, ok: 'yes' },
        { id: 5, unknown_column: 1 },
        { played_on: '2026-01-01' },
        { id: 1.5 },
        { id: 8, played_on: 20455 },
      ]),
    );
    expect(error).toBeInstanceOf(RowError);
    const rowError = error as RowError;
    expect(rowError.writtenRows).toBe(0);
    expect(rowError.failures.map((f) => [f.index, f.reasons[0]?.location])).toEqual([
      [1, 'id'],
      [2, 'played_on'],
      [3, 'ok'],
      [4, 'unknown_column'],
      [5, 'id'],
      [6, 'id'],
      [7, 'played_on'],
    ]);
    expect(rowError.failures[0]?.reasons[0]?.message).toMatch(/"abc" is not an INT64/);
    expect(calls('AppendRows', mark)).toHaveLength(0);
    expect(await ids(table)).toEqual([]);
  });

  it('atomic: a lost commit answer is resolved by reading the stream (GetWriteStream), never by committing twice', async () => {
    const table = await freshTable();
    const mark = w.s.storageWrite.requests.length;
    w.s.storageWrite.faults.add({
      method: 'BatchCommitWriteStreams',
      times: 1,
      code: 'UNAVAILABLE',
      served: true,
    });
    const result = await executor().writeRows(table, rowsOf(50));
    expect(result.written).toBe(50);
    expect(result.commitTime).toBeInstanceOf(Date);
    expect(calls('BatchCommitWriteStreams', mark)).toHaveLength(1);
    // One read of the commit's stream (the other read is of the table's schema, before any stream).
    const reads = calls('GetWriteStream', mark).map((r) => String(r.request.name));
    expect(reads.filter((name) => !name.endsWith('/_default'))).toHaveLength(1);
    expect(reads.filter((name) => name.endsWith('/_default'))).toHaveLength(1);
    expect(calls('CreateWriteStream', mark)).toHaveLength(1);
    expect(await ids(table)).toEqual(rowsOf(50).map((r) => r.id));
  });

  it('atomic: the read-back of a lost commit is retried on its own; the stream is committed once', async () => {
    const table = await freshTable();
    const mark = w.s.storageWrite.requests.length;
    w.s.storageWrite.faults.add({
      method: 'BatchCommitWriteStreams',
      times: 1,
      code: 'UNAVAILABLE',
      served: true,
    });
    w.s.storageWrite.faults.add({ method: 'GetWriteStream', times: 3, code: 'UNAVAILABLE' });
    const result = await executor().writeRows(table, rowsOf(5), {
      retry: { maxAttempts: 2, baseDelayMs: 1, clock: instantSleeps },
    });
    expect(result.written).toBe(5);
    expect(await ids(table)).toEqual([0, 1, 2, 3, 4]);
    expect(calls('BatchCommitWriteStreams', mark)).toHaveLength(1);
    expect(calls('CreateWriteStream', mark)).toHaveLength(1);
  });

  it('atomic: a commit whose outcome cannot be read back is reported as COMMIT_OUTCOME_UNKNOWN, naming the stream', async () => {
    const table = await freshTable();
    w.s.storageWrite.faults.add({
      method: 'BatchCommitWriteStreams',
      times: 1,
      code: 'UNAVAILABLE',
      served: true,
    });
    w.s.storageWrite.faults.add({ method: 'GetWriteStream', code: 'UNAVAILABLE' });
    const error = await caught(
      executor().writeRows(table, rowsOf(5), {
        retry: { maxAttempts: 2, baseDelayMs: 1, clock: instantSleeps },
      }),
    );
    w.s.storageWrite.faults.clear();
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).storageCode).toBe('COMMIT_OUTCOME_UNKNOWN');
    expect((error as StorageError).transient).toBe(false);
    expect((error as StorageError).stream).toMatch(/\/streams\//);
    // The stream named in the error is the one to read: here it was committed.
    const [state] = await w.s.writeClient().getWriteStream({ name: (error as StorageError).stream });
    expect(state.commitTime).toBeTruthy();
  });

  it('atomic: an append applied but whose answer was lost is resent at the same offset and counted once', async () => {
    const table = await freshTable();
    w.s.storageWrite.faults.add({
      method: 'AppendRows',
      after: 1,
      times: 1,
      code: 'UNAVAILABLE',
      served: true,
    });
    const result = await executor().writeRows(table, rowsOf(30), { batchRows: 10 });
    expect(result.written).toBe(30);
    expect(await ids(table)).toEqual(rowsOf(30).map((r) => r.id));
  });

  it('atomic: a call that fails leaves no row behind, even after some appends were acknowledged', async () => {
    const table = await freshTable();
    w.s.storageWrite.faults.add({ method: 'AppendRows', after: 2, code: 'UNAVAILABLE' });
    const error = await caught(
      executor().writeRows(table, rowsOf(50), { batchRows: 10, retry: { maxAttempts: 2, baseDelayMs: 1 } }),
    );
    w.s.storageWrite.faults.clear();
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).storageCode).toBe('CONNECTION_LOST');
    expect((error as StorageError).grpcCode).toBe(14);
    expect((error as StorageError).writtenRows).toBe(0);
    expect(await ids(table)).toEqual([]);
  });

  it('atomic: rows refused by the service (row_errors) fail the call before commit, reported by index in the caller array', async () => {
    const table = await freshTable();
    const bq = executor();
    // The writer's schema says nothing is required; the table (changed behind its back) requires name.
    await bq.writeRows(table, [{ id: 0, name: 'x' }]);
    await w.s.run(`CREATE OR REPLACE TABLE ${table} (id INT64, name STRING NOT NULL)`);
    w.s.storageWrite.faults.add({ method: 'CreateWriteStream', times: 1, code: 'UNAVAILABLE' });
    const error = await caught(
      bq.writeRows(table, [{ id: 1, name: 'a' }, { id: 2 }, { id: 3, name: 'c' }], {
        retry: { maxAttempts: 3, baseDelayMs: 1 },
      }),
    );
    expect(error).toBeInstanceOf(RowError);
    expect((error as RowError).failures.map((f) => f.index)).toEqual([1]);
    expect(await ids(table)).toEqual([]);
  });

  it('committed: exactly once across a lost append answer (ALREADY_EXISTS counts as written)', async () => {
    const table = await freshTable();
    w.s.storageWrite.faults.add({
      method: 'AppendRows',
      after: 3,
      times: 1,
      code: 'UNAVAILABLE',
      served: true,
    });
    w.s.storageWrite.faults.add({ method: 'AppendRows', after: 6, times: 1, code: 'ABORTED' });
    const result = await executor().writeRows(table, rowsOf(100), { mode: 'committed', batchRows: 10 });
    expect(result.written).toBe(100);
    expect(await ids(table)).toEqual(rowsOf(100).map((r) => r.id));
  });

  it('committed: OUT_OF_RANGE is a bug in offsets and fails loudly, without retries', async () => {
    const table = await freshTable();
    w.s.storageWrite.faults.add({
      method: 'AppendRows',
      after: 1,
      times: 1,
      code: 'OUT_OF_RANGE',
      inBand: true,
    });
    const bq = executor();
    const error = await caught(bq.writeRows(table, rowsOf(30), { mode: 'committed', batchRows: 10 }));
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).storageCode).toBe('OFFSET_OUT_OF_RANGE');
    expect((error as StorageError).transient).toBe(false);
    expect((error as StorageError).writtenRows).toBe(10);
    expect(bq.stats.retries).toBe(0);
  });

  it('committed: a failed call says exactly which prefix is written (read from the finalized stream), so the rest can be resent once', async () => {
    const table = await freshTable();
    const rows = rowsOf(40);
    // The 2nd append is stored but its answer lost, and the call has no attempt left to find out.
    w.s.storageWrite.faults.add({
      method: 'AppendRows',
      after: 1,
      times: 1,
      code: 'UNAVAILABLE',
      served: true,
    });
    const bq = executor();
    const error = await caught(
      bq.writeRows(table, rows, {
        mode: 'committed',
        batchRows: 10,
        maxInflightRequests: 1,
        retry: { maxAttempts: 1 },
      }),
    );
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).writtenRows).toBe(20);
    expect((error as StorageError).transient).toBe(false);
    await bq.writeRows(table, rows.slice((error as StorageError).writtenRows), { mode: 'committed' });
    expect(await ids(table)).toEqual(rows.map((r) => r.id));
  });

  it('atomic: all or nothing per call; a second call with the same rows (a redelivery after a lost ack) writes them again', async () => {
    // The documented limit (README "Which write path?"): atomic has no memory of earlier calls.
    const table = await freshTable();
    const rows = rowsOf(2);
    await executor().writeRows(table, rows);
    await executor().writeRows(table, rows);
    expect(await ids(table)).toEqual([0, 0, 1, 1]);
  });

  it('committed: appends applied but their answers lost until the attempts run out: resolves, since the finalized stream holds every row', async () => {
    const table = await freshTable();
    const rows = rowsOf(50);
    // From the 3rd append on, every append (and every resend of it) is stored, its answer lost.
    w.s.storageWrite.faults.add({
      method: 'AppendRows',
      after: 2,
      times: 10,
      code: 'UNAVAILABLE',
      served: true,
    });
    const result = await executor({ retry: { ...fastRetry, maxAttempts: 3 } }).writeRows(table, rows, {
      mode: 'committed',
      batchRows: 10,
    });
    w.s.storageWrite.faults.clear();
    expect(result).toMatchObject({
      mode: 'committed',
      written: 50,
      stream: expect.stringMatching(/\/streams\//),
    });
    expect(await ids(table)).toEqual(rows.map((r) => r.id));
  });

  it('committed: answers lost until the attempts run out, rows not all stored: rejects naming exactly the written prefix', async () => {
    const table = await freshTable();
    const rows = rowsOf(50);
    // Appends 1-2 answered; the 3rd (rows 20-29) stored with its answer lost, and so is its resend
    // (the 4th); every later append fails unapplied: rows 0-29 are stored, 30-49 are not.
    w.s.storageWrite.faults.add({
      method: 'AppendRows',
      after: 2,
      times: 2,
      code: 'UNAVAILABLE',
      served: true,
    });
    // A rule counts only the requests that reach it: this one skips the 1st and 2nd, fails the 5th on.
    w.s.storageWrite.faults.add({ method: 'AppendRows', after: 2, code: 'UNAVAILABLE' });
    const bq = executor({ retry: { ...fastRetry, maxAttempts: 3 } });
    const error = await caught(
      bq.writeRows(table, rows, { mode: 'committed', batchRows: 10, maxInflightRequests: 1 }),
    );
    w.s.storageWrite.faults.clear();
    const stored = await ids(table);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ transient: false, writtenRows: stored.length });
    expect(stored).toEqual(rows.slice(0, 30).map((r) => r.id));
    expect((error as Error).message).toMatch(
      new RegExp(
        `rows 0\\.\\.${stored.length - 1} of the call are written, rows ${stored.length}\\.\\. are not`,
      ),
    );
    // Resending the rest writes every row exactly once.
    await bq.writeRows(table, rows.slice((error as StorageError).writtenRows), { mode: 'committed' });
    expect(await ids(table)).toEqual(rows.map((r) => r.id));
  });

  it('default: at least once; a lost append answer is resent (the duplicate is the documented cost)', async () => {
    const table = await freshTable();
    w.s.storageWrite.faults.add({ method: 'AppendRows', times: 1, code: 'UNAVAILABLE', served: true });
    const result = await executor().writeRows(table, rowsOf(20), { mode: 'default', batchRows: 10 });
    expect(result.written).toBe(20);
    const got = await ids(table);
    expect(new Set(got).size).toBe(20);
    expect(got.length).toBe(30);
  });

  it('an append that never answers is abandoned after attemptTimeoutMs and resent on a new connection', async () => {
    const table = await freshTable();
    w.s.storageWrite.faults.add({ method: 'AppendRows', times: 1, hang: true });
    const onRetry: unknown[] = [];
    const result = await executor().writeRows(table, rowsOf(5), {
      retry: { ...fastRetry, attemptTimeoutMs: 300, onRetry: (info) => onRetry.push(info.error) },
    });
    expect(result.written).toBe(5);
    expect(onRetry[0]).toBeInstanceOf(OperationTimeoutError);
    expect(await ids(table)).toEqual([0, 1, 2, 3, 4]);
  });

  it('aborting the signal stops the call at once with its reason, and an atomic call leaves nothing', async () => {
    const table = await freshTable();
    w.s.storageWrite.faults.add({ method: 'AppendRows', times: 1, hang: true });
    const controller = new AbortController();
    const pending = executor().writeRows(table, rowsOf(5), { retry: { signal: controller.signal } });
    const reason = new Error('shutting down');
    setTimeout(() => controller.abort(reason), 100);
    expect(await caught(pending)).toBe(reason);
    w.s.storageWrite.faults.clear();
    expect(await ids(table)).toEqual([]);
  });

  it('writes the rows the array held when the call was made, though the caller empties it at once', async () => {
    const table = await freshTable();
    const buffer = rowsOf(50);
    const writing = executor().writeRows(table, buffer);
    buffer.length = 0;
    expect(await writing).toMatchObject({ written: 50 });
    expect(await ids(table)).toHaveLength(50);
  });

  it('bad options and inputs are refused before any request, naming the field', async () => {
    const bq = executor();
    await expect(bq.writeRows('ds.x', [], { mode: 'pending' as 'atomic' })).rejects.toThrow(
      /mode must be 'atomic', 'committed' or 'default'/,
    );
    await expect(bq.writeRows('ds.x', rowsOf(1), { batchBytes: 20 * 1024 * 1024 })).rejects.toThrow(
      /batchBytes/,
    );
    await expect(bq.writeRows('ds.x', rowsOf(1), { maxInflightRequests: 0 })).rejects.toThrow(
      /maxInflightRequests/,
    );
    await expect(bq.writeRows('ds.x', rowsOf(1), { insertId: () => 'x' } as never)).rejects.toThrow(
      /insertId/,
    );
    await expect(bq.writeRows('not-a-table', rowsOf(1))).rejects.toThrow(/Table name/);
    expect(await bq.writeRows('ds.nothing_needed', [])).toEqual({ mode: 'atomic', written: 0 });
  });

  it('a missing table is a NotFound, not retried', async () => {
    const bq = executor();
    const error = await caught(bq.writeRows('ds.missing', rowsOf(1)));
    expect((error as { code?: string }).code).toBe('NOT_FOUND');
    expect(bq.stats.retries).toBe(0);
  });
});
