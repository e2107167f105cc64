import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  executeBigQuery,
  executeBigQueryWithParams,
  insertBigQueryRows,
  updateBigQueryRows,
} from '../../../src/bigquery/index.js';
import { BadRequestError, NotFoundError } from '../../../src/errors/index.js';
import { startBigQueryStandIn } from '../../../src/testing/bigquery/index.js';
import { type Harness, JOBS_QUERY, startHarness } from './helpers.js';

describe('functional helpers with the original names', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
    await h.executor().query('CREATE TABLE ds.f (id INT64, name STRING)');
  });
  afterAll(() => h.close());

  it('load, query, parameterised query and update through one executor', async () => {
    const executor = h.executor();
    expect(
      await insertBigQueryRows(
        'ds.f',
        [
          { id: 1, name: 'a' },
          { id: 2, name: 'b' },
        ],
        { executor },
      ),
    ).toMatchObject({
      outputRows: 2,
    });
    expect(await executeBigQuery('SELECT id FROM ds.f ORDER BY id', { executor })).toEqual([
      { id: 1 },
      { id: 2 },
    ]);
    expect(
      await executeBigQueryWithParams('SELECT name FROM ds.f WHERE id = @id', { id: 2 }, { executor }),
    ).toEqual([{ name: 'b' }]);
    // Rows written by a load job can be updated at once (no streaming buffer).
    expect(
      await updateBigQueryRows("UPDATE ds.f SET name = 'z' WHERE id = @id", { executor, params: { id: 1 } }),
    ).toBe(1);
    expect(executor.stats.calls).toBe(4);
  });

  it('throw typed errors instead of returning [] or 0', async () => {
    const executor = h.executor();
    await expect(executeBigQuery('SELECT * FROM ds.missing', { executor })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      updateBigQueryRows('DELETE FROM ds.missing WHERE true', { executor }),
    ).rejects.toBeInstanceOf(NotFoundError);
    // A load job into a table that does not exist fails as BigQuery's does: no schema to create it with.
    await expect(insertBigQueryRows('ds.missing', [{ id: 1 }], { executor })).rejects.toBeInstanceOf(
      BadRequestError,
    );
  });

  it('share one executor per client object and project, wrapping the given client', async () => {
    const client = h.standIn.client();
    const before = h.requests('POST', JOBS_QUERY).length;
    expect(await executeBigQuery('SELECT 1 AS x', { projectId: 'test-project', client })).toEqual([{ x: 1 }]);
    expect(await executeBigQuery('SELECT 2 AS x', { projectId: 'test-project', client })).toEqual([{ x: 2 }]);
    expect(h.requests('POST', JOBS_QUERY).length - before).toBe(2);
  });

  it("never send a second client's calls through the first client of the same project", async () => {
    // Two stand-ins on two ports, both of project test-project: two endpoints, as two credentials or
    // locations would be. Each call must reach the client it was given.
    const other = await startBigQueryStandIn();
    try {
      await other.client().createDataset('ds');
      await other.client().dataset('ds').createTable('f', { schema: 'id:INTEGER,name:STRING' });
      const first = h.standIn.client();
      const second = other.client();
      await insertBigQueryRows('ds.f', [{ id: 7, name: 'first' }], {
        projectId: 'test-project',
        client: first,
      });
      await insertBigQueryRows('ds.f', [{ id: 8, name: 'second' }], {
        projectId: 'test-project',
        client: second,
      });
      expect(
        await executeBigQuery('SELECT name FROM ds.f WHERE id >= 7', {
          projectId: 'test-project',
          client: second,
        }),
      ).toEqual([{ name: 'second' }]);
      expect(
        await executeBigQueryWithParams(
          'SELECT name FROM ds.f WHERE id >= @id',
          { id: 7 },
          {
            projectId: 'test-project',
            client: first,
          },
        ),
      ).toEqual([{ name: 'first' }]);
      expect(other.requests.filter((r) => r.method === 'POST' && JOBS_QUERY.test(r.path))).toHaveLength(1);
      // The same client under another project is another executor too (its short names resolve there).
      expect(await updateBigQueryRows("UPDATE ds.f SET name = 'z' WHERE id = 8", { client: second })).toBe(1);
    } finally {
      await other.close();
    }
  });
});
