import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryExecutor, stableInsertId } from '../../../src/bigquery/index.js';
import { PartialInsertError } from '../../../src/errors/index.js';
import { caught } from '../../helpers/caught.js';
import { countRowsAndIds, type Harness, INSERT_ALL, startHarness, UPLOAD } from './helpers.js';

interface Row {
  id: number | string;
  name: string;
}

const rowsOf = (n: number, from = 0): Row[] =>
  Array.from({ length: n }, (_, i) => ({ id: from + i, name: `n${from + i}` }));

describe('concurrent batches: insertRows and split loadRows keep every guarantee', () => {
  let h: Harness;
  let bq: BigQueryExecutor;
  let mark = 0;
  let tableNo = 0;
  const insertAlls = () =>
    h.standIn.requests.slice(mark).filter((r) => r.method === 'POST' && INSERT_ALL.test(r.path));
  const rowsSent = (r: { body: unknown }) =>
    (r.body as { rows: Array<{ insertId: string; json: Row }> }).rows;

  const freshTable = async () => {
    const name = `ds.c${++tableNo}`;
    await h.executor().query(`CREATE TABLE ${name} (id INT64, name STRING)`);
    mark = h.standIn.requests.length;
    bq = h.executor();
    return name;
  };

  /** A path pattern that records, as each insertAll arrives, how many insertAlls are unanswered. */
  const inFlightProbe = (seen: number[]) =>
    ({
      test: (path: string) => {
        if (INSERT_ALL.test(path)) {
          seen.push(
            h.standIn.requests.filter(
              (r) => r.method === 'POST' && INSERT_ALL.test(r.path) && r.status === undefined,
            ).length,
          );
        }
        return false;
      },
    }) as unknown as RegExp;

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
  });
  afterAll(() => h.close());
  afterEach(() => h.standIn.faults.clear());

  it('never has more than `concurrency` insertAll requests in flight, and does overlap them', async () => {
    const table = await freshTable();
    const seen: number[] = [];
    h.standIn.faults.add({ method: 'POST', path: inFlightProbe(seen), delayMs: 1 });
    h.standIn.faults.add({ method: 'POST', path: INSERT_ALL, delayMs: 100 });
    expect(await bq.insertRows(table, rowsOf(120), { batchRows: 10, concurrency: 3 })).toEqual({
      inserted: 120,
      failed: [],
    });
    expect(seen).toHaveLength(12);
    expect(Math.max(...seen)).toBeLessThanOrEqual(3);
    expect(Math.max(...seen)).toBeGreaterThan(1);
    expect(await countRowsAndIds(bq, table)).toEqual({ n: 120, d: 120 });
  });

  it('with the default (4) the same rows go in the same batches with the same ids as one at a time', async () => {
    const one = await freshTable();
    await bq.insertRows(one, rowsOf(50), { batchRows: 7, concurrency: 1 });
    const sequential = insertAlls().map((r) => rowsSent(r).map((x) => x.insertId));
    const four = await freshTable();
    await bq.insertRows(four, rowsOf(50), { batchRows: 7 });
    const concurrent = insertAlls().map((r) => rowsSent(r).map((x) => x.insertId));
    expect(concurrent).toHaveLength(8);
    expect([...concurrent].sort()).toEqual([...sequential].sort());
    expect(concurrent.flat().sort()).toEqual(rowsOf(50).map(stableInsertId).sort());
  });

  it('reports the same rows by caller index whatever order the batches finish in', async () => {
    const rows = rowsOf(40);
    for (const i of [1, 17, 33]) rows[i] = { id: `bad-${i}`, name: 'x' };
    const settle = async (slowFirst: boolean, concurrency: number) => {
      const table = await freshTable();
      // The first batch to arrive answers last: batches complete in reverse order of their rows.
      if (slowFirst) h.standIn.faults.add({ method: 'POST', path: INSERT_ALL, delayMs: 150, times: 1 });
      const result = await bq.insertRows(table, rows, { batchRows: 8, concurrency, throwOnFailure: false });
      h.standIn.faults.clear();
      return { result, stored: await countRowsAndIds(bq, table) };
    };
    const sequential = await settle(false, 1);
    const reordered = await settle(true, 4);
    expect(sequential.result.inserted).toBe(37);
    expect(sequential.result.failed.map((f) => f.index)).toEqual([1, 17, 33]);
    expect(reordered.result).toEqual(sequential.result);
    expect(reordered.stored).toEqual({ n: 37, d: 37 });
  });

  it('writes every row exactly once when 30% of the answers of concurrent batches are lost', async () => {
    const table = await freshTable();
    h.standIn.faults.add({ method: 'POST', path: INSERT_ALL, reset: 'after', rate: 0.3, seed: 12 });
    const result = await bq.insertRows(table, rowsOf(600), {
      batchRows: 25,
      concurrency: 4,
      retry: { maxAttempts: 12 },
    });
    h.standIn.faults.clear();
    expect(result).toEqual({ inserted: 600, failed: [] });
    expect(insertAlls().filter((r) => r.fault !== undefined).length).toBeGreaterThan(0);
    expect(await countRowsAndIds(bq, table)).toEqual({ n: 600, d: 600 });
  });

  it('a batch refused as a whole stops no other batch in flight; the rest are accounted exactly', async () => {
    const table = await freshTable();
    // The third request to arrive is refused for good (400); every other row is written.
    h.standIn.faults.add({
      method: 'POST',
      path: INSERT_ALL,
      error: { status: 400, reason: 'invalid' },
      after: 2,
      times: 1,
    });
    const error = await caught(bq.insertRows(table, rowsOf(50), { batchRows: 10 }));
    expect(error).toBeInstanceOf(PartialInsertError);
    const partial = error as PartialInsertError;
    expect(partial.inserted).toBe(40);
    expect(partial.failures).toHaveLength(10);
    const refused = partial.failures.map((f) => f.index);
    // One whole batch, by caller index, in order.
    expect(refused[9]! - refused[0]!).toBe(9);
    expect(refused[0]! % 10).toBe(0);
    expect(await countRowsAndIds(bq, table)).toEqual({ n: 40, d: 40 });
  });

  it('loadRows splits over jobBytes into several jobs, loads each exactly once, and reports them in row order', async () => {
    const table = await freshTable();
    const rows = rowsOf(30);
    const result = await bq.loadRows(table, rows, { jobBytes: 200, concurrency: 3 });
    const uploads = h.standIn.requests.slice(mark).filter((r) => r.method === 'POST' && UPLOAD.test(r.path));
    expect(result.outputRows).toBe(30);
    expect(result.jobIds.length).toBeGreaterThan(2);
    expect(new Set(result.jobIds).size).toBe(result.jobIds.length);
    expect(result.jobId).toBe(result.jobIds[0]);
    expect(uploads).toHaveLength(result.jobIds.length);
    // Each job's NDJSON stays within jobBytes (one row over it would travel alone).
    for (const u of uploads)
      expect(Buffer.byteLength((u.body as { data: string }).data)).toBeLessThanOrEqual(200);
    expect(await countRowsAndIds(bq, table)).toEqual({ n: 30, d: 30 });
  });

  it('a split load with one job refused for good loads the other jobs and names exactly that job’s rows', async () => {
    const table = await freshTable();
    const rows = rowsOf(30);
    rows[12] = { id: 'not-a-number', name: 'bad' };
    const error = await caught(bq.loadRows(table, rows, { jobBytes: 200, concurrency: 3 }));
    expect(error).toBeInstanceOf(PartialInsertError);
    const partial = error as PartialInsertError;
    const refused = partial.failures.map((f) => f.index);
    expect(refused).toContain(12);
    // Loads are all or nothing per job: the refused rows are one consecutive range around row 12.
    expect(refused).toEqual(Array.from({ length: refused.length }, (_, k) => refused[0]! + k));
    expect(partial.inserted).toBe(30 - refused.length);
    const stored = await countRowsAndIds(bq, table);
    expect(stored).toEqual({ n: 30 - refused.length, d: 30 - refused.length });
  });

  it('refuses a concurrency that is not an integer from 1 to 64, naming the option', async () => {
    const table = await freshTable();
    for (const concurrency of [0, -1, 1.5, 65, Number.NaN]) {
      await expect(bq.insertRows(table, rowsOf(1), { concurrency })).rejects.toThrow(
        /concurrency must be an integer from 1 to 64/,
      );
      await expect(bq.loadRows(table, rowsOf(1), { concurrency })).rejects.toThrow(
        /concurrency must be an integer from 1 to 64/,
      );
    }
    expect(insertAlls()).toHaveLength(0);
  });
});
