/**
 * Paging query results and table rows through the real client: `maxResults` pages with a
 * `pageToken`, and `maxResults: 0` asks for the job's status and schema with no rows (clients poll
 * with it; the stand-in used to answer a full page).
 */
import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';

type Response = {
  totalRows?: string;
  jobComplete?: boolean;
  pageToken?: string;
  schema?: unknown;
  rows?: unknown[];
};

describe('results paging, through the real client', () => {
  let s: BigQueryStandIn;
  let bq: BigQuery;

  beforeAll(async () => {
    s = await startBigQueryStandIn({ projectId: 'paging' });
    bq = s.client({ autoRetry: false, maxRetries: 0 });
    await bq.createDataset('ds');
    await bq.dataset('ds').createTable('t', { schema: [{ name: 'id', type: 'INT64' }] });
    await s.run('INSERT ds.t (id) SELECT x FROM UNNEST(GENERATE_ARRAY(1, 25)) AS x');
  });
  afterAll(() => s.close());

  it('maxResults: 0 on getQueryResults answers the status, schema and totalRows without rows', async () => {
    const [job] = await bq.createQueryJob({ query: 'SELECT id FROM ds.t ORDER BY id' });
    const [rows, , response] = (await job.getQueryResults({
      maxResults: 0,
      autoPaginate: false,
    })) as unknown as [unknown[], unknown, Response];
    expect(rows).toEqual([]);
    expect(response.jobComplete).toBe(true);
    expect(response.totalRows).toBe('25');
    expect(response.schema).toEqual({ fields: [{ name: 'id', type: 'INTEGER', mode: 'NULLABLE' }] });
    expect(response.rows ?? []).toEqual([]);
  });

  it('maxResults pages with a pageToken until the last row, each row once', async () => {
    const [job] = await bq.createQueryJob({ query: 'SELECT id FROM ds.t ORDER BY id' });
    const seen: number[] = [];
    let next: Record<string, unknown> | null = { maxResults: 10, autoPaginate: false };
    while (next) {
      const [rows, following] = (await job.getQueryResults(next)) as unknown as [
        Array<{ id: number }>,
        Record<string, unknown> | null,
      ];
      seen.push(...rows.map((r) => r.id));
      next = following;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('maxResults: 0 on tabledata.list answers no rows and the table total', async () => {
    const [rows, , response] = (await bq
      .dataset('ds')
      .table('t')
      .getRows({ maxResults: 0, autoPaginate: false })) as unknown as [unknown[], unknown, Response];
    expect(rows).toEqual([]);
    expect(response.totalRows).toBe('25');
  });

  it('a negative or fractional startIndex or maxResults is 400 invalid, as BigQuery reads them as unsigned integers', async () => {
    const [job] = await bq.createQueryJob({ query: 'SELECT id FROM ds.t ORDER BY id' });
    const table = bq.dataset('ds').table('t');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ startIndex: -2 }, `Invalid value at 'start_index' (TYPE_UINT64), "-2"`],
      [{ startIndex: 1.5 }, `Invalid value at 'start_index' (TYPE_UINT64), "1.5"`],
      [{ maxResults: -1 }, `Invalid value at 'max_results' (TYPE_UINT32), "-1"`],
      [{ maxResults: 'ten' }, `Invalid value at 'max_results' (TYPE_UINT32), "ten"`],
    ];
    for (const [options, message] of cases) {
      for (const call of [
        () => job.getQueryResults({ ...options, autoPaginate: false }),
        () => table.getRows({ ...options, autoPaginate: false }),
      ]) {
        const err = (await call().then(
          () => undefined,
          (e: unknown) => e,
        )) as { code?: number; message?: string; errors?: Array<{ reason?: string }> } | undefined;
        expect(err?.code).toBe(400);
        expect(err?.errors?.[0]?.reason).toBe('invalid');
        expect(err?.message).toBe(message);
      }
    }
    // Before, getQueryResults with startIndex -2 answered the last two rows.
    const [tail] = await job.getQueryResults({ startIndex: '23', autoPaginate: false });
    expect(tail).toEqual([{ id: 24 }, { id: 25 }]);
  });
});
