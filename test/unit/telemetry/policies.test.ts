import { trace } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError, ServiceUnavailableError } from '../../../src/errors/index.js';
import { cloudLoggingLogger } from '../../../src/logging/index.js';
import { CircuitBreaker, RetryBudget, retry } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { type OtelHarness, type ReadableSpan, registerOtel } from '../../helpers/otel.js';

let otel: OtelHarness | undefined;
afterEach(async () => {
  await otel?.stop();
  otel = undefined;
});

/** Fails `failures` times with a 503, then returns 'ok'. */
function flaky(failures: number) {
  let calls = 0;
  return async () => {
    calls++;
    if (calls <= failures) throw new ServiceUnavailableError(`backend unavailable #${calls}`);
    return 'ok';
  };
}

describe('retry metrics', () => {
  it('counts each attempt by outcome and error.type, each call by its resilience4j kind, and each delay', async () => {
    otel = registerOtel();
    const clock = createTestClock();
    await expect(retry(flaky(2), { clock, name: 'load games', maxAttempts: 5 })).resolves.toBe('ok');
    await expect(
      retry(
        async () => {
          throw new NotFoundError('Not found: Table ds.t');
        },
        { clock, name: 'load games' },
      ),
    ).rejects.toThrow(NotFoundError);

    const attempts = await otel.points('resilience.retry.attempts');
    const byKey = Object.fromEntries(
      attempts.map((p) => [
        `${p.attributes['resilience.outcome']}/${p.attributes['error.type'] ?? '-'}`,
        p.value,
      ]),
    );
    expect(byKey).toEqual({ 'retry/SERVICE_UNAVAILABLE': 2, 'success/-': 1, 'failure/NOT_FOUND': 1 });
    for (const p of attempts) expect(p.attributes['resilience.operation.name']).toBe('load games');

    const calls = await otel.points('resilience.retry.calls');
    expect(calls.map((p) => [p.attributes['resilience.outcome'], p.value]).sort()).toEqual([
      ['failure_without_retry', 1],
      ['success_with_retry', 1],
    ]);
    const delays = await otel.points('resilience.retry.delay');
    const histogram = delays[0]?.value as { count: number; sum: number };
    expect(histogram.count).toBe(2);
    // Recorded in seconds: the two sleeps the test clock saw, summed.
    expect(histogram.sum).toBeCloseTo(clock.sleeps.reduce((a, b) => a + b, 0) / 1000, 6);
  });

  it('adds a retry event, with the attempt, delay and error.type, to the active span', async () => {
    otel = registerOtel();
    const clock = createTestClock();
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('job', async (span) => {
      await retry(flaky(1), { clock });
      span.end();
    });
    const [job] = otel.named('job');
    expect(
      job?.events.map((e) => [
        e.name,
        e.attributes?.['resilience.attempt.number'],
        e.attributes?.['error.type'],
      ]),
    ).toEqual([['retry', 1, 'SERVICE_UNAVAILABLE']]);
    expect(job?.events[0]?.attributes?.['resilience.retry.delay_ms']).toBe(Math.round(clock.sleeps[0] ?? -1));
  });
});

describe('breaker and budget metrics', () => {
  it('reports breaker transitions and the state gauge, budget tokens and exhaustions', async () => {
    otel = registerOtel();
    const clock = createTestClock();
    const breaker = new CircuitBreaker({ key: 'bigquery', failureThreshold: 2, clock });
    const budget = new RetryBudget({ name: 'bigquery', maxTokens: 4 });
    for (let i = 0; i < 2; i++) {
      await retry(flaky(5), { clock, maxAttempts: 1, breaker }).catch(() => undefined);
    }
    expect(breaker.state).toBe('open');
    for (let i = 0; i < 4; i++) budget.onFailure();

    const transitions = await otel.points('resilience.circuit_breaker.transitions');
    expect(
      transitions.map((p) => [
        p.attributes['resilience.circuit_breaker.name'],
        p.attributes['resilience.circuit_breaker.from_state'],
        p.attributes['resilience.circuit_breaker.state'],
        p.value,
      ]),
    ).toEqual([['bigquery', 'closed', 'open', 1]]);
    const states = await otel.points('resilience.circuit_breaker.state');
    const open = states.find(
      (p) =>
        p.attributes['resilience.circuit_breaker.name'] === 'bigquery' &&
        p.attributes['resilience.circuit_breaker.state'] === 'open',
    );
    expect(open?.value).toBe(1);
    const tokens = await otel.points('resilience.retry_budget.tokens');
    expect(tokens.find((p) => p.attributes['resilience.retry_budget.name'] === 'bigquery')?.value).toBe(
      budget.tokens,
    );
    const exhausted = await otel.points('resilience.retry_budget.exhaustions');
    expect(exhausted.map((p) => p.value)).toEqual([1]);
  });
});

describe('a broken SDK or listener never breaks the work', () => {
  it('retries to success when the span exporter throws on every export', async () => {
    const broken = {
      export: (_spans: ReadableSpan[], _done: (result: ExportResult) => void) => {
        throw new Error('exporter down');
      },
      shutdown: async () => undefined,
    };
    otel = registerOtel({ exporter: broken });
    const clock = createTestClock();
    const result = await trace.getTracer('test').startActiveSpan('job', async (span) => {
      const value = await retry(flaky(2), { clock });
      span.end();
      return value;
    });
    expect(result).toBe('ok');
  });

  it('retries to success when the meter provider throws from getMeter, and when instruments throw', async () => {
    const clock = createTestClock();
    const { metrics } = await import('@opentelemetry/api');
    metrics.setGlobalMeterProvider({
      getMeter: () => {
        throw new Error('meter provider down');
      },
    });
    try {
      await expect(retry(flaky(2), { clock })).resolves.toBe('ok');
    } finally {
      metrics.disable();
    }
    const throwing = () => {
      throw new Error('instrument down');
    };
    const instrument = { add: throwing, record: throwing, addCallback: throwing };
    metrics.setGlobalMeterProvider({
      getMeter: () =>
        ({
          createCounter: () => instrument,
          createHistogram: () => instrument,
          createObservableGauge: () => instrument,
        }) as never,
    });
    try {
      await expect(retry(flaky(2), { clock, name: 'other' })).resolves.toBe('ok');
      const breaker = new CircuitBreaker({ failureThreshold: 1, clock });
      await expect(retry(flaky(1), { clock, maxAttempts: 1, breaker })).rejects.toThrow(
        ServiceUnavailableError,
      );
      expect(breaker.state).toBe('open');
    } finally {
      metrics.disable();
    }
  });

  it('ignores listeners that throw: onSuccess, onGiveUp, onStateChange, onExhausted', async () => {
    otel = registerOtel();
    const clock = createTestClock();
    const lines: string[] = [];
    const logger = cloudLoggingLogger({ write: (line) => lines.push(line) });
    const boom = () => {
      throw new Error('listener bug');
    };
    await expect(retry(flaky(1), { clock, logger, onSuccess: boom, onRetry: boom })).resolves.toBe('ok');
    await expect(retry(flaky(9), { clock, logger, maxAttempts: 2, onGiveUp: boom })).rejects.toThrow(
      ServiceUnavailableError,
    );
    const breaker = new CircuitBreaker({ failureThreshold: 1, clock, onStateChange: boom });
    await expect(retry(flaky(1), { clock, maxAttempts: 1, breaker })).rejects.toThrow(
      ServiceUnavailableError,
    );
    expect(breaker.state).toBe('open');
    const budget = new RetryBudget({ maxTokens: 2, onExhausted: boom, onRecovered: boom });
    budget.onFailure();
    budget.onFailure();
    expect(budget.canRetry()).toBe(false);
    const messages = lines.map((l) => (JSON.parse(l) as { message: string }).message);
    expect(messages.some((m) => m.includes('onSuccess listener threw'))).toBe(true);
    expect(messages.some((m) => m.includes('onGiveUp listener threw'))).toBe(true);
  });
});
