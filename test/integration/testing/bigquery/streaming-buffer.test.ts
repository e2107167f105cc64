import { describe, expect, it } from 'vitest';
import { StreamingBuffer } from '../../../../src/testing/bigquery/engine/streaming-buffer.js';
import { Engine } from '../../../../src/testing/bigquery/engine.js';
import { failure, type PartialFailureLike, useStandIn } from './stand-in-fixture.js';

const fixture = useStandIn();

/** An engine with `ds.t (id INTEGER, name STRING)`, and its DuckDB connection (private: test access). */
async function engineWithTable() {
  const duck = await import('@duckdb/node-api');
  const engine = await Engine.create(duck, { location: 'US' });
  await engine.createDataset('test-project', 'ds', {});
  await engine.createTable('test-project', 'ds', 't', {
    schema: {
      fields: [
        { name: 'id', type: 'INTEGER' },
        { name: 'name', type: 'STRING' },
      ],
    },
  });
  const internals = engine as unknown as {
    conn: Parameters<StreamingBuffer['apply']>[0];
    buffer: StreamingBuffer;
  };
  return { engine, meta: engine.getTable('test-project', 'ds', 't'), ...internals };
}

describe("the BigQuery stand-in's streaming buffer", () => {
  it('every operation after insertAll sees its rows: queries, tabledata.list, tables.get, DDL, DML', async () => {
    const { s, bq } = fixture;
    await bq.dataset('ds').createTable('buffered', { schema: 'id:INTEGER,name:STRING' });
    const table = bq.dataset('ds').table('buffered');
    // Four requests in flight at once, as a concurrent writer sends them.
    await Promise.all(
      [0, 1, 2, 3].map((k) =>
        table.insert(
          Array.from({ length: 50 }, (_, i) => ({
            insertId: `r${k * 50 + i}`,
            json: { id: k * 50 + i, name: `n${k}` },
          })),
          { raw: true, partialRetries: 0 },
        ),
      ),
    );
    const [[count]] = await bq.query('SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM ds.buffered');
    expect(count).toEqual({ n: 200, d: 200 });
    await table.insert([{ insertId: 'late', json: { id: 1000, name: 'late' } }], { raw: true });
    const [listed] = await table.getRows({ maxResults: 1000 });
    expect(listed).toHaveLength(201);
    await table.insert([{ insertId: 'later', json: { id: 1001, name: 'later' } }], { raw: true });
    const [meta] = await table.getMetadata();
    expect(meta.numRows).toBe('202');
    await table.insert([{ insertId: 'last', json: { id: 1002, name: 'last' } }], { raw: true });
    await bq.query('CREATE TABLE ds.buffered_copy AS SELECT * FROM ds.buffered');
    expect(await s.run('SELECT COUNT(*) AS n FROM ds.buffered_copy')).toEqual([{ n: 203 }]);
    expect(await s.run("DELETE FROM ds.buffered WHERE name = 'n0'")).toEqual([{ numDmlAffectedRows: 50 }]);
    // The insertId window still holds after the rows were applied: a re-sent row is not written twice.
    await table.insert([{ insertId: 'late', json: { id: 1000, name: 'late' } }], { raw: true });
    expect(await s.run('SELECT COUNT(*) AS n FROM ds.buffered WHERE id = 1000')).toEqual([{ n: 1 }]);
  });

  it('refuses per row, as BigQuery does, an INT64 out of range and a NUMERIC beyond 29 integer digits', async () => {
    const { s, bq } = fixture;
    await bq.dataset('ds').createTable('ranges', { schema: 'i:INTEGER,n:NUMERIC' });
    const err = (await failure(
      bq
        .dataset('ds')
        .table('ranges')
        .insert(
          [
            { i: '9223372036854775807', n: '99999999999999999999999999999.5' },
            { i: '9223372036854775808' },
            { i: '-9223372036854775808' },
            { i: 1e19 },
            { n: '100000000000000000000000000000' },
            { n: '1e30' },
          ],
          { partialRetries: 0, skipInvalidRows: true },
        ),
    )) as unknown as PartialFailureLike;
    expect(err.errors.map((e) => [e.row, e.errors[0]?.message])).toEqual([
      [{ i: '9223372036854775808' }, 'Cannot convert value to integer (bad value): 9223372036854775808'],
      [{ i: 1e19 }, 'Cannot convert value to integer (bad value): 10000000000000000000'],
      [
        { n: '100000000000000000000000000000' },
        'Cannot convert value to NUMERIC (out of range) (bad value): 100000000000000000000000000000',
      ],
      [{ n: '1e30' }, 'Cannot convert value to NUMERIC (out of range) (bad value): 1e30'],
    ]);
    expect(await s.run('SELECT CAST(i AS STRING) AS i FROM ds.ranges ORDER BY i')).toEqual([
      { i: '-9223372036854775808' },
      { i: '9223372036854775807' },
    ]);
  });

  it('keeps the rows DuckDB takes and names the ones it refuses, never dropping them silently', async () => {
    const { engine, meta, conn } = await engineWithTable();
    try {
      const buffer = new StreamingBuffer();
      buffer.add(meta, meta.schema, [
        ['1', 'a'],
        ['not a number', 'b'],
        ['3', 'c'],
      ]);
      const refused = await buffer.apply(conn, engine.catalog);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({ table: meta, rows: 1 });
      expect(refused[0]?.message).toMatch(/Could not insert rows/);
      expect(buffer.rows).toBe(0);
      expect(await engine.run('SELECT id, name FROM ds.t ORDER BY id')).toEqual([
        { id: 1n, name: 'a' },
        { id: 3n, name: 'c' },
      ]);
    } finally {
      await engine.close();
    }
  });

  it('once an accepted row was lost, every later call and close() fail, naming the table', async () => {
    const { engine, meta, buffer } = await engineWithTable();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      buffer.add(meta, meta.schema, [['x', 'lost']]);
      const lost =
        /accepted rows through insertAll that it then could not store: 1 row\(s\) of test-project:ds\.t/;
      await expect(engine.run('SELECT 1 AS x')).rejects.toThrow(lost);
      await expect(engine.run('SELECT 1 AS x')).rejects.toThrow(lost);
      expect(() => engine.insertAll('test-project', 'ds', 't', [{ json: { id: 1 } }], {})).toThrow(lost);
      await expect(engine.close()).rejects.toThrow(lost);
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(warnings.some((w) => lost.test(w))).toBe(true);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
