/**
 * Compares what the real client returned with a case's documented rows: typed values (schema types
 * included), rows in order only when the query's outermost level has an ORDER BY.
 */
import { tokenizeSql } from '../../src/testing/bigquery/tokenize-sql.js';
import type { Expected } from './case.js';

/** A field of the result schema as the REST API sends it. */
export interface SchemaField {
  name: string;
  type: string;
  mode?: string;
  fields?: SchemaField[];
}

/** Whether the outermost query ends with an ORDER BY (outside any parentheses). */
export function hasTopLevelOrderBy(sql: string): boolean {
  let depth = 0;
  let sawOrder = false;
  const words = tokenizeSql(sql).filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
  for (const [k, tok] of words.entries()) {
    if (tok.kind === 'op' && tok.text === '(') depth++;
    else if (tok.kind === 'op' && tok.text === ')') depth--;
    else if (
      depth === 0 &&
      tok.kind === 'ident' &&
      tok.text.toUpperCase() === 'ORDER' &&
      words[k + 1]?.text.toUpperCase() === 'BY'
    ) {
      sawOrder = true;
    } else if (depth === 0 && tok.kind === 'ident' && /^(UNION|INTERSECT|EXCEPT)$/i.test(tok.text)) {
      sawOrder = false;
    }
  }
  return sawOrder;
}

const TIMESTAMP_TEXT =
  /^(-?\d{4,})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{1,2}(?::?\d{2})?)?$/i;

/** Microseconds since the epoch of a timestamp text with an offset (none means UTC). */
export function timestampMicros(text: string): bigint {
  const m = TIMESTAMP_TEXT.exec(text.trim());
  if (!m) throw new Error(`not a timestamp: ${text}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const days = BigInt(Math.floor(Date.UTC(Number(y), Number(mo) - 1, Number(d)) / 86_400_000));
  let micros =
    ((days * 24n + BigInt(h)) * 60n + BigInt(mi)) * 60_000_000n +
    BigInt(s) * 1_000_000n +
    BigInt(`${frac}000000`.slice(0, 6));
  if (!/^(Z|UTC)$/i.test(zone)) {
    const z = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone)!;
    const offset = (BigInt(z[2]!) * 60n + BigInt(z[3] ?? '0')) * 60_000_000n;
    micros += z[1] === '+' ? -offset : offset;
  }
  return micros;
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]` without trailing fractional zeros (a `T` becomes a space). */
function civilText(text: string): string {
  const [date, time = '00:00:00'] = text.trim().replace('T', ' ').split(' ');
  return `${date} ${timeText(time)}`;
}

function timeText(text: string): string {
  const [hms, frac = ''] = text.trim().split('.');
  const parts = (hms ?? '').split(':').map((p) => p.padStart(2, '0'));
  while (parts.length < 3) parts.push('00');
  const f = frac.replace(/0+$/, '');
  return `${parts.join(':')}${f ? `.${f}` : ''}`;
}

function floatClose(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= 1e-12 || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Whether `actual` is within one unit of the last digit of a printed value: the reference prints some
 * results rounded and some truncated (1.9190347513349437 as 1.919034751334).
 */
function samePrinted(actual: number, printed: string): boolean {
  const [mant = '', exp = '0'] = printed.replace(/^[-+]/, '').split(/e/i);
  const decimals = (mant.split('.')[1] ?? '').length;
  const unit = 10 ** (Number(exp) - decimals);
  return Math.abs(actual - Number(printed)) <= unit * 1.000001;
}

type Mismatch = string | undefined;

function describe(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (Buffer.isBuffer(v)) return `bytes(${v.toString('base64')})`;
  if (v && typeof v === 'object' && 'value' in v) return `${v.constructor?.name}(${String(v.value)})`;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** How loosely to compare where the reference's order is not guaranteed. */
export interface CompareOptions {
  /** Arrays as multisets. */
  unorderedArrays?: boolean;
  /** STRING values as multisets of the parts between this separator. */
  unorderedStrings?: string;
}

/** Compares one client value (typed by its schema field) with the documented value. */
export function compareValue(
  field: SchemaField,
  actual: unknown,
  expected: Expected,
  options: CompareOptions,
  path: string,
): Mismatch {
  const unorderedArrays = options.unorderedArrays === true;
  if (field.mode === 'REPEATED') {
    if (!Array.isArray(expected)) return `${path}: expected ${describe(expected)}, got an array`;
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${describe(actual)}`;
    if (actual.length !== expected.length) {
      return `${path}: expected ${expected.length} elements, got ${actual.length} (${describe(actual)})`;
    }
    const scalar = { ...field, mode: 'NULLABLE' };
    if (!unorderedArrays) {
      for (const [k, e] of expected.entries()) {
        const m = compareValue(scalar, actual[k], e, options, `${path}[${k}]`);
        if (m) return m;
      }
      return undefined;
    }
    const left = [...actual];
    for (const e of expected) {
      const at = left.findIndex((a) => compareValue(scalar, a, e, options, path) === undefined);
      if (at < 0) return `${path}: no element matches ${describe(e)} in ${describe(actual)}`;
      left.splice(at, 1);
    }
    return undefined;
  }
  if (expected === null)
    return actual === null ? undefined : `${path}: expected NULL, got ${describe(actual)}`;
  if (actual === null || actual === undefined) return `${path}: expected ${describe(expected)}, got NULL`;
  const type = field.type;
  const wrongType = (want: string) =>
    `${path}: expected a ${want} (${describe(expected)}), got ${type} ${describe(actual)}`;
  if (typeof expected === 'string') {
    if (type !== 'STRING') return wrongType('STRING');
    const sep = options.unorderedStrings;
    const same =
      sep !== undefined && typeof actual === 'string'
        ? actual.split(sep).sort().join(sep) === expected.split(sep).sort().join(sep)
        : actual === expected;
    return same ? undefined : `${path}: expected ${describe(expected)}, got ${describe(actual)}`;
  }
  if (typeof expected === 'bigint') {
    // Beyond 2^53 the client returns INT64 as the nearest Number.
    if (type !== 'INTEGER' && type !== 'INT64') return wrongType('INT64');
    return actual === Number(expected) ? undefined : `${path}: expected ${expected}, got ${describe(actual)}`;
  }
  if (typeof expected === 'boolean') {
    if (type !== 'BOOLEAN' && type !== 'BOOL') return wrongType('BOOL');
    return actual === expected ? undefined : `${path}: expected ${expected}, got ${describe(actual)}`;
  }
  if (typeof expected === 'number') {
    const isInt = Number.isInteger(expected);
    if (isInt && type !== 'INTEGER' && type !== 'INT64') return wrongType('INT64');
    if (!isInt && type !== 'FLOAT' && type !== 'FLOAT64') return wrongType('FLOAT64');
    if (typeof actual !== 'number') return `${path}: expected ${expected}, got ${describe(actual)}`;
    return (isInt ? actual === expected : floatClose(actual, expected))
      ? undefined
      : `${path}: expected ${expected}, got ${actual}`;
  }
  if (Array.isArray(expected) || typeof expected !== 'object')
    return `${path}: unexpected value ${describe(expected)}`;
  const tag = expected as Record<string, unknown>;
  if ('$float' in expected) {
    if (type !== 'FLOAT' && type !== 'FLOAT64') return wrongType('FLOAT64');
    const printed = tag.$float;
    const want = Number(printed);
    if (typeof actual !== 'number') return `${path}: expected ${String(printed)}, got ${describe(actual)}`;
    const ok =
      typeof printed === 'string' && Number.isFinite(want)
        ? samePrinted(actual, printed)
        : floatClose(actual, want);
    return ok ? undefined : `${path}: expected ${String(printed)}, got ${actual}`;
  }
  if ('$numeric' in expected || '$bignumeric' in expected) {
    const want = '$numeric' in expected ? 'NUMERIC' : 'BIGNUMERIC';
    if (type !== want) return wrongType(want);
    const text = String(tag.$numeric ?? tag.$bignumeric);
    const got = actual as { eq?: (x: string) => boolean };
    return typeof got.eq === 'function' && got.eq(text)
      ? undefined
      : `${path}: expected ${text}, got ${describe(actual)}`;
  }
  const wrapped = (v: unknown) => String((v as { value?: unknown }).value ?? v);
  if ('$date' in expected) {
    if (type !== 'DATE') return wrongType('DATE');
    return wrapped(actual) === String(tag.$date)
      ? undefined
      : `${path}: expected ${String(tag.$date)}, got ${wrapped(actual)}`;
  }
  if ('$datetime' in expected) {
    if (type !== 'DATETIME') return wrongType('DATETIME');
    const got = civilText(wrapped(actual));
    const want = civilText(String(tag.$datetime));
    return got === want ? undefined : `${path}: expected ${want}, got ${got}`;
  }
  if ('$time' in expected) {
    if (type !== 'TIME') return wrongType('TIME');
    const got = timeText(wrapped(actual));
    const want = timeText(String(tag.$time));
    return got === want ? undefined : `${path}: expected ${want}, got ${got}`;
  }
  if ('$timestamp' in expected) {
    if (type !== 'TIMESTAMP') return wrongType('TIMESTAMP');
    const got = timestampMicros(wrapped(actual));
    const want = timestampMicros(String(tag.$timestamp));
    return got === want ? undefined : `${path}: expected ${String(tag.$timestamp)}, got ${wrapped(actual)}`;
  }
  if ('$bytes' in expected) {
    if (type !== 'BYTES') return wrongType('BYTES');
    const got = Buffer.isBuffer(actual) ? actual.toString('base64') : describe(actual);
    return got === String(tag.$bytes)
      ? undefined
      : `${path}: expected bytes ${String(tag.$bytes)}, got ${got}`;
  }
  if ('$json' in expected) {
    if (type !== 'JSON') return wrongType('JSON');
    const got = typeof actual === 'string' ? actual : JSON.stringify(actual);
    return got === String(tag.$json) ? undefined : `${path}: expected JSON ${String(tag.$json)}, got ${got}`;
  }
  if ('$interval' in expected) {
    if (type !== 'INTERVAL') return wrongType('INTERVAL');
    return wrapped(actual) === String(tag.$interval)
      ? undefined
      : `${path}: expected ${String(tag.$interval)}, got ${wrapped(actual)}`;
  }
  // A STRUCT.
  if (type !== 'RECORD' && type !== 'STRUCT') return wrongType('STRUCT');
  return compareRecord(
    field.fields ?? [],
    actual as Record<string, unknown>,
    expected as { [k: string]: Expected },
    options,
    path,
  );
}

function compareRecord(
  fields: SchemaField[],
  actual: Record<string, unknown>,
  expected: { [k: string]: Expected },
  options: CompareOptions,
  path: string,
): Mismatch {
  const names = fields.map((f) => f.name);
  const wanted = Object.keys(expected);
  if (names.join(',') !== wanted.join(',')) {
    return `${path}: expected fields (${wanted.join(', ')}), got (${names.join(', ')})`;
  }
  for (const f of fields) {
    const m = compareValue(
      f,
      actual[f.name],
      expected[f.name]!,
      options,
      path ? `${path}.${f.name}` : f.name,
    );
    if (m) return m;
  }
  return undefined;
}

/** Compares a result (schema and client rows) with the documented rows; `undefined` when equal. */
export function compareRows(
  schema: SchemaField[],
  actual: Array<Record<string, unknown>>,
  expected: Array<Record<string, Expected>>,
  ordered: boolean,
  options: CompareOptions,
): Mismatch {
  if (actual.length !== expected.length) {
    return `expected ${expected.length} rows, got ${actual.length}: ${describe(actual.slice(0, 3))}`;
  }
  if (ordered) {
    for (const [k, e] of expected.entries()) {
      const m = compareRecord(schema, actual[k]!, e, options, '');
      if (m) return `row ${k}: ${m}`;
    }
    return undefined;
  }
  const left = [...actual];
  for (const [k, e] of expected.entries()) {
    let firstMismatch: Mismatch;
    const at = left.findIndex((a) => {
      const m = compareRecord(schema, a, e, options, '');
      firstMismatch ??= m;
      return m === undefined;
    });
    if (at < 0) return `documented row ${k} not found (${firstMismatch})`;
    left.splice(at, 1);
  }
  return undefined;
}
