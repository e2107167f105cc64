import { afterEach, describe, expect, it } from 'vitest';
import { dbDuration, recordSeconds } from '../../../src/telemetry/metrics.js';
import { type OtelHarness, registerOtel } from '../../helpers/otel.js';

let otel: OtelHarness | undefined;
afterEach(async () => {
  await otel?.stop();
  otel = undefined;
});

// Durations are differences of `Date.now()` (the default clock): a wall clock stepped back (an NTP
// correction) makes one negative, which the SDK's histogram drops with a warning.
describe('a duration measured across a clock stepped back', () => {
  it('is recorded as 0 s, so that the operation is still counted', async () => {
    otel = registerOtel();
    recordSeconds(dbDuration, 120, { 'db.operation.name': 'query' });
    recordSeconds(dbDuration, -850, { 'db.operation.name': 'query' });
    const [point] = await otel.points('db.client.operation.duration');
    const value = point?.value as { count: number; sum: number; min: number };
    expect(value.count).toBe(2);
    expect(value.min).toBe(0);
    expect(value.sum).toBeCloseTo(0.12);
  });
});
