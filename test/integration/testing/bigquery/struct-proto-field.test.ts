/**
 * A STRUCT field named `__proto__`: DuckDB's client reads a struct into an object by assignment,
 * so the field was lost and the fields after it shifted. Refused as unsupported instead.
 */
import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';
import { postRest } from './stand-in-fixture.js';

describe('stand-in STRUCT field named __proto__', () => {
  let s: BigQueryStandIn;
  let bq: BigQuery;

  const rest = (path: string, body: unknown) => postRest(s, path, body);

  beforeAll(async () => {
    s = await startBigQueryStandIn({ projectId: 'gaps' });
    bq = s.client({ autoRetry: false, maxRetries: 0 });
    await bq.createDataset('ds');
  });
  afterAll(() => s.close());

  it('says it does not support reading a STRUCT field named __proto__ rather than losing its values', async () => {
    // The table can be made and written (what a writer under test needs); reading the struct fails.
    await s.run('CREATE TABLE ds.p (id INT64, s STRUCT<`__proto__` INT64, b STRING>)');
    const r = await rest('/datasets/ds/tables/p/insertAll', {
      rows: [{ insertId: 'a', json: JSON.parse('{"id":1,"s":{"__proto__":5,"b":"x"}}') }],
    });
    expect(r.body.insertErrors).toBeUndefined();
    for (const query of [
      'SELECT s FROM ds.p',
      'SELECT * FROM ds.p',
      'SELECT STRUCT(5 AS `__proto__`, "x" AS b) AS s',
    ]) {
      const read = await rest('/queries', { query, useLegacySql: false });
      // Before: 200, the struct read back as { __proto__: 'x' } (b's value under the wrong name).
      expect(read.status, query).toBe(400);
      expect(read.body.error.message, query).toMatch(/Unsupported by the BigQuery stand-in.*__proto__/);
    }
    const fields = await rest('/queries', { query: 'SELECT id, s.b AS b FROM ds.p', useLegacySql: false });
    expect(fields.body.rows).toEqual([{ f: [{ v: '1' }, { v: 'x' }] }]);
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
