import { afterEach, describe, expect, it } from 'vitest';
import { traceCall } from '../../../src/bigquery/telemetry.js';
import { silentLogger } from '../../../src/logging/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { type OtelHarness, registerOtel } from '../../helpers/otel.js';

let otel: OtelHarness | undefined;
afterEach(async () => {
  await otel?.stop();
  otel = undefined;
});

describe('metric cardinality', () => {
  it('table names built from data (date shards) cannot add a series per table to the row counters', async () => {
    otel = registerOtel();
    const settings = {
      clock: createTestClock(),
      logger: silentLogger,
      onRequest: undefined,
      recordQueryText: false,
    };
    for (let day = 0; day < 500; day++) {
      const table = `ds.events_${20260000 + day}`;
      await traceCall(
        settings,
        { method: 'insertRows', table, ref: { datasetId: 'ds', tableId: table.slice(3) } },
        async () => 'done',
        () => ({ written: 1, failed: 0 }),
      );
    }
    const points = await otel.points('resilience.bigquery.rows.written');
    const tables = new Set(points.map((p) => p.attributes['db.collection.name']));
    expect(tables.size).toBeLessThanOrEqual(201);
    expect(tables.has('_OTHER')).toBe(true);
    // Every row is still counted.
    expect(points.reduce((n, p) => n + (p.value as number), 0)).toBe(500);
  });
});
