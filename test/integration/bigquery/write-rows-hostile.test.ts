import { describe, expect, it } from 'vitest';
import { OperationTimeoutError, StorageError, UnsupportedSchemaError } from '../../../src/errors/index.js';
import { caught } from '../../helpers/caught.js';
import { useWriteStandIn } from './helpers.js';

const sixRows = () => Array.from({ length: 6 }, (_, id) => ({ id }));

describe('writeRows against a stuck connection, odd columns and give-ups (real clients against the stand-in)', () => {
  const w = useWriteStandIn('hos');
  const { executor, freshTable, ids } = w;

  it.each(['atomic', 'committed', 'default'] as const)(
    '%s: an append that never answers in the middle of a connection stalls the ones after it (answers come in order); the resend writes every row once',
    async (mode) => {
      const table = await freshTable('id INT64');
      // The 2nd of 3 appends is stuck: a server that answers in order answers nothing after it.
      w.s.storageWrite.faults.add({ method: 'AppendRows', after: 1, times: 1, hang: true });
      const result = await executor().writeRows(table, sixRows(), {
        mode,
        batchRows: 2,
        retry: { maxAttempts: 3, baseDelayMs: 1, attemptTimeoutMs: 1500 },
      });
      w.s.storageWrite.faults.clear();
      expect(result.written).toBe(6);
      // Before: a later append's answer settled the stuck one; default lost rows 2-3 (stored 4-5
      // twice) and reported success; atomic and committed failed for good on OUT_OF_RANGE.
      expect(await ids(table)).toEqual([0, 1, 2, 3, 4, 5]);
    },
  );

  it.each([
    ['atomic', 'id INT64, `__proto__` STRING'],
    ['committed', 'id INT64, `__proto__` STRING'],
    ['default', 'id INT64, `__proto__` STRING'],
    ['default', 'id INT64, s STRUCT<`__proto__` INT64>'],
  ] as const)(
    '%s into %s: a column named __proto__ is refused up front (a protobuf message cannot hold it), never written NULL',
    async (mode, columns) => {
      const table = await freshTable(columns);
      // JSON.parse makes `__proto__` an own key, as a row read from a message would have it.
      const rows = [JSON.parse('{"id":1,"__proto__":"v","s":{"__proto__":7}}') as Record<string, unknown>];
      if (!columns.includes('s STRUCT')) delete rows[0]!.s;
      const mark = w.s.storageWrite.requests.length;
      const error = await caught(executor().writeRows(table, rows, { mode }));
      // Before: resolved { written: 1 } with the value stored as NULL.
      expect(error).toBeInstanceOf(UnsupportedSchemaError);
      expect((error as Error).message).toMatch(/'__proto__'/);
      expect(w.calls('AppendRows', mark)).toEqual([]);
      expect(await ids(table)).toEqual([]);
    },
  );

  it('default: a call that gives up on an append timeout says how many rows its acknowledged appends wrote', async () => {
    const table = await freshTable('id INT64');
    // The 1st append is answered (rows 0-1 stored); the 2nd is stuck, and the connection with it.
    w.s.storageWrite.faults.add({ method: 'AppendRows', after: 1, times: 1, hang: true });
    const error = await caught(
      executor().writeRows(table, sixRows(), {
        mode: 'default',
        batchRows: 2,
        retry: { maxAttempts: 1, attemptTimeoutMs: 2000 },
      }),
    );
    w.s.storageWrite.faults.clear();
    expect(await ids(table)).toEqual([0, 1]);
    // Before: the bare OperationTimeoutError, no count: resending the call wrote rows 0-1 twice.
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ writtenRows: 2, transient: true });
    expect((error as StorageError).cause).toBeInstanceOf(OperationTimeoutError);
  });

  it("default: a call aborted after rows were written says how many, with the caller's reason as its cause, untouched", async () => {
    const table = await freshTable('id INT64');
    w.s.storageWrite.faults.add({ method: 'AppendRows', after: 1, times: 1, hang: true });
    const controller = new AbortController();
    const reason = new Error('SIGTERM');
    const mark = w.s.storageWrite.requests.length;
    const pending = caught(
      executor().writeRows(table, sixRows(), {
        mode: 'default',
        batchRows: 2,
        // One append in flight: the 2nd is sent once the 1st is answered (rows 0-1 acknowledged).
        maxInflightRequests: 1,
        retry: { signal: controller.signal },
      }),
    );
    while (w.calls('AppendRows', mark).length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(reason);
    const error = await pending;
    w.s.storageWrite.faults.clear();
    expect(await ids(table)).toEqual([0, 1]);
    // Before: the bare reason, which reads as "nothing written".
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ writtenRows: 2, cause: reason });
    expect(reason.message).toBe('SIGTERM');
  });

  it.each(['writeRows', 'insertRows', 'loadRows'] as const)(
    '%s: BYTES inside an ARRAY or a STRUCT are stored as the bytes given, as at the top level',
    async (path) => {
      const table = await freshTable(
        'id INT64, top BYTES, arr ARRAY<BYTES>, rec STRUCT<b BYTES, bs ARRAY<BYTES>>, recs ARRAY<STRUCT<b BYTES>>',
      );
      const bytes = Buffer.from([0, 255, 92, 120]);
      const rows = [
        { id: 1, top: bytes, arr: [bytes], rec: { b: bytes, bs: [bytes] }, recs: [{ b: bytes }] },
        // NULLs and empty arrays at each level stay NULL and empty.
        { id: 2 },
        { id: 3, arr: [], rec: { bs: [] }, recs: [{}] },
      ];
      const bq = executor();
      if (path === 'writeRows') await bq.writeRows(table, rows);
      else await bq[path](table, rows);
      const read = await w.s.run(
        `SELECT TO_HEX(top) AS top, TO_HEX(arr[SAFE_OFFSET(0)]) AS arr, TO_HEX(rec.b) AS rb, TO_HEX(rec.bs[SAFE_OFFSET(0)]) AS rbs, TO_HEX(recs[SAFE_OFFSET(0)].b) AS rsb, rec IS NULL AS no_rec, ARRAY_LENGTH(recs) AS recs FROM ${table} ORDER BY id`,
      );
      const hex = '00ff5c78';
      // Before: the nested ones held the bytes of the base64 text ('AP9ceA==', 8 bytes), not the 4 bytes.
      expect(read).toEqual([
        { top: hex, arr: hex, rb: hex, rbs: hex, rsb: hex, no_rec: false, recs: 1 },
        { top: null, arr: null, rb: null, rbs: null, rsb: null, no_rec: true, recs: 0 },
        { top: null, arr: null, rb: null, rbs: null, rsb: null, no_rec: false, recs: 1 },
      ]);
    },
  );

  it.each(['atomic', 'committed', 'default'] as const)(
    '%s: a connection ended with RESOURCE_EXHAUSTED (a throughput quota) is retried with backoff, as the same status in-band is',
    async (mode) => {
      const table = await freshTable('id INT64');
      // "Exceeds 'AppendRows throughput' quota" ends the AppendRows stream with status 8.
      w.s.storageWrite.faults.add({ method: 'AppendRows', times: 1, code: 'RESOURCE_EXHAUSTED' });
      const result = await executor().writeRows(table, sixRows(), { mode, batchRows: 2 });
      w.s.storageWrite.faults.clear();
      // Before: rejected after one attempt, not transient (a handler dead-lettered a batch a quota delayed).
      expect(result.written).toBe(6);
      expect(await ids(table)).toEqual([0, 1, 2, 3, 4, 5]);
    },
  );
});
