import { type Span, type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../../src/errors/index.js';
import { endSpan, startSpan } from '../../../src/telemetry/spans.js';
import { type OtelHarness, registerOtel } from '../../helpers/otel.js';

let otel: OtelHarness | undefined;
afterEach(async () => {
  await otel?.stop();
  otel = undefined;
});

type Broken = 'setAttributes' | 'setAttribute' | 'setStatus' | 'addEvent';

/**
 * The SDK registered as usual, behind a tracer provider whose spans throw from one method (a
 * wrapper or processor that misbehaves); `end` still works and exports the span.
 */
function withSpansThrowingFrom(method: Broken): void {
  otel = registerOtel();
  const real = trace.getTracerProvider();
  const provider: TracerProvider = {
    getTracer(name, version, options): Tracer {
      const tracer = real.getTracer(name, version, options);
      return {
        startSpan(spanName, spanOptions, ctx): Span {
          const span = tracer.startSpan(spanName, spanOptions, ctx);
          (span as unknown as Record<string, unknown>)[method] = () => {
            throw new Error(`${method} failed`);
          };
          return span;
        },
        startActiveSpan: tracer.startActiveSpan.bind(tracer) as Tracer['startActiveSpan'],
      };
    },
  };
  trace.disable();
  trace.setGlobalTracerProvider(provider);
}

describe('endSpan ends the span whatever else fails on it', () => {
  it.each(['setAttributes', 'setAttribute', 'setStatus', 'addEvent'] as const)(
    'a span whose %s throws is still ended (and exported)',
    (method) => {
      withSpansThrowingFrom(method);
      const span = startSpan('op');
      expect(span).toBeDefined();
      expect(() =>
        endSpan(span, new ServiceUnavailableError('backend unavailable'), { 'db.rows': 3 }),
      ).not.toThrow();
      expect(span?.isRecording()).toBe(false);
      expect(otel?.named('op')).toHaveLength(1);
    },
  );

  it('an error whose message or code getter throws still ends the span, with its status set', () => {
    otel = registerOtel();
    const byMessage = new Error('m');
    Object.defineProperty(byMessage, 'message', {
      get() {
        throw new Error('getter');
      },
    });
    const byCode = {
      name: 'E',
      message: 'x',
      get code(): string {
        throw new Error('getter');
      },
    };
    const first = startSpan('first');
    const second = startSpan('second');
    endSpan(first, byMessage);
    endSpan(second, byCode);
    expect(first?.isRecording()).toBe(false);
    expect(second?.isRecording()).toBe(false);
    expect(otel.named('first')[0]?.status.code).toBe(2);
    expect(otel.named('second')[0]?.status.code).toBe(2);
  });
});
