import { describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/executor.js';
import { stableInsertId } from '../../../src/bigquery/insert-id.js';

// A client that is not a @google-cloud/common object: its tables have `insert` and no `request`,
// so insertRows must send through `table.insert` (raw rows, the client's partial retries off).
function fakeClient(answer: (rows: unknown[]) => unknown) {
  const calls: Array<{ table: string; rows: unknown[]; options: Record<string, unknown> }> = [];
  const client = {
    dataset: (datasetId: string) => ({
      table: (tableId: string) => ({
        insert: async (rows: unknown[], options: Record<string, unknown>) => {
          calls.push({ table: `${datasetId}.${tableId}`, rows, options });
          const error = answer(rows);
          if (error) throw error;
          return [{}];
        },
      }),
    }),
  };
  return { client, calls };
}

describe('insertRows through table.insert (no request method)', () => {
  it('re-sends a row from the batch it made, never reading the row again (a getter may throw then)', async () => {
    let first = true;
    const { client, calls } = fakeClient(() => {
      if (!first) return undefined;
      first = false;
      return Object.assign(new Error('A failure occurred during this request.'), {
        name: 'PartialFailureError',
        response: { insertErrors: [{ index: 0, errors: [{ reason: 'backendError', message: 'x' }] }] },
      });
    });
    let reads = 0;
    const row = {};
    Object.defineProperty(row, 'id', {
      enumerable: true,
      get() {
        reads += 1;
        // Read once to check it, once to make its batch; a third read is a bug.
        if (reads > 2) throw new Error('read again');
        return 1;
      },
    });
    const bq = new BigQueryExecutor({ client: client as never, retry: { baseDelayMs: 0, jitter: 'none' } });
    expect(await bq.insertRows('ds.t', [row])).toEqual({ inserted: 1, failed: [] });
    expect(calls).toHaveLength(2);
    expect(calls[1]?.rows).toEqual([{ insertId: stableInsertId({ id: 1 }), json: { id: 1 } }]);
    expect(reads).toBe(2);
  });

  it('sends raw rows with the stable ids and the flags, and turns partial failures into failed rows', async () => {
    let first = true;
    const { client, calls } = fakeClient(() => {
      if (!first) return undefined;
      first = false;
      return Object.assign(new Error('A failure occurred during this request.'), {
        name: 'PartialFailureError',
        response: {
          insertErrors: [
            { index: 0, errors: [{ reason: 'invalid', message: 'no such field' }] },
            { index: 1, errors: [{ reason: 'stopped', message: '' }] },
          ],
        },
      });
    });
    const bq = new BigQueryExecutor({ client: client as never, retry: { baseDelayMs: 0, jitter: 'none' } });
    const rows = [{ id: 1 }, { id: 2 }];
    const result = await bq.insertRows('ds.t', rows, { skipInvalidRows: false, throwOnFailure: false });
    expect(calls[0]).toEqual({
      table: 'ds.t',
      rows: rows.map((json) => ({ insertId: stableInsertId(json), json })),
      options: { raw: true, partialRetries: 0, skipInvalidRows: false },
    });
    // Only the stopped row is re-sent; the invalid one is reported.
    expect(calls[1]?.rows).toEqual([{ insertId: stableInsertId(rows[1]), json: rows[1] }]);
    expect(result.inserted).toBe(1);
    expect(result.failed).toMatchObject([{ index: 0, insertId: stableInsertId(rows[0]) }]);
  });
});

describe('insertRows and an answer whose insertErrors do not name a row sent', () => {
  it.each([
    ['without an index', { errors: [{ reason: 'backendError', message: 'x' }] }],
    ['with an index past the rows sent', { index: 7, errors: [{ reason: 'backendError', message: 'x' }] }],
  ])(
    'an entry %s counts no row as inserted: the rows are re-sent under the same ids',
    async (_name, entry) => {
      let answers = 0;
      const { client, calls } = fakeClient(() => {
        if (answers++ > 0) return undefined;
        return Object.assign(new Error('A failure occurred during this request.'), {
          name: 'PartialFailureError',
          response: { insertErrors: [entry] },
        });
      });
      const bq = new BigQueryExecutor({ client: client as never, retry: { baseDelayMs: 0, jitter: 'none' } });
      const rows = [{ id: 1 }, { id: 2 }];
      expect(await bq.insertRows('ds.t', rows)).toEqual({ inserted: 2, failed: [] });
      expect(calls).toHaveLength(2);
      expect(calls[1]?.rows).toEqual(calls[0]?.rows);
    },
  );

  it('an entry that never names a row reports every row it may concern, with its reasons, when the attempts run out', async () => {
    const { client, calls } = fakeClient(() =>
      Object.assign(new Error('A failure occurred during this request.'), {
        name: 'PartialFailureError',
        response: { insertErrors: [{ errors: [{ reason: 'invalid', message: 'row without index' }] }] },
      }),
    );
    const bq = new BigQueryExecutor({
      client: client as never,
      retry: { baseDelayMs: 0, jitter: 'none', maxAttempts: 2 },
    });
    const result = await bq.insertRows('ds.t', [{ id: 1 }, { id: 2 }], { throwOnFailure: false });
    expect(calls).toHaveLength(2);
    expect(result.inserted).toBe(0);
    expect(result.failed.map((f) => [f.index, f.reasons[0]?.message])).toEqual([
      [0, 'row without index'],
      [1, 'row without index'],
    ]);
  });
});
