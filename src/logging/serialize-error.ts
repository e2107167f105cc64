// A dependency-free module of the errors layer (no import of its own): logging stays a leaf.
import { redactSecrets } from '../errors/redact.js';

/**
 * The shape an error takes in a log entry: enough to search and alert on, nothing more. The stack
 * and `cause` chain are left out on purpose: they can carry request bodies, SQL text with literals,
 * file paths or tokens, and Cloud Logging entries are widely readable.
 *
 * @example
 * ```ts
 * const entry: SerializedError = { name: 'ServiceUnavailableError', code: 'SERVICE_UNAVAILABLE', message: 'Backend error', transient: true };
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
 * as `redactSecrets` does), `transient`. Duck-typed
 * (the logging layer is a leaf and does not import the error taxonomy), so it works for any error.
 *
 * @example
 * ```ts
 * serializeError(new Error('boom')); // { name: 'Error', message: 'boom' }
 * ```
 */
export function serializeError(error: Error): SerializedError {
  // Messages of raw client errors can hold a request URL with its key or token.
  const out: SerializedError = { name: error.name, message: redactSecrets(String(error.message)) };
  const { code, transient } = error as { code?: unknown; transient?: unknown };
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (typeof transient === 'boolean') out.transient = transient;
  return out;
}
