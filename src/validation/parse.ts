import type { z } from 'zod';
import { MessageValidationError, type ValidationIssue } from '../errors/index.js';
import { removeSecrets } from '../errors/redact.js';
import { describeValue } from '../shared/check-options.js';
import { assertZod4Schema } from './zod4-schema.js';

/** Issues listed in the error's message; `error.issues` always holds all of them. */
const MAX_ISSUES_IN_MESSAGE = 10;

/**
 * Options of {@link parseMessage}.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { parseMessage } from 'gcp-pipeline-resilience';
 * const raw: unknown = JSON.parse('{"id":"o-1"}');
 * parseMessage(z.object({ id: z.string() }), raw, { name: 'OrderEvent' });
 * ```
 */
export interface ParseMessageOptions {
  /** The name that starts the error message; defaults to the schema's `title` metadata, else `'Message'`. */
  name?: string;
}

/**
 * Validates `value` against `schema` and returns the typed, defaulted data, or throws a
 * {@link MessageValidationError} that lists every issue (path, message, zod code), not just the first.
 * The error is permanent (`transient: false`): sending the same bytes again cannot succeed. Unknown keys
 * are dropped by the library's schemas (zod's default `strip`).
 *
 * @example
 * ```ts
 * import { MessageValidationError, parseMessage, Phase2CompletionMessage } from 'gcp-pipeline-resilience';
 * try {
 *   const msg = parseMessage(Phase2CompletionMessage, { game_date: '2026-01-24', record_count: -1 });
 * } catch (err) {
 *   // MessageValidationError: "Phase2CompletionMessage: 2 issues: processor_name: Required; record_count: must be >= 0"
 *   (err as MessageValidationError).issues; // [{ path: ['processor_name'], message: 'Required', code: 'invalid_type' }, ...]
 * }
 * ```
 */
export function parseMessage<S extends z.ZodType>(
  schema: S,
  value: unknown,
  options?: ParseMessageOptions,
): z.output<S> {
  assertZod4Schema(schema, 'parseMessage');
  // A per-call error map takes zod 4 off its fast path (about 5x slower on a valid message, measured in `npm run bench`),
  // and it only changes messages: so parse plainly, and only a message that fails is parsed again
  // with the map to word its issues.
  const name = nameOf(schema, options?.name);
  const fast = safeParseOf(schema, value, undefined, name);
  if (fast.success) return fast.data;
  const result = safeParseOf(schema, value, { error: requiredForMissing }, name);
  if (result.success) return result.data;
  throw validationError(name, result.error);
}

/**
 * `schema.safeParse`, except that code of the schema's own that throws (a refinement, a transform,
 * an async refinement zod cannot run synchronously) is a `MessageValidationError` with one `custom`
 * issue at the root, the thrown value as `cause`: the message did not pass the schema, and the
 * caller gets the one typed error a failed validation has.
 */
function safeParseOf<S extends z.ZodType>(
  schema: S,
  value: unknown,
  params: { error: typeof requiredForMissing } | undefined,
  name: string,
): z.ZodSafeParseResult<z.output<S>> {
  try {
    return schema.safeParse(value, params) as z.ZodSafeParseResult<z.output<S>>;
  } catch (thrown) {
    const error = issuesError(
      name,
      [{ path: [], message: `the schema threw: ${describeThrown(thrown)}`, code: 'custom' }],
      thrown,
    );
    if (!isStackOverflow(thrown)) schemaFaults.add(error);
    throw error;
  }
}

/** The validation errors made from a throw of the schema's own code (see `isSchemaFault`). */
const schemaFaults = new WeakSet<object>();

/**
 * True when `error` is the `MessageValidationError` that `parseMessage` made because the schema's own
 * code threw (a refinement or transform with a bug, an async refinement) rather than reporting
 * issues: a fault of the schema, not of the message, which `createMessageHandler` answers for
 * redelivery instead of dead-lettering. A stack overflow is left out: a recursive schema overflows
 * on input nested too deep, a property of that one message. Internal.
 */
export function isSchemaFault(error: unknown): boolean {
  return typeof error === 'object' && error !== null && schemaFaults.has(error);
}

function isStackOverflow(thrown: unknown): boolean {
  try {
    return thrown instanceof RangeError && /call stack/i.test(thrown.message);
  } catch {
    return false;
  }
}

/** A one-line description of a thrown value that cannot itself throw. @internal */
export function describeThrown(thrown: unknown): string {
  try {
    if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
    return typeof thrown === 'string' ? thrown : `a thrown ${thrown === null ? 'null' : typeof thrown}`;
  } catch {
    return 'a value that cannot be read';
  }
}

/**
 * The name used in messages and logs for a schema: `options.name`, else its `title` metadata
 * (every schema of this library has one), else `'Message'`. A `schema` that is not an object or a
 * `name` that is not a string is a `TypeError` naming the argument.
 *
 * @example
 * ```ts
 * import { Phase2CompletionMessage, schemaName } from 'gcp-pipeline-resilience';
 * schemaName(Phase2CompletionMessage); // 'Phase2CompletionMessage'
 * ```
 */
export function schemaName(schema: z.ZodType, name?: string): string {
  if (typeof schema !== 'object' || schema === null) {
    throw new TypeError(`schemaName: schema must be a zod schema, got ${describeValue(schema)}`);
  }
  if (name !== undefined && typeof name !== 'string') {
    throw new TypeError(`schemaName: name must be a string or undefined, got ${describeValue(name)}`);
  }
  return nameOf(schema, name);
}

/** `schemaName` without the argument checks, for `parseMessage` (whose schema is checked already). */
function nameOf(schema: z.ZodType, name: string | undefined): string {
  if (name) return name;
  // zod/mini schemas have no `.meta()`; they get the fallback name.
  const title = typeof schema.meta === 'function' ? schema.meta()?.title : undefined;
  return typeof title === 'string' && title.length > 0 ? title : 'Message';
}

/**
 * Renders an issue path the way a reader writes it: `record_count`, `metadata.rows[2]`, or `(root)`.
 * A `path` that is not an array of strings, numbers and symbols is a `TypeError` naming the argument
 * (a string is refused before its characters are walked).
 *
 * @example
 * ```ts
 * import { formatIssuePath } from 'gcp-pipeline-resilience';
 * formatIssuePath(['completed_processors', 1]); // 'completed_processors[1]'
 * ```
 */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  if (!Array.isArray(path)) {
    throw new TypeError(`formatIssuePath: path must be an array of keys, got ${describeValue(path)}`);
  }
  if (path.length === 0) return '(root)';
  let out = '';
  for (const [i, key] of path.entries()) {
    const kind = typeof key;
    if (kind !== 'string' && kind !== 'number' && kind !== 'symbol') {
      throw new TypeError(
        `formatIssuePath: path[${i}] must be a string, a number or a symbol, got ${describeValue(key)}`,
      );
    }
    if (typeof key === 'number') out += `[${key}]`;
    else out += out.length === 0 ? String(key) : `.${String(key)}`;
  }
  return out;
}

function validationError(name: string, error: z.ZodError): MessageValidationError {
  const issues: ValidationIssue[] = error.issues.map((issue) => ({
    // A key can be what the message carried (a record's, an attribute's): a credential there is
    // removed as it is from the message, so no reader of `issues` meets it.
    path: issue.path.map(withoutSecrets),
    message: issue.message,
    code: issue.code,
  }));
  return issuesError(name, issues, error);
}

/**
 * A path key with credentials removed. A symbol (a key of an object message) keeps its identity
 * unless its description held one: then it is a new symbol with the description cleaned.
 */
function withoutSecrets(key: PropertyKey): PropertyKey {
  if (typeof key === 'string') return removeSecrets(key);
  if (typeof key !== 'symbol' || key.description === undefined) return key;
  const description = removeSecrets(key.description);
  return description === key.description ? key : Symbol(description);
}

/**
 * One `MessageValidationError` listing `issues` (the first 10 in its message, all in `issues`):
 * `Phase2CompletionMessage: 2 issues: processor_name: Required; record_count: must be >= 0`.
 */
export function issuesError(
  name: string,
  issues: ValidationIssue[],
  cause?: unknown,
): MessageValidationError {
  const n = issues.length;
  const shown = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
  const more = n > MAX_ISSUES_IN_MESSAGE ? `; and ${n - MAX_ISSUES_IN_MESSAGE} more` : '';
  return new MessageValidationError(
    `${name}: ${n} issue${n === 1 ? '' : 's'}: ${shown.join('; ')}${more}`,
    cause === undefined ? { issues } : { issues, cause },
  );
}

/** Lowest-precedence error map: only fills in what neither the schema nor its checks named. */
function requiredForMissing(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'Required';
  return undefined;
}
