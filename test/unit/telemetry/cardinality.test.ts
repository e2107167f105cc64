import { afterEach, describe, expect, it } from 'vitest';
import { traceCall } from '../../../src/bigquery/telemetry.js';
import { silentLogger } from '../../../src/logging/index.js';
import { CircuitBreakerRegistry, retry } from '../../../src/retry/index.js';
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

  it('breakers keyed by data (the hosts a crawler meets) cannot add a series per key to the breaker metrics', async () => {
    otel = registerOtel();
    const clock = createTestClock();
    const breakers = new CircuitBreakerRegistry({ failureThreshold: 1, clock });
    const unavailable = () => Promise.reject(Object.assign(new Error('unavailable'), { code: 503 }));
    const held = [];
    for (let host = 0; host < 300; host++) {
      const breaker = breakers.get(`host-${host}.example.com`);
      held.push(breaker);
      await retry(unavailable, { clock, maxAttempts: 1, breaker }).catch(() => undefined);
      expect(breaker.state).toBe('open');
    }
    const transitions = await otel.points('resilience.circuit_breaker.transitions');
    const names = new Set(transitions.map((p) => p.attributes['resilience.circuit_breaker.name']));
    expect(names.size).toBeLessThanOrEqual(201);
    expect(names.has('_OTHER')).toBe(true);
    // Every transition is still counted, and the gauge still counts every open breaker.
    expect(transitions.reduce((n, p) => n + (p.value as number), 0)).toBe(300);
    const states = await otel.points('resilience.circuit_breaker.state');
    expect(
      new Set(states.map((p) => p.attributes['resilience.circuit_breaker.name'])).size,
    ).toBeLessThanOrEqual(201);
    const open = states.filter((p) => p.attributes['resilience.circuit_breaker.state'] === 'open');
    expect(open.reduce((n, p) => n + (p.value as number), 0)).toBe(held.length);
  });
});
