import { currentTraceParent } from '../telemetry/current-trace.js';
import type { LogFields, Logger } from './logger.js';
import { serializeError } from './serialize-error.js';

/**
 * The part of a pino logger the adapter calls (`pino()` and its children are such objects).
 *
 * @example
 * ```ts
 * import { pinoLogger, retry, type PinoLike } from 'gcp-pipeline-resilience';
 * import pino from 'pino';
 * const child = (service: string): PinoLike => pino().child({ service });
 * const logger = pinoLogger(child('phase2'));
 * await retry(() => fetch('https://api.example.com/v1/games'), { logger });
 * ```
 */
export interface PinoLike {
  debug(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/** How deep the fields are walked; deeper values are written as `TOO_DEEP`. */
const MAX_DEPTH = 16;
const TOO_DEEP = '[too deep]';
const CIRCULAR = '[circular]';

/**
 * The fields as pino should serialize them: every `Error`, at any depth and also inside class
 * instances, becomes `serializeError`'s shape. Handed to pino raw, an error's enumerable fields
 * (a Google client error's `config` holds the request's `Authorization` header) would be written
 * out. Values with their own JSON form (`toJSON`: a Date, a Buffer) are handed on unchanged; a
 * cycle and anything past `MAX_DEPTH` become markers (`[circular]`, `[too deep]`), so serialization cannot throw or
 * overflow the stack.
 */
function plain(value: unknown, depth: number, seen: Set<object>): unknown {
  if (value instanceof Error) return serializeError(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  if (seen.has(value)) return CIRCULAR;
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  seen.add(value);
  let out: unknown;
  if (Array.isArray(value)) {
    out = value.map((item) => plain(item, depth + 1, seen));
  } else {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      copy[key] = plain((value as Record<string, unknown>)[key], depth + 1, seen);
    }
    out = copy;
  }
  // Only the path from the root counts as a cycle: the same object twice side by side is written twice.
  seen.delete(value);
  return out;
}

/**
 * Adapts a pino logger to the library's {@link Logger}: `logger.warn(message, fields)` becomes
 * `pino.warn(fields, message)`. `Error` values in the fields (under any key, at any depth)
 * become `{ name, message, code, transient }` ({@link serializeError}): pino serializes only an `err`
 * key by itself, and an `Error`'s name and message are not enumerable. While a trace is known (an
 * active OpenTelemetry span, or the message being handled) each entry also gets `trace_id`,
 * `span_id` and `trace_flags`, the fields OpenTelemetry's own pino instrumentation writes. A pino
 * that throws never breaks the work that logs.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * import { BigQueryExecutor, pinoLogger } from 'gcp-pipeline-resilience';
 *
 * const bq = new BigQueryExecutor({ retry: { logger: pinoLogger(pino({ level: 'info' })) } });
 * ```
 */
export function pinoLogger(target: PinoLike): Logger {
  if (target === null || typeof target !== 'object' || typeof target.warn !== 'function') {
    throw new TypeError(
      'pinoLogger needs a pino logger (an object with debug, info, warn and error methods)',
    );
  }
  const call =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: LogFields): void => {
      try {
        const object = (fields === undefined ? {} : plain(fields, 0, new Set())) as Record<string, unknown>;
        const trace = currentTraceParent();
        if (trace !== undefined) {
          object.trace_id = trace.traceId;
          object.span_id = trace.spanId;
          object.trace_flags = trace.sampled ? '01' : '00';
        }
        target[level](object, message);
      } catch {
        // A logger's failure has nowhere safer to go.
      }
    };
  return { debug: call('debug'), info: call('info'), warn: call('warn'), error: call('error') };
}
