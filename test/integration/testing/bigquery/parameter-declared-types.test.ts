/**
 * BigQuery types a query parameter by its declaration (`parameterType`), whatever its value: the real
 * client sends a JSON parameter as `{ type: 'JSON' }` with its text, and a null as the declared type
 * with `value: null` (`valueToQueryParameter_`). The stand-in bound both to DuckDB untyped, so
 * `SELECT @j` answered a STRING column and `SELECT @n` an INTEGER one, whatever `@n` was declared.
 */
import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../../src/bigquery/index.js';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';

describe('parameters keep their declared type in what the stand-in answers', () => {
  let s: BigQueryStandIn;
  let bq: BigQuery;

  beforeAll(async () => {
    s = await startBigQueryStandIn({ projectId: 'declared' });
    bq = s.client({ autoRetry: false, maxRetries: 0 });
  });
  afterAll(() => s.close());

  /** The schema of `query`'s results (getQueryResults) and of its job's statistics. */
  async function schemaOf(query: string, params: unknown, types: Record<string, unknown>) {
    const [job] = await bq.createQueryJob({ query, params, types, useLegacySql: false } as never);
    const [rows, , response] = await job.getQueryResults({ autoPaginate: false } as never);
    const [metadata] = await job.getMetadata();
    const fields = (response as { schema?: { fields?: unknown[] } }).schema?.fields;
    expect(metadata.statistics?.query?.schema?.fields).toEqual(fields);
    return { rows, fields };
  }

  it('a JSON parameter is a JSON column, its value unchanged', async () => {
    const { rows, fields } = await schemaOf('SELECT @j AS j', { j: { team: 'hawks', n: 2 } }, { j: 'JSON' });
    expect(fields).toEqual([{ name: 'j', type: 'JSON', mode: 'NULLABLE' }]);
    // JSON text on the wire; BigQuery does not keep an object's key order.
    expect(JSON.parse((rows as Array<{ j: string }>)[0]?.j ?? 'null')).toEqual({ team: 'hawks', n: 2 });
  });

  it.each([
    ['STRING', 'STRING'],
    ['JSON', 'JSON'],
    ['FLOAT64', 'FLOAT'],
    ['DATE', 'DATE'],
    ['BOOL', 'BOOLEAN'],
    ['TIMESTAMP', 'TIMESTAMP'],
    ['NUMERIC', 'NUMERIC'],
  ])('a null declared %s is a %s column', async (declared, reported) => {
    const { rows, fields } = await schemaOf('SELECT @n AS n', { n: null }, { n: declared });
    expect(fields).toEqual([{ name: 'n', type: reported, mode: 'NULLABLE' }]);
    expect(rows).toEqual([{ n: null }]);
  });

  it('a null positional parameter and one used twice keep their type; a literal "$n" is left alone', async () => {
    const { fields } = await schemaOf('SELECT ? AS a, ? AS b', [null, 'x'], ['STRING', 'STRING'] as never);
    expect(fields).toEqual([
      { name: 'a', type: 'STRING', mode: 'NULLABLE' },
      { name: 'b', type: 'STRING', mode: 'NULLABLE' },
    ]);
    const twice = await schemaOf("SELECT @n AS a, @n AS b, '$n' AS c", { n: null }, { n: 'DATE' });
    expect(twice.fields).toEqual([
      { name: 'a', type: 'DATE', mode: 'NULLABLE' },
      { name: 'b', type: 'DATE', mode: 'NULLABLE' },
      { name: 'c', type: 'STRING', mode: 'NULLABLE' },
    ]);
    expect(twice.rows).toEqual([{ a: null, b: null, c: '$n' }]);
  });

  it("through the executor: a typed null reads back as the declared type's null", async () => {
    const executor = new BigQueryExecutor({ client: s.client() });
    expect(
      await executor.query('SELECT @n IS NULL AS missing, CONCAT(@n, "x") AS joined', {
        params: { n: null },
        types: { n: 'STRING' },
      }),
    ).toEqual([{ missing: true, joined: null }]);
  });
});
