/**
 * A STRUCT field named `__proto__`: DuckDB's client reads a struct into an object by assignment,
 * so the field was lost and the fields after it shifted. Refused as unsupported instead.
 */
import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';

// biome-ignore lint/suspicious/noExplicitAny: the REST answer's shape is what each test asserts
type Answer = any;

describe('stand-in STRUCT field named __proto__', () => {
  let s: BigQueryStandIn;
  let bq: BigQuery;

  const rest = async (path: string, body: unknown): Promise<{ status: number; body: Answer }> => {
    const r = await fetch(`${s.endpoint}/bigquery/v2/projects/${s.projectId}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: await r.json() };
  };

  beforeAll(async () => {
    s = await startBigQueryStandIn({ projectId: 'gaps' });
    bq = s.client({ autoRetry: false, maxRetries: 0 });
    await bq.createDataset('ds');
  });
  afterAll(() => s.close());

  it('says it does not support a STRUCT field named __proto__ rather than losing its values', async () => {
    const created = await rest('/jobs', {
      configuration: {
        query: {
          query: 'CREATE TABLE ds.p (id INT64, s STRUCT<`__proto__` INT64, b STRING>)',
          useLegacySql: false,
        },
      },
    });
    const failed = created.status !== 200 ? created.body.error : created.body.status?.errorResult;
    expect(failed?.message).toMatch(/Unsupported by the BigQuery stand-in.*__proto__/);
    const made = await rest('/datasets/ds/tables', {
      tableReference: { projectId: s.projectId, datasetId: 'ds', tableId: 'p2' },
      schema: {
        fields: [
          {
            name: 's',
            type: 'RECORD',
            fields: [
              { name: '__proto__', type: 'INTEGER' },
              { name: 'b', type: 'STRING' },
            ],
          },
        ],
      },
    });
    expect(made.status).toBe(400);
    expect(made.body.error.message).toMatch(/Unsupported by the BigQuery stand-in.*__proto__/);
    const selected = await rest('/queries', {
      query: 'SELECT STRUCT(5 AS `__proto__`, "x" AS b) AS s',
      useLegacySql: false,
    });
    expect(selected.status).toBe(400);
    expect(selected.body.error.message).toMatch(/Unsupported by the BigQuery stand-in.*__proto__/);
  });

  it('keeps a top-level column named __proto__', async () => {
    await s.run('CREATE TABLE ds.top (id INT64, `__proto__` STRING)');
    const r = await rest('/datasets/ds/tables/top/insertAll', {
      rows: [{ insertId: 'a', json: JSON.parse('{"id":1,"__proto__":"top"}') }],
    });
    expect(r.body.insertErrors).toBeUndefined();
    const q = await rest('/queries', { query: 'SELECT `__proto__` AS p FROM ds.top', useLegacySql: false });
    expect(q.body.rows).toEqual([{ f: [{ v: 'top' }] }]);
  });
});
