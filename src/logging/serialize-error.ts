// A dependency-free module of the errors layer (no import of its own): logging stays a leaf.
import { redactedStart, redactSecrets, removeSecrets } from '../errors/redact.js';

/** The most characters of an error's name or code: both are short labels, unless hostile. */
const MAX_LABEL = 200;

/**
 * The shape an error takes in a log entry: enough to search and alert on, nothing more. The stack
 * and `cause` chain are left out on purpose: they can carry request bodies, SQL text with literals,
 * file paths or tokens, and Cloud Logging entries are widely readable.
 *
 * @example
 * ```ts
 * import { serializeError, toPipelineError, type SerializedError } from 'gcp-pipeline-resilience';
 * declare function loadGames(): Promise<void>;
 * const failures: SerializedError[] = [];
 * await loadGames().catch((err: unknown) => failures.push(serializeError(toPipelineError(err))));
 * console.log(JSON.stringify({ failed: failures.map((f) => f.code ?? f.name) }));
 * ```
 */
export interface SerializedError {
  name: string;
  message: string;
  code?: string | number;
  transient?: boolean;
}

/**
 * Turns an `Error` into a {@link SerializedError}: `name`, `code`, `message` (credentials redacted,
 * as `redactSecrets` does; name and code cut at 200 characters), `transient`. Duck-typed
 * (the logging layer is a leaf and does not import the error taxonomy), so it works for any error.
 *
 * @example
 * ```ts
 * import { serializeError } from 'gcp-pipeline-resilience';
 * serializeError(new Error('boom')); // { name: 'Error', message: 'boom' }
 * ```
 */
export function serializeError(error: Error): SerializedError {
  const name = errorName(error);
  const out: SerializedError = { name, message: messageAfterName(name, errorMessage(error)) };
  const code = readField(error, 'code');
  const transient = readField(error, 'transient');
  if (typeof code === 'string') out.code = labelText(code);
  else if (typeof code === 'number') out.code = code;
  if (typeof transient === 'boolean') out.transient = transient;
  return out;
}

/** A field of a hostile error (a getter that throws, a revoked proxy) reads as `undefined`. */
function readField(error: Error, key: string): unknown {
  try {
    return (error as unknown as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** A field rendered as text; `undefined` when it cannot be read or rendered (a throwing getter or `toString`, a symbol). */
function textField(error: Error, key: string): string | undefined {
  try {
    return String((error as unknown as Record<string, unknown>)[key]);
  } catch {
    return undefined;
  }
}

/**
 * An error's `name` (credentials removed, at most 200 characters), never throwing: `'Error'` when
 * the getter throws or the value cannot be rendered. Every log and report path reads names through here, so a hostile error cannot make a
 * logger throw into the caller.
 *
 * @internal
 */
export function errorName(error: Error): string {
  const text = textField(error, 'name');
  return text === undefined ? 'Error' : labelText(text);
}

/**
 * An error's name or code as a log line (and a span's `error.type`) holds it: credentials removed,
 * at most 200 characters.
 *
 * @internal
 */
export function labelText(text: string): string {
  return redactedStart(text, MAX_LABEL);
}

/**
 * An error's `message` with credentials redacted (messages of raw client errors can hold a request
 * URL with its key or token), never throwing: `'<unreadable message>'` when the getter throws or
 * the value cannot be rendered.
 *
 * @internal
 */
export function errorMessage(error: Error): string {
  const text = textField(error, 'message');
  return text === undefined ? '<unreadable message>' : redactSecrets(text);
}

/**
 * `message` (already redacted) cleaned once more as a reader sees it, after `name: `: a credential's
 * label in the name and its value in the message (`password`, `hunter2`) join up into
 * `password: hunter2` in a stack trace's head, a span's status, a log viewer's summary.
 *
 * @internal
 */
export function messageAfterName(name: string, message: string): string {
  const head = `${name}: `;
  const joined = removeSecrets(head + message);
  return joined.startsWith(head) ? joined.slice(head.length) : message;
}

/**
 * Whether `value` is an error, also one made in another realm (`node:vm`, a test sandbox), whose
 * `Error` is not this one: `instanceof` alone wrote it as `{}` (its name and message are not
 * enumerable). Never throws.
 *
 * @internal
 */
export function isError(value: unknown): value is Error {
  try {
    return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
  } catch {
    return false;
  }
}
