import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { PartialInsertError } from '../../../src/errors/index.js';
import { countRowsAndIds, type Harness, INSERT_ALL, startHarness } from './helpers.js';

interface Row {
  id: number | string;
  name: string;
}

const rowsOf = (n: number, from = 0): Row[] =>
  Array.from({ length: n }, (_, i) => ({ id: from + i, name: `n${from + i}` }));

/** BigQuery's request limit is 10 MB; one row this big can only travel alone and is refused whole. */
const HUGE = 'x'.repeat(10 * 1024 * 1024 + 1024);

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('insertRows loses nothing silently (default settings, real client, stand-in)', () => {
  let h: Harness;
  let bq: BigQueryExecutor;
  let mark = 0;
  let tableNo = 0;
  const sentRequests = () =>
    h.standIn.requests.slice(mark).filter((r) => r.method === 'POST' && INSERT_ALL.test(r.path));
  const idsIn = async (table: string) =>
    (await bq.query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);

  const freshTable = async () => {
    const name = `ds.s${++tableNo}`;
    await h.executor().query(`CREATE TABLE ${name} (id INT64, name STRING)`);
    mark = h.standIn.requests.length;
    bq = h.executor();
    return name;
  };

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
  });
  afterAll(() => h.close());
  afterEach(() => h.standIn.faults.clear());

  it('a row refused for good: every other row is written first, then PartialInsertError names it', async () => {
    const table = await freshTable();
    const rows: Row[] = rowsOf(5);
    rows[3] = { id: 'not-a-number', name: 'bad' };
    const error = await caught(bq.insertRows(table, rows, { batchRows: 2 }));
    expect(error).toBeInstanceOf(PartialInsertError);
    const partial = error as PartialInsertError;
    expect(partial.inserted).toBe(4);
    expect(partial.failures.map((f) => f.index)).toEqual([3]);
    expect(partial.failures[0]?.row).toBe(rows[3]);
    expect(partial.failures[0]?.reasons[0]?.reason).toBe('invalid');
    expect(partial.transient).toBe(false);
    expect(await idsIn(table)).toEqual([0, 1, 2, 4]);
  });

  it('{ throwOnFailure: false } returns { inserted, failed } instead', async () => {
    const table = await freshTable();
    const rows: Row[] = [...rowsOf(2), { id: 'x', name: 'bad' }];
    const result = await bq.insertRows(table, rows, { throwOnFailure: false });
    expect(result.inserted).toBe(2);
    expect(result.failed.map((f) => f.index)).toEqual([2]);
  });

  it('rows refused only because others were (stopped) keep being re-sent, and land', async () => {
    const table = await freshTable();
    h.standIn.faults.add({ method: 'POST', path: INSERT_ALL, insertErrors: { invalid: [1] }, times: 1 });
    const error = await caught(bq.insertRows(table, rowsOf(4)));
    expect((error as PartialInsertError).failures.map((f) => f.index)).toEqual([1]);
    expect(sentRequests().map((r) => (r.body as { rows: unknown[] }).rows.length)).toEqual([4, 3]);
    expect(await idsIn(table)).toEqual([0, 2, 3]);
  });

  it('a request refused as a whole (over 10 MB) does not stop the other batches', async () => {
    const table = await freshTable();
    const rows: Row[] = [...rowsOf(3), { id: 3, name: HUGE }, ...rowsOf(3, 4)];
    const error = await caught(bq.insertRows(table, rows));
    expect(error).toBeInstanceOf(PartialInsertError);
    const partial = error as PartialInsertError;
    expect(partial.inserted).toBe(6);
    expect(partial.failures.map((f) => f.index)).toEqual([3]);
    expect(partial.failures[0]?.row).toBe(rows[3]);
    expect(partial.failures[0]?.reasons[0]?.message).toContain('Request payload size exceeds the limit');
    // Three requests: the rows before it, the refused one (once: a 400 is not retried), the rows after it.
    expect(sentRequests().map((r) => r.status)).toEqual([200, 400, 200]);
    expect(await idsIn(table)).toEqual([0, 1, 2, 4, 5, 6]);
  });

  it('with { throwOnFailure: false } the refused request is reported row by row, by caller index', async () => {
    const table = await freshTable();
    const rows: Row[] = [...rowsOf(2), { id: 2, name: HUGE }, ...rowsOf(2, 3)];
    const result = await bq.insertRows(table, rows, { throwOnFailure: false });
    expect(result.inserted).toBe(4);
    expect(result.failed.map((f) => f.index)).toEqual([2]);
    expect(await countRowsAndIds(bq, table)).toEqual({ n: 4, d: 4 });
  });

  it('a transient failure that outlasts the attempts after some batches landed: PartialInsertError with every row not written', async () => {
    const table = await freshTable();
    // The second request onwards answers 503: batch 1 lands, batch 2 runs out of attempts.
    h.standIn.faults.add({
      method: 'POST',
      path: INSERT_ALL,
      error: { status: 503, reason: 'backendError' },
      after: 1,
    });
    const error = await caught(bq.insertRows(table, rowsOf(6), { batchRows: 2, retry: { maxAttempts: 2 } }));
    expect(error).toBeInstanceOf(PartialInsertError);
    const partial = error as PartialInsertError;
    expect(partial.inserted).toBe(2);
    expect(partial.failures.map((f) => f.index)).toEqual([2, 3, 4, 5]);
    // Everything left over may succeed later: a redelivery should retry, not dead-letter.
    expect(partial.transient).toBe(true);
    h.standIn.faults.clear();
    expect(await idsIn(table)).toEqual([0, 1]);
  });
});
