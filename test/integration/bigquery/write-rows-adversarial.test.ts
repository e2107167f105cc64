import { describe, expect, it } from 'vitest';
import { CircuitBreakerOpenError, RowError, StorageError } from '../../../src/errors/index.js';
import { CircuitBreaker } from '../../../src/retry/index.js';
import { caught } from '../../helpers/caught.js';
import { useWriteStandIn } from './helpers.js';

/** Rows 0..5 with `value` in row 3 (the second row of the second chunk when batchRows is 2). */
const rowsWith = (value: unknown) =>
  Array.from({ length: 6 }, (_, id) => (id === 3 ? { id, v: value } : { id }));

describe('writeRows under hostile input (real clients against the stand-in)', () => {
  const w = useWriteStandIn('adv');
  const { executor, freshTable, ids } = w;

  it.each(['atomic', 'committed'] as const)(
    '%s: a NUMERIC beyond 29 integer digits is a row error, never a success with rows missing or duplicated',
    async (mode) => {
      const table = await freshTable('id INT64, v NUMERIC');
      const error = await caught(executor().writeRows(table, rowsWith('1e40'), { mode, batchRows: 2 }));
      expect(error).toBeInstanceOf(RowError);
      const written = (error as RowError).writtenRows;
      const stored = await ids(table);
      // Whatever was written is exactly what the error says, each row once.
      expect(stored).toEqual([...new Set(stored)]);
      expect(stored.length).toBe(written);
      expect((error as RowError).failures.find((f) => f.index === 3)?.reasons[0]?.reason).toBe('invalid');
    },
  );

  it.each(['atomic', 'committed', 'default'] as const)(
    '%s: after a row error every row of the call is either stored or listed in failures, never both, never neither',
    async (mode) => {
      const table = await freshTable('id INT64, v NUMERIC');
      const error = (await caught(
        executor().writeRows(table, rowsWith('1e40'), { mode, batchRows: 2 }),
      )) as RowError;
      expect(error).toBeInstanceOf(RowError);
      const stored = await ids(table);
      const failed = error.failures.map((f) => f.index).sort((a, b) => a - b);
      expect(stored.filter((id) => failed.includes(id))).toEqual([]);
      expect([...stored, ...failed].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(error.writtenRows).toBe(stored.length);
      expect(error.failures.filter((f) => f.reasons[0]?.reason === 'invalid').map((f) => f.index)).toEqual([
        3,
      ]);
    },
  );

  it('an abort while the commit is in flight says the commit may be applied (it was), naming the stream', async () => {
    const table = await freshTable('id INT64, v NUMERIC');
    // The commit is applied at once; its answer would come 60 s later.
    w.s.storageWrite.faults.add({ method: 'BatchCommitWriteStreams', times: 1, delayMs: 60_000 });
    const mark = w.s.storageWrite.requests.length;
    const controller = new AbortController();
    const reason = new Error('SIGTERM');
    const pending = caught(
      executor().writeRows(table, rowsWith(1), { retry: { signal: controller.signal } }),
    );
    while (!w.s.storageWrite.requests.slice(mark).some((r) => r.method === 'BatchCommitWriteStreams')) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    controller.abort(reason);
    const error = await pending;
    w.s.storageWrite.faults.clear();
    expect(await ids(table)).toEqual([0, 1, 2, 3, 4, 5]);
    // A bare abort reason would make a redelivered message write these rows a second time.
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ storageCode: 'COMMIT_OUTCOME_UNKNOWN', cause: reason });
    expect((error as StorageError).stream).toMatch(/\/streams\//);
  });

  it('committed: a call that gives up on a timeout says exactly which rows are written', async () => {
    const table = await freshTable('id INT64, v NUMERIC');
    // The 3rd append is never answered (nor applied): rows 0-3 are visible, 4-5 are not.
    w.s.storageWrite.faults.add({ method: 'AppendRows', after: 2, times: 1, hang: true });
    const error = await caught(
      executor().writeRows(table, rowsWith(1), {
        mode: 'committed',
        batchRows: 2,
        retry: { maxAttempts: 1, attemptTimeoutMs: 2000 },
      }),
    );
    w.s.storageWrite.faults.clear();
    expect(await ids(table)).toEqual([0, 1, 2, 3]);
    // Without the count, a caller resending the call's rows duplicates 0-3.
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ writtenRows: 4, cause: { code: 'OPERATION_TIMEOUT' } });
  });

  it('committed: a call whose appends all failed on an outage, its finalized stream empty, stays transient (a redelivery writes it once)', async () => {
    const table = await freshTable('id INT64, v NUMERIC');
    // Every append refused (not applied) until the attempts run out: nothing is written.
    w.s.storageWrite.faults.add({ method: 'AppendRows', code: 'UNAVAILABLE' });
    const error = await caught(
      executor().writeRows(table, rowsWith(1), {
        mode: 'committed',
        batchRows: 2,
        retry: { maxAttempts: 2 },
      }),
    );
    w.s.storageWrite.faults.clear();
    expect(await ids(table)).toEqual([]);
    expect(error).toBeInstanceOf(StorageError);
    // Counted exactly (the stream was finalized): 0 rows, so the call itself is the thing to resend.
    // Not transient, a message handler dead-letters a batch that an outage kept out entirely.
    expect(error).toMatchObject({ writtenRows: 0, transient: true });
    expect(await executor().writeRows(table, rowsWith(1), { mode: 'committed' })).toMatchObject({
      written: 6,
    });
    expect(await ids(table)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('committed: a call ended by the open breaker, its finalized stream empty, stays transient (a handler redelivers, not dead-letters)', async () => {
    const table = await freshTable('id INT64, v NUMERIC');
    w.s.storageWrite.faults.add({ method: 'AppendRows', code: 'UNAVAILABLE' });
    // The outage opens the breaker at the first refusal; the next attempt is refused by the breaker.
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    const error = await caught(
      executor().writeRows(table, rowsWith(1), {
        mode: 'committed',
        batchRows: 2,
        retry: { maxAttempts: 3, breaker },
      }),
    );
    w.s.storageWrite.faults.clear();
    expect(await ids(table)).toEqual([]);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).cause).toBeInstanceOf(CircuitBreakerOpenError);
    // Before: not transient (an open breaker's error is not), so the message handler's default
    // dead-lettered a batch the outage kept out entirely, as it does not the breaker's own error.
    expect(error).toMatchObject({ writtenRows: 0, transient: true });
  });

  it('default: a call whose retries ran out on lost connections counts the rows its acknowledged appends wrote', async () => {
    const table = await freshTable('id INT64, v NUMERIC');
    // On every connection the first append is answered and the next one disconnects (not applied).
    w.s.storageWrite.faults.add({ method: 'AppendRows', after: 1, code: 'UNAVAILABLE' });
    const error = await caught(
      executor().writeRows(table, rowsWith(1), { mode: 'default', batchRows: 2, retry: { maxAttempts: 2 } }),
    );
    w.s.storageWrite.faults.clear();
    const stored = await ids(table);
    expect(stored.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(StorageError);
    // writtenRows 0 here said "nothing written" of rows that are in the table.
    expect(error).toMatchObject({
      storageCode: 'CONNECTION_LOST',
      writtenRows: stored.length,
      transient: true,
    });
  });

  it.each(['atomic', 'committed', 'default'] as const)(
    '%s: a row larger than a Storage Write request is refused by index before anything is sent',
    async (mode) => {
      const table = await freshTable('id INT64, v STRING');
      const mark = w.s.storageWrite.requests.length;
      const rows = [{ id: 0 }, { id: 1, v: 'x'.repeat(11 * 1024 * 1024) }, { id: 2 }];
      const error = await caught(executor().writeRows(table, rows, { mode }));
      expect(error).toBeInstanceOf(RowError);
      expect((error as RowError).writtenRows).toBe(0);
      expect((error as RowError).failures.map((f) => [f.index, f.reasons[0]?.message])).toEqual([
        [1, expect.stringMatching(/bytes.*10 MB/)],
      ]);
      expect(w.s.storageWrite.requests.slice(mark).filter((r) => r.method === 'AppendRows')).toEqual([]);
      expect(await ids(table)).toEqual([]);
    },
  );

  it('committed: an abort after rows became visible says exactly which rows are written', async () => {
    const table = await freshTable('id INT64, v NUMERIC');
    w.s.storageWrite.faults.add({ method: 'AppendRows', after: 2, times: 1, hang: true });
    const mark = w.s.storageWrite.requests.length;
    const controller = new AbortController();
    const reason = new Error('SIGTERM');
    const pending = caught(
      executor().writeRows(table, rowsWith(1), {
        mode: 'committed',
        batchRows: 2,
        retry: { signal: controller.signal },
      }),
    );
    while (w.s.storageWrite.requests.slice(mark).filter((r) => r.method === 'AppendRows').length < 3) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Abort once the first two appends are visible (the third one hangs).
    while ((await ids(table)).length < 4) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(reason);
    const error = await pending;
    w.s.storageWrite.faults.clear();
    expect(await ids(table)).toEqual([0, 1, 2, 3]);
    // The bare reason would leave the caller to resend rows 0-3 a second time.
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ writtenRows: 4, cause: reason });
  });

  it('committed: an abort after rows became visible, when the stream cannot be finalized to count them, still says which rows are written and is not transient', async () => {
    const table = await freshTable('id INT64, v NUMERIC');
    w.s.storageWrite.faults.add({ method: 'AppendRows', after: 2, times: 1, hang: true });
    w.s.storageWrite.faults.add({ method: 'FinalizeWriteStream', code: 'UNAVAILABLE' });
    const mark = w.s.storageWrite.requests.length;
    const controller = new AbortController();
    const reason = new Error('SIGTERM');
    const pending = caught(
      executor().writeRows(table, rowsWith(1), {
        mode: 'committed',
        batchRows: 2,
        retry: { signal: controller.signal },
      }),
    );
    while (w.s.storageWrite.requests.slice(mark).filter((r) => r.method === 'AppendRows').length < 3) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    while ((await ids(table)).length < 4) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(reason);
    const error = await pending;
    w.s.storageWrite.faults.clear();
    expect(await ids(table)).toEqual([0, 1, 2, 3]);
    // The bare reason would have a redelivery write rows 0-3 a second time.
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ writtenRows: 4, transient: false, cause: reason });
    expect((error as Error).message).toContain('rows.slice(4)');
  });

  it('committed: a call whose retries ran out on lost connections, when the stream cannot be finalized, is not transient and counts the acknowledged rows', async () => {
    const table = await freshTable('id INT64, v NUMERIC');
    // Rows 0-3 are acknowledged, then every connection is lost before the last append is answered.
    w.s.storageWrite.faults.add({ method: 'AppendRows', after: 2, code: 'UNAVAILABLE' });
    w.s.storageWrite.faults.add({ method: 'FinalizeWriteStream', code: 'UNAVAILABLE' });
    const error = await caught(executor().writeRows(table, rowsWith(1), { mode: 'committed', batchRows: 2 }));
    w.s.storageWrite.faults.clear();
    expect(await ids(table)).toEqual([0, 1, 2, 3]);
    // A transient error invites the whole call again: rows 0-3 would be written twice.
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ writtenRows: 4, transient: false });
  });

  class Event {
    readonly #id = 3;
    get id() {
      return this.#id;
    }
  }
  it.each([
    ['a Map for a STRUCT', { id: 1, meta: new Map([['source', 'a']]) }, 'meta', /Map/],
    ['a Map inside a JSON value', { id: 1, payload: { tags: new Map([['a', 1]]) } }, 'payload', /Map/],
    ['a Set for a JSON column', { id: 1, payload: new Set([1, 2]) }, 'payload', /Set/],
    ['a class keeping its fields in getters', new Event(), '', /getter 'id'/],
    ['a Date as the row', new Date(0), '', /Date/],
    ['hexadecimal text for a FLOAT64', { id: 1, f: '0x10' }, 'f', /FLOAT64/],
  ] as const)(
    '%s is a row error naming it, as insertRows refuses it, never a row written with nulls or another value',
    async (_what, row, location, message) => {
      const table = await freshTable('id INT64, meta STRUCT<source STRING>, payload JSON, f FLOAT64');
      const error = (await caught(executor().writeRows(table, [{ id: 0 }, row]))) as RowError;
      expect(error).toBeInstanceOf(RowError);
      expect(error.failures).toHaveLength(1);
      expect(error.failures[0]).toMatchObject({ index: 1, reasons: [{ reason: 'invalid', location }] });
      expect(error.failures[0]?.reasons[0]?.message).toMatch(message);
      expect(await ids(table)).toEqual([]);
    },
  );

  it.each([
    ['INVALID_ARGUMENT', 'fails', [0, 1, 4, 5]],
    ['UNAVAILABLE', 'is retried', [0, 1, 2, 3, 4, 5]],
  ] as const)(
    'default: an append refused in-band with %s %s; the appends sent after it were applied and are counted once, never resent',
    async (code, _what, stored) => {
      const table = await freshTable('id INT64, v NUMERIC');
      w.s.storageWrite.faults.add({ method: 'AppendRows', after: 1, times: 1, code, inBand: true });
      const outcome = await executor()
        .writeRows(table, rowsWith(1), { mode: 'default', batchRows: 2 })
        .then(
          (result) => result.written,
          (error: StorageError) => error.writtenRows,
        );
      w.s.storageWrite.faults.clear();
      expect(await ids(table)).toEqual(stored);
      expect(outcome).toBe(stored.length);
    },
  );

  it.each(['atomic', 'committed', 'default'] as const)(
    '%s: column names match ignoring case, as BigQuery and insertRows do (nested STRUCT fields too)',
    async (mode) => {
      const table = await freshTable('id INT64, Score FLOAT64, meta STRUCT<Source STRING>');
      const result = await executor().writeRows(
        table,
        [
          { ID: 1, score: 1.5, META: { source: 'a' } },
          { Id: 2, SCORE: 2.5 },
        ],
        { mode },
      );
      expect(result.written).toBe(2);
      expect(
        await w.s.run(`SELECT id, Score AS score, meta.source AS source FROM ${table} ORDER BY id`),
      ).toEqual([
        { id: 1, score: 1.5, source: 'a' },
        { id: 2, score: 2.5, source: null },
      ]);
    },
  );

  it.each(['atomic', 'committed', 'default'] as const)(
    '%s: a hole in the rows array is a row error naming its index, never a row skipped while the call reports it written',
    async (mode) => {
      const table = await freshTable('id INT64, v STRING');
      const rows: Array<{ id: number }> = [{ id: 0 }];
      rows[2] = { id: 2 };
      const error = await caught(executor().writeRows(table, rows, { mode }));
      expect(error).toBeInstanceOf(RowError);
      expect((error as RowError).failures.map((f) => [f.index, f.reasons[0]?.message])).toEqual([
        [1, 'A row must be an object, got undefined'],
      ]);
      expect((error as RowError).writtenRows).toBe(0);
      expect(await ids(table)).toEqual([]);
    },
  );

  it('two keys of one row naming one column (differing only by case) are a row error naming both, never one picked silently', async () => {
    const table = await freshTable('id INT64, v STRING');
    const error = await caught(
      executor().writeRows(table, [{ id: 1 }, { id: 2, v: 'x', V: 'y' }, { id: 3 }], { mode: 'atomic' }),
    );
    expect(error).toBeInstanceOf(RowError);
    const failure = (error as RowError).failures.find((f) => f.index === 1);
    expect(failure?.reasons[0]?.message).toMatch(/v and V: two keys for the column v/);
    expect(await ids(table)).toEqual([]);
  });

  it.each(['atomic', 'committed', 'default'] as const)(
    '%s: a stand-in append whose store fails after its offset was taken leaves no offset counted as written without its rows',
    async (mode) => {
      const table = await freshTable('id INT64, v NUMERIC');
      // The 2nd append passes every check, takes its offset, then storing its rows fails.
      const fault = w.s.storageWrite.faults.add({
        method: 'AppendRows',
        after: 1,
        times: 1,
        code: 'INTERNAL',
        storeFails: true,
      });
      const result = await executor().writeRows(table, rowsWith(1), { mode, batchRows: 2 });
      expect(fault.hits).toBe(1);
      expect(result.written).toBe(6);
      expect(await ids(table)).toEqual([0, 1, 2, 3, 4, 5]);
    },
  );
});
