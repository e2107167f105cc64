import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { type GoogleApiError, InternalServerError, TooManyRequestsError } from '../../../src/errors/index.js';
import { caught, type Harness, INSERT_JOB, JOBS_QUERY, startHarness, UPLOAD } from './helpers.js';

/**
 * A job that failed with a given reason is one class of error whichever request reported it: a
 * jobs.query answer (an HTTP error whose status BigQuery picks), the job's status read by jobs.get or
 * the job runner, or a load's job. The class comes from the reason (bigquery-wire's table).
 */
describe('a failed job has one error class on every path', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
    await h.executor().query('CREATE TABLE ds.t (id INT64)');
  });
  afterAll(() => h.close());

  const paths: Array<[string, RegExp, (bq: BigQueryExecutor) => Promise<unknown>, boolean?]> = [
    ['query (jobs.query answers with the HTTP error)', JOBS_QUERY, (bq) => bq.query('SELECT 1')],
    ['query (fails after it was created)', JOBS_QUERY, (bq) => bq.query('SELECT 1'), true],
    [
      'query under a job id (the job runner reads its status)',
      INSERT_JOB,
      (bq) => bq.query('SELECT 1', { jobId: `j_${Date.now()}_${Math.random().toString(36).slice(2)}` }),
    ],
    ['update (a DML job)', INSERT_JOB, (bq) => bq.update('DELETE FROM ds.t WHERE true')],
    ['loadRows (a load job)', UPLOAD, (bq) => bq.loadRows('ds.t', [{ id: 1 }])],
  ];

  it.each([
    // BigQuery answers a backendError with 500, 502, 503 or 504; the class is the reason's.
    ['backendError', 503, InternalServerError, false],
    ['jobBackendError', 400, InternalServerError, true],
    ['rateLimitExceeded', 403, TooManyRequestsError, false],
  ] as const)('%s (answered over HTTP with %i)', async (reason, status, Class, newJob) => {
    const seen: string[] = [];
    for (const [name, path, run, afterPolls] of paths) {
      h.standIn.faults.clear();
      h.standIn.faults.add({
        method: 'POST',
        path,
        jobError: { reason, status, ...(afterPolls ? { afterPolls: 1 } : {}) },
      });
      const error = await caught(run(h.executor({ retry: { maxAttempts: 1 } })));
      seen.push(`${name}: ${(error as Error)?.constructor?.name}`);
      expect(error, name).toBeInstanceOf(Class);
      expect(error, name).toMatchObject({ transient: true, reason, requiresNewJobId: newJob });
      expect((error as GoogleApiError).reasons, name).toContain(reason);
    }
    h.standIn.faults.clear();
    expect(new Set(seen.map((s) => s.split(': ')[1])).size, seen.join('\n')).toBe(1);
  });
});
