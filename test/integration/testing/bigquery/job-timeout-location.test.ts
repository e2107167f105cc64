/**
 * Where `jobTimeoutMs` lives: BigQuery records it on the job's `configuration`, never inside
 * `configuration.query` (a jobs.insert that puts it there is refused as an unknown field).
 */
import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';
import { postRest, type RestAnswer } from './stand-in-fixture.js';

type Answer = RestAnswer;

describe('stand-in jobTimeoutMs location', () => {
  let s: BigQueryStandIn;
  let bq: BigQuery;

  const rest = (path: string, body: unknown) => postRest(s, path, body);
  const get = async (path: string): Promise<Answer> =>
    (await fetch(`${s.endpoint}/bigquery/v2/projects/${s.projectId}${path}`)).json();

  beforeAll(async () => {
    s = await startBigQueryStandIn({ projectId: 'gaps' });
    bq = s.client({ autoRetry: false, maxRetries: 0 });
    await bq.createDataset('ds');
  });
  afterAll(() => s.close());

  it('records a jobs.query jobTimeoutMs where BigQuery does: configuration.jobTimeoutMs', async () => {
    const r = await rest('/queries', {
      query: 'SELECT 1 AS x',
      useLegacySql: false,
      jobTimeoutMs: '60000',
      requestId: 'req-1',
      timeoutMs: 5000,
      maxResults: 10,
      labels: { team: 'data' },
    });
    expect(r.status).toBe(200);
    const job = await get(`/jobs/${r.body.jobReference.jobId}?location=${r.body.jobReference.location}`);
    expect(job.configuration.jobTimeoutMs).toBe('60000');
    expect(job.configuration.labels).toEqual({ team: 'data' });
    expect(job.configuration.query.query).toBe('SELECT 1 AS x');
    for (const notAJobField of [
      'jobTimeoutMs',
      'requestId',
      'timeoutMs',
      'maxResults',
      'labels',
      'location',
    ]) {
      expect(job.configuration.query, notAJobField).not.toHaveProperty(notAJobField);
    }
  });

  it('stops a jobs.query job past its jobTimeoutMs', async () => {
    s.faults.add({ method: 'POST', path: /\/queries$/, pendingPolls: 1000 });
    const r = await rest('/queries', {
      query: 'SELECT 1 AS x',
      useLegacySql: false,
      jobTimeoutMs: '20',
      timeoutMs: 0,
    });
    s.faults.clear();
    await new Promise((resolve) => setTimeout(resolve, 40));
    const job = await get(`/jobs/${r.body.jobReference.jobId}?location=${r.body.jobReference.location}`);
    expect(job.status.errorResult).toMatchObject({ reason: 'stopped' });
  });

  it('refuses jobTimeoutMs inside configuration.query, as BigQuery refuses an unknown field', async () => {
    const r = await rest('/jobs', {
      configuration: { query: { query: 'SELECT 1', useLegacySql: false, jobTimeoutMs: '60000' } },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.errors[0].reason).toBe('invalid');
    expect(r.body.error.message).toContain(`Unknown name "jobTimeoutMs" at 'job.configuration.query'`);
  });
});
