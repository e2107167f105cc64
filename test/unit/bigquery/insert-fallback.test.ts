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
