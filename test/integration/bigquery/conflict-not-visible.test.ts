import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/errors/index.js';
import {
  caught,
  createCounter,
  GET_JOB,
  type Harness,
  INSERT_JOB,
  jobIdOf,
  startHarness,
} from './helpers.js';

/**
 * A 409 on our job id says the job exists; jobs.get right after it may still answer 404 (the job not
 * yet visible everywhere: python-bigquery retries NotFound on that read for this reason). That 404
 * must not read as "never created": the statement is running, and a call that reported it failed
 * invited a second run under a new id.
 */
describe('jobs.get answering 404 right after a 409 on our job id', () => {
  let h: Harness;
  let tables = 0;

  async function counter(): Promise<string> {
    const table = `ds.conflict_${++tables}`;
    await createCounter(h, table);
    return table;
  }

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
  });
  afterAll(() => h.close());
  afterEach(() => h.standIn.faults.clear());

  it('update: the job is read again, the call resolves with its count, applied once', async () => {
    const table = await counter();
    h.standIn.faults.add({ method: 'POST', path: INSERT_JOB, sql: /UPDATE/, reset: 'after', times: 1 });
    h.standIn.faults.add({
      method: 'GET',
      path: GET_JOB,
      times: 1,
      error: { status: 404, reason: 'notFound' },
    });
    const mark = h.standIn.requests.length;
    expect(await h.executor().update(`UPDATE ${table} SET n = n + 1 WHERE true`)).toBe(1);
    const inserts = h.standIn.requests
      .slice(mark)
      .filter((r) => r.method === 'POST' && INSERT_JOB.test(r.path));
    expect(new Set(inserts.map(jobIdOf)).size).toBe(1);
    h.standIn.faults.clear();
    expect(await h.executor().query(`SELECT n FROM ${table}`)).toEqual([{ n: 1 }]);
  });

  it('update: when the job stays invisible until the retries run out, the outcome is unknown, not "never created"', async () => {
    const table = await counter();
    h.standIn.faults.add({ method: 'POST', path: INSERT_JOB, sql: /UPDATE/, reset: 'after', times: 1 });
    h.standIn.faults.add({ method: 'GET', path: GET_JOB, error: { status: 404, reason: 'notFound' } });
    const error = await caught(h.executor().update(`UPDATE ${table} SET n = n + 1 WHERE true`));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toMatchObject({ code: 'JOB_OUTCOME_UNKNOWN', transient: false });
  });

  it('query under a job id: a 404 after the 409 is read again, not a NotFoundError', async () => {
    const table = await counter();
    h.standIn.faults.add({ method: 'POST', path: INSERT_JOB, sql: /SELECT n/, reset: 'after', times: 1 });
    h.standIn.faults.add({
      method: 'GET',
      path: GET_JOB,
      times: 1,
      error: { status: 404, reason: 'notFound' },
    });
    expect(await h.executor().query(`SELECT n FROM ${table}`, { jobId: 'read_conflict_1' })).toEqual([
      { n: 0 },
    ]);
  });
});
