/**
 * GEOGRAPHY values: the stand-in stored whatever a GEOGRAPHY column or parameter was given
 * ('not a geography', 12, a latitude of 100), so a user's test passed where BigQuery refuses the row.
 */
import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';
import { postRest } from './stand-in-fixture.js';

describe('stand-in GEOGRAPHY values', () => {
  let s: BigQueryStandIn;
  let bq: BigQuery;

  const rest = (path: string, body: unknown) => postRest(s, path, body);

  beforeAll(async () => {
    s = await startBigQueryStandIn({ projectId: 'gaps' });
    bq = s.client({ autoRetry: false, maxRetries: 0 });
    await bq.createDataset('ds');
    await s.run('CREATE TABLE ds.g (id INT64, g GEOGRAPHY)');
  });
  afterAll(() => s.close());

  const insertGeo = async (id: number, g: unknown) => {
    const r = await rest('/datasets/ds/tables/g/insertAll', {
      rows: [{ insertId: `i${id}`, json: { id, g } }],
    });
    expect(r.status).toBe(200);
    return (r.body.insertErrors ?? []) as Array<{ errors: Array<{ reason: string; message: string }> }>;
  };

  it('accepts GEOGRAPHY as WKT, GeoJSON or WKB hex', async () => {
    const good = [
      'POINT(1 2)',
      'point ( -121.5 41 )',
      'POINT EMPTY',
      'LINESTRING(-118.4 33.9, -73.7 40.6)',
      'POLYGON((0 0, 1 0, 1 1, 0 0))',
      'MULTIPOINT((1 2), (3 4))',
      'MULTIPOINT(1 2, 3 4)',
      'GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1))',
      '{"type":"Point","coordinates":[1,2]}',
      '{"type": "LineString", "coordinates": [[-118.4, 33.9], [-73.7, 40.6]]}',
      '0101000000000000000000f03f0000000000000040',
    ];
    for (const [i, g] of good.entries()) expect(await insertGeo(100 + i, g), g).toEqual([]);
  });

  it('refuses a GEOGRAPHY that is no geography, as a row error', async () => {
    const bad: unknown[] = [
      'not a geography',
      'POINT(1)',
      'POINT(1 2',
      'POINT(1 100)',
      'CIRCLE(1 2, 3)',
      '{"type":"Feature","geometry":null}',
      '{"type":"Point","coordinates":[1]}',
      '{"type":"Point"',
      '0101',
      12,
    ];
    for (const [i, g] of bad.entries()) {
      const errors = await insertGeo(200 + i, g);
      expect(errors, String(g)).toHaveLength(1);
      expect(errors[0]?.errors[0]?.reason).toBe('invalid');
    }
    const [rows] = await bq.query('SELECT COUNT(*) AS c FROM ds.g WHERE id >= 200');
    expect(rows).toEqual([{ c: 0 }]);
  });

  it('refuses a GEOGRAPHY query parameter that is no geography', async () => {
    const r = await rest('/queries', {
      query: 'SELECT @g AS g',
      useLegacySql: false,
      parameterMode: 'NAMED',
      queryParameters: [
        { name: 'g', parameterType: { type: 'GEOGRAPHY' }, parameterValue: { value: 'nope' } },
      ],
    });
    expect(r.status).toBe(400);
    expect(r.body.error.errors[0].reason).toBe('invalid');
  });
});
