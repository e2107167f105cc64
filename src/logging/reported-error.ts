import { removeSecrets } from '../errors/redact.js';
import { firstChars } from '../shared/first-chars.js';
import type { LogFields } from './logger.js';
import { errorMessage, errorName, isError, messageAfterName } from './serialize-error.js';

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

/**
 * The most frames, and characters of one frame, in `stack_trace`: a stack taken with
 * `Error.stackTraceLimit = Infinity` in a deep recursion must not make the entry too large to keep.
 */
const MAX_FRAMES = 100;
const MAX_FRAME = 500;
/**
 * The most characters of a stack split into lines: room for the kept frames, and for lines that are
 * not frames among them. A stack set by hand can be megabytes (two million frames took 1.7 s to split).
 */
const MAX_STACK_READ = 256 * 1024;

/** The error an entry is about: its `error` field, else `err`, else the first `Error` among its fields. */
export function errorOf(fields: LogFields): Error | undefined {
  if (isError(fields.error)) return fields.error;
  if (isError(fields.err)) return fields.err;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (isError(value)) return value;
  }
  return undefined;
}

/**
 * `stack_trace` in the form Error Reporting parses: `Name: message` and the `at` frames of the
 * error's own stack. The stack's own head is not reused: the message it repeats may span lines, and
 * a line of it that begins with `at` (a quoted service answer) would pass for a frame, unredacted.
 * Frames are redacted too (a stack rewritten after the fact can hold anything), and the cause chain
 * is left out (it can hold a client's request).
 */
export function stackTraceOf(error: Error): string {
  const name = errorName(error);
  const head = `${name}: ${messageAfterName(name, errorMessage(error))}`;
  const stack = readText(error, 'stack');
  if (stack === undefined) return head;
  let rest = framesOf(stack, stackHead(error));
  // The line the cut runs through is dropped, not shown in part (a credential cut short escapes the patterns).
  if (rest.length > MAX_STACK_READ) rest = rest.slice(0, Math.max(0, rest.lastIndexOf('\n', MAX_STACK_READ)));
  const frames = rest
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, MAX_FRAMES)
    .map((line) => firstChars(removeSecrets(line), MAX_FRAME));
  return frames.length === 0 ? head : `${head}\n${frames.join('\n')}`;
}

/** What V8 writes before the frames of a stack: `name: message` as they were when it was taken. */
function stackHead(error: Error): string | undefined {
  const name = readText(error, 'name');
  const message = readText(error, 'message');
  if (name === undefined || message === undefined) return undefined;
  return message === '' ? name : `${name}: ${message}`;
}

/** The stack without its head, when it starts with it; else the whole stack (each line is checked). */
function framesOf(stack: string, head: string | undefined): string {
  return head !== undefined && stack.startsWith(head) ? stack.slice(head.length) : stack;
}

/** A field of a hostile error as text, `undefined` when it throws or is not a string. */
function readText(error: Error, key: 'name' | 'message' | 'stack'): string | undefined {
  try {
    const value: unknown = (error as unknown as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The fields that turn an `ERROR` entry into an Error Reporting event. */
export function reportedErrorFields(error: Error, serviceContext: ServiceContext): Record<string, unknown> {
  return { '@type': REPORTED_ERROR_EVENT, stack_trace: stackTraceOf(error), serviceContext };
}
