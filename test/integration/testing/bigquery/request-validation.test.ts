import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';
import { failure } from './stand-in-fixture.js';

/**
 * Requests BigQuery refuses before doing anything: the stand-in must refuse them the same way (status
 * and reason), or a test passes here on a call production refuses, or waits on retries production
 * never makes.
 */
describe('BigQuery stand-in: requests refused as a whole', () => {
  let s: BigQueryStandIn;
  let bq: BigQuery;
  beforeAll(async () => {
    s = await startBigQueryStandIn({ projectId: 'p', storageWrite: false });
    bq = s.client({ autoRetry: false });
    await bq.createDataset('ds');
    await bq.dataset('ds').createTable('t', { schema: 'n:INTEGER' });
  });
  afterAll(() => s.close());

  it('a job id with characters BigQuery does not allow is 400 invalid, and no job is created', async () => {
    const err = await failure(bq.createQueryJob({ query: 'SELECT 1', jobId: 'load.ds.t' }));
    expect(err.code).toBe(400);
    expect(err.errors?.[0]?.reason).toBe('invalid');
    expect(err.message).toBe(
      'Invalid job ID "load.ds.t". Job IDs must be alphanumeric (plus underscores and dashes) and must be at most 1024 characters long.',
    );
    expect((await failure(bq.job('load.ds.t').getMetadata())).code).toBe(404);
  });

  it('a job id over 1,024 characters is 400 invalid; 1,024 is accepted', async () => {
    const err = await failure(bq.createQueryJob({ query: 'SELECT 1', jobId: 'j'.repeat(1025) }));
    expect(err.code).toBe(400);
    const [job] = await bq.createQueryJob({ query: 'SELECT 1', jobId: `ok-_${'j'.repeat(1020)}` });
    expect(job.id).toHaveLength(1024);
  });

  it('a load job with an invalid job id is refused the same way', async () => {
    const err = await new Promise<{ code?: number; errors?: Array<{ reason?: string }> }>(
      (resolve, reject) => {
        const stream = bq.dataset('ds').table('t').createWriteStream({
          sourceFormat: 'NEWLINE_DELIMITED_JSON',
          jobId: 'load ds t',
        });
        stream.once('error', resolve);
        stream.once('job', () => reject(new Error('the load job was created')));
        stream.end('{"n":1}\n');
      },
    );
    expect(err.code).toBe(400);
    expect(err.errors?.[0]?.reason).toBe('invalid');
    expect((await bq.dataset('ds').table('t').getRows())[0]).toEqual([]);
  });

  it('a malformed percent escape in the path is 400, not a 500 the client retries', async () => {
    const err = await failure(bq.dataset('a%zz').get());
    expect(err.code).toBe(400);
    expect(err.errors?.[0]?.reason).toBe('invalid');
    const logged = s.requests.find((r) => r.path.endsWith('/datasets/a%zz'));
    expect(logged?.status).toBe(400);
  });
});
