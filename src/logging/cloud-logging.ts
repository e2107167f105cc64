import type { LogFields, Logger } from './logger.js';
import { serializeError } from './serialize-error.js';

/**
 * Cloud Logging severities, in increasing order, as the structured-logging agent of Cloud Run and
 * Cloud Functions reads them from the `severity` field of a JSON line.
 *
 * @example
 * ```ts
 * const min: CloudLoggingSeverity = 'WARNING';
 * ```
 */
export type CloudLoggingSeverity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

/**
 * Options of {@link cloudLoggingLogger}.
 *
 * @example
 * ```ts
 * const options: CloudLoggingLoggerOptions = { minSeverity: 'INFO', labels: { service: 'phase2' } };
 * ```
 */
export interface CloudLoggingLoggerOptions {
  /** Receives one JSON line per entry (no trailing newline). Default: `process.stdout`. */
  write?: (line: string) => void;
  /** Entries below this severity are dropped. Default `'DEBUG'` (everything). */
  minSeverity?: CloudLoggingSeverity;
  /** Added to every entry as `logging.googleapis.com/labels`, which Cloud Logging indexes. */
  labels?: Record<string, string>;
}

const RANK: Record<CloudLoggingSeverity, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3 };
const RESERVED = new Set(['severity', 'message', 'time', 'logging.googleapis.com/labels']);

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return serializeError(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function defaultWrite(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * A {@link Logger} that writes one JSON line per entry in the format Cloud Logging's structured
 * logging expects on Cloud Run and Cloud Functions: `{ severity, message, time, ...fields }`.
 * `Error` values anywhere in the fields become `{ name, code, message, transient }` (no stack, no
 * cause: see {@link serializeError}). Fields cannot overwrite `severity`, `message` or `time`.
 * A field that cannot be serialised (a cycle) never throws: the entry is written without fields.
 *
 * @example
 * ```ts
 * const logger = cloudLoggingLogger({ minSeverity: 'INFO', labels: { processor: 'phase2' } });
 * logger.warn('retrying', { attempt: 1, error: new Error('socket hang up') });
 * // {"severity":"WARNING","message":"retrying","time":"2026-…Z","attempt":1,"error":{"name":"Error","message":"socket hang up"},"logging.googleapis.com/labels":{"processor":"phase2"}}
 * ```
 */
export function cloudLoggingLogger(options: CloudLoggingLoggerOptions = {}): Logger {
  const write = options.write ?? defaultWrite;
  const minRank = RANK[options.minSeverity ?? 'DEBUG'];
  const labels = options.labels;

  const emit = (severity: CloudLoggingSeverity, message: string, fields: LogFields | undefined): void => {
    if (RANK[severity] < minRank) return;
    const entry: Record<string, unknown> = { severity, message, time: new Date().toISOString() };
    if (fields !== undefined) {
      for (const key of Object.keys(fields)) {
        if (!RESERVED.has(key)) entry[key] = fields[key];
      }
    }
    if (labels !== undefined) entry['logging.googleapis.com/labels'] = labels;
    let line: string;
    try {
      line = JSON.stringify(entry, replacer);
    } catch (err) {
      line = JSON.stringify({
        severity,
        message,
        time: entry.time,
        logFieldsError: err instanceof Error ? err.message : String(err),
      });
    }
    write(line);
  };

  return {
    debug: (message, fields) => emit('DEBUG', message, fields),
    info: (message, fields) => emit('INFO', message, fields),
    warn: (message, fields) => emit('WARNING', message, fields),
    error: (message, fields) => emit('ERROR', message, fields),
  };
}
