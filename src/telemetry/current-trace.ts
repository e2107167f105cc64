import { AsyncLocalStorage } from 'node:async_hooks';
import { otel, tracingEnabled } from './api.js';
import type { TraceParent } from './trace-context.js';

let incoming: AsyncLocalStorage<TraceParent> | undefined;

/**
 * Runs `fn` with `parent` as the trace of the work it does, for the logs written meanwhile when no
 * OpenTelemetry SDK is registered (with one, the active span says it). Internal: the message handler
 * uses it for the trace a message or a push request carries.
 */
export function runInTrace<T>(parent: TraceParent | undefined, fn: () => T): T {
  if (parent === undefined) return fn();
  incoming ??= new AsyncLocalStorage<TraceParent>();
  return incoming.run(parent, fn);
}

/**
 * The trace the current work belongs to: the active OpenTelemetry span when an SDK is registered and
 * a valid span is active, else the trace of the message or request being handled, else undefined.
 *
 * @example
 * ```ts
 * import { currentTraceParent } from 'gcp-pipeline-resilience';
 * const parent = currentTraceParent();
 * if (parent) console.log(`trace ${parent.traceId}`);
 * ```
 */
export function currentTraceParent(): TraceParent | undefined {
  if (tracingEnabled()) {
    const active = activeSpanParent();
    if (active !== undefined) return active;
  }
  return incoming?.getStore();
}

/**
 * The active span as a trace parent. A misbehaving SDK (a context manager whose `active()` throws,
 * a span whose `spanContext()` does) counts as no active span: every log entry asks, and none may
 * be lost to it.
 */
function activeSpanParent(): TraceParent | undefined {
  try {
    const api = otel();
    const span = api?.trace.getActiveSpan();
    if (api === undefined || span === undefined) return undefined;
    const context = span.spanContext();
    if (!api.isSpanContextValid(context)) return undefined;
    return {
      traceId: context.traceId,
      spanId: context.spanId,
      sampled: (context.traceFlags & api.TraceFlags.SAMPLED) === api.TraceFlags.SAMPLED,
    };
  } catch {
    return undefined;
  }
}
