import type { Attributes, AttributeValue, Context, Link, Span } from '@opentelemetry/api';
import { labelText, messageAfterName } from '../logging/serialize-error.js';
import { otel, tracingEnabled } from './api.js';
import { ATTR, SCOPE_NAME } from './attributes.js';
import { spanErrorText } from './span-error-text.js';
import { formatTraceparent, type TraceParent } from './trace-context.js';

/**
 * Span helpers over `@opentelemetry/api`. Internal: not exported from the package. Every function
 * is a no-op that allocates nothing when no SDK is registered (`startSpan` returns undefined), and
 * none of them throws: a broken SDK must not break the work it watches.
 */

/** The span kinds the library uses. */
export type SpanKindName = 'internal' | 'client' | 'producer' | 'consumer';

/** What a failed operation or attempt records: the taxonomy's `code` becomes `error.type`. */
export interface ErrorLike {
  readonly name: string;
  readonly message: string;
  readonly code?: unknown;
}

/** Options of `startSpan`. */
export interface StartSpanOptions {
  kind?: SpanKindName;
  attributes?: Attributes;
  /** A remote parent (a message's `googclient_traceparent`); default the active span. */
  parent?: TraceParent;
  /** A local parent, whatever the active context says (attempts of an operation). */
  parentSpan?: Span;
  /** Another trace this work relates to (the push request that delivered a message). */
  link?: TraceParent;
  /** Start time, ms since the epoch (a span made after the fact). */
  startTime?: number;
}

export type { Span };

const KIND = { internal: 0, client: 2, producer: 3, consumer: 4 } as const;

/** `error.type`: the taxonomy's code when it has one, else the error's name. */
export function errorType(error: ErrorLike): string {
  return typeof error.code === 'string' && error.code !== '' ? error.code : error.name || 'Error';
}

function remote(parent: TraceParent) {
  return {
    traceId: parent.traceId,
    spanId: parent.spanId,
    traceFlags: parent.sampled ? 1 : 0,
    isRemote: true,
  };
}

/**
 * Starts a span (a child of the active one, or of `parent`); undefined when nothing would record it.
 * The name and the operation's name attribute are the caller's names (`retry`'s `name` can be a URL
 * with its key): cleaned as a log line's labels are (`labelText`).
 */
export function startSpan(name: string, options: StartSpanOptions = {}): Span | undefined {
  if (!tracingEnabled()) return undefined;
  const api = otel();
  if (api === undefined) return undefined;
  try {
    const operation = options.attributes?.[ATTR.operation];
    const attributes =
      typeof operation === 'string'
        ? { ...options.attributes, [ATTR.operation]: labelText(operation) }
        : options.attributes;
    let ctx: Context = api.context.active();
    if (options.parent !== undefined) ctx = api.trace.setSpanContext(ctx, remote(options.parent));
    if (options.parentSpan !== undefined) ctx = api.trace.setSpan(ctx, options.parentSpan);
    const links: Link[] | undefined =
      options.link === undefined ? undefined : [{ context: remote(options.link) }];
    return api.trace.getTracer(SCOPE_NAME).startSpan(
      labelText(name),
      {
        kind: KIND[options.kind ?? 'internal'],
        ...(attributes === undefined ? {} : { attributes }),
        ...(links === undefined ? {} : { links }),
        ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
      },
      ctx,
    );
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` with `span` as the active span (so spans started inside are its children). `fn` runs
 * exactly once and its own result or throw is what the caller gets, even when the registered context
 * manager throws before or after running it (the span is then simply not active).
 */
export function inSpan<T>(span: Span | undefined, fn: () => T): T {
  const api = span === undefined ? undefined : otel();
  if (api === undefined || span === undefined) return fn();
  let ran = false;
  let failed = false;
  let outcome: unknown;
  const run = (): T => {
    ran = true;
    try {
      outcome = fn();
    } catch (err) {
      failed = true;
      outcome = err;
    }
    if (failed) throw outcome;
    return outcome as T;
  };
  try {
    return api.context.with(api.trace.setSpan(api.context.active(), span), run);
  } catch {
    if (!ran) return fn();
    if (failed) throw outcome;
    return outcome as T;
  }
}

/** `inSpan` for an async `fn`: a synchronous throw becomes a rejection, as an async call's would. */
export function inSpanAsync<T>(span: Span | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return inSpan(span, fn);
  } catch (err) {
    return Promise.reject(err);
  }
}

/** Sets attributes, skipping undefined values. */
export function setAttributes(
  span: Span | undefined,
  attributes: Record<string, AttributeValue | undefined>,
): void {
  if (span === undefined) return;
  try {
    for (const key of Object.keys(attributes)) {
      const value = attributes[key];
      if (value !== undefined) span.setAttribute(key, value);
    }
  } catch {
    // A broken span must not break the work.
  }
}

/** Adds a span event (e.g. `retry`) to `span`, or to the active span when `span` is undefined. */
export function addEvent(span: Span | undefined, name: string, attributes: Attributes): void {
  if (!tracingEnabled()) return;
  try {
    const target = span ?? otel()?.trace.getActiveSpan();
    target?.addEvent(name, attributes);
  } catch {
    // as above
  }
}

/**
 * Ends `span`: status error with `error.type` and an `exception` event (type and message, no stack:
 * stacks and causes can carry request data) when `error` is given, else leaves the status unset.
 * The message is recorded with values redacted (`spanErrorText`), on every span alike; the type and
 * name as a log line holds them (`labelText`: credentials removed, 200 characters), and the message
 * is cleaned again after the name (`messageAfterName`), so that a credential split between them
 * (`password` and `hunter2`) does not join up into `password: hunter2` in the status.
 */
export function endSpan(span: Span | undefined, error?: ErrorLike, attributes?: Attributes): void {
  if (span === undefined) return;
  // Each step on its own: a span (or an error) that throws from one must not keep the span from
  // ending, or it is never exported and the trace loses the work.
  if (attributes !== undefined) quietly(() => span.setAttributes(attributes));
  if (error !== undefined) {
    let type = 'Error';
    let name = 'Error';
    let message = '<unreadable message>';
    quietly(() => {
      type = labelText(errorType(error));
    });
    quietly(() => {
      name = labelText(String(error.name));
    });
    quietly(() => {
      message = spanErrorText(String(error.message));
    });
    // What the join shows to be a credential goes from the message alone too (the exception event).
    message = messageAfterName(name, message);
    quietly(() => span.setAttribute(ATTR.errorType, type));
    quietly(() => span.setStatus({ code: 2, message: `${name}: ${message}` }));
    quietly(() => span.addEvent('exception', { 'exception.type': type, 'exception.message': message }));
  }
  quietly(() => span.end());
}

/** Runs a call on a span; a broken span must not break the work. */
function quietly(call: () => unknown): void {
  try {
    call();
  } catch {
    // as above
  }
}

/** The W3C `traceparent` of `span`, to carry it in a message; undefined when it has no valid context. */
export function traceparentOf(span: Span | undefined): string | undefined {
  if (span === undefined) return undefined;
  const api = otel();
  try {
    const ctx = span.spanContext();
    if (api === undefined || !api.isSpanContextValid(ctx)) return undefined;
    return formatTraceparent({
      traceId: ctx.traceId,
      spanId: ctx.spanId,
      sampled: (ctx.traceFlags & 1) === 1,
    });
  } catch {
    return undefined;
  }
}
