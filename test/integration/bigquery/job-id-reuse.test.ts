import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, PipelineError } from '../../../src/errors/index.js';
import { deepStrings } from '../../helpers/deep-strings.js';
import {
  caught,
  createCounter,
  GET_JOB,
  type Harness,
  INSERT_JOB,
  loseThenRefuse,
  QUERY_RESULTS,
  startHarness,
  UPLOAD,
} from './helpers.js';

/**
 * A job id that exists already is read rather than run again, but only when it names the same
 * statement: an id the caller reused for another statement must not stand in for it. And a job that
 * failed for a missing table answers its results with a 404 too: that is its error, not a vanished job.
 */
describe('a query job found under an existing id, or answering 404', () => {
  let h: Harness;
  let tables = 0;

  /** A fresh one-row counter table, `n = 0`. */
  async function counter(): Promise<string> {
    const table = `ds.reuse_${++tables}`;
    await createCounter(h, table);
    return table;
  }

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
  });
  afterAll(() => h.close());
  afterEach(() => h.standIn.faults.clear());

  it('update under a job id that ran another statement rejects (not transient) instead of returning that job', async () => {
    const table = await counter();
    const bq = h.executor();
    expect(await bq.update(`UPDATE ${table} SET n = n + 1 WHERE true`, { jobId: 'nightly_fix' })).toBe(1);
    const error = await caught(
      bq.update(`UPDATE ${table} SET n = n + 10 WHERE true`, { jobId: 'nightly_fix' }),
    );
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toMatchObject({ code: 'JOB_ID_IN_USE', transient: false });
    expect((error as Error).message).toContain('nightly_fix');
    // Nothing was cancelled or read as this call's outcome; the first statement's change stands alone.
    expect(h.requests('POST', /\/cancel$/)).toHaveLength(0);
    expect(await bq.query(`SELECT n FROM ${table}`)).toEqual([{ n: 1 }]);
  });

  it("JOB_ID_IN_USE shows the other job's statement without its literals or comments: no credential reaches the message or any cause", async () => {
    const table = await counter();
    await h.executor().query(`CREATE TABLE ds.accounts (k STRING, password STRING, pin INT64)`);
    const bq = h.executor();
    // Built at run time: no credential-shaped literal sits in the source.
    const apiKey = ['AIza', 'Sy', 'D4x9Qm2Lk7Tn1Pv8Rw3Zb6Hc5Jf0Ge9Ua'].join('');
    const secret = ['hun', 'ter2', '-s3cr3t'].join('');
    const first = `/* rotated by ${apiKey} */ INSERT ds.accounts (k, password, pin) VALUES ('${apiKey}', "password=${secret}", 482913)`;
    expect(await bq.update(first, { jobId: 'shared_id' })).toBe(1);
    const error = await caught(bq.update(`UPDATE ${table} SET n = n + 1 WHERE true`, { jobId: 'shared_id' }));
    expect(error).toMatchObject({ code: 'JOB_ID_IN_USE', transient: false });
    const message = (error as Error).message;
    // The other statement is still recognizable by its shape.
    expect(message).toContain('INSERT ds.accounts');
    for (const text of deepStrings(error)) {
      expect(text).not.toContain('AIza');
      expect(text).not.toContain(secret);
      expect(text).not.toContain('482913');
    }
  });

  it('query under a job id of another statement rejects instead of answering the other rows', async () => {
    const table = await counter();
    const bq = h.executor();
    expect(await bq.query(`SELECT n FROM ${table}`, { jobId: 'report_q' })).toEqual([{ n: 0 }]);
    const error = await caught(bq.query(`SELECT n + 100 AS m FROM ${table}`, { jobId: 'report_q' }));
    expect(error).toMatchObject({ code: 'JOB_ID_IN_USE', transient: false });
  });

  it('update under a job id that ran the same SQL with other parameters rejects instead of returning that job', async () => {
    const table = await counter();
    const bq = h.executor();
    const sql = `UPDATE ${table} SET n = n + @step WHERE true`;
    expect(await bq.update(sql, { jobId: 'step_fix', params: { step: 1 } })).toBe(1);
    const error = await caught(bq.update(sql, { jobId: 'step_fix', params: { step: 10 } }));
    expect(error).toMatchObject({ code: 'JOB_ID_IN_USE', transient: false });
    expect((error as Error).message).toMatch(/other parameters: @step\)/);
    // The same statement with the same parameters is read, not run twice.
    expect(await bq.update(sql, { jobId: 'step_fix', params: { step: 1 } })).toBe(1);
    expect(await bq.query(`SELECT n FROM ${table}`)).toEqual([{ n: 1 }]);
  });

  it("update under the caller's job id, its answer lost, is its own job though BigQuery records parameter values as strings: applied once, not JOB_ID_IN_USE", async () => {
    const table = await counter();
    const bq = h.executor();
    const sql = `UPDATE ${table} SET n = n + @step WHERE @on AND @note IS NULL AND n IN UNNEST(@from) AND ARRAY_LENGTH(@none) = 0`;
    const options = {
      jobId: 'typed_fix',
      params: { step: 5, on: true, note: null, from: [0, 1], none: [] },
      types: { note: 'STRING' as const, none: ['INT64'] as const },
    };
    h.standIn.faults.add({ method: 'POST', path: INSERT_JOB, reset: 'after', times: 1 });
    expect(await bq.update(sql, options)).toBe(1);
    // Passed back after the fact (a redelivery), the same statement is read, not run twice.
    expect(await bq.update(sql, options)).toBe(1);
    expect(await bq.query(`SELECT n FROM ${table}`)).toEqual([{ n: 5 }]);
  });

  it('query under a job id of the same SQL with other positional parameters rejects', async () => {
    const table = await counter();
    const bq = h.executor();
    const sql = `SELECT n + ? AS m FROM ${table}`;
    expect(await bq.query(sql, { jobId: 'plus_q', params: [1] })).toEqual([{ m: 1 }]);
    const error = await caught(bq.query(sql, { jobId: 'plus_q', params: [2] }));
    expect(error).toMatchObject({ code: 'JOB_ID_IN_USE', transient: false });
    const typed = await caught(bq.query(sql, { jobId: 'plus_q', params: [1.5] }));
    expect(typed).toMatchObject({ code: 'JOB_ID_IN_USE' });
    expect(await bq.query(sql, { jobId: 'plus_q', params: [1] })).toEqual([{ m: 1 }]);
  });

  it('loadRows under a caller job id: other rows are a job of their own and land; the same rows into another table reject JOB_ID_IN_USE; the same load is read', async () => {
    const table = await counter();
    const bq = h.executor();
    const first = await bq.loadRows(table, [{ n: 1 }], { jobId: 'daily_load' });
    expect(first.outputRows).toBe(1);
    expect(first.jobId).toMatch(/^daily_load_[0-9a-f]{32}$/);
    // Other rows under the same id (the id ends with the rows' fingerprint): loaded, not taken as done.
    const otherRows = await bq.loadRows(table, [{ n: 2 }, { n: 3 }], { jobId: 'daily_load' });
    expect(otherRows.outputRows).toBe(2);
    expect(otherRows.jobId).not.toBe(first.jobId);
    const otherTable = await counter();
    const elsewhere = await caught(bq.loadRows(otherTable, [{ n: 1 }], { jobId: 'daily_load' }));
    expect(elsewhere).toBeInstanceOf(PipelineError);
    expect(elsewhere).toMatchObject({ code: 'JOB_ID_IN_USE', transient: false });
    expect((elsewhere as Error).message).toContain('daily_load');
    expect((elsewhere as Error).message).toContain(table.split('.')[1]);
    // The same load under its own id, or under the id the call reported, is read, not loaded twice.
    expect((await bq.loadRows(table, [{ n: 1 }], { jobId: 'daily_load' })).jobId).toBe(first.jobId);
    expect((await bq.loadRows(table, [{ n: 1 }], { jobId: first.jobId as string })).jobId).toBe(first.jobId);
    expect(await bq.query(`SELECT n FROM ${table} ORDER BY n`)).toEqual([
      { n: 0 },
      { n: 1 },
      { n: 2 },
      { n: 3 },
    ]);
    expect(await bq.query(`SELECT n FROM ${otherTable}`)).toEqual([{ n: 0 }]);
  });

  it('loadRows under the id a re-run reported (`<id>_<print>_r1`), passed back, reads that job instead of loading again', async () => {
    const table = await counter();
    const bq = h.executor();
    // The first job fails (a backend error): the load re-runs under `_r1` and reports that id.
    h.standIn.faults.add({
      method: 'POST',
      path: /\/upload\//,
      times: 1,
      jobError: { reason: 'backendError' },
    });
    const first = await bq.loadRows(table, [{ n: 1 }, { n: 2 }], { jobId: 'rerun_load' });
    expect(first.jobId).toMatch(/^rerun_load_[0-9a-f]{32}_r1$/);
    const again = await bq.loadRows(table, [{ n: 1 }, { n: 2 }], { jobId: first.jobId as string });
    expect(again.jobId).toBe(first.jobId);
    expect(await bq.query(`SELECT COUNT(*) AS c FROM ${table}`)).toEqual([{ c: 3 }]);
  });

  it('loadRows refuses, before sending, a passed-back-looking id that other rows would push past 1,024 characters', async () => {
    const table = await counter();
    const looksPassedBack = `${'x'.repeat(967)}_${'a'.repeat(32)}`;
    const error = await caught(h.executor().loadRows(table, [{ n: 1 }], { jobId: looksPassedBack }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('1024');
    expect(await h.executor().query(`SELECT COUNT(*) AS c FROM ${table}`)).toEqual([{ c: 1 }]);
  });

  it("update under a job id of another statement whose answer was lost, then refused, rejects JOB_ID_IN_USE: the read-back does not report the other job's rows as its own", async () => {
    const table = await counter();
    const bq = h.executor();
    expect(await bq.update(`UPDATE ${table} SET n = n + 1 WHERE true`, { jobId: 'taken_id' })).toBe(1);
    // The 409 BigQuery answers for the taken id is lost; every re-send is then refused with 503.
    loseThenRefuse(h, INSERT_JOB);
    const error = await caught(bq.update(`UPDATE ${table} SET n = n + 10 WHERE true`, { jobId: 'taken_id' }));
    expect(error).toMatchObject({ code: 'JOB_ID_IN_USE', transient: false });
    h.standIn.faults.clear();
    expect(await bq.query(`SELECT n FROM ${table}`)).toEqual([{ n: 1 }]);
  });

  it('loadRows of the same rows into another table under a taken job id, its answer lost, then refused, rejects JOB_ID_IN_USE: the other load is not reported as this one', async () => {
    const first = await counter();
    const second = await counter();
    const bq = h.executor();
    await bq.loadRows(first, [{ n: 7 }], { jobId: 'taken_load' });
    loseThenRefuse(h, UPLOAD);
    const error = await caught(bq.loadRows(second, [{ n: 7 }], { jobId: 'taken_load' }));
    expect(error).toMatchObject({ code: 'JOB_ID_IN_USE', transient: false });
    h.standIn.faults.clear();
    expect(await bq.query(`SELECT n FROM ${second}`)).toEqual([{ n: 0 }]);
  });

  it('the same statement under its own job id is still read, not run twice', async () => {
    const table = await counter();
    const bq = h.executor();
    const sql = `UPDATE ${table} SET n = n + 1 WHERE true`;
    expect(await bq.update(sql, { jobId: 'once_only' })).toBe(1);
    expect(await bq.update(sql, { jobId: 'once_only' })).toBe(1);
    expect(await bq.query(`SELECT n FROM ${table}`)).toEqual([{ n: 1 }]);
  });

  it('a read whose results answer 404 while jobs.get finds its job well reads them again, instead of failing for good', async () => {
    const table = await counter();
    const bq = h.executor();
    h.standIn.faults.add({
      method: 'GET',
      path: QUERY_RESULTS,
      times: 1,
      error: { status: 404, reason: 'notFound', message: 'Not found: Job test-project:US.results_404' },
    });
    const mark = h.standIn.requests.length;
    expect(await bq.query(`SELECT n FROM ${table}`, { jobId: 'results_404' })).toEqual([{ n: 0 }]);
    const since = h.standIn.requests.slice(mark);
    // One job: the read is resumed, not the statement run again.
    expect(since.filter((r) => r.method === 'POST' && INSERT_JOB.test(r.path))).toHaveLength(1);
  });

  it('a read whose job fails for a missing table rejects with NotFoundError after one job, not re-runs', async () => {
    const bq = h.executor();
    h.standIn.faults.add({ method: 'POST', path: INSERT_JOB, sql: /missing_table/, pendingPolls: 1 });
    const mark = h.standIn.requests.length;
    const error = await caught(bq.query('SELECT n FROM ds.missing_table', { jobId: 'reads_missing' }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/missing_table/);
    const since = h.standIn.requests.slice(mark);
    expect(since.filter((r) => r.method === 'POST' && INSERT_JOB.test(r.path))).toHaveLength(1);
    expect(since.filter((r) => r.method === 'GET' && QUERY_RESULTS.test(r.path)).length).toBeGreaterThan(0);
    expect(since.filter((r) => r.method === 'GET' && GET_JOB.test(r.path)).length).toBeLessThanOrEqual(1);
  });
});
