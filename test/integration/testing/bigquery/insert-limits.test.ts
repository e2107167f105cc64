import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';

/** The real client's insertAll, one request, the client's own retries off. */
async function insertAll(standIn: BigQueryStandIn, rows: unknown[]): Promise<unknown> {
  const table = standIn.client({ autoRetry: false }).dataset('ds').table('t');
  return table.insert(rows, { raw: true, partialRetries: 0 }).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("the stand-in enforces insertAll's documented limits as BigQuery does", () => {
  let standIn: BigQueryStandIn;

  beforeAll(async () => {
    standIn = await startBigQueryStandIn();
    await standIn.client().createDataset('ds');
    await standIn.run('CREATE TABLE ds.t (id INT64, name STRING)');
  });
  afterAll(() => standIn.close());

  it('a request over 10 MB is refused as a whole: 400 badRequest "Request payload size exceeds the limit"', async () => {
    const error = (await insertAll(standIn, [
      { insertId: 'big', json: { id: 1, name: 'x'.repeat(10_500_000) } },
    ])) as {
      code: number;
      errors: Array<{ reason: string; message: string }>;
    };
    expect(error.code).toBe(400);
    expect(error.errors[0]).toMatchObject({
      reason: 'badRequest',
      message: 'Request payload size exceeds the limit: 10485760 bytes.',
    });
    expect(await standIn.run('SELECT COUNT(*) AS n FROM ds.t')).toEqual([{ n: 0 }]);
  });

  it('more than 50,000 rows in one request are refused as a whole: 400 invalid', async () => {
    const rows = Array.from({ length: 50_001 }, (_, i) => ({ insertId: `r${i}`, json: { id: i } }));
    const error = (await insertAll(standIn, rows)) as {
      code: number;
      errors: Array<{ reason: string; message: string }>;
    };
    expect(error.code).toBe(400);
    expect(error.errors[0]?.reason).toBe('invalid');
    expect(error.errors[0]?.message).toMatch(
      /too many rows present in the request, limit: 50000 row count: 50001/,
    );
    expect(await standIn.run('SELECT COUNT(*) AS n FROM ds.t')).toEqual([{ n: 0 }]);
  });

  it('exactly 50,000 rows under 10 MB are accepted', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => ({ insertId: `ok${i}`, json: { id: i } }));
    expect(await insertAll(standIn, rows)).toBeUndefined();
    expect(await standIn.run('SELECT COUNT(*) AS n FROM ds.t')).toEqual([{ n: 50_000 }]);
  });

  it('a templateSuffix (a table created from this one per suffix) is refused, not written to the template', async () => {
    const table = standIn.client({ autoRetry: false }).dataset('ds').table('t');
    const before = await standIn.run('SELECT COUNT(*) AS n FROM ds.t');
    const error = (await table
      .insert([{ id: 7 }], { templateSuffix: '_20261201', partialRetries: 0 })
      .catch((e: unknown) => e)) as { code?: number; errors?: Array<{ reason: string; message: string }> };
    expect(error.code).toBe(400);
    expect(error.errors?.[0]?.message).toMatch(/templateSuffix/);
    expect(await standIn.run('SELECT COUNT(*) AS n FROM ds.t')).toEqual(before);
  });
});
