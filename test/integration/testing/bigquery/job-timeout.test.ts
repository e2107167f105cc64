/**
 * A job still running past its `jobTimeoutMs` is stopped, as BigQuery stops it: `stopped` (HTTP 499),
 * "Job execution was cancelled: Job timed out after <n> sec", nothing applied. The stand-in used to
 * ignore the field, so a call's handling of the stop could not be tested.
 */
import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';

describe('jobTimeoutMs', () => {
  let s: BigQueryStandIn;
  let bq: BigQuery;

  beforeAll(async () => {
    s = await startBigQueryStandIn({ projectId: 'timeouts' });
    bq = s.client({ autoRetry: false, maxRetries: 0 });
    await bq.createDataset('ds');
    await s.run('CREATE TABLE ds.t (n INT64)');
  });
  afterAll(() => s.close());

  it('stops a job still running past it: stopped, 499 on its results, nothing applied', async () => {
    // The job reports RUNNING for its first 1,000 status reads: it cannot finish within 30 ms.
    s.faults.add({ method: 'POST', path: /\/jobs$/, pendingPolls: 1000 });
    const [job] = await bq.createQueryJob({
      query: 'INSERT ds.t (n) VALUES (1)',
      jobTimeoutMs: 30,
    } as never);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const [metadata] = await job.getMetadata();
    expect(metadata.status).toMatchObject({
      state: 'DONE',
      errorResult: { reason: 'stopped', message: 'Job execution was cancelled: Job timed out after 0 sec' },
    });
    const results = await job.getQueryResults().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(results).toMatchObject({ code: 499, errors: [{ reason: 'stopped' }] });
    s.faults.clear();
    const [rows] = await bq.query('SELECT COUNT(*) AS c FROM ds.t');
    expect(rows).toEqual([{ c: 0 }]);
  });

  it('leaves a job that finishes within it alone', async () => {
    const [job] = await bq.createQueryJob({ query: 'SELECT 1 AS x', jobTimeoutMs: 60_000 } as never);
    const [rows] = await job.getQueryResults();
    expect(rows).toEqual([{ x: 1 }]);
  });
});
