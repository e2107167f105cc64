import { redactSecrets } from '../errors/redact.js';
import { scrubCause } from '../errors/scrub.js';
import { isPlainObject } from '../shared/is-plain-object.js';
import { messageOf } from '../shared/message-of.js';

/**
 * A JSON value as sent to BigQuery.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, type JsonValue } from 'gcp-pipeline-resilience';
 * const bq = new BigQueryExecutor();
 * // A JSON column is written from a JSON-compatible value: no undefined, Date or bigint inside it.
 * const payload: { [key: string]: JsonValue } = { id: '9007199254740993', tags: ['a'], at: '2024-01-01T00:00:00.000Z' };
 * await bq.insertRows('nba_raw.events', [{ event_id: 'e1', payload: JSON.stringify(payload) }]);
 * ```
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

// The client's own value classes (BigQueryDate, BigQueryInt, ...) carry their wire form in `.value`;
// matched by constructor name so no runtime import of the client is needed.
const CLIENT_VALUE_CLASSES = new Set([
  'BigQueryDate',
  'BigQueryDatetime',
  'BigQueryInt',
  'BigQueryTime',
  'BigQueryTimestamp',
  'BigQueryRange',
  'Geography',
]);

/**
 * Values with internal state that JSON would send as `{}` (or as index keys): refused with the way to
 * convert them. Checked only for objects whose prototype is not `Object.prototype`.
 */
const REFUSED: ReadonlyArray<readonly [abstract new (...args: never[]) => unknown, string]> = [
  [Map, 'convert it with Object.fromEntries(map) (a STRUCT or JSON column) or Array.from(map)'],
  [Set, 'convert it with Array.from(set) (a REPEATED column)'],
  [WeakMap, 'it cannot be read as data'],
  [WeakSet, 'it cannot be read as data'],
  [Promise, 'await it first'],
  [RegExp, 'send its source as a string'],
  [Error, 'send its message (and code) as strings'],
];

function describeField(path: string): string {
  return path === '' ? 'The row' : `Row field '${path}'`;
}

function ctorName(value: object): string {
  const name = (value.constructor as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name !== '' ? name : 'an object without a constructor';
}

/** Prototypes already inspected: whether instances keep data in accessors JSON would drop. */
const dropsData = new WeakMap<object, string | undefined>();

/** The first getter defined by a class between `proto` and `Object.prototype`, if any. */
function accessorOf(proto: object): string | undefined {
  if (dropsData.has(proto)) return dropsData.get(proto);
  let found: string | undefined;
  for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const key of Object.getOwnPropertyNames(p)) {
      if (key !== 'constructor' && Object.getOwnPropertyDescriptor(p, key)?.get !== undefined) {
        found = key;
        break;
      }
    }
    if (found !== undefined) break;
  }
  dropsData.set(proto, found);
  return found;
}

/**
 * Checks an object that is not a plain record: refused when JSON would not carry it faithfully (a
 * Map, a class keeping its data in getters or private fields, ...). Returns its replacement value
 * when it has a JSON form of its own (a boxed primitive, an ArrayBuffer), `undefined` otherwise.
 */
function checkClassInstance(value: object, path: string): { replacement: unknown } | undefined {
  if (
    value instanceof Number ||
    value instanceof String ||
    value instanceof Boolean ||
    value instanceof BigInt
  ) {
    return { replacement: value.valueOf() };
  }
  if (value instanceof ArrayBuffer) return { replacement: new Uint8Array(value) };
  if (ArrayBuffer.isView(value)) {
    throw new TypeError(
      `${describeField(path)} is a ${ctorName(value)}, which JSON cannot carry; convert it with Array.from() (a REPEATED column) or pass bytes as a Uint8Array`,
    );
  }
  for (const [ctor, hint] of REFUSED) {
    if (value instanceof ctor) {
      throw new TypeError(`${describeField(path)} is a ${ctorName(value)}, which JSON cannot carry; ${hint}`);
    }
  }
  const getter = accessorOf(Object.getPrototypeOf(value) as object);
  if (getter !== undefined || Object.keys(value).length === 0) {
    throw new TypeError(
      `${describeField(path)} is an instance of ${ctorName(value)}` +
        (getter !== undefined
          ? ` whose getter '${getter}' JSON would not send`
          : ' with no own fields for JSON to send') +
        '; pass a plain object, or give the class a toJSON()',
    );
  }
  return undefined;
}

/** Objects on the path from the row to the value being encoded, to tell a cycle from a shared value. */
type Ancestors = object[];

/**
 * Whether a string is valid Unicode: no lone surrogate (half of an emoji cut by `slice`, ...). A lone
 * surrogate has no UTF-8 form, so a STRING column cannot hold it as sent.
 */
const isWellFormed: (text: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (text) => (text as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (text) => !/\p{Surrogate}/u.test(text);

/** `text` if well formed; the error names the value at `path` (or its key, when `isKey`). */
function checkText(text: string, path: string, isKey = false): string {
  if (!isWellFormed(text)) {
    const what = isKey ? `The name of row field '${path}'` : describeField(path);
    throw new TypeError(
      `${what} holds a lone surrogate (half of a UTF-16 pair, e.g. an emoji cut in two), which has no UTF-8 form for BigQuery; fix the text or replace it with text.toWellFormed()`,
    );
  }
  return text;
}

/**
 * Encodes one value. `viaToJSON` is true for the value a `toJSON` returned: as in `JSON.stringify`,
 * its own `toJSON` is not called again (one returning itself would otherwise recurse forever).
 */
function encodeValue(
  value: unknown,
  path: string,
  ancestors: Ancestors,
  viaToJSON = false,
): JsonValue | undefined {
  if (value === null) return null;
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
      return checkText(value, path);
    case 'boolean':
      return value;
    case 'number':
      // JSON has no NaN or Infinity; BigQuery reads these strings into FLOAT64 columns.
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      // INT64 beyond 2^53 survives only as a string.
      return value.toString();
    case 'function':
    case 'symbol':
      throw new TypeError(
        `${describeField(path)} is a ${typeof value}, which has no BigQuery representation`,
      );
  }
  const obj = value as Record<string, unknown>;
  if (ancestors.includes(obj)) {
    throw new TypeError(`${describeField(path)} is a circular reference to an enclosing object`);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`${describeField(path)} is an invalid Date`);
    return value.toISOString();
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) {
    ancestors.push(value);
    // A plain loop, not `map`: `map` keeps the holes of a sparse array, which JSON sends as null.
    const out: JsonValue[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const encoded = encodeValue(value[i], `${path}[${i}]`, ancestors);
      out[i] = encoded === undefined ? null : encoded;
    }
    ancestors.pop();
    return out;
  }
  const plain = isPlainObject(obj);
  if (!plain) {
    const ctor = (obj.constructor as { name?: string } | undefined)?.name;
    if (ctor !== undefined && CLIENT_VALUE_CLASSES.has(ctor) && 'value' in obj) {
      return encodeValue(obj.value, path, ancestors);
    }
  }
  if (!viaToJSON && typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
    return encodeValue((obj as { toJSON(): unknown }).toJSON(), path, ancestors, true);
  }
  if (!plain) {
    const replaced = checkClassInstance(obj, path);
    if (replaced !== undefined) return encodeValue(replaced.replacement, path, ancestors);
  }
  ancestors.push(obj);
  const out: Record<string, JsonValue> = {};
  for (const key of Object.keys(obj)) {
    const fieldPath = path ? `${path}.${key}` : key;
    checkText(key, fieldPath, true);
    const encoded = encodeValue(obj[key], fieldPath, ancestors);
    if (encoded === undefined) continue;
    if (key === '__proto__') {
      // An own `__proto__` key (JSON.parse makes them) is data: defined, not assigned, which would
      // set the prototype of `out` and lose the value.
      Object.defineProperty(out, key, {
        value: encoded,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      out[key] = encoded;
    }
  }
  ancestors.pop();
  return out;
}

/**
 * Refuses an object whose own enumerable fields are not its data (a `Map`, a `Set`, a class keeping
 * its data in getters or private fields, a `Date`, ...), as `encodeRow` refuses it: for a writer that
 * reads a record's columns by name, which would otherwise write such a record as nulls. `path` names
 * it in the error (`''`: the row).
 *
 * @internal
 */
export function checkRecordObject(value: object, path: string): void {
  if (isPlainObject(value)) return;
  if (checkClassInstance(value, path) !== undefined) {
    throw new TypeError(`${describeField(path)} is a ${ctorName(value)}, not a record; pass a plain object`);
  }
}

/**
 * One value as `encodeRow` encodes a field (a JSON column's value): the same conversions and the same
 * refusals, each naming `path`. `undefined` for `undefined`.
 *
 * @internal
 */
export function encodeJsonValue(value: unknown, path: string): JsonValue | undefined {
  return encodeValue(value, path, []);
}

/**
 * Row `i` of `rows` encoded by `encodeRow`, or the `TypeError` a write call (`where`, e.g.
 * `insertRows(ds.t)`) answers for it: the row's index and what is wrong, credentials removed from the
 * message and the cause.
 *
 * @internal
 */
export function encodeRowAt(
  rows: readonly unknown[],
  i: number,
  where: string,
): { [key: string]: JsonValue } {
  try {
    return encodeRow(rows[i]);
  } catch (err) {
    throw new TypeError(`${where}: row ${i}: ${redactSecrets(messageOf(err))}`, { cause: scrubCause(err) });
  }
}

/**
 * Encodes one row into the JSON BigQuery's `insertAll` and NDJSON load jobs accept: `Date` becomes an
 * ISO-8601 string, `bigint` a decimal string, bytes (`Uint8Array`, `Buffer`, `ArrayBuffer`) base64,
 * non-finite numbers the strings `NaN` / `Infinity` / `-Infinity` (what BigQuery reads into FLOAT64),
 * boxed primitives their value, objects with `toJSON` its result (called once, as JSON does), the
 * client's value classes (`BigQueryDate`, ...) their `.value`; `undefined` fields are left out,
 * `undefined` and holes in arrays become `null`, `-0` is `0` (JSON has no negative zero), and an own
 * `__proto__` key is kept as data. A class instance is sent as its own fields.
 *
 * A value JSON cannot carry faithfully is a `TypeError` naming the field path, never sent as `{}`:
 * functions, symbols, `Map`, `Set`, `WeakMap`, `WeakSet`, `Promise`, `RegExp`, `Error`, typed arrays
 * other than bytes, class instances that keep their data in getters or private fields, circular
 * references, invalid dates and strings (values or field names) with a lone surrogate, which have no
 * UTF-8 form. So is a row whose JSON form is not an object (a `Date`, a `toJSON` giving a number).
 * So two different rows can never collapse into one insert id.
 *
 * @internal
 */
export function encodeRow(row: unknown): { [key: string]: JsonValue } {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    throw new TypeError(
      `A row must be a plain object, got ${row === null ? 'null' : Array.isArray(row) ? 'an array' : typeof row}`,
    );
  }
  const encoded = encodeValue(row, '', []);
  if (encoded === null || typeof encoded !== 'object' || Array.isArray(encoded)) {
    // A Date, or a class whose toJSON gives a string, a number, an array or null: BigQuery takes a
    // row only as a JSON object (anything else would refuse the whole request it travels in).
    throw new TypeError(
      `A row must encode to a JSON object, but this one encodes to ${encoded === null ? 'null' : Array.isArray(encoded) ? 'an array' : encoded === undefined ? 'nothing' : `a ${typeof encoded}`} (through its toJSON or its type); pass a plain object`,
    );
  }
  return encoded;
}
