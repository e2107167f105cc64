import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';
import { type ApiErrorLike, failure } from './stand-in-fixture.js';

/**
 * A job runs where its data lives, and a request about a job in a single region must name that
 * region: BigQuery answers jobs.get, getQueryResults and jobs.cancel without it with 404.
 */
describe('BigQuery stand-in: job locations', () => {
  let s: BigQueryStandIn;
  let bq: BigQuery;
  beforeAll(async () => {
    s = await startBigQueryStandIn();
    bq = s.client();
    await bq.createDataset('london', { location: 'europe-west2' });
    await bq.createDataset('multi', { location: 'EU' });
    await bq.dataset('london').createTable('t', { schema: 'n:INTEGER' });
    await bq.dataset('multi').createTable('t', { schema: 'n:INTEGER' });
  });
  afterAll(() => s.close());

  it("a query job that names no location runs in its table's dataset's region", async () => {
    const [job] = await bq.createQueryJob({ query: 'SELECT n FROM london.t', jobId: 'in_london' });
    expect(job.location).toBe('europe-west2');
    expect((await job.getMetadata())[0].jobReference.location).toBe('europe-west2');
    expect((await job.getQueryResults())[0]).toEqual([]);
  });

  it('jobs.get and getQueryResults without the location of a single-region job answer 404 naming it', async () => {
    await bq.createQueryJob({ query: 'SELECT n FROM `london.t`', jobId: 'lost_in_london' });
    const get = (await failure(bq.job('lost_in_london').getMetadata())) as ApiErrorLike;
    expect(get.code).toBe(404);
    expect(get.message).toContain('lost_in_london');
    const results = (await failure(bq.job('lost_in_london').getQueryResults())) as ApiErrorLike;
    expect(results.code).toBe(404);
    const cancel = (await failure(bq.job('lost_in_london').cancel())) as ApiErrorLike;
    expect(cancel.code).toBe(404);
    const wrong = (await failure(bq.job('lost_in_london', { location: 'US' }).getMetadata())) as ApiErrorLike;
    expect(wrong.code).toBe(404);
    const [found] = await bq.job('lost_in_london', { location: 'EUROPE-WEST2' }).getMetadata();
    expect(found.status.state).toBe('DONE');
  });

  it('a job in the EU or US multi-region is found without a location', async () => {
    await bq.createQueryJob({ query: 'SELECT n FROM multi.t', jobId: 'in_eu' });
    const [found] = await bq.job('in_eu').getMetadata();
    expect(found.jobReference.location).toBe('EU');
    await bq.createQueryJob({ query: 'SELECT 1 AS one', jobId: 'in_us' });
    expect((await bq.job('in_us').getMetadata())[0].jobReference.location).toBe('US');
  });

  it("a load job runs in its destination's region", async () => {
    const job = await new Promise<{ location?: string; metadata: { jobReference: { location: string } } }>(
      (resolve, reject) => {
        const stream = bq.dataset('london').table('t').createWriteStream('json');
        stream.once('job', resolve);
        stream.once('error', reject);
        stream.end('{"n":1}\n');
      },
    );
    expect(job.metadata.jobReference.location).toBe('europe-west2');
    expect(await s.run('SELECT n FROM london.t')).toEqual([{ n: 1 }]);
  });

  it("a query job run in a location other than its dataset's fails with 404 notFound naming both", async () => {
    // The job is created, failed (the client's createQueryJob rejects with its errorResult).
    const created = (await failure(
      bq.createQueryJob({ query: 'SELECT n FROM london.t', jobId: 'us_for_london', location: 'US' }),
    )) as ApiErrorLike;
    expect(created.message).toBe(`Not found: Dataset ${s.projectId}:london was not found in location US`);
    const job = bq.job('us_for_london', { location: 'US' });
    const [metadata] = await job.getMetadata();
    expect(metadata.status.errorResult).toMatchObject({
      reason: 'notFound',
      message: `Not found: Dataset ${s.projectId}:london was not found in location US`,
    });
    const results = (await failure(job.getQueryResults())) as ApiErrorLike;
    expect(results.code).toBe(404);
  });

  it('jobs.query and a dry run in the wrong location answer 404 notFound, and apply nothing', async () => {
    const query = (await failure(
      bq.query({ query: 'INSERT london.t (n) VALUES (7)', location: 'us-central1' }),
    )) as ApiErrorLike;
    expect(query.code).toBe(404);
    expect(query.message).toBe(
      `Not found: Dataset ${s.projectId}:london was not found in location us-central1`,
    );
    const dry = (await failure(
      bq.createQueryJob({ query: 'SELECT n FROM multi.t', location: 'europe-west2', dryRun: true }),
    )) as ApiErrorLike;
    expect(dry.code).toBe(404);
    expect(dry.message).toContain('multi was not found in location europe-west2');
    expect(await s.run('SELECT n FROM london.t WHERE n = 7')).toEqual([]);
  });

  it('a query joining datasets of two locations fails in either; the same location in any case runs', async () => {
    const both = (await failure(
      bq.query({ query: 'SELECT a.n FROM london.t AS a JOIN multi.t AS b ON a.n = b.n' }),
    )) as ApiErrorLike;
    expect(both.code).toBe(404);
    expect(both.message).toContain('multi was not found in location europe-west2');
    expect(
      (await bq.query({ query: 'SELECT n FROM london.t WHERE false', location: 'EUROPE-WEST2' }))[0],
    ).toEqual([]);
    // The US multi-region is not us-central1, nor the other way round.
    await bq.createDataset('iowa', { location: 'us-central1' });
    await bq.dataset('iowa').createTable('t', { schema: 'n:INTEGER' });
    const us = (await failure(bq.query({ query: 'SELECT n FROM iowa.t', location: 'US' }))) as ApiErrorLike;
    expect(us.message).toContain('iowa was not found in location US');
  });

  it("a table or view created by DDL in a dataset of another location fails with 404 notFound, as BigQuery's, and creates nothing", async () => {
    const statements = [
      'CREATE TABLE london.made_in_us (n INT64)',
      'CREATE TABLE IF NOT EXISTS `london.made_in_us` (n INT64)',
      'CREATE OR REPLACE TABLE london.made_in_us AS SELECT 1 AS n',
      `CREATE VIEW \`${s.projectId}.london.made_in_us\` AS SELECT 1 AS n`,
      'CREATE TEMP TABLE scratch (n INT64); CREATE TABLE london.made_in_us (n INT64)',
    ];
    for (const query of statements) {
      const answer = (await failure(bq.query({ query, location: 'US' }))) as ApiErrorLike;
      expect({ query, code: answer.code, message: answer.message }).toEqual({
        query,
        code: 404,
        message: `Not found: Dataset ${s.projectId}:london was not found in location US`,
      });
    }
    // jobs.insert: the job is created failed, with the same errorResult.
    const created = (await failure(
      bq.createQueryJob({
        query: 'CREATE TABLE london.made_in_us (n INT64)',
        location: 'US',
        jobId: 'ddl_us',
      }),
    )) as ApiErrorLike;
    expect(created.message).toBe(`Not found: Dataset ${s.projectId}:london was not found in location US`);
    const [tables] = await bq.dataset('london').getTables();
    expect(tables.map((t) => t.id)).not.toContain('made_in_us');
    // In the dataset's own location, or with no location (BigQuery runs it where the dataset is), it is created.
    await bq.query({ query: 'CREATE TABLE london.made_here (n INT64)', location: 'europe-west2' });
    await bq.query({ query: 'CREATE TABLE london.made_anywhere (n INT64)' });
    const [after] = await bq.dataset('london').getTables();
    expect(after.map((t) => t.id)).toEqual(expect.arrayContaining(['made_here', 'made_anywhere']));
  });

  it('DROP SCHEMA and ALTER SCHEMA of a dataset in another location fail with 404 notFound, and drop or change nothing', async () => {
    await bq.createDataset('lisbon', { location: 'europe-west1' });
    await bq.dataset('lisbon').createTable('t', { schema: 'n:INTEGER' });
    const statements = [
      'DROP SCHEMA lisbon',
      'DROP SCHEMA IF EXISTS lisbon CASCADE',
      `DROP SCHEMA \`${s.projectId}.lisbon\` CASCADE`,
      "ALTER SCHEMA lisbon SET OPTIONS (description = 'changed from the US')",
      "ALTER SCHEMA IF EXISTS lisbon SET OPTIONS (description = 'changed from the US')",
    ];
    for (const query of statements) {
      const answer = (await failure(bq.query({ query, location: 'US' }))) as ApiErrorLike;
      expect({ query, code: answer.code, message: answer.message }).toEqual({
        query,
        code: 404,
        message: `Not found: Dataset ${s.projectId}:lisbon was not found in location US`,
      });
    }
    const [metadata] = await bq.dataset('lisbon').getMetadata();
    expect(metadata.description).toBeUndefined();
    expect((await bq.dataset('lisbon').getTables())[0].map((t) => t.id)).toEqual(['t']);
    // In the dataset's own location, or with no location, they run.
    await bq.query({
      query: "ALTER SCHEMA lisbon SET OPTIONS (description = 'x')",
      location: 'europe-west1',
    });
    expect((await bq.dataset('lisbon').getMetadata())[0].description).toBe('x');
    await bq.query({ query: 'DROP SCHEMA lisbon CASCADE' });
    expect((await bq.dataset('lisbon').exists())[0]).toBe(false);
  });

  it('CREATE SCHEMA creates its dataset in its location option, else where the job runs; the two must agree', async () => {
    const locationOf = async (dataset: string) => (await bq.dataset(dataset).getMetadata())[0].location;
    await bq.query({ query: 'CREATE SCHEMA madrid', location: 'europe-southwest1' });
    expect(await locationOf('madrid')).toBe('europe-southwest1');
    // A table created there afterwards is in Madrid, and a job in the stand-in's default location is refused.
    await bq.query({ query: 'CREATE TABLE madrid.t (n INT64)', location: 'europe-southwest1' });
    const elsewhere = (await failure(
      bq.query({ query: 'SELECT n FROM madrid.t', location: 'US' }),
    )) as ApiErrorLike;
    expect(elsewhere.message).toBe(`Not found: Dataset ${s.projectId}:madrid was not found in location US`);
    const [job] = await bq.createQueryJob({
      query: "CREATE SCHEMA IF NOT EXISTS tokyo OPTIONS (location = 'asia-northeast1', description = 'd')",
    });
    await job.getQueryResults();
    expect(job.location).toBe('asia-northeast1');
    expect(await locationOf('tokyo')).toBe('asia-northeast1');
    expect((await bq.dataset('tokyo').getMetadata())[0].description).toBe('d');
    const mismatch = (await failure(
      bq.query({ query: "CREATE SCHEMA osaka OPTIONS (location = 'asia-northeast2')", location: 'US' }),
    )) as ApiErrorLike;
    expect(mismatch.code).toBe(400);
    expect(mismatch.message).toContain('asia-northeast2');
    expect((await bq.dataset('osaka').exists())[0]).toBe(false);
    await bq.query({ query: 'CREATE SCHEMA plain' });
    expect(await locationOf('plain')).toBe('US');
  });

  it("a load job run in a location other than its destination's fails with notFound and loads nothing", async () => {
    const job = await new Promise<{
      metadata: { status: { errorResult?: { reason: string; message: string } } };
    }>((resolve, reject) => {
      const stream = bq.dataset('london').table('t', { location: 'US' }).createWriteStream('json');
      stream.once('job', resolve);
      stream.once('error', reject);
      stream.end('{"n":99}\n');
    });
    const failed = job.metadata;
    expect(failed.status.errorResult?.reason).toBe('notFound');
    expect(failed.status.errorResult?.message).toContain('london was not found in location US');
    expect(await s.run('SELECT n FROM london.t WHERE n = 99')).toEqual([]);
  });
});
