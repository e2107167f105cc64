import type { LogFields } from './logger.js';
import { errorMessage, errorName } from './serialize-error.js';

/**
 * Which service an error came from, as Error Reporting groups errors.
 *
 * @example
 * ```ts
 * import { cloudLoggingLogger, type ServiceContext } from 'gcp-pipeline-resilience';
 * // Error Reporting groups errors by service and version: name them when K_SERVICE is not set (a job, a VM).
 * const serviceContext: ServiceContext = { service: 'mlb-phase2-to-phase3', version: process.env.GIT_SHA ?? 'dev' };
 * const logger = cloudLoggingLogger({ serviceContext });
 * ```
 */
export interface ServiceContext {
  service: string;
  version?: string;
}

/**
 * The `@type` that makes Error Reporting take a log entry as an error event; `cloudLoggingLogger`
 * writes it on `ERROR` entries that carry an `Error`.
 *
 * @example
 * ```ts
 * import { REPORTED_ERROR_EVENT } from 'gcp-pipeline-resilience';
 * const isErrorEvent = (entry: Record<string, unknown>) => entry['@type'] === REPORTED_ERROR_EVENT;
 * ```
 */
export const REPORTED_ERROR_EVENT =
  'type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent';

/** The error an entry is about: its `error` field, else `err`, else the first `Error` among its fields. */
export function errorOf(fields: LogFields): Error | undefined {
  if (fields.error instanceof Error) return fields.error;
  if (fields.err instanceof Error) return fields.err;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value instanceof Error) return value;
  }
  return undefined;
}

/**
 * `stack_trace` in the form Error Reporting parses: `Name: message` and the `at` frames of the
 * error's own stack. The stack's own first lines are not reused (a message may span lines), and the
 * cause chain is left out (it can hold a client's request).
 */
export function stackTraceOf(error: Error): string {
  const head = `${errorName(error)}: ${errorMessage(error)}`;
  let stack: unknown;
  try {
    stack = error.stack;
  } catch {
    stack = undefined;
  }
  if (typeof stack !== 'string') return head;
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
  return frames.length === 0 ? head : `${head}\n${frames.join('\n')}`;
}

/** The fields that turn an `ERROR` entry into an Error Reporting event. */
export function reportedErrorFields(error: Error, serviceContext: ServiceContext): Record<string, unknown> {
  return { '@type': REPORTED_ERROR_EVENT, stack_trace: stackTraceOf(error), serviceContext };
}
