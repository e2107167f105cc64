import type { Msg } from '../shared/grpc-server.js';
import { fromWireTimestamp } from '../shared/timestamp.js';

/**
 * A log entry as the Logging stand-in holds it, in plain JavaScript: what a filter is evaluated on
 * and what tests read back.
 *
 * @example
 * ```ts
 * import { startLoggingStandIn, type LoggingStandInEntry } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startLoggingStandIn();
 * const errors: LoggingStandInEntry[] = standIn.entries().filter((e) => e.severity === 'ERROR');
 * ```
 */
export interface LoggingStandInEntry {
  logName: string;
  resource: { type: string; labels: Record<string, string> };
  timestamp: Date;
  receiveTimestamp: Date;
  /** The `LogSeverity` name: `'DEFAULT'`, `'INFO'`, `'ERROR'`, ... */
  severity: string;
  insertId: string;
  labels: Record<string, string>;
  textPayload?: string;
  /** The `jsonPayload` Struct as a plain object. */
  jsonPayload?: Record<string, unknown>;
  /** The `protoPayload` by its type URL only (its bytes are not decoded). */
  protoPayload?: { '@type': string };
  trace?: string;
  spanId?: string;
}

/** A `google.protobuf.Value` as proto-loader decodes it (`oneofs: true` names the set member in `kind`). */
function fromValue(value: Msg | null | undefined): unknown {
  if (!value) return null;
  switch (value.kind) {
    case 'stringValue':
      return value.stringValue;
    case 'numberValue':
      return value.numberValue;
    case 'boolValue':
      return value.boolValue;
    case 'structValue':
      return fromStruct(value.structValue);
    case 'listValue':
      return ((value.listValue?.values ?? []) as Msg[]).map(fromValue);
    default:
      return null;
  }
}

/** A `google.protobuf.Struct` as a plain object. */
export function fromStruct(struct: Msg | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((struct?.fields ?? {}) as Record<string, Msg>)) {
    out[key] = fromValue(value);
  }
  return out;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The plain view of a stored wire entry (one whose logName, resource and timestamps are filled in). */
export function entryView(wire: Msg): LoggingStandInEntry {
  const view: LoggingStandInEntry = {
    logName: wire.logName,
    resource: { type: wire.resource?.type ?? '', labels: { ...(wire.resource?.labels ?? {}) } },
    timestamp: fromWireTimestamp(wire.timestamp) ?? new Date(0),
    receiveTimestamp: fromWireTimestamp(wire.receiveTimestamp) ?? new Date(0),
    severity: typeof wire.severity === 'string' ? wire.severity : 'DEFAULT',
    insertId: wire.insertId,
    labels: { ...(wire.labels ?? {}) },
  };
  if (wire.payload === 'textPayload') view.textPayload = wire.textPayload;
  if (wire.payload === 'jsonPayload') view.jsonPayload = fromStruct(wire.jsonPayload);
  if (wire.payload === 'protoPayload') view.protoPayload = { '@type': wire.protoPayload?.typeUrl ?? '' };
  const trace = nonEmpty(wire.trace);
  if (trace) view.trace = trace;
  const spanId = nonEmpty(wire.spanId);
  if (spanId) view.spanId = spanId;
  return view;
}
