import { REDACTED, redactedStart } from '../errors/redact.js';
import { serializeError } from './serialize-error.js';

/**
 * Fields made fit for a log line, by both loggers: what JSON would write, with every `Error` in
 * {@link serializeError}'s shape, credentials removed at any depth, and a bounded size. A value that
 * cannot be read (a throwing getter or `toJSON`, a revoked proxy), a cycle or a value past
 * `MAX_DEPTH` becomes a marker in its own place: the other fields of the entry are kept.
 * Internal: not exported from the package.
 */

/** How deep the fields are walked; deeper values are written as `TOO_DEEP`. */
const MAX_DEPTH = 16;
/** The most characters of one string (a response body, a file's content); then `…`. */
const MAX_STRING = 8000;
/** The most items of one array, keys of one object, kept; then a marker says how many more. */
const MAX_ENTRIES = 100;
/**
 * About the most characters the fields of one entry take (strings, keys, markers, a few for every
 * other value): Cloud Logging refuses entries over 256 KB, and this stays well under it for text
 * that JSON writes as is (the logger checks the line's size as a last resort).
 */
const MAX_TEXT = 24_000;

/** The most characters of a key; a longer one (data used as a key) is cut, credentials removed. */
const MAX_KEY = 200;

const TOO_DEEP = '[too deep]';
const CIRCULAR = '[circular]';
const UNREADABLE = '[unreadable]';
const TRUNCATED = '[truncated]';

/**
 * Field names whose value is a credential whatever it looks like (headers, service-account JSON,
 * config objects): `authorization`, `cookie`, `password`, `private_key`, `apiKey`, `x-goog-api-key`,
 * `client_secret`, `accessToken`, `credentials`, ... A number or boolean under such a name is kept
 * (`maxTokens: 50`).
 */
const CREDENTIAL_KEY =
  /(?:authorization|cookie|passw(?:or)?d|pwd|secret|token|api[_-]?key|private[_-]?key|credentials?)$/i;

interface Walk {
  /** Objects on the path from the root (a cycle), not every object seen. */
  readonly path: Set<object>;
  /** Text characters still allowed. */
  left: number;
}

/** Text as a log line may hold it: credentials removed, at most `MAX_STRING` characters. */
export function logText(text: string): string {
  return redactedStart(text, MAX_STRING);
}

/**
 * `fields` walked into what a log line holds (see the module's comment), without the keys in `skip`.
 * Throws only when `fields` itself cannot be listed (a revoked proxy).
 */
export function logFields(
  fields: Record<string, unknown>,
  skip?: ReadonlySet<string>,
): Record<string, unknown> {
  return entriesOf(fields, 0, { path: new Set([fields]), left: MAX_TEXT }, skip);
}

function logKey(key: string): string {
  return redactedStart(key, MAX_KEY);
}

function walk(value: unknown, depth: number, state: Walk): unknown {
  let out: unknown;
  try {
    out = walkUnsafe(value, depth, state);
  } catch {
    out = UNREADABLE;
  }
  // Every value written costs something (a marker, a number), so that no shape of fields (a million
  // references to one small array) escapes the bound.
  state.left -= typeof out === 'string' ? out.length + 2 : 4;
  return out;
}

function walkUnsafe(value: unknown, depth: number, state: Walk): unknown {
  if (typeof value === 'string') return logText(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return serializeError(value);
  if (state.path.has(value)) return CIRCULAR;
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    // What JSON would write (a Date's text, a Buffer's bytes), walked like any other value.
    const own: unknown = toJSON.call(value);
    if (own === value || own === null || typeof own !== 'object') return walk(own, depth + 1, state);
    state.path.add(value);
    const out = walk(own, depth + 1, state);
    state.path.delete(value);
    return out;
  }
  state.path.add(value);
  const out = Array.isArray(value)
    ? itemsOf(value, depth, state)
    : entriesOf(value as Record<string, unknown>, depth, state);
  // Only the path from the root counts as a cycle: the same object twice side by side is written twice.
  state.path.delete(value);
  return out;
}

function itemsOf(items: readonly unknown[], depth: number, state: Walk): unknown[] {
  const out: unknown[] = [];
  const shown = Math.min(items.length, MAX_ENTRIES);
  for (let i = 0; i < shown; i++) {
    if (state.left <= 0) break;
    out.push(walk(items[i], depth + 1, state));
  }
  if (out.length < items.length) out.push(`${TRUNCATED} ${items.length - out.length} more`);
  return out;
}

function entriesOf(
  object: Record<string, unknown>,
  depth: number,
  state: Walk,
  skip?: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = skip === undefined ? Object.keys(object) : Object.keys(object).filter((key) => !skip.has(key));
  let kept = 0;
  for (const name of keys) {
    if (kept >= MAX_ENTRIES || state.left <= 0) break;
    kept++;
    const key = name.length > MAX_KEY ? logKey(name) : name;
    state.left -= key.length + 3;
    let value: unknown;
    try {
      value = object[name];
    } catch {
      out[key] = UNREADABLE;
      continue;
    }
    out[key] =
      CREDENTIAL_KEY.test(key) && value !== null && (typeof value === 'string' || typeof value === 'object')
        ? REDACTED
        : walk(value, depth + 1, state);
  }
  if (kept < keys.length) out[TRUNCATED] = `${keys.length - kept} more`;
  return out;
}
