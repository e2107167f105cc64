/**
 * How the stand-in writes DATETIME, TIME and TIMESTAMP values as text, through the real client:
 * `CAST(… AS STRING)` and the cells of query results. BigQuery writes a DATETIME or TIME fraction
 * with all six digits (`.500000`, never `.5` or `.500`); a TIMESTAMP cast keeps 0, 3 or 6 digits
 * ("the CAST function will truncate zero, three, or six digits").
 */
import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';

describe('DATETIME, TIME and TIMESTAMP text, through the real client', () => {
  let s: BigQueryStandIn;
  let bq: BigQuery;

  beforeAll(async () => {
    s = await startBigQueryStandIn({ projectId: 'civil-text' });
    bq = s.client({ autoRetry: false, maxRetries: 0 });
  });
  afterAll(() => s.close());

  async function one(sql: string): Promise<Record<string, unknown>> {
    const [rows] = (await bq.query({ query: sql, useLegacySql: false })) as unknown as [
      Array<Record<string, unknown>>,
    ];
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  it('CAST(DATETIME AS STRING) writes six fractional digits or none', async () => {
    expect(
      await one(`SELECT
        CAST(DATETIME '2024-03-04 05:06:07.5' AS STRING) AS half,
        CAST(DATETIME '2024-03-04 05:06:07.123' AS STRING) AS millis,
        CAST(DATETIME '2024-03-04 05:06:07.123456' AS STRING) AS micros,
        CAST(DATETIME '2024-03-04 05:06:07' AS STRING) AS whole`),
    ).toEqual({
      half: '2024-03-04 05:06:07.500000',
      millis: '2024-03-04 05:06:07.123000',
      micros: '2024-03-04 05:06:07.123456',
      whole: '2024-03-04 05:06:07',
    });
  });

  it('CAST(TIME AS STRING) writes six fractional digits or none', async () => {
    expect(
      await one(`SELECT
        CAST(TIME '05:06:07.5' AS STRING) AS half,
        CAST(TIME '05:06:07.120' AS STRING) AS millis,
        CAST(TIME '05:06:07' AS STRING) AS whole`),
    ).toEqual({ half: '05:06:07.500000', millis: '05:06:07.120000', whole: '05:06:07' });
  });

  it('CAST(TIMESTAMP AS STRING) keeps zero, three or six digits', async () => {
    expect(
      await one(`SELECT
        CAST(TIMESTAMP '2024-03-04 05:06:07.5+00' AS STRING) AS half,
        CAST(TIMESTAMP '2024-03-04 05:06:07.000120+00' AS STRING) AS micros,
        CAST(TIMESTAMP '2024-03-04 05:06:07+00' AS STRING) AS whole`),
    ).toEqual({
      half: '2024-03-04 05:06:07.500+00',
      micros: '2024-03-04 05:06:07.000120+00',
      whole: '2024-03-04 05:06:07+00',
    });
  });

  it('DATETIME and TIME cells of query results carry six fractional digits or none', async () => {
    const row = await one(`SELECT
      DATETIME '2024-03-04 05:06:07.5' AS dt,
      DATETIME '2024-03-04 05:06:00' AS dt_whole,
      TIME '05:06:07.25' AS t,
      TIME '05:06:00' AS t_whole`);
    expect(row).toEqual({
      dt: bq.datetime('2024-03-04T05:06:07.500000'),
      dt_whole: bq.datetime('2024-03-04T05:06:00'),
      t: bq.time('05:06:07.250000'),
      t_whole: bq.time('05:06:00'),
    });
  });

  it('a DATETIME column written by insertAll reads back with six fractional digits', async () => {
    await bq.createDataset('ds');
    const table = bq.dataset('ds').table('events');
    await bq.dataset('ds').createTable('events', {
      schema: [
        { name: 'at', type: 'DATETIME' },
        { name: 'clock', type: 'TIME' },
      ],
    });
    await table.insert([{ at: '2024-03-04 05:06:07.5', clock: '05:06:07.5' }]);
    const [rows] = await table.getRows();
    expect(rows).toEqual([
      { at: bq.datetime('2024-03-04T05:06:07.500000'), clock: bq.time('05:06:07.500000') },
    ]);
  });
});
