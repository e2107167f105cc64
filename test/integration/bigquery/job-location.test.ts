import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/errors/index.js';
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
