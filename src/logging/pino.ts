import { currentTraceParent } from '../telemetry/current-trace.js';
import { cloudLoggingOwns, failureText, logFieldsOf, logText } from './log-fields.js';
import type { LogFields, Logger } from './logger.js';

/**
 * The part of a pino logger the adapter calls (`pino()` and its children are such objects).
 *
 * @example
 * ```ts
 * import { pinoLogger, retry, type PinoLike } from 'gcp-pipeline-resilience';
 * declare function getGames(): Promise<Response>; // must throw on a failed status: fetch resolves on a 503
 * import pino from 'pino';
 * const child = (service: string): PinoLike => pino().child({ service });
 * const logger = pinoLogger(child('phase2'));
 * await retry(getGames, { logger });
 * ```
 */
export interface PinoLike {
  debug(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * pino's own keys and the trace fields the adapter adds: pino writes a caller's field of the same
 * name after its own (a duplicate key, the last of which a JSON reader keeps), so a caller's `level`
 * or `time` would set the entry's. Cloud Logging's names are reserved too: a pino configured for
 * Cloud Logging (`severity`, `message`, `logging.googleapis.com/trace` from a formatter or mixin)
 * is common, and the adapter cannot see its configuration.
 */
const PINO_KEYS: ReadonlySet<string> = new Set([
  'level',
  'time',
  'msg',
  'pid',
  'hostname',
  'trace_id',
  'span_id',
  'trace_flags',
]);
const pinoOwns = (key: string): boolean => PINO_KEYS.has(key) || cloudLoggingOwns(key);

/**
 * Adapts a pino logger to the library's {@link Logger}: `logger.warn(message, fields)` becomes
 * `pino.warn(fields, message)`. `Error` values in the fields (under any key, at any depth)
 * become `{ name, message, code, transient }` ({@link serializeError}): pino serializes only an `err`
 * key by itself, and an `Error`'s name and message are not enumerable. Credentials, bounds and
 * unreadable values are handled as by `cloudLoggingLogger`. While a trace is known (an
 * active OpenTelemetry span, or the message being handled) each entry also gets `trace_id`,
 * `span_id` and `trace_flags`, the fields OpenTelemetry's own pino instrumentation writes. A field
 * named like one of pino's own (`level`, `time`, `msg`, `pid`, `hostname`), of those trace fields or
 * of Cloud Logging's (`severity`, `message`, `logging.googleapis.com/trace`, ...) is handed to pino
 * under `reservedFields`: pino would write it after its own, and a JSON reader keeps the last. A pino
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
  // Every level is checked now: a missing one would lose its entries silently, one by one.
  const missing =
    target === null || typeof target !== 'object'
      ? LEVELS
      : LEVELS.filter((l) => typeof target[l] !== 'function');
  if (missing.length > 0) {
    throw new TypeError(
      `pinoLogger needs a pino logger (an object with debug, info, warn and error methods), missing ${missing.join(', ')}`,
    );
  }
  const call =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: LogFields): void => {
      try {
        let object: Record<string, unknown>;
        try {
          object = fields === undefined ? {} : logFieldsOf(fields, pinoOwns);
        } catch (err) {
          // Fields it cannot list (a revoked proxy): the entry without them, saying why, as cloudLoggingLogger.
          object = { logFieldsError: failureText(err) };
        }
        const trace = currentTraceParent();
        if (trace !== undefined) {
          object.trace_id = trace.traceId;
          object.span_id = trace.spanId;
          object.trace_flags = trace.sampled ? '01' : '00';
        }
        target[level](object, logText(String(message)));
      } catch {
        // A logger's failure has nowhere safer to go.
      }
    };
  return { debug: call('debug'), info: call('info'), warn: call('warn'), error: call('error') };
}
