import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, PipelineError } from '../../../src/errors/index.js';
import {
  caught,
  createCounter,
  GET_JOB,
  type Harness,
  INSERT_JOB,
  loseThenRefuse,
  startHarness,
  UPLOAD,
} from './helpers.js';

const DATASETS = /\/projects\/[^/]+\/datasets\/[^/]+$/;

/**
 * A job in a single region is found by jobs.get only when the request names the region. An executor
 * without a `location` option reads back a job whose creating answer was lost in its dataset's
 * location, not with a 404 taken for "never created".
 */
describe('a lost-answer job in a single-region dataset, with no location option', () => {
  let h: Harness;
  let tables = 0;
  let mark = 0;
  const since = (method: string, path: RegExp) =>
    h.standIn.requests.slice(mark).filter((r) => r.method === method && path.test(r.path));

  async function counter(): Promise<string> {
    const table = `london.counter_${++tables}`;
    await createCounter(h, table);
    mark = h.standIn.requests.length;
    return table;
  }

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('london', { location: 'europe-west2' });
  });
  afterAll(() => h.close());
  afterEach(() => h.standIn.faults.clear());

  it('update resolves with the rows it changed, read back in the dataset location', async () => {
    const table = await counter();
    loseThenRefuse(h, INSERT_JOB, /UPDATE/);
    expect(await h.executor().update(`UPDATE ${table} SET n = n + 1 WHERE true`)).toBe(1);
    expect(since('GET', GET_JOB).map((r) => r.query.location)).toEqual(['europe-west2']);
    h.standIn.faults.clear();
    expect(await h.executor().query(`SELECT n FROM ${table}`)).toEqual([{ n: 1 }]);
  });

  it('update whose retry meets the job (409) reads it where the 409 says it runs', async () => {
    const table = await counter();
    h.standIn.faults.add({ method: 'POST', path: INSERT_JOB, sql: /UPDATE/, reset: 'after', times: 1 });
    expect(
      await h.executor().update(`UPDATE \`london.${table.split('.')[1]}\` SET n = n + 1 WHERE true`),
    ).toBe(1);
    expect(since('POST', INSERT_JOB).map((r) => r.status)).toEqual([undefined, 409]);
    h.standIn.faults.clear();
    expect(await h.executor().query(`SELECT n FROM ${table}`)).toEqual([{ n: 1 }]);
  });

  it('loadRows resolves with the rows loaded once', async () => {
    const table = await counter();
    loseThenRefuse(h, UPLOAD);
    const result = await h.executor().loadRows(table, [{ n: 5 }]);
    expect(result.outputRows).toBe(1);
    h.standIn.faults.clear();
    expect(await h.executor().query(`SELECT n FROM ${table} ORDER BY n`)).toEqual([{ n: 0 }, { n: 5 }]);
  });

  it('when the dataset cannot be read either, rejects JOB_OUTCOME_UNKNOWN saying the location is not known', async () => {
    const table = await counter();
    loseThenRefuse(h, INSERT_JOB, /UPDATE/);
    h.standIn.faults.add({ method: 'GET', path: DATASETS, error: { status: 503, reason: 'backendError' } });
    const error = await caught(h.executor().update(`UPDATE ${table} SET n = n + 1 WHERE true`));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toMatchObject({ code: 'JOB_OUTCOME_UNKNOWN', transient: false });
    expect((error as Error).message).toMatch(/location is not known/);
    expect((error as Error).message).toMatch(/\{ location \}/);
  });
});

/**
 * A job run in a location other than its dataset's: BigQuery answers 404 notFound "Dataset ... was not
 * found in location X". The executor rejects at once (no retry, no second job), with an error that says
 * the location is the problem, not a missing dataset.
 */
describe('a job run in a location other than its dataset', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('paris', { location: 'europe-west9' });
    await h.executor().query('CREATE TABLE paris.t (n INT64)');
    await h.standIn.client().createDataset('us_data', { location: 'US' });
    await h.executor().query('CREATE TABLE us_data.t (n INT64)');
  });
  afterAll(() => h.close());

  const creating = () =>
    h.standIn.requests.filter(
      (r) =>
        r.method === 'POST' && (/\/queries$/.test(r.path) || INSERT_JOB.test(r.path) || UPLOAD.test(r.path)),
    ).length;

  const expectMismatch = (error: unknown, location: string) => {
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toMatchObject({ code: 'LOCATION_MISMATCH', transient: false });
    const message = (error as Error).message;
    expect(message).toContain(`was not found in location ${location}`);
    expect(message).toContain(`ran the job in location ${location}, but dataset`);
    expect(message).toContain(':paris is in europe-west9');
    expect(message).toContain("{ location: 'europe-west9' }");
    expect(message).toContain(`asked for ${location}`);
  };

  for (const [name, call] of [
    ['query', (e: ReturnType<Harness['executor']>) => e.query('SELECT n FROM paris.t')],
    ['update', (e: ReturnType<Harness['executor']>) => e.update('INSERT paris.t (n) VALUES (1)')],
    ['dryRun', (e: ReturnType<Harness['executor']>) => e.dryRun('SELECT n FROM paris.t')],
    [
      'query with a job id',
      (e: ReturnType<Harness['executor']>) =>
        e.query('SELECT n FROM paris.t', { jobId: `where_${Date.now()}` }),
    ],
    ['loadRows', (e: ReturnType<Harness['executor']>) => e.loadRows('paris.t', [{ n: 2 }])],
  ] as const) {
    it(`${name} with the executor's location US rejects LOCATION_MISMATCH once, not retried`, async () => {
      const before = creating();
      const error = await caught(call(h.executor({ location: 'US' })));
      expectMismatch(error, 'US');
      expect(creating() - before).toBe(1);
    });
  }

  it("a call's own location wins over the executor's, and names itself", async () => {
    const error = await caught(
      h.executor({ location: 'europe-west9' }).query('SELECT n FROM paris.t', { location: 'us-central1' }),
    );
    expectMismatch(error, 'us-central1');
    expect(await h.standIn.run('SELECT n FROM paris.t')).toEqual([]);
  });

  it('without a location option, a query joining datasets of two locations says BigQuery chose the location', async () => {
    const error = await caught(
      h.executor().query('SELECT a.n FROM paris.t AS a JOIN us_data.t AS b USING (n)'),
    );
    expect(error).toMatchObject({ code: 'LOCATION_MISMATCH', transient: false });
    expect((error as Error).message).toMatch(/no `location` option was given/);
    expect((error as Error).message).toContain('us_data was not found in location europe-west9');
    expect((error as Error).message).toContain(':us_data is in US');
  });

  it('a dataset that exists nowhere stays a NotFoundError: BigQuery says the same words for it', async () => {
    const error = await caught(h.executor({ location: 'US' }).query('SELECT n FROM nowhere.t'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('nowhere');
  });
});
