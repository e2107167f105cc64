/**
 * W3C trace context and Google's `X-Cloud-Trace-Context`, parsed and written without OpenTelemetry,
 * so that logs can name the trace of a message or a request even when no SDK is registered.
 */
import { describeValue } from '../shared/check-options.js';

/**
 * A trace position as W3C trace context carries it: 32 lowercase hex digits of trace id, 16 of span
 * id, and whether the trace is sampled.
 *
 * @example
 * ```ts
 * import { formatTraceparent, parseTraceparent, type TraceParent } from 'gcp-pipeline-resilience';
 * // Continue a trace across a hop this library does not make (e.g. a Cloud Tasks task).
 * const childOf = (parent: TraceParent, spanId: string): TraceParent => ({ ...parent, spanId });
 * const incoming = parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
 * const header = incoming ? formatTraceparent(childOf(incoming, 'b7ad6b7169203331')) : undefined;
 * ```
 */
export interface TraceParent {
  readonly traceId: string;
  readonly spanId: string;
  readonly sampled: boolean;
}

/**
 * The message attribute in which the Pub/Sub client (and this library) carries the W3C
 * `traceparent` of the span that published a message.
 *
 * @example
 * ```ts
 * import type { Message } from '@google-cloud/pubsub';
 * import { PUBSUB_TRACEPARENT_ATTRIBUTE } from 'gcp-pipeline-resilience';
 *
 * declare const message: Message;
 * const traceparent = message.attributes[PUBSUB_TRACEPARENT_ATTRIBUTE];
 * ```
 */
export const PUBSUB_TRACEPARENT_ATTRIBUTE = 'googclient_traceparent';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/**
 * Reads a W3C `traceparent` (`00-<trace id>-<span id>-<flags>`). Anything malformed, an all-zero
 * id, version `ff`, or extra fields on version `00` gives `undefined`: a bad header from outside
 * starts a new trace rather than failing the work.
 *
 * @example
 * ```ts
 * import { parseTraceparent } from 'gcp-pipeline-resilience';
 * parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
 * // { traceId: '4bf92f35…', spanId: '00f067aa0ba902b7', sampled: true }
 * ```
 */
export function parseTraceparent(value: unknown): TraceParent | undefined {
  if (typeof value !== 'string' || value.length > 512) return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/** The TypeError of `formatTraceparent` for a `parent` it cannot write, saying what it expected. */
function badParent(what: string, expected: string, value: unknown): TypeError {
  return new TypeError(`formatTraceparent: ${what} must be ${expected}, got ${describeValue(value)}`);
}

/**
 * Writes a W3C `traceparent` (version `00`). A `parent` that would not make a valid header (not an
 * object, a trace id that is not 32 lowercase hex digits or is all zeros, a span id that is not 16 or
 * is all zeros, `sampled` not a boolean) is a `TypeError` naming the field: a malformed header would
 * be dropped by every receiver, silently cutting the trace.
 *
 * @example
 * ```ts
 * import { formatTraceparent } from 'gcp-pipeline-resilience';
 * formatTraceparent({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true });
 * // '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
 * ```
 */
export function formatTraceparent(parent: TraceParent): string {
  if (typeof parent !== 'object' || parent === null) {
    throw badParent('parent', 'an object { traceId, spanId, sampled }', parent);
  }
  const { traceId, spanId, sampled } = parent;
  if (typeof traceId !== 'string' || !TRACE_ID.test(traceId) || traceId === ZERO_TRACE) {
    throw badParent('parent.traceId', '32 lowercase hex digits, not all zero', traceId);
  }
  if (typeof spanId !== 'string' || !SPAN_ID.test(spanId) || spanId === ZERO_SPAN) {
    throw badParent('parent.spanId', '16 lowercase hex digits, not all zero', spanId);
  }
  if (typeof sampled !== 'boolean') throw badParent('parent.sampled', 'a boolean', sampled);
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}

const CLOUD_TRACE = /^([0-9a-fA-F]{32})(?:\/(\d{1,20}))?(?:;o=([0-9]+))?$/;

/**
 * Reads Google's `X-Cloud-Trace-Context` header (`TRACE_ID/SPAN_ID;o=OPTIONS`, the span id in
 * decimal), which Cloud Run and the Google front end add to incoming requests. The span id is
 * turned into the 16 hex digits W3C and Cloud Logging use; a missing span id, or one of 0 or above
 * 2^64 - 1, gives `undefined` (there is nothing to be a child of).
 *
 * @example
 * ```ts
 * import { parseCloudTraceContext } from 'gcp-pipeline-resilience';
 * parseCloudTraceContext('105445aa7843bc8bf206b12000100000/1;o=1');
 * // { traceId: '105445aa7843bc8bf206b12000100000', spanId: '0000000000000001', sampled: true }
 * ```
 */
export function parseCloudTraceContext(value: unknown): TraceParent | undefined {
  if (typeof value !== 'string' || value.length > 128) return undefined;
  const match = CLOUD_TRACE.exec(value.trim());
  if (match === null || match[2] === undefined) return undefined;
  const traceId = match[1]!.toLowerCase();
  const span = BigInt(match[2]);
  if (traceId === ZERO_TRACE || span === 0n || span > 0xffffffffffffffffn) return undefined;
  return { traceId, spanId: span.toString(16).padStart(16, '0'), sampled: match[3] === '1' };
}

/**
 * Headers as the usual servers hand them over: a fetch `Headers`, a Node `IncomingHttpHeaders`
 * (lowercase names, possibly arrays), or a plain record.
 *
 * @example
 * ```ts
 * import { traceParentFromHeaders, type RequestHeaders } from 'gcp-pipeline-resilience';
 * import type { IncomingMessage } from 'node:http';
 * const traceOf = (headers: RequestHeaders) => traceParentFromHeaders(headers)?.traceId;
 * declare const req: IncomingMessage;
 * traceOf(req.headers); // from traceparent, else X-Cloud-Trace-Context
 * ```
 */
export type RequestHeaders =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * A header's value, case-insensitively; the first of repeated values. Never throws: headers that
 * cannot be read (a throwing getter or `get`, a revoked Proxy) carry no value, as a request with no
 * trace header does.
 */
export function headerValue(headers: RequestHeaders | undefined, name: string): string | undefined {
  if (headers === undefined || headers === null || typeof headers !== 'object') return undefined;
  try {
    if (typeof (headers as { get?: unknown }).get === 'function') {
      return (headers as { get(n: string): string | null }).get(name) ?? undefined;
    }
    const record = headers as Record<string, unknown>;
    let value = record[name];
    if (value === undefined) {
      const lower = name.toLowerCase();
      for (const key of Object.keys(record)) {
        if (key.toLowerCase() === lower) {
          value = record[key];
          break;
        }
      }
    }
    if (Array.isArray(value)) value = value[0];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The trace an incoming request belongs to: its `traceparent` header, else its
 * `X-Cloud-Trace-Context`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { traceParentFromHeaders } from 'gcp-pipeline-resilience';
 *
 * createServer((req, res) => {
 *   const parent = traceParentFromHeaders(req.headers); // undefined when the request carries none
 *   res.end(parent?.traceId ?? 'no trace');
 * });
 * ```
 */
export function traceParentFromHeaders(headers: RequestHeaders | undefined): TraceParent | undefined {
  return (
    parseTraceparent(headerValue(headers, 'traceparent')) ??
    parseCloudTraceContext(headerValue(headers, 'x-cloud-trace-context'))
  );
}
