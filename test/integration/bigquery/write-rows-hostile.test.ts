import { describe, expect, it } from 'vitest';
import { UnsupportedSchemaError } from '../../../src/errors/index.js';
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
        retry: { maxAttempts: 3, baseDelayMs: 1, attemptTimeoutMs: 500 },
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
});
