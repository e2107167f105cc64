import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GoogleApiError, PipelineError } from '../../../src/errors/index.js';
import { caught, createCounter, type Harness, INSERT_JOB, jobIdOf, startHarness } from './helpers.js';

/**
 * A job BigQuery stopped (its `jobTimeoutMs` ran out, or someone cancelled it) under the caller's job
 * id: the call, and every later call with that id (a redelivery, which meets the same job through
 * the 409), says what happened and what to do: nothing applied, and that id will only ever read the
 * stopped job. Not a `CancelledError`, which reads as "this call was aborted" and invites a retry
 * under the same id that can only fail the same way.
 */
describe('a job stopped by its jobTimeoutMs, or cancelled, under the caller job id', () => {
  let h: Harness;
  let tables = 0;

  async function counter(): Promise<string> {
    const table = `ds.stopped_${++tables}`;
    await createCounter(h, table);
    return table;
  }
  const counterOf = async (table: string) => h.executor().query(`SELECT n FROM ${table}`);
  /** The job runs past any limit under a second: it reports RUNNING for its first 10,000 status reads. */
  const slowJobs = (sql: RegExp) =>
    h.standIn.faults.add({ method: 'POST', path: INSERT_JOB, sql, pendingPolls: 10_000 });

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
  });
  afterAll(() => h.close());
  afterEach(() => h.standIn.faults.clear());

  it('update: the call and its redelivery reject JOB_STOPPED (not transient), nothing applied, no second job', async () => {
    const table = await counter();
    slowJobs(/UPDATE/);
    const sql = `UPDATE ${table} SET n = n + 1 WHERE true`;
    const first = await caught(h.executor().update(sql, { jobId: 'msg_17', jobTimeoutMs: 50 }));
    expect(first).toBeInstanceOf(PipelineError);
    expect(first).not.toBeInstanceOf(GoogleApiError);
    expect(first).toMatchObject({ code: 'JOB_STOPPED', transient: false, jobId: 'msg_17', timedOut: true });
    const message = (first as Error).message;
    expect(message).toContain('msg_17');
    expect(message).toContain('timed out');
    expect(message).toContain('changed no rows');
    expect(message).toContain('new job id');
    expect((first as Error).cause).toMatchObject({ reason: 'stopped' });

    // The redelivery: the same statement under the same id meets the stopped job (409, jobs.get).
    const jobsBefore = h.requests('POST', INSERT_JOB).length;
    const again = await caught(h.executor().update(sql, { jobId: 'msg_17', jobTimeoutMs: 50 }));
    expect(again).toMatchObject({ code: 'JOB_STOPPED', transient: false, jobId: 'msg_17', timedOut: true });
    expect((again as Error).message).toContain('already under this id');
    const inserts = h.requests('POST', INSERT_JOB).slice(jobsBefore);
    expect(inserts.map(jobIdOf)).toEqual(['msg_17']);
    expect(inserts.map((r) => r.status)).toEqual([409]);
    expect(await counterOf(table)).toEqual([{ n: 0 }]);

    // What the message advises works: a new id runs it.
    h.standIn.faults.clear();
    expect(await h.executor().update(sql, { jobId: 'msg_17_b' })).toBe(1);
    expect(await counterOf(table)).toEqual([{ n: 1 }]);
  });

  it('query: a read under the caller id rejects JOB_STOPPED saying it timed out', async () => {
    const table = await counter();
    slowJobs(/SELECT n AS slow/);
    const error = await caught(
      h.executor().query(`SELECT n AS slow FROM ${table}`, { jobId: 'report_1', jobTimeoutMs: 50 }),
    );
    expect(error).toMatchObject({ code: 'JOB_STOPPED', transient: false, timedOut: true });
    expect((error as Error).message).toContain('new job id');
  });

  it('a script: the message says what ran before the stop is not rolled back', async () => {
    const table = await counter();
    slowJobs(/BEGIN/);
    const error = await caught(
      h.executor().update(`BEGIN UPDATE ${table} SET n = n + 1 WHERE true; END`, {
        jobId: 'script_1',
        jobTimeoutMs: 50,
      }),
    );
    expect(error).toMatchObject({ code: 'JOB_STOPPED', transient: false });
    expect((error as Error).message).toContain('not rolled back');
  });

  it('a job cancelled by someone else is JOB_STOPPED too, saying it was cancelled', async () => {
    const table = await counter();
    slowJobs(/UPDATE/);
    const sql = `UPDATE ${table} SET n = n + 5 WHERE true`;
    const bq = h.executor();
    const running = caught(bq.update(sql, { jobId: 'cancelled_1' }));
    // Cancel it from outside (an operator, another process) while the call waits for it.
    for (let i = 0; i < 200 && h.requests('GET', /\/queries\/cancelled_1$/).length === 0; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    await h.standIn.client().job('cancelled_1').cancel();
    const error = await running;
    expect(error).toMatchObject({ code: 'JOB_STOPPED', transient: false, timedOut: false });
    expect((error as Error).message).toContain('cancelled');
    expect((error as Error).message).toContain('new job id');
    expect(await counterOf(table)).toEqual([{ n: 0 }]);
  });
});
