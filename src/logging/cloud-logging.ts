import { REDACTED } from '../errors/redact.js';
import { isSecretName } from '../errors/secret-name.js';
import { type AliasTable, checkOptions, describeValue, type OptionSpec } from '../shared/check-options.js';
import { isPlainObject } from '../shared/is-plain-object.js';
import { currentTraceParent } from '../telemetry/current-trace.js';
import { cloudLoggingOwns, failureText, logFieldsOf, logText } from './log-fields.js';
import type { LogFields, Logger } from './logger.js';
import { errorOf, reportedErrorFields, type ServiceContext } from './reported-error.js';

/**
 * Cloud Logging severities, in increasing order, as the structured-logging agent of Cloud Run and
 * Cloud Functions reads them from the `severity` field of a JSON line.
 *
 * @example
 * ```ts
 * import { cloudLoggingLogger, type CloudLoggingSeverity } from 'gcp-pipeline-resilience';
 * const levels: CloudLoggingSeverity[] = ['DEBUG', 'INFO', 'WARNING', 'ERROR'];
 * const fromEnv = levels.find((l) => l === process.env.LOG_LEVEL?.toUpperCase()) ?? 'INFO';
 * const logger = cloudLoggingLogger({ minSeverity: fromEnv });
 * ```
 */
export type CloudLoggingSeverity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

/**
 * Options of {@link cloudLoggingLogger}.
 *
 * @example
 * ```ts
 * import { cloudLoggingLogger, retry, type CloudLoggingLoggerOptions } from 'gcp-pipeline-resilience';
 * declare function getGames(): Promise<Response>; // must throw on a failed status: fetch resolves on a 503
 * const forService = (service: string): CloudLoggingLoggerOptions => ({ minSeverity: 'INFO', labels: { service } });
 * const logger = cloudLoggingLogger(forService('phase2'));
 * await retry(getGames, { logger, name: 'games' });
 * ```
 */
export interface CloudLoggingLoggerOptions {
  /** Receives one JSON line per entry (no trailing newline). Default: `process.stdout`. */
  write?: (line: string) => void;
  /** Entries below this severity are dropped. Default `'DEBUG'` (everything). */
  minSeverity?: CloudLoggingSeverity;
  /**
   * Added to every entry as `logging.googleapis.com/labels`, which Cloud Logging indexes: read once,
   * now (a later change to the object is not seen), credentials removed as from the fields.
   */
  labels?: Record<string, string>;
  /**
   * The project of `logging.googleapis.com/trace` (`projects/<project>/traces/<trace id>`), which links
   * an entry to its trace. Default: `GOOGLE_CLOUD_PROJECT`, `GCLOUD_PROJECT`, `GCP_PROJECT` or
   * `GCP_PROJECT_ID` from the environment. Without one, entries carry no trace fields.
   */
  projectId?: string;
  /**
   * `serviceContext` of error entries, by which Error Reporting groups them. Default: `K_SERVICE`
   * and `K_REVISION` (Cloud Run), else `FUNCTION_TARGET` (Cloud Functions), else `'node'`.
   */
  serviceContext?: ServiceContext;
}

/** The largest line written: Cloud Logging refuses an entry over 256 KB, with what it adds to it. */
const MAX_LINE_BYTES = 200 * 1024;
const RANK: Record<CloudLoggingSeverity, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3 };
const OPTION_SPEC: OptionSpec = {
  write: 'function',
  minSeverity: 'string',
  labels: 'object',
  projectId: 'string',
  serviceContext: 'object',
};
/** pino's and winston's `level` (and the like) mean `minSeverity` here. */
const LOGGER_ALIASES: readonly AliasTable[] = [[['minSeverity', 'level minlevel severity loglevel']]];
const TRACE = 'logging.googleapis.com/trace';
const SPAN_ID = 'logging.googleapis.com/spanId';
const SAMPLED = 'logging.googleapis.com/trace_sampled';
function envProject(): string | undefined {
  const env = process.env;
  return env.GOOGLE_CLOUD_PROJECT || env.GCLOUD_PROJECT || env.GCP_PROJECT || env.GCP_PROJECT_ID || undefined;
}

function envService(): ServiceContext {
  const env = process.env;
  if (env.K_SERVICE)
    return env.K_REVISION ? { service: env.K_SERVICE, version: env.K_REVISION } : { service: env.K_SERVICE };
  return { service: env.FUNCTION_TARGET || 'node' };
}

/** The entry of a call whose fields could not be read or serialized: without them, saying why. */
function fieldsFailedLine(
  severity: CloudLoggingSeverity,
  message: string,
  time: string,
  err: unknown,
): string {
  const why = failureText(err);
  return JSON.stringify({ severity, message, time, logFieldsError: why });
}

/** Set once stdout's reader is gone (EPIPE): later entries are dropped instead of written. */
let stdoutGone = false;
let watchingStdout = false;

/**
 * A broken pipe on stdout (`node job.js | head`, a log collector that went away) is emitted as an
 * 'error' event that, with no listener, ends the process: the logger must not end the work it
 * reports on. Only EPIPE is taken (as pino's own destination does); any other error is left to Node
 * as if no one listened.
 */
function onStdoutError(error: unknown): void {
  if ((error as { code?: unknown } | null)?.code === 'EPIPE') {
    stdoutGone = true;
    return;
  }
  process.stdout.off('error', onStdoutError);
  if (process.stdout.listenerCount('error') === 0) throw error;
}

/**
 * Cloud Logging takes `logging.googleapis.com/labels` as a map of strings: any other value is not a
 * label, so it is refused now rather than lost on every entry. What every entry writes is a copy,
 * read once (a label changed later, to a non-string or a credential, would bypass the check), and
 * cleaned as the fields are: a label named as a credential is redacted, text loses its credentials.
 */
function checkedLabels(labels: Record<string, unknown>): Record<string, string> {
  // A Map (or another class's instance) has no own keys to write: it would be `{}`.
  if (!isPlainObject(labels)) {
    throw new TypeError(
      `cloudLoggingLogger: option labels must be a plain object of strings, got ${describeValue(labels)}`,
    );
  }
  const out: Record<string, string> = Object.create(null);
  for (const key in labels) {
    const value = labels[key];
    if (typeof value !== 'string') {
      throw new TypeError(
        `cloudLoggingLogger: option labels.${logText(key)} must be a string, got ${describeValue(value)}`,
      );
    }
    out[logText(key)] = isSecretName(key) ? REDACTED : logText(value);
  }
  return out;
}

/** The message as an entry holds it: text (whatever was passed), credentials removed, bounded. */
function messageOf(message: unknown): string {
  try {
    return logText(String(message));
  } catch {
    return '<unreadable message>';
  }
}

function defaultWrite(line: string): void {
  if (stdoutGone) return;
  if (!watchingStdout) {
    watchingStdout = true;
    process.stdout.on('error', onStdoutError);
  }
  process.stdout.write(`${line}\n`);
}

/**
 * A {@link Logger} that writes one JSON line per entry in the format Cloud Logging's structured
 * logging expects on Cloud Run and Cloud Functions: `{ severity, message, time, ...fields }`.
 * `Error` values anywhere in the fields become `{ name, code, message, transient }` (no stack, no
 * cause: see {@link serializeError}). A field named like one Cloud Logging reads into the entry
 * itself (`severity`, `message`, `time`, `timestamp`, `httpRequest`, any `logging.googleapis.com/`
 * name) or like the logger's own (`@type`, `stack_trace`, `serviceContext`, `logFieldsError`) is
 * written under `reservedFields` instead: it can neither set nor forge the entry's own. Credentials are removed from the message and from the fields at any depth (text
 * as `redactSecrets` does it; the whole value of a field named like one: `authorization`,
 * `password`, `private_key`, `apiKey`, ...), and an entry is bounded (strings of 8,000 characters,
 * 100 items or keys per array or object, 16 levels, about 24,000 characters of fields in all). A
 * value that cannot be written (a cycle, a throwing getter or `toJSON`, a revoked proxy) becomes a
 * marker in its place (`[circular]`, `[unreadable]`, `[too deep]`); the rest of the entry is kept.
 * Written to `process.stdout` (no `write` option), an EPIPE (its reader has gone: `node job.js | head`)
 * drops the entries written after it instead of ending the process. `labels` must be strings; they are
 * read once, when the logger is made, and written without credentials (as the fields are).
 *
 * - Trace: every entry written while a trace is known names it in `logging.googleapis.com/trace`
 *   (`projects/<project>/traces/<id>`), `logging.googleapis.com/spanId` and
 *   `logging.googleapis.com/trace_sampled`, so Cloud Logging shows it under its trace: the active
 *   OpenTelemetry span when an SDK is registered, else the trace of the Pub/Sub message or push
 *   request that `createMessageHandler` is handling (its `googclient_traceparent` attribute, or the
 *   request's `traceparent` / `X-Cloud-Trace-Context` header).
 * - Errors: an `ERROR` entry with an `Error` in its fields (`error`, `err`, or any field) takes the
 *   shape Error Reporting groups: `@type` ReportedErrorEvent, `stack_trace` (the error's name,
 *   message and frames; no cause) and `serviceContext`.
 * - Options are checked now, as every options object of the library: `undefined` means the
 *   defaults; `null` or another non-object, an unknown key (`level` suggests `minSeverity`) or a
 *   value of the wrong kind is a `TypeError` naming it, an unknown `minSeverity` a `RangeError`.
 *
 * @example
 * ```ts
 * import { cloudLoggingLogger } from 'gcp-pipeline-resilience';
 * const logger = cloudLoggingLogger({ minSeverity: 'INFO', labels: { processor: 'phase2' } });
 * logger.warn('retrying', { attempt: 1, error: new Error('socket hang up') });
 * // {"severity":"WARNING","message":"retrying","time":"2026-…Z","attempt":1,"error":{"name":"Error","message":"socket hang up"},"logging.googleapis.com/labels":{"processor":"phase2"}}
 * ```
 */
export function cloudLoggingLogger(options: CloudLoggingLoggerOptions = {}): Logger {
  checkOptions('cloudLoggingLogger', options, OPTION_SPEC, LOGGER_ALIASES);
  const given = options.write;
  // `write` is typed to return nothing, yet an async function fits that type: its rejection (a full
  // disk, a closed transport) would be unhandled, which ends a Node process. It is lost instead,
  // like the entry.
  const write =
    given === undefined
      ? defaultWrite
      : (line: string): void => {
          const out: unknown = given(line);
          if (typeof (out as PromiseLike<unknown> | undefined)?.then === 'function') {
            Promise.resolve(out).catch(() => {});
          }
        };
  const minSeverity = options.minSeverity ?? 'DEBUG';
  // An own key only: `'toString'` must not pass for a severity.
  if (!Object.hasOwn(RANK, minSeverity)) {
    throw new RangeError(
      `cloudLoggingLogger: option minSeverity must be one of ${Object.keys(RANK).join(', ')}, got ${JSON.stringify(minSeverity.slice(0, 40))}`,
    );
  }
  const minRank = RANK[minSeverity];
  const labels = options.labels === undefined ? undefined : checkedLabels(options.labels);
  const projectId = options.projectId ?? envProject();
  const serviceContext = options.serviceContext ?? envService();

  const emit = (severity: CloudLoggingSeverity, text: string, fields: LogFields | undefined): void => {
    if (RANK[severity] < minRank) return;
    const message = messageOf(text);
    const time = new Date().toISOString();
    // No prototype, as the fields: an own `__proto__` field is copied as a field.
    const entry: Record<string, unknown> = Object.assign(Object.create(null), { severity, message, time });
    if (fields !== undefined) {
      try {
        Object.assign(entry, logFieldsOf(fields, cloudLoggingOwns));
      } catch (err) {
        // Fields it cannot read (a throwing getter, a revoked proxy): the entry without them, as for a cycle.
        write(fieldsFailedLine(severity, message, time, err));
        return;
      }
    }
    if (labels !== undefined) entry['logging.googleapis.com/labels'] = labels;
    if (projectId !== undefined) {
      const trace = currentTraceParent();
      if (trace !== undefined) {
        entry[TRACE] = `projects/${projectId}/traces/${trace.traceId}`;
        entry[SPAN_ID] = trace.spanId;
        entry[SAMPLED] = trace.sampled;
      }
    }
    if (severity === 'ERROR' && fields !== undefined) {
      try {
        const error = errorOf(fields);
        if (error !== undefined) Object.assign(entry, reportedErrorFields(error, serviceContext));
      } catch {
        // A hostile fields object (a throwing getter on a key): the entry goes out without the Error Reporting shape.
      }
    }
    let line: string;
    try {
      line = JSON.stringify(entry);
    } catch (err) {
      line = fieldsFailedLine(severity, message, time, err);
    }
    // Fields are bounded in characters; text JSON escapes (`\u0001` is 6 bytes) can still make a line
    // Cloud Logging would refuse whole. Only a long line is measured.
    if (line.length > MAX_LINE_BYTES / 6 && Buffer.byteLength(line) > MAX_LINE_BYTES) {
      line = fieldsFailedLine(
        severity,
        message.slice(0, 2000),
        time,
        `fields too large (${Buffer.byteLength(line)} bytes)`,
      );
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
