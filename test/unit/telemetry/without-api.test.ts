import Module from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `@opentelemetry/api` is an optional peer. This file makes it unresolvable, as in an application
// that never installed it, while the API's global slot says an SDK is registered (another copy of
// the API, say): the library must still run, and record nothing.
const moduleInternals = Module as unknown as {
  _resolveFilename: (request: string, ...rest: unknown[]) => string;
};
const resolve = moduleInternals._resolveFilename;
const SLOT = Symbol.for('opentelemetry.js.api.1');
const root = globalThis as unknown as Record<symbol, unknown>;
let previousSlot: unknown;

beforeAll(() => {
  moduleInternals._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === '@opentelemetry/api' || request.startsWith('@opentelemetry/api/')) {
      throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });
    }
    return resolve.call(this, request, ...rest);
  };
  previousSlot = root[SLOT];
  root[SLOT] = { version: '1.9.0', trace: {}, metrics: {} };
});

afterAll(() => {
  moduleInternals._resolveFilename = resolve;
  root[SLOT] = previousSlot;
});

describe('without @opentelemetry/api installed', () => {
  it('retries, breaks circuits, logs and handles messages, recording nothing', async () => {
    const { ServiceUnavailableError } = await import('../../../src/errors/index.js');
    const { CircuitBreaker, retry } = await import('../../../src/retry/index.js');
    const { createTestClock } = await import('../../../src/testing/clock.js');
    const { cloudLoggingLogger } = await import('../../../src/logging/index.js');
    const { currentTraceParent } = await import('../../../src/telemetry/index.js');
    const { startSpan } = await import('../../../src/telemetry/spans.js');
    const { createMessageHandler, Phase2CompletionMessage } = await import(
      '../../../src/validation/index.js'
    );

    const clock = createTestClock();
    let calls = 0;
    const flaky = async () => {
      calls++;
      if (calls < 3) throw new ServiceUnavailableError('backend unavailable');
      return 'ok';
    };
    const lines: string[] = [];
    const logger = cloudLoggingLogger({ projectId: 'p', write: (line) => lines.push(line) });
    const breaker = new CircuitBreaker({ failureThreshold: 10, clock });
    await expect(retry(flaky, { clock, logger, breaker })).resolves.toBe('ok');
    expect(calls).toBe(3);
    const { otel, tracingEnabled } = await import('../../../src/telemetry/api.js');
    expect(tracingEnabled()).toBe(true);
    expect(otel()).toBeUndefined();
    expect(startSpan('x')).toBeUndefined();
    expect(currentTraceParent()).toBeUndefined();

    const handled: string[] = [];
    const handler = createMessageHandler(Phase2CompletionMessage, (m) => void handled.push(m.game_date), {
      onInvalid: 'nack',
      logger,
    });
    const data = { processor_name: 'P', game_date: '2026-01-23', record_count: 1 };
    const result = await handler.push(
      { message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), messageId: '1' } },
      { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    );
    expect(result.outcome).toBe('processed');
    expect(handled).toEqual(['2026-01-23']);
    expect(lines.length).toBeGreaterThan(0);
  });
});
