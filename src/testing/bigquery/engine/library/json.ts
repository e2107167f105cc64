/**
 * GoogleSQL's JSON functions. A JSON value is DuckDB `JSON` text in BigQuery's canonical form
 * (json-value.ts); a function given a JSON value returns JSON where, given a JSON-formatted STRING, it
 * returns STRING, as BigQuery's do (overloads on the two types).
 * @module
 */
import type { DuckDBType } from '@duckdb/node-api';
import type { DuckModule } from '../../values.js';
import {
  canonicalNumber,
  holdsExactly,
  isExactInteger,
  isNumber,
  isObject,
  type Json,
  type JsonMask,
  JsonSyntaxError,
  jsonDouble,
  jsonMask,
  normalize,
  parseJson,
  parsePath,
  quoteJson,
  serialize,
  walk,
} from './json-value.js';
import {
  castToString,
  dateText,
  datetimeText,
  decimalToString,
  floatToString,
  fractionText,
  timeText,
} from './text.js';
import { type ScalarSpec, type SqlArg, SqlFunctionError, type SqlValue, TypeId } from './udf.js';

type T = (d: DuckModule) => DuckDBType;
const S: T = (d) => d.VARCHAR;
const JSONT: T = (d) => d.DuckDBVarCharType.create('JSON');

/**
 * The document of argument `a`: a JSON value (`json`, normalized), or a JSON-formatted STRING, which
 * is `undefined` when it is not valid JSON (the STRING functions return NULL then).
 */
function documentOf(a: SqlArg, json: boolean): Json | undefined {
  try {
    const v = parseJson(a.value as string);
    return json ? normalize(v, 'round') : v;
  } catch (err) {
    if (err instanceof JsonSyntaxError && !json) return undefined;
    throw err;
  }
}

/** The value at the path argument (`$` when absent) of the document argument. */
function select(doc: SqlArg, path: SqlArg | undefined, standard: boolean, json: boolean): Json | undefined {
  const steps = parsePath((path?.value as string | undefined) ?? '$', standard);
  const d = documentOf(doc, json);
  return d === undefined ? undefined : walk(d, steps);
}

/** A scalar's text (JSON_VALUE): strings unquoted, numbers and booleans as written; else NULL. */
function scalarText(v: Json | undefined): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return isNumber(v) ? v.num : null;
}

/** The two overloads: JSON in, JSON out (keys sorted); STRING in, STRING out (keys as written). */
function overloads(
  name: string,
  params: number,
  list: boolean,
  fn: (args: SqlArg[], json: boolean) => SqlValue,
) {
  const out = (t: T): T => (list ? (d) => d.LIST(t(d)) : t);
  return [1, 2]
    .filter((n) => n >= params)
    .flatMap((n): ScalarSpec[] => [
      { name, params: n === 1 ? [JSONT] : [JSONT, S], returns: out(JSONT), fn: (a) => fn(a, true) },
      { name, params: n === 1 ? [S] : [S, S], returns: out(S), fn: (a) => fn(a, false) },
    ]);
}

/** JSON_EXTRACT / JSON_QUERY: a JSON `null` is JSON null from JSON, SQL NULL from a STRING. */
const extract = (name: string, standard: boolean) =>
  overloads(name, 2, false, ([doc, p], json) => {
    const v = select(doc!, p, standard, json);
    if (v === undefined || (v === null && !json)) return null;
    return serialize(v, json);
  });

/** JSON_EXTRACT_ARRAY / JSON_QUERY_ARRAY: the elements' JSON texts. */
const extractArray = (name: string, standard: boolean) =>
  overloads(name, 1, true, ([doc, p], json) => {
    const v = select(doc!, p, standard, json);
    return Array.isArray(v) ? v.map((x) => serialize(x, json)) : null;
  });

/** JSON_EXTRACT_SCALAR / JSON_VALUE. */
const value = (name: string, standard: boolean): ScalarSpec[] =>
  overloads(name, 1, false, ([doc, p], json) => scalarText(select(doc!, p, standard, json))).map((s) => ({
    ...s,
    returns: S,
  }));

/** JSON_EXTRACT_STRING_ARRAY / JSON_VALUE_ARRAY: NULL unless every element is a scalar or null. */
const valueArray = (name: string, standard: boolean): ScalarSpec[] =>
  overloads(name, 1, true, ([doc, p], json) => {
    const v = select(doc!, p, standard, json);
    if (!Array.isArray(v) || v.some((x) => Array.isArray(x) || isObject(x))) return null;
    return v.map(scalarText);
  }).map((s) => ({ ...s, returns: (d: DuckModule) => d.LIST(d.VARCHAR) }));

const SAFE_INTEGER = 2n ** 53n;
const INTEGER_TEXT = /^-?\d+$/;

/** An anonymous STRUCT field (the translator names them `_field_N`) is `""` in JSON. */
function fieldName(name: string): string {
  return /^_field_\d+$/.test(name) ? '' : name;
}

/**
 * A SQL value as JSON: `TO_JSON` (`forString` false, wide numbers stringified on request) or
 * `TO_JSON_STRING` (`forString` true: integers beyond 2^53 and fractional NUMERICs as strings).
 */
function sqlToJson(a: SqlArg, mask: JsonMask, forString: boolean, stringify: boolean): Json {
  const { value: v, type } = a;
  if (v === null) return null;
  switch (type.typeId) {
    case TypeId.BOOLEAN:
      return v as boolean;
    case TypeId.TINYINT:
    case TypeId.SMALLINT:
    case TypeId.INTEGER:
    case TypeId.BIGINT:
    case TypeId.HUGEINT: {
      const n = BigInt(v as bigint);
      const wide = n > SAFE_INTEGER || n < -SAFE_INTEGER;
      return wide && (forString || stringify) ? n.toString() : { num: n.toString() };
    }
    case TypeId.DOUBLE:
    case TypeId.FLOAT: {
      const x = v as number;
      if (Number.isNaN(x)) return 'NaN';
      if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
      return { num: forString ? floatToString(x) : jsonDouble(x) };
    }
    case TypeId.DECIMAL:
      return decimalJson(decimalToString(v as { value: bigint; scale: number }), forString, stringify);
    case TypeId.VARCHAR:
      return mask === 'json' ? normalize(parseJson(v as string), 'round') : (v as string);
    case TypeId.BLOB:
      return Buffer.from(v as Uint8Array).toString('base64');
    case TypeId.DATE:
      return dateText((v as { days: number }).days);
    case TypeId.TIMESTAMP:
      return datetimeText((v as { micros: bigint }).micros, 'T');
    case TypeId.TIMESTAMP_TZ:
      return `${datetimeText((v as { micros: bigint }).micros, 'T', fractionText)}Z`;
    case TypeId.TIME:
      return timeText((v as { micros: bigint }).micros);
    case TypeId.LIST:
    case TypeId.ARRAY: {
      const inner = (type as unknown as { valueType: DuckDBType }).valueType;
      const m = mask !== null && typeof mask === 'object' && 'list' in mask ? mask.list : null;
      return (v as SqlValue[]).map((x) => sqlToJson({ type: inner, value: x }, m, forString, stringify));
    }
    case TypeId.STRUCT: {
      const t = type as unknown as { entryNames: string[]; entryTypes: DuckDBType[] };
      const obj = v as Record<string, SqlValue>;
      const entries: Array<[string, Json]> = [];
      t.entryNames.forEach((n, i) => {
        const key = fieldName(n);
        // TO_JSON keeps the first of duplicate field names; TO_JSON_STRING writes them all.
        if (!forString && entries.some(([k]) => k === key)) return;
        const m =
          mask !== null && typeof mask === 'object' && 'struct' in mask ? (mask.struct[n] ?? null) : null;
        entries.push([
          key,
          sqlToJson({ type: t.entryTypes[i]!, value: obj[n] ?? null }, m, forString, stringify),
        ]);
      });
      return { obj: entries };
    }
    default:
      throw new SqlFunctionError(`Unsupported by the BigQuery stand-in: JSON encoding of ${type.toString()}`);
  }
}

/** A NUMERIC / BIGNUMERIC value (decimal text) as JSON. */
function decimalJson(text: string, forString: boolean, stringify: boolean): Json {
  const integral = !text.includes('.');
  if (forString) {
    const safe = integral && BigInt(text) <= SAFE_INTEGER && BigInt(text) >= -SAFE_INTEGER;
    return safe ? { num: text } : text;
  }
  if (integral && isExactInteger(text)) {
    const n = BigInt(text);
    return stringify && (n > SAFE_INTEGER || n < -SAFE_INTEGER) ? text : { num: n.toString() };
  }
  try {
    return { num: canonicalNumber(text, 'exact') };
  } catch {
    if (stringify) return text;
    throw new SqlFunctionError(
      `Failed to convert NUMERIC ${text} to JSON; use stringify_wide_numbers => TRUE`,
    );
  }
}

const JSON_TYPES: Record<string, string> = { boolean: 'boolean', string: 'string' };

function jsonType(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (isNumber(v)) return 'number';
  if (isObject(v)) return 'object';
  return JSON_TYPES[typeof v]!;
}

/** A strict converter (`BOOL(json)`, `INT64(json)`, …): the wrong JSON type, JSON null included, is an error. */
function strict(
  name: string,
  returns: T,
  kind: string,
  convert: (v: Json) => SqlValue | undefined,
): ScalarSpec {
  return {
    name,
    params: [JSONT],
    returns,
    fn: ([j]) => {
      const out = convert(documentOf(j!, true)!);
      if (out === undefined) throw new SqlFunctionError(`The provided JSON input is not ${kind}`);
      return out;
    },
  };
}

/** A lax converter (`LAX_INT64(json)`, …): what does not convert is NULL. */
function lax(name: string, returns: T, convert: (v: Json) => SqlValue | undefined): ScalarSpec {
  return { name, params: [JSONT], returns, fn: ([j]) => convert(documentOf(j!, true)!) ?? null };
}

/** A JSON number's value as a double. */
const double = (v: Json): number | undefined => (isNumber(v) ? Number(v.num) : undefined);

/** A decimal text rounded half away from zero to an INT64, or undefined (LAX_INT64's BIGNUMERIC path). */
function roundedInt64(text: string): bigint | undefined {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m || `${m[2]}${m[3] ?? ''}` === '') return undefined;
  const exp = Number(m[4] ?? 0);
  if (exp > 40) return /[1-9]/.test(`${m[2]}${m[3] ?? ''}`) ? undefined : 0n;
  const digits = `${m[2]}${m[3] ?? ''}`;
  const point = (m[2] ?? '').length + exp;
  if (point < -1) return 0n;
  const intPart = point <= 0 ? '0' : digits.slice(0, point).padEnd(point, '0');
  const next = point < 0 ? '0' : (digits[point] ?? '0');
  let n = BigInt(intPart) + (next >= '5' ? 1n : 0n);
  if (m[1] === '-') n = -n;
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/** LAX_FLOAT64 of a JSON string: a number, or NaN / Inf / Infinity in any case. */
function laxDoubleOfString(s: string): number | undefined {
  const special = s.trim().toLowerCase().replace(/^\+/, '');
  if (special === 'nan' || special === '-nan') return Number.NaN;
  if (special === 'inf' || special === 'infinity') return Number.POSITIVE_INFINITY;
  if (special === '-inf' || special === '-infinity') return Number.NEGATIVE_INFINITY;
  return /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(s) ? Number(s) : undefined;
}

/** TO_JSON_STRING's pretty print: two-space indents, one member or element a line. */
function prettyText(v: Json, indent: string): string {
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => `${inner}${prettyText(x, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (isObject(v)) {
    if (v.obj.length === 0) return '{}';
    const lines = v.obj.map(([k, x]) => `${inner}${quoteJson(k)}: ${prettyText(x, inner)}`);
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return serialize(v, false);
}

/** A value of any type with where it holds JSON. */
interface Typed {
  arg: SqlArg;
  mask: JsonMask;
}

/** Arguments passed as (value, typeof(value)) pairs. */
function typed(args: SqlArg[]): Typed[] {
  const out: Typed[] = [];
  for (let i = 0; i + 1 < args.length; i += 2)
    out.push({ arg: args[i]!, mask: jsonMask(args[i + 1]!.value as string) });
  return out;
}

/** The members of JSON_OBJECT's arguments, in either signature. */
function objectMembers(args: Typed[]): Array<[string, Json]> {
  const pairs: Array<[SqlValue, Typed]> = [];
  const [keys, values] = args.map((a) => a.arg);
  if (args.length === 2 && keys!.type.typeId === TypeId.LIST) {
    if (keys!.value === null || values!.value === null)
      throw new SqlFunctionError('JSON_OBJECT arrays cannot be NULL');
    const ks = keys!.value as SqlValue[];
    const vs = values!.value as SqlValue[];
    if (ks.length !== vs.length) throw new SqlFunctionError('The number of keys and values must match');
    const inner = (values!.type as unknown as { valueType: DuckDBType }).valueType;
    const mask = args[1]!.mask;
    const m = mask !== null && typeof mask === 'object' && 'list' in mask ? mask.list : null;
    ks.forEach((k, i) => {
      pairs.push([k, { arg: { type: inner, value: vs[i] ?? null }, mask: m }]);
    });
  } else {
    if (args.length % 2 !== 0) throw new SqlFunctionError('No matching signature for function JSON_OBJECT');
    for (let i = 0; i < args.length; i += 2) pairs.push([args[i]!.arg.value, args[i + 1]!]);
  }
  const members: Array<[string, Json]> = [];
  for (const [k, v] of pairs) {
    if (k === null) throw new SqlFunctionError('A key of JSON_OBJECT cannot be NULL');
    if (typeof k !== 'string') throw new SqlFunctionError('JSON_OBJECT keys must be STRING');
    if (!members.some(([m]) => m === k)) members.push([k, sqlToJson(v.arg, v.mask, false, false)]);
  }
  return members;
}

const WIDE_MODES = new Set(['exact', 'round']);

function wideMode(arg: SqlArg | undefined, fallback: 'exact' | 'round'): 'exact' | 'round' {
  const mode = (arg?.value as string | undefined) ?? fallback;
  if (!WIDE_MODES.has(mode)) {
    throw new SqlFunctionError(`Invalid wide_number_mode: '${mode}' (expected 'exact' or 'round')`);
  }
  return mode as 'exact' | 'round';
}

/**
 * The JSON functions.
 *
 * @internal
 */
export const jsonFunctions: ScalarSpec[] = [
  ...extract('bq_json_extract', false),
  ...extract('bq_json_query', true),
  ...extractArray('bq_json_extract_array', false),
  ...extractArray('bq_json_query_array', true),
  ...value('bq_json_extract_scalar', false),
  ...value('bq_json_value', true),
  ...valueArray('bq_json_extract_string_array', false),
  ...valueArray('bq_json_value_array', true),
  { name: 'bq_json_type', params: [JSONT], returns: S, fn: ([j]) => jsonType(documentOf(j!, true)!) },
  ...[1, 2].map(
    (n): ScalarSpec => ({
      name: 'bq_parse_json',
      params: n === 1 ? [S] : [S, S],
      returns: JSONT,
      fn: ([s, mode]) => {
        const wide = wideMode(mode, 'exact');
        let v: Json;
        try {
          v = parseJson(s!.value as string);
        } catch (err) {
          throw new SqlFunctionError(`Invalid JSON input: ${(err as Error).message}`);
        }
        return serialize(normalize(v, wide), true);
      },
    }),
  ),
  // The functions of values of any type take (value, typeof(value)) pairs: JSON is VARCHAR to them.
  ...[2, 3].map(
    (n): ScalarSpec => ({
      name: 'bq_to_json',
      params: n === 2 ? ['any', S] : ['any', S, (d) => d.BOOLEAN],
      returns: JSONT,
      nulls: 'handle',
      fn: ([a, t, stringify]) =>
        serialize(sqlToJson(a!, jsonMask(t!.value as string), false, stringify?.value === true), true),
    }),
  ),
  {
    name: 'bq_to_json_string',
    params: ['any', S, (d) => d.BOOLEAN],
    returns: S,
    nulls: 'handle',
    fn: ([a, t, pretty]) => {
      const v = sqlToJson(a!, jsonMask(t!.value as string), true, false);
      return pretty?.value === true ? prettyText(v, '') : serialize(v, false);
    },
  },
  {
    // STRING(x): a JSON string's value (strictly), else x's text (STRING(timestamp)).
    name: 'bq_string_of',
    params: ['any', S],
    returns: S,
    fn: ([a, t]) => {
      if (jsonMask(t!.value as string) !== 'json') return castToString(a!);
      const v = documentOf(a!, true);
      if (typeof v !== 'string') throw new SqlFunctionError('The provided JSON input is not a string');
      return v;
    },
  },
  {
    name: 'bq_json_array',
    params: [],
    varargs: 'any',
    returns: JSONT,
    nulls: 'handle',
    fn: (args) =>
      serialize(
        typed(args).map((a) => sqlToJson(a.arg, a.mask, false, false)),
        true,
      ),
  },
  {
    // JSON_OBJECT(key, value, …) or JSON_OBJECT(keys, values): the first of duplicate keys is kept.
    name: 'bq_json_object',
    params: [],
    varargs: 'any',
    returns: JSONT,
    nulls: 'handle',
    fn: (args) => serialize({ obj: objectMembers(typed(args)) }, true),
  },
  {
    // json['key']
    name: 'bq_json_field',
    params: [JSONT, S],
    returns: JSONT,
    fn: ([j, k]) => {
      const v = walk(documentOf(j!, true)!, [k!.value as string]);
      return v === undefined || Array.isArray(documentOf(j!, true)) ? null : serialize(v, true);
    },
  },
  strict(
    'bq_json_bool',
    (d) => d.BOOLEAN,
    'a boolean',
    (v) => (typeof v === 'boolean' ? v : undefined),
  ),
  strict(
    'bq_json_int64',
    (d) => d.BIGINT,
    'an integer',
    (v) => {
      if (!isNumber(v)) return undefined;
      if (INTEGER_TEXT.test(v.num)) {
        const n = BigInt(v.num);
        return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
      }
      const x = Number(v.num);
      return Number.isInteger(x) && Math.abs(x) < 2 ** 63 ? BigInt(x) : undefined;
    },
  ),
  ...[1, 2].map(
    (n): ScalarSpec => ({
      name: 'bq_json_float64',
      params: n === 1 ? [JSONT] : [JSONT, S],
      returns: (d) => d.DOUBLE,
      fn: ([j, mode]) => {
        const wide = wideMode(mode, 'round');
        const v = documentOf(j!, true)!;
        if (!isNumber(v)) throw new SqlFunctionError('The provided JSON input is not a number');
        const x = Number(v.num);
        if (wide === 'exact' && !holdsExactly(v.num, x)) {
          throw new SqlFunctionError(
            `JSON number ${v.num} cannot be converted to FLOAT64 without loss of precision`,
          );
        }
        return x;
      },
    }),
  ),
  lax(
    'bq_lax_bool',
    (d) => d.BOOLEAN,
    (v) => {
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string') {
        const s = v.toLowerCase();
        return s === 'true' ? true : s === 'false' ? false : undefined;
      }
      return isNumber(v) ? Number(v.num) !== 0 : undefined;
    },
  ),
  lax(
    'bq_lax_int64',
    (d) => d.BIGINT,
    (v) => {
      if (typeof v === 'boolean') return v ? 1n : 0n;
      if (typeof v === 'string') return roundedInt64(v);
      return isNumber(v) ? roundedInt64(v.num) : undefined;
    },
  ),
  lax(
    'bq_lax_float64',
    (d) => d.DOUBLE,
    (v) => {
      if (typeof v === 'string') return laxDoubleOfString(v);
      return double(v);
    },
  ),
  lax('bq_lax_string', S, (v) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (!isNumber(v)) return undefined;
    return INTEGER_TEXT.test(v.num) ? v.num : floatToString(Number(v.num));
  }),
];
