import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { caught, type Harness, startHarness } from './helpers.js';

/**
 * BigQuery takes a job id of letters, digits, '_' and '-' up to 1,024 characters. A caller's id
 * outside that is refused before any request, naming the field: an empty id would otherwise be read
 * back as `GET /jobs/` (jobs.list) after a lost answer, and an id with '/' names another path.
 */
describe('a job id the caller chose is checked before anything is sent', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
    await h.executor().query('CREATE TABLE ds.ids (n INT64)');
  });
  afterAll(() => h.close());

  const hostile = ['', ' ', 'a/b', '../jobs', 'job id', 'naïve', 'x'.repeat(1001), 'a?b', 'a.b'];

  it.each(hostile.map((id) => [JSON.stringify(id.length > 20 ? `${id.slice(0, 20)}...` : id), id]))(
    'update, query and loadRows refuse jobId %s with a TypeError naming jobId, sending nothing',
    async (_label, jobId) => {
      const bq = h.executor();
      const before = h.standIn.requests.length;
      for (const call of [
        () => bq.update('UPDATE ds.ids SET n = 1 WHERE true', { jobId }),
        () => bq.query('SELECT 1 AS one', { jobId }),
        () => bq.loadRows('ds.ids', [{ n: 1 }], { jobId }),
      ]) {
        const error = await caught(call());
        expect(error).toBeInstanceOf(TypeError);
        expect((error as Error).message).toMatch(/jobId/);
      }
      expect(h.standIn.requests.length).toBe(before);
    },
  );

  it('a jobIdPrefix outside the rules is refused by the constructor', () => {
    for (const jobIdPrefix of ['my prefix', 'a/b', 'x'.repeat(1000)]) {
      expect(() => new BigQueryExecutor({ client: h.standIn.client(), jobIdPrefix })).toThrow(/jobIdPrefix/);
    }
  });

  it('a job id of the allowed characters, up to 1,000 long, is used as given', async () => {
    const jobId = `ok-${'x'.repeat(990)}_1`;
    expect(await h.executor().query('SELECT 1 AS one', { jobId })).toEqual([{ one: 1 }]);
    expect(
      h.standIn.requests.some(
        (r) => r.path.endsWith(`/jobs/${jobId}`) || r.path.endsWith(`/queries/${jobId}`),
      ),
    ).toBe(true);
  });
});
