import { type ContextManager, context, type Span, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { cloudLoggingLogger, type PinoLike, pinoLogger } from '../../../src/logging/index.js';
import { runInTrace } from '../../../src/telemetry/current-trace.js';
import { type OtelHarness, registerOtel } from '../../helpers/otel.js';

let otel: OtelHarness | undefined;
afterEach(async () => {
  await otel?.stop();
  otel = undefined;
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A context manager whose `active()` throws, as a half-shut-down or broken SDK can leave it. */
function throwingContextManager(): ContextManager {
  const manager: ContextManager = {
    active: () => {
      throw new Error('context manager down');
    },
    with: (_ctx, fn, thisArg, ...args) => fn.call(thisArg, ...args),
    bind: (_ctx, target) => target,
    enable: () => manager,
    disable: () => manager,
  };
  return manager;
}

function loggers() {
  const lines: string[] = [];
  const pinoCalls: Array<{ object: Record<string, unknown>; message: string }> = [];
  const record = (object: object, message: string) =>
    pinoCalls.push({ object: object as Record<string, unknown>, message });
  const target: PinoLike = { debug: record, info: record, warn: record, error: record };
  return {
    cloud: cloudLoggingLogger({ projectId: 'proj', write: (line) => lines.push(line) }),
    pino: pinoLogger(target),
    lines,
    pinoCalls,
  };
}

describe('a misbehaving OpenTelemetry never costs a log line', () => {
  it('a context manager whose active() throws: every entry is still written, with the trace the handler knows', () => {
    otel = registerOtel();
    context.disable();
    context.setGlobalContextManager(throwingContextManager());
    const { cloud, pino, lines, pinoCalls } = loggers();

    expect(() => cloud.info('handled', { n: 1 })).not.toThrow();
    runInTrace({ traceId: TRACE_ID, spanId: '00f067aa0ba902b7', sampled: true }, () => {
      cloud.warn('inside a message');
      pino.warn('inside a message', { n: 2 });
    });

    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual([
      'handled',
      'inside a message',
    ]);
    expect(JSON.parse(lines[1]!)['logging.googleapis.com/trace']).toBe(`projects/proj/traces/${TRACE_ID}`);
    expect(pinoCalls).toEqual([
      { message: 'inside a message', object: expect.objectContaining({ n: 2, trace_id: TRACE_ID }) },
    ]);
  });

  it('an active span whose spanContext() throws: the entry is still written', () => {
    otel = registerOtel();
    const { cloud, lines } = loggers();
    const broken = {
      spanContext: () => {
        throw new Error('span gone');
      },
    } as unknown as Span;
    context.with(trace.setSpan(context.active(), broken), () => cloud.error('failed', { code: 'X' }));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ severity: 'ERROR', message: 'failed', code: 'X' });
  });
});
