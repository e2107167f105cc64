import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logging/index.js';
import { retry } from '../../../src/retry/index.js';
import { startSpan } from '../../../src/telemetry/spans.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { type OtelHarness, registerOtel } from '../../helpers/otel.js';

let otel: OtelHarness | undefined;
afterEach(async () => {
  await otel?.stop();
  otel = undefined;
});

// Built at run time, obviously fake: an API key's value, labeled in a URL's query.
const SECRET = ['Zq7', 'fake', 'operation', 'key'].join('q');
const NAME = `GET https://api.example.com/v1/games?key=${SECRET}`;

describe('an operation name holding a credential (a URL with its key) reaches no metric or span', () => {
  it('retry metrics: the operation attribute is cleaned as a log line cleans a label', async () => {
    otel = registerOtel();
    let calls = 0;
    const flaky = async () => {
      if (++calls === 1) throw Object.assign(new Error('unavailable'), { code: 503 });
      return 'ok';
    };
    await retry(flaky, { name: NAME, clock: createTestClock(), logger: silentLogger });
    const points = [
      ...(await otel.points('resilience.retry.attempts')),
      ...(await otel.points('resilience.retry.calls')),
      ...(await otel.points('resilience.retry.delay')),
    ];
    expect(points.length).toBeGreaterThan(0);
    const operations = new Set(points.map((p) => p.attributes['resilience.operation.name']));
    expect(operations).toEqual(new Set(['GET https://api.example.com/v1/games?key=[REDACTED]']));
  });

  it('spans: the name and the operation attribute are cleaned, and a name of a megabyte is cut', () => {
    otel = registerOtel();
    startSpan(`${NAME} attempt`, { attributes: { 'resilience.operation.name': NAME } })?.end();
    startSpan('n'.repeat(1 << 20))?.end();
    const text = JSON.stringify(otel.spans().map((s) => [s.name, s.attributes]));
    expect(text).not.toContain(SECRET);
    expect(otel.spans().every((s) => s.name.length <= 201)).toBe(true);
  });
});
