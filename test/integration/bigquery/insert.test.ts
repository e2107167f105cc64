import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryExecutor, stableInsertId } from '../../../src/bigquery/index.js';
import {
  BadRequestError,
  CircuitBreakerOpenError,
  ForbiddenError,
  InternalServerError,
  NotFoundError,
  PartialInsertError,
} from '../../../src/errors/index.js';
import { CircuitBreaker } from '../../../src/retry/index.js';
import { caught } from '../../helpers/caught.js';
import { countRowsAndIds, type Harness, INSERT_ALL, startHarness } from './helpers.js';

interface Row {
  id: number | string;
  name: string;
}

/** BigQuery's request limit is 10 MB; one row this big can only travel alone and is refused whole. */
const HUGE = 'x'.repeat(10 * 1024 * 1024 + 1024);

const rowsOf = (n: number, from = 0): Row[] =>
  Array.from({ length: n }, (_, i) => ({ id: from + i, name: `n${from + i}` }));

describe('insertRows with the real client against the stand-in', () => {
  let h: Harness;
  let bq: BigQueryExecutor;
  let mark = 0;
  let tableNo = 0;
  const since = () =>
    h.standIn.requests.slice(mark).filter((r) => r.method === 'POST' && INSERT_ALL.test(r.path));
  const rowsSent = (r: { body: unknown }) =>
    (r.body as { rows: Array<{ insertId: string; json: Row }> }).rows;
  const count = (table: string) => countRowsAndIds(bq, table);
  const idsIn = async (table: string) =>
    (await bq.query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);

  /** A fresh table per test, so counts are exact. */
  const freshTable = async () => {
    const name = `ds.t${++tableNo}`;
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

  it('makes no request for no rows', async () => {
    const table = await freshTable();
    expect(await bq.insertRows(table, [])).toEqual({ inserted: 0, failed: [] });
    expect(h.standIn.requests.length).toBe(mark);
  });

  it('batches by rows, with deterministic ids, raw rows and no client partial retries', async () => {
    const table = await freshTable();
    const rows = rowsOf(1200);
    expect(await bq.insertRows(table, rows)).toEqual({ inserted: 1200, failed: [] });
    const sent = since();
    expect(sent.map((r) => rowsSent(r).length)).toEqual([500, 500, 200]);
    expect(rowsSent(sent[0]!)[0]).toEqual({ insertId: stableInsertId(rows[0]), json: rows[0] });
    expect(await count(table)).toEqual({ n: 1200, d: 1200 });
  });

  it("writes a value holding the client's {{projectId}} token as given, never with the project substituted", async () => {
    const table = await freshTable();
    // The client replaces the token in every string of a JSON request body (a row's values too).
    await bq.insertRows(table, [{ id: 1, name: 'see {{projectId}} docs' }]);
    expect(await bq.query(`SELECT name FROM ${table}`)).toEqual([{ name: 'see {{projectId}} docs' }]);
  });

  it('batches by bytes', async () => {
    const table = await freshTable();
    const rows = rowsOf(40).map((r) => ({ ...r, name: 'x'.repeat(1000) }));
    await bq.insertRows(table, rows, { batchBytes: 10_000 });
    const sizes = since().map((r) => rowsSent(r).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(40);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(9);
    expect(sizes.length).toBeGreaterThanOrEqual(5);
  });

  it('uses the key function for insert ids', async () => {
    const table = await freshTable();
    await bq.insertRows(table, rowsOf(3), { insertId: (r) => `row-${r.id}` });
    expect(rowsSent(since()[0]!).map((r) => r.insertId)).toEqual(['row-0', 'row-1', 'row-2']);
  });

  it('an insertId function that throws is a TypeError naming the row and the table, its error kept as cause, before any request', async () => {
    const table = await freshTable();
    const thrown = new Error('no event_id');
    const error = await caught(
      bq.insertRows(table, rowsOf(3), {
        insertId: (r) => {
          if (r.id === 2) throw thrown;
          return `row-${r.id}`;
        },
      }),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(
      /insertRows\(ds\.t\d+\): the insertId function threw for row 2: no event_id/,
    );
    expect((error as Error).cause).toBe(thrown);
    expect(since()).toHaveLength(0);
  });

  it('writes the rows the array held when the call was made, though the caller empties or refills it at once', async () => {
    const table = await freshTable();
    const buffer: Row[] = rowsOf(1200);
    const writing = bq.insertRows(table, buffer, { batchRows: 500 });
    // A caller reusing its buffer for the next rows while the write runs.
    buffer.length = 0;
    buffer.push(...rowsOf(3, 5000));
    expect(await writing).toEqual({ inserted: 1200, failed: [] });
    expect(await count(table)).toEqual({ n: 1200, d: 1200 });
  });

  it('writes each row exactly once when every insertAll is applied and its answer lost once', async () => {
    const table = await freshTable();
    // Every odd-numbered insertAll (the first attempt of each batch, batches sent one at a time with
    // concurrency 1) is applied by the stand-in and then its connection is destroyed.
    let n = 0;
    const firstOfEachBatch = {
      test: (path: string) => INSERT_ALL.test(path) && n++ % 2 === 0,
    } as unknown as RegExp;
    h.standIn.faults.add({ method: 'POST', path: firstOfEachBatch, reset: 'after' });
    const result = await bq.insertRows(table, rowsOf(500), { batchRows: 100, concurrency: 1 });
    expect(result).toEqual({ inserted: 500, failed: [] });
    const sent = since();
    expect(sent).toHaveLength(10);
    expect(sent.filter((r) => r.fault !== undefined)).toHaveLength(5);
    for (let b = 0; b < 5; b++) {
      // The re-sent batch carries exactly the same ids.
      expect(rowsSent(sent[2 * b + 1]!).map((r) => r.insertId)).toEqual(
        rowsSent(sent[2 * b]!).map((r) => r.insertId),
      );
    }
    expect(await count(table)).toEqual({ n: 500, d: 500 });
  });

  it('writes every copy of identical rows in one call (two free throws are two rows), each under its own id', async () => {
    const table = await freshTable();
    const freeThrow = { id: 7, name: 'free_throw_made' };
    const rows = [freeThrow, { ...freeThrow }, { id: 8, name: 'foul' }, { ...freeThrow }];
    expect(await bq.insertRows(table, rows)).toEqual({ inserted: 4, failed: [] });
    expect(rowsSent(since()[0]!).map((r) => r.insertId)).toEqual([
      stableInsertId(freeThrow),
      `${stableInsertId(freeThrow)}-1`,
      stableInsertId({ id: 8, name: 'foul' }),
      `${stableInsertId(freeThrow)}-2`,
    ]);
    expect(await count(table)).toEqual({ n: 4, d: 2 });
  });

  it('identical rows: a lost answer and a redelivery of the same rows in another order write each copy once', async () => {
    const table = await freshTable();
    const a = { id: 1, name: 'a' };
    const b = { id: 2, name: 'b' };
    h.standIn.faults.add({ method: 'POST', path: INSERT_ALL, reset: 'after', times: 1 });
    expect(await bq.insertRows(table, [a, b, a, a], { batchRows: 2, concurrency: 1 })).toEqual({
      inserted: 4,
      failed: [],
    });
    expect(await count(table)).toEqual({ n: 4, d: 2 });
    // The redelivered message holds the same rows in another order: the same ids, nothing new.
    expect(await bq.insertRows(table, [a, a, b, a])).toEqual({ inserted: 4, failed: [] });
    expect(await count(table)).toEqual({ n: 4, d: 2 });
  });

  it('identical rows: when a repeat was refused, the error says to resend it under its insertId, and doing so writes it (by content it would be taken for the copy written)', async () => {
    const table = await freshTable();
    const freeThrow = { id: 7, name: 'free_throw_made' };
    // One row a request: the first copy lands, the requests of the second copy and of row 2 are refused.
    h.standIn.faults.add({
      method: 'POST',
      path: INSERT_ALL,
      after: 1,
      times: 2,
      error: { status: 400, reason: 'invalid' },
    });
    const error = (await caught(
      bq.insertRows(table, [freeThrow, { ...freeThrow }, { id: 8, name: 'foul' }], {
        batchRows: 1,
        concurrency: 1,
      }),
    )) as PartialInsertError;
    expect(error).toBeInstanceOf(PartialInsertError);
    expect(error.failures.map((f) => [f.index, f.insertId])).toEqual([
      [1, `${stableInsertId(freeThrow)}-1`],
      [2, stableInsertId({ id: 8, name: 'foul' })],
    ]);
    expect(await count(table)).toEqual({ n: 1, d: 1 });
    // Resent by content, row 1 is a call's first { id: 7 } again: the id of the copy written.
    expect(error.message).toContain('row 1 repeats an identical row');
    expect(error.message).toContain('insertId: (_row, i) => failures[i].insertId');
    const { failures } = error;
    const again = await bq.insertRows(
      table,
      failures.map((f) => f.row),
      { insertId: (_row, i) => failures[i]!.insertId! },
    );
    expect(again).toEqual({ inserted: 2, failed: [] });
    expect(await count(table)).toEqual({ n: 3, d: 2 });
  });

  it('keeps one of identical rows when asked to, with insertId: stableInsertId', async () => {
    const table = await freshTable();
    const a = { id: 1, name: 'a' };
    await bq.insertRows(table, [a, { ...a }], { insertId: (r) => stableInsertId(r) });
    expect(await count(table)).toEqual({ n: 1, d: 1 });
  });

  it('re-sends only the stopped rows, with the same ids, and reports invalid rows by caller index', async () => {
    const table = await freshTable();
    const rows: Row[] = rowsOf(5);
    rows[3] = { id: 'not-a-number', name: 'bad' };
    const result = await bq.insertRows(table, rows, { batchRows: 2, throwOnFailure: false, concurrency: 1 });
    expect(result.inserted).toBe(4);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]).toMatchObject({ index: 3, row: rows[3], insertId: stableInsertId(rows[3]) });
    expect(result.failed[0]?.reasons[0]?.reason).toBe('invalid');
    const sent = since().map((r) => rowsSent(r).map((x) => x.json.id));
    // batch [0,1]; batch [2,3] refused (3 invalid, 2 stopped); only row 2 re-sent; batch [4].
    expect(sent).toEqual([[0, 1], [2, 'not-a-number'], [2], [4]]);
    expect(await count(table)).toEqual({ n: 4, d: 4 });
  });

  it('re-sends the rows of an injected partial failure and reports the invalid one', async () => {
    const table = await freshTable();
    h.standIn.faults.add({ method: 'POST', path: INSERT_ALL, insertErrors: { invalid: [1] }, times: 1 });
    const rows = rowsOf(4);
    const result = await bq.insertRows(table, rows, { throwOnFailure: false });
    expect(result.inserted).toBe(3);
    expect(result.failed.map((f) => f.index)).toEqual([1]);
    expect(since().map((r) => rowsSent(r).length)).toEqual([4, 3]);
  });

  it('throws PartialInsertError by default (and when asked to)', async () => {
    const table = await freshTable();
    const rows: Row[] = [...rowsOf(2), { id: 'x', name: 'bad' }];
    const err = await bq.insertRows(table, rows, { throwOnFailure: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartialInsertError);
    expect(err).toMatchObject({ table, inserted: 2 });
    expect((err as PartialInsertError).failures.map((f) => f.index)).toEqual([2]);
    expect((err as PartialInsertError).transient).toBe(false);
  });

  it('marks the PartialInsertError transient when every row left over is still stopped', async () => {
    const table = await freshTable();
    // Every insertAll answers `stopped` for all rows, so the retries run out with nothing refused for good.
    h.standIn.faults.add({ method: 'POST', path: INSERT_ALL, insertErrors: { invalid: [] } });
    const err = await bq.insertRows(table, rowsOf(3), { throwOnFailure: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartialInsertError);
    expect((err as PartialInsertError).failures.map((f) => f.reasons[0]?.reason)).toEqual([
      'stopped',
      'stopped',
      'stopped',
    ]);
    expect((err as PartialInsertError).transient).toBe(true);
  });

  it('inserts the valid rows in one request with skipInvalidRows', async () => {
    const table = await freshTable();
    const rows: Row[] = [...rowsOf(2), { id: 'x', name: 'bad' }];
    const result = await bq.insertRows(table, rows, { skipInvalidRows: true, throwOnFailure: false });
    expect(result.inserted).toBe(2);
    expect(result.failed.map((f) => f.index)).toEqual([2]);
    expect(since()).toHaveLength(1);
  });

  it('re-sends a whole batch after a transient request failure, with the same ids', async () => {
    const table = await freshTable();
    h.standIn.faults.add({
      method: 'POST',
      path: INSERT_ALL,
      error: { status: 503, reason: 'backendError' },
      times: 2,
    });
    await bq.insertRows(table, rowsOf(3));
    const sent = since();
    expect(sent.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(new Set(sent.map((r) => JSON.stringify(rowsSent(r).map((x) => x.insertId)))).size).toBe(1);
    expect(bq.stats).toEqual({ calls: 1, attempts: 3, retries: 2 });
  });

  it('marks the PartialInsertError transient when the rows left over were stopped by the open breaker', async () => {
    const table = await freshTable();
    // The first request lands; from the second on, an outage: the first refusal opens the breaker,
    // and the retry of that request is refused by the breaker itself.
    h.standIn.faults.add({
      method: 'POST',
      path: INSERT_ALL,
      after: 1,
      error: { status: 503, reason: 'backendError' },
    });
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    const err = await caught(
      bq.insertRows(table, rowsOf(6), { batchRows: 2, concurrency: 1, retry: { maxAttempts: 3, breaker } }),
    );
    expect(err).toBeInstanceOf(PartialInsertError);
    expect((err as PartialInsertError).inserted).toBe(2);
    expect((err as PartialInsertError).cause).toBeInstanceOf(CircuitBreakerOpenError);
    // Before: not transient (the breaker's error is not), so a message handler dead-lettered a batch
    // whose rows an outage kept out, which a redelivery writes once (same insert ids).
    expect((err as PartialInsertError).transient).toBe(true);
  });

  it('gives up with the typed error when the transient failure outlasts the attempts', async () => {
    const table = await freshTable();
    h.standIn.faults.add({
      method: 'POST',
      path: INSERT_ALL,
      error: { status: 503, reason: 'backendError' },
    });
    // backendError is an InternalServerError whatever status carried it (job-error-class.test.ts).
    await expect(bq.insertRows(table, rowsOf(3), { retry: { maxAttempts: 3 } })).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(since()).toHaveLength(3);
  });

  it.each([
    ['404 table', async () => ['ds.missing', undefined] as const, NotFoundError],
    [
      '403 accessDenied',
      async () => [await freshTable(), { status: 403, reason: 'accessDenied' }] as const,
      ForbiddenError,
    ],
  ])('rejects a request-level %s after exactly one attempt', async (_name, prepare, klass) => {
    const [table, error] = await prepare();
    if (error === undefined) {
      mark = h.standIn.requests.length;
      bq = h.executor();
    } else {
      h.standIn.faults.add({ method: 'POST', path: INSERT_ALL, error });
    }
    await expect(bq.insertRows(table, rowsOf(2))).rejects.toBeInstanceOf(klass);
    expect(since()).toHaveLength(1);
    expect(bq.stats).toEqual({ calls: 1, attempts: 1, retries: 0 });
  });

  it('reports rows still stopped when attempts run out, instead of dropping them', async () => {
    const table = await freshTable();
    h.standIn.faults.add({ method: 'POST', path: INSERT_ALL, insertErrors: { invalid: [] } });
    const result = await bq.insertRows(table, rowsOf(3), {
      retry: { maxAttempts: 2 },
      throwOnFailure: false,
    });
    expect(result.inserted).toBe(0);
    expect(result.failed.map((f) => [f.index, f.reasons[0]?.reason])).toEqual([
      [0, 'stopped'],
      [1, 'stopped'],
      [2, 'stopped'],
    ]);
    expect(since()).toHaveLength(2);
  });

  it('a 400 on the whole request reports its rows as failed (PartialInsertError caused by the BadRequestError), after one attempt', async () => {
    const table = await freshTable();
    h.standIn.faults.add({ method: 'POST', path: INSERT_ALL, error: { status: 400, reason: 'invalid' } });
    const err = await bq.insertRows(table, rowsOf(2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartialInsertError);
    expect((err as PartialInsertError).cause).toBeInstanceOf(BadRequestError);
    expect((err as PartialInsertError).failures.map((f) => [f.index, f.reasons[0]?.reason])).toEqual([
      [0, 'invalid'],
      [1, 'invalid'],
    ]);
    expect(since()).toHaveLength(1);
    expect(bq.stats).toEqual({ calls: 1, attempts: 1, retries: 0 });
  });

  it.each([
    [{ batchRows: 50_001 }, /batchRows must be at most 50000/],
    [{ batchRows: 1.5 }, /insertRows\(ds\.t\d+\): batchRows must be an integer from 1 to 50000, got 1\.5$/],
    [{ batchRows: 0 }, /insertRows\(ds\.t\d+\): batchRows must be an integer from 1 to 50000, got 0$/],
    [{ batchRows: Number.NaN }, /batchRows must be an integer from 1 to 50000, got NaN$/],
    [{ batchBytes: 11 * 1024 * 1024 }, /batchBytes must be at most 10485760/],
    [{ batchBytes: 100 }, /batchBytes must be more than 256 .*got 100$/],
    [{ batchBytes: 0 }, /batchBytes must be more than 256 .*got 0$/],
  ])('refuses %o up front: outside insertAll limits', async (options, message) => {
    const table = await freshTable();
    await expect(bq.insertRows(table, rowsOf(1), options)).rejects.toThrow(message);
    expect(since()).toHaveLength(0);
  });

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
    expect(since().map((r) => (r.body as { rows: unknown[] }).rows.length)).toEqual([4, 3]);
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
    expect(since().map((r) => r.status)).toEqual([200, 400, 200]);
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

  it('a row with a sparse array costs only that row, not the request it travels in', async () => {
    const table = `ds.t${++tableNo}`;
    await h.executor().query(`CREATE TABLE ${table} (id INT64, tags ARRAY<INT64>)`);
    mark = h.standIn.requests.length;
    bq = h.executor();
    const rows = [
      { id: 0, tags: [1] },
      // biome-ignore lint/suspicious/noSparseArray: the hole is the point
      { id: 1, tags: [1, , 3] },
      { id: 2, tags: [] },
    ];
    const result = await bq.insertRows(table, rows, { throwOnFailure: false });
    // The hole goes out as null (as JSON sends it), which BigQuery refuses in an array: that row only.
    expect(result.failed.map((f) => [f.index, f.reasons[0]?.reason])).toEqual([[1, 'invalid']]);
    expect(result.inserted).toBe(2);
    expect(since().map((r) => r.status)).toEqual([200, 200]);
    expect(await idsIn(table)).toEqual([0, 2]);
  });
});
