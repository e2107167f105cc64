import { context, metrics, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../../src/errors/index.js';
import { retry } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { type OtelHarness, registerOtel } from '../../helpers/otel.js';

// The library decides per call whether an SDK is registered, and builds its instruments per meter
// provider: an SDK registered after the library ran, replaced by another, or disabled must be seen
// by the very next call, however hot the no-SDK path has become.

const harnesses: OtelHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.stop();
});

function unregisterAll(): void {
  trace.disable();
  metrics.disable();
  context.disable();
}

async function successes(h: OtelHarness, operation: string): Promise<number> {
  const points = await h.points('resilience.retry.attempts');
  return points
    .filter(
      (p) =>
        p.attributes['resilience.operation.name'] === operation &&
        p.attributes['resilience.outcome'] === 'success',
    )
    .reduce((sum, p) => sum + (p.value as number), 0);
}

describe('an SDK registered, replaced or disabled while the library runs', () => {
  it('is picked up by the next call after thousands of calls without one, then dropped when disabled', async () => {
    const ok = async () => 'ok';
    for (let i = 0; i < 5000; i++) await retry(ok, { name: 'hot' });

    const first = registerOtel();
    harnesses.push(first);
    await retry(ok, { name: 'hot' });
    expect(await successes(first, 'hot')).toBe(1);

    unregisterAll();
    for (let i = 0; i < 100; i++) await retry(ok, { name: 'hot' });
    expect(await successes(first, 'hot')).toBe(1);

    const second = registerOtel();
    harnesses.push(second);
    await retry(ok, { name: 'hot' });
    await retry(ok, { name: 'hot' });
    expect(await successes(second, 'hot')).toBe(2);
    expect(await successes(first, 'hot')).toBe(1);
  });

  it('puts the retry event on a span of the tracer provider registered last', async () => {
    const clock = createTestClock();
    const flaky = () => {
      let calls = 0;
      return async () => {
        calls++;
        if (calls === 1) throw new ServiceUnavailableError('backend unavailable');
        return 'ok';
      };
    };
    await expect(retry(flaky(), { clock })).resolves.toBe('ok');

    const first = registerOtel();
    harnesses.push(first);
    unregisterAll();
    const second = registerOtel();
    harnesses.push(second);
    await trace.getTracer('test').startActiveSpan('job', async (span) => {
      await retry(flaky(), { clock });
      span.end();
    });
    expect(second.named('job')[0]?.events.map((e) => e.name)).toEqual(['retry']);
    expect(first.spans()).toEqual([]);
  });
});
