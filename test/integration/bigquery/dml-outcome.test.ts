import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { BadRequestError, InternalServerError, PipelineError } from '../../../src/errors/index.js';
import {
  caught,
  createCounter,
  GET_JOB,
  type Harness,
  INSERT_JOB,
  JOBS_QUERY,
  jobIdOf,
  loseThenRefuse,
  QUERY_RESULTS,
  startHarness,
} from './helpers.js';

/**
 * A DML statement whose answer was lost and whose call then gave up may have run: the call reads the
 * job back (by the id we chose) instead of rejecting with a transient error that invites a second run.
 */
describe('update: a call that gives up on a statement that may have run reads its job back', () => {
  let h: Harness;
  let bq: BigQueryExecutor;
  let mark = 0;
  let tables = 0;
  const since = (method: string, path: RegExp) =>
    h.standIn.requests.slice(mark).filter((r) => r.method === method && path.test(r.path));

  /** A fresh one-row counter table, `n = 0`. */
  async function counter(): Promise<string> {
    const table = `ds.counter_${++tables}`;
    await createCounter(h, table);
    mark = h.standIn.requests.length;
    bq = h.executor();
    return table;
  }
  const counterValue = async (table: string) => h.executor().query(`SELECT n FROM ${table}`);

  /** The statement's creating request (whichever path it takes) is applied, its answer lost, then 503s. */
  function loseThenRefuseUpdate(): void {
    for (const path of [JOBS_QUERY, INSERT_JOB]) loseThenRefuse(h, path, /UPDATE/);
  }

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
  });
  afterAll(() => h.close());
  afterEach(() => h.standIn.faults.clear());

  it('resolves with the rows it changed when the job ran: applied once, reported applied', async () => {
    const table = await counter();
    loseThenRefuseUpdate();
    expect(await bq.update(`UPDATE ${table} SET n = n + 1 WHERE true`)).toBe(1);
    const inserts = since('POST', INSERT_JOB);
    expect(new Set(inserts.map(jobIdOf)).size).toBe(1);
    expect(since('GET', GET_JOB)).toHaveLength(1);
    h.standIn.faults.clear();
    expect(await counterValue(table)).toEqual([{ n: 1 }]);
  });

  it('rejects with JOB_OUTCOME_UNKNOWN (not transient) naming the job when it cannot be read; updating again under that id applies it once', async () => {
    const table = await counter();
    loseThenRefuseUpdate();
    h.standIn.faults.add({ method: 'GET', path: GET_JOB, error: { status: 503, reason: 'backendError' } });
    const error = await caught(bq.update(`UPDATE ${table} SET n = n + 1 WHERE true`));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toMatchObject({ code: 'JOB_OUTCOME_UNKNOWN', transient: false });
    expect((error as PipelineError).cause).toBeInstanceOf(InternalServerError);
    const jobId = jobIdOf(since('POST', INSERT_JOB)[0]!);
    expect(jobId).toBeDefined();
    expect((error as Error).message).toContain(jobId);
    expect((error as Error).message).toContain(`{ jobId: '${jobId}' }`);
    h.standIn.faults.clear();
    expect(await bq.update(`UPDATE ${table} SET n = n + 1 WHERE true`, { jobId })).toBe(1);
    expect(await counterValue(table)).toEqual([{ n: 1 }]);
  });

  it("rejects with the job's own typed error when the read-back finds it failed", async () => {
    const table = await counter();
    loseThenRefuseUpdate();
    const error = await caught(bq.update(`UPDATE ${table} SET missing_column = 1 WHERE true`));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(since('GET', GET_JOB)).toHaveLength(1);
    h.standIn.faults.clear();
    expect(await counterValue(table)).toEqual([{ n: 0 }]);
  });

  it('a script whose job the read-back finds failed for a transient reason is SCRIPT_FAILED (not transient), not an error inviting a second run', async () => {
    const table = await counter();
    // The script's job runs, then fails (a backend error) once its status is read.
    h.standIn.faults.add({
      method: 'POST',
      path: INSERT_JOB,
      times: 1,
      jobError: { reason: 'backendError', afterPolls: 1 },
    });
    // The call sees it running once, then never sees it fail: its reads are refused until it gives up.
    h.standIn.faults.add({
      method: 'GET',
      path: QUERY_RESULTS,
      after: 1,
      error: { status: 503, reason: 'backendError' },
    });
    h.standIn.faults.add({
      method: 'GET',
      path: GET_JOB,
      times: 2,
      error: { status: 503, reason: 'backendError' },
    });
    const error = await caught(
      h
        .executor({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } })
        .update(`UPDATE ${table} SET n = n + 1 WHERE true; SELECT n FROM ${table}`),
    );
    expect(error).toMatchObject({ code: 'SCRIPT_FAILED', transient: false });
  });

  it('a DML job that disappears while its results are read is JOB_OUTCOME_UNKNOWN naming it, not NotFoundError', async () => {
    const table = await counter();
    for (const path of [JOBS_QUERY, INSERT_JOB]) {
      h.standIn.faults.add({ method: 'POST', path, sql: /UPDATE/, pendingPolls: 1 });
    }
    h.standIn.faults.add({ method: 'GET', path: QUERY_RESULTS, error: { status: 404, reason: 'notFound' } });
    h.standIn.faults.add({ method: 'GET', path: GET_JOB, error: { status: 404, reason: 'notFound' } });
    const error = await caught(bq.update(`UPDATE ${table} SET n = n + 1 WHERE true`));
    expect(error).toMatchObject({ code: 'JOB_OUTCOME_UNKNOWN', transient: false });
    expect((error as Error).message).toMatch(/job \S+/);
  });

  it('a read-only query whose job disappears while its results are read is run again as a new job', async () => {
    const table = await counter();
    h.standIn.faults.add({ method: 'POST', path: JOBS_QUERY, sql: /SELECT n/, pendingPolls: 1, times: 1 });
    h.standIn.faults.add({
      method: 'GET',
      path: QUERY_RESULTS,
      error: { status: 404, reason: 'notFound' },
      times: 1,
    });
    // Gone for jobs.get too: a 404 of the results alone may be the job's own error (a missing table).
    h.standIn.faults.add({
      method: 'GET',
      path: GET_JOB,
      error: { status: 404, reason: 'notFound' },
      times: 1,
    });
    expect(await bq.query(`SELECT n FROM ${table}`)).toEqual([{ n: 0 }]);
    expect(since('POST', JOBS_QUERY)).toHaveLength(2);
  });
});
