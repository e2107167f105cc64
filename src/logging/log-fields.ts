import { REDACTED, redactedStart } from '../errors/redact.js';
import { isSecretName } from '../errors/secret-name.js';
import { errorMessage, isError, serializeError } from './serialize-error.js';

/**
 * Fields made fit for a log line, by both loggers: what JSON would write (but a `Map` as an object of
 * its entries and a `Set` as an array, where JSON writes `{}`), with every `Error` in
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

const TOO_DEEP = '[too deep]';
const CIRCULAR = '[circular]';
const UNREADABLE = '[unreadable]';
const TRUNCATED = '[truncated]';

/** The length of a typed array (`Uint8Array`, `Float64Array`, ...), not of a `DataView`. */
function typedLength(value: object): number | undefined {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) ? (value as Uint8Array).length : undefined;
}

/**
 * `key` as `out` gets it: text as a value is (a key may be a credential too: a count per URL holding
 * its token; a key of megabytes would cost as much to clean every time), and not one `out` already
 * has: two keys can be the same once cleaned or cut (`?token=a`, `?token=b`), and a caller's own
 * `[truncated]` field is kept beside the marker. The later one gets ` (2)`, ` (3)`, ...
 */
function keyOf(out: Record<string, unknown>, key: string): string {
  return unusedKey(out, logText(key));
}

/** `base`, or the first of `base (2)`, `base (3)`, ... that `out` does not hold yet. */
function unusedKey(out: Record<string, unknown>, base: string): string {
  let shown = base;
  for (let n = 2; shown in out; n++) shown = `${base} (${n})`;
  return shown;
}

/**
 * Why the fields could not be written, as `logFieldsError` says it: what was thrown, cleaned and
 * bounded whatever it is (a trap can throw a string holding anything). Never throws.
 */
export function failureText(err: unknown): string {
  try {
    return err instanceof Error ? errorMessage(err) : logText(String(err));
  } catch {
    return '<unreadable error>';
  }
}

/** Text as a log line may hold it: credentials removed, at most `MAX_STRING` characters. */
export function logText(text: string): string {
  return redactedStart(text, MAX_STRING);
}

/**
 * `fields` walked into what a log line holds (see the module's comment). Throws only when `fields`
 * itself cannot be listed (a revoked proxy). Keys are cleaned and cut as text is (`keyOf`).
 */
export function logFields(fields: Record<string, unknown>): Record<string, unknown> {
  // Objects on the path from the root (a cycle), not every object seen: the same object twice side
  // by side is written twice, as JSON does.
  const path = new Set<object>([fields]);
  // Text characters still allowed; every value written costs some (a marker, a number), so that no
  // shape of fields (a million references to one small array) escapes the bound.
  let left = MAX_TEXT;

  const walk = (value: unknown, depth: number): unknown => {
    let out: unknown;
    try {
      out = written(value, depth);
    } catch {
      out = UNREADABLE;
    }
    left -= typeof out === 'string' ? out.length + 2 : 4;
    return out;
  };

  const written = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return logText(value);
    if (typeof value === 'bigint') return value.toString();
    if (value === null || typeof value !== 'object') return value;
    if (isError(value)) return serializeError(value);
    if (path.has(value)) return CIRCULAR;
    if (depth >= MAX_DEPTH) return TOO_DEEP;
    path.add(value);
    try {
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      // What JSON would write (a Date's text, a Buffer's bytes), walked like any other value.
      if (typeof toJSON === 'function') return walk(toJSON.call(value), depth + 1);
      // A Map or a Set has no own keys: JSON writes it as `{}`, and what the entry was about (the
      // ids a batch lookup answered) would be gone without a marker. A Map is written as an object
      // of its entries (keys as text, cleaned and redacted as an object's), a Set as an array.
      if (value instanceof Map) return entries(mapObject(value), depth, value.size);
      if (value instanceof Set) return items(value.values(), value.size, depth);
      if (!Array.isArray(value)) return entries(value as Record<string, unknown>, depth);
      return items(value.values(), value.length, depth);
    } finally {
      path.delete(value);
    }
  };

  const items = (values: Iterator<unknown>, total: number, depth: number): unknown[] => {
    const out: unknown[] = [];
    for (let next = values.next(); !next.done && out.length < MAX_ENTRIES && left > 0; next = values.next())
      out.push(walk(next.value, depth + 1));
    if (out.length < total) out.push(`${TRUNCATED} ${total - out.length} more`);
    return out;
  };

  const entries = (
    object: Record<string, unknown>,
    depth: number,
    size?: number,
  ): Record<string, unknown> => {
    // No prototype: an own `__proto__` key (JSON from outside) is then a field like any other.
    const out: Record<string, unknown> = Object.create(null);
    // A typed array's keys are its indexes: only those kept are listed (ten million bytes would
    // otherwise be ten million strings made for every entry).
    const length = typedLength(object);
    const keys =
      length === undefined
        ? Object.keys(object)
        : Array.from({ length: Math.min(length, MAX_ENTRIES) }, (_, i) => String(i));
    const total = size ?? length ?? keys.length;
    let kept = 0;
    for (; kept < keys.length && kept < MAX_ENTRIES && left > 0; kept++) {
      const key = keys[kept]!;
      const shown = keyOf(out, key);
      left -= shown.length + 3;
      let value: unknown;
      try {
        value = object[key];
      } catch {
        out[shown] = UNREADABLE;
        continue;
      }
      // A field named as a credential (`isSecretName`) loses its value, unless it is a number or a
      // boolean (`maxTokens: 50`), which no credential is.
      out[shown] =
        isSecretName(key) && value !== null && (typeof value === 'string' || typeof value === 'object')
          ? REDACTED
          : walk(value, depth + 1);
    }
    if (kept < total) out[keyOf(out, TRUNCATED)] = `${total - kept} more`;
    return out;
  };

  return entries(fields, 0);
}

/**
 * A Map's first entries as an object to walk: keys as `String` gives them (a later key that reads
 * the same, `1` and `'1'`, gets ` (2)`). Only what the bound can keep is copied; the walk is told
 * the Map's size, so that its marker counts the rest.
 */
function mapObject(map: Map<unknown, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  let kept = 0;
  for (const [key, value] of map) {
    if (kept++ >= MAX_ENTRIES) break;
    out[unusedKey(out, typeof key === 'string' ? key : stringKey(key))] = value;
  }
  return out;
}

/** A Map key that is not a string, as text; one whose `String()` throws is marked instead. */
function stringKey(key: unknown): string {
  try {
    return typeof key === 'symbol' ? key.toString() : String(key);
  } catch {
    return UNREADABLE;
  }
}

/** Where a caller's field is written when its name is one the entry's writer owns. */
const RESERVED_FIELDS = 'reservedFields';

/**
 * The fields of a JSON line that Cloud Logging's agent reads into the entry itself (severity, time,
 * trace, labels, HTTP request, insert id, operation, source location: every
 * `logging.googleapis.com/` name, documented or not), the Error Reporting shape, and what
 * `cloudLoggingLogger` writes of its own (`logFieldsError`).
 */
const CLOUD_LOGGING_KEYS: ReadonlySet<string> = new Set([
  'severity',
  'message',
  'time',
  'timestamp',
  'timestampSeconds',
  'timestampNanos',
  'httpRequest',
  '@type',
  'stack_trace',
  'serviceContext',
  'logFieldsError',
]);

/** Whether a top-level key of a JSON line is one Cloud Logging (or the logger) gives a meaning to. */
export function cloudLoggingOwns(key: string): boolean {
  return CLOUD_LOGGING_KEYS.has(key) || key.startsWith('logging.googleapis.com/');
}

/**
 * `logFields`, with every field whose name the entry's writer `owns` (and `reservedFields`
 * itself) moved under `reservedFields`: at the top it would set or forge the entry's own (its
 * severity, time, trace, labels), and dropped it would be lost. The caller's value is kept, nested.
 */
export function logFieldsOf(
  fields: Record<string, unknown>,
  owns: (key: string) => boolean,
): Record<string, unknown> {
  const written = logFields(fields);
  const out: Record<string, unknown> = Object.create(null);
  const moved: Record<string, unknown> = Object.create(null);
  let anyMoved = false;
  for (const key of Object.keys(written)) {
    const reserved = key === RESERVED_FIELDS || owns(key);
    anyMoved ||= reserved;
    (reserved ? moved : out)[key] = written[key];
  }
  if (anyMoved) out[RESERVED_FIELDS] = moved;
  return out;
}
