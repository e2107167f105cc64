/**
 * JSON documents as GoogleSQL holds them: a parser that keeps each number's source text, BigQuery's
 * serialization of the JSON type (compact, object keys sorted, integers exact, other numbers as
 * doubles written the way its JSON library writes them) and the two JSONPath dialects.
 * @module
 */
import { SqlFunctionError } from './udf.js';

/** A JSON number, with its text (the source text, or the canonical text after `normalize`). */
export interface JsonNumber {
  num: string;
}

/** A JSON object: its members in source order (the first of duplicate keys kept). */
export interface JsonObject {
  obj: Array<[string, Json]>;
}

/** A parsed JSON value. */
export type Json = null | boolean | string | JsonNumber | Json[] | JsonObject;

/** The text is not valid JSON. */
export class JsonSyntaxError extends Error {}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const STRING_TOKEN = /^"(?:[^"\\]|\\.)*"/;
const NUMBER_TOKEN = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/;

/**
 * Parses JSON text, keeping numbers as their source text.
 *
 * @internal
 */
export function parseJson(text: string): Json {
  let i = 0;
  const ws = () => {
    while (i < text.length && WHITESPACE.has(text[i]!)) i++;
  };
  const expect = (ch: string) => {
    ws();
    if (text[i] !== ch) throw new JsonSyntaxError(`expected '${ch}' at ${i}`);
    i++;
  };
  const members = <T>(close: string, item: () => T): T[] => {
    const out: T[] = [];
    ws();
    if (text[i] === close) {
      i++;
      return out;
    }
    for (;;) {
      out.push(item());
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      expect(close);
      return out;
    }
  };
  const value = (): Json => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      const entries: Array<[string, Json]> = [];
      for (const [key, v] of members('}', () => {
        const key = value();
        if (typeof key !== 'string') throw new JsonSyntaxError(`object key expected at ${i}`);
        expect(':');
        return [key, value()] as [string, Json];
      })) {
        if (!entries.some(([k]) => k === key)) entries.push([key, v]);
      }
      return { obj: entries };
    }
    if (ch === '[') {
      i++;
      return members(']', value);
    }
    const rest = text.slice(i, i + 4096);
    if (ch === '"') {
      const m = STRING_TOKEN.exec(text.slice(i));
      if (!m) throw new JsonSyntaxError(`unterminated string at ${i}`);
      i += m[0].length;
      try {
        return JSON.parse(m[0]) as string;
      } catch {
        throw new JsonSyntaxError(`invalid string at ${i}`);
      }
    }
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (rest.startsWith(word)) {
        i += word.length;
        return v;
      }
    }
    const n = NUMBER_TOKEN.exec(rest);
    if (!n) throw new JsonSyntaxError(`unexpected ${ch === undefined ? 'end of input' : `'${ch}'`} at ${i}`);
    i += n[0].length;
    return { num: n[0] };
  };
  const v = value();
  ws();
  if (i !== text.length) throw new JsonSyntaxError(`unexpected text at ${i}`);
  return v;
}

/** Whether `v` is a JSON number. */
export function isNumber(v: Json | undefined): v is JsonNumber {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'num' in v;
}

/** Whether `v` is a JSON object. */
export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'obj' in v;
}

/** A decimal text as sign, significant digits and exponent, for exact comparison. */
function decimalKey(text: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return text;
  const digits = `${m[2] ?? ''}${m[3] ?? ''}`;
  const lead = digits.length - digits.replace(/^0+/, '').length;
  const sig = digits.slice(lead).replace(/0+$/, '');
  if (sig === '') return '0';
  const exp = Number(m[4] ?? 0) + (m[2] ?? '').length - lead;
  return `${m[1] === '-' ? '-' : ''}${sig}e${exp}`;
}

/**
 * A double as BigQuery's JSON type writes it: the shortest round-trip digits, `.0` on integral
 * values up to 15 digits, an exponent (at least two digits) beyond.
 *
 * @internal
 */
export function jsonDouble(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, e] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const k = digits.length;
  const n = Number(e) + 1;
  const sign = x < 0 ? '-' : '';
  if (k <= n && n <= 15) return `${sign}${digits}${'0'.repeat(n - k)}.0`;
  if (n > 0 && n <= 15) return `${sign}${digits.slice(0, n)}.${digits.slice(n)}`;
  if (n > -4 && n <= 0) return `${sign}0.${'0'.repeat(-n)}${digits}`;
  const exp = n - 1;
  const expText = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return `${sign}${digits[0]}${k > 1 ? `.${digits.slice(1)}` : ''}e${expText}`;
}

const INTEGER = /^-?\d+$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Whether JSON number text is an integer BigQuery stores exactly (INT64 or UINT64). */
export function isExactInteger(text: string): boolean {
  if (!INTEGER.test(text)) return false;
  const n = BigInt(text);
  return n >= INT64_MIN && n <= UINT64_MAX;
}

/**
 * The canonical text of a JSON number: an INT64/UINT64 integer as is, anything else as a double.
 * In `exact` mode a number a double cannot hold exactly is an error, as in BigQuery.
 */
export function canonicalNumber(text: string, mode: 'exact' | 'round'): string {
  if (isExactInteger(text)) return BigInt(text).toString();
  const x = Number(text);
  if (!Number.isFinite(x)) throw new SqlFunctionError(`Input number ${text} is out of range`);
  const out = jsonDouble(x);
  if (mode === 'exact' && decimalKey(text) !== decimalKey(out)) {
    throw new SqlFunctionError(`Input number: ${text} cannot round-trip through string representation`);
  }
  return out;
}

/** Whether the double `x` is exactly the number written `text`. */
export function holdsExactly(text: string, x: number): boolean {
  return Number.isFinite(x) && decimalKey(text) === decimalKey(jsonDouble(x));
}

/** The value with every number in canonical text (how BigQuery stores a JSON value). */
export function normalize(v: Json, mode: 'exact' | 'round' = 'exact'): Json {
  if (Array.isArray(v)) return v.map((x) => normalize(x, mode));
  if (isNumber(v)) return { num: canonicalNumber(v.num, mode) };
  if (isObject(v)) return { obj: v.obj.map(([k, x]) => [k, normalize(x, mode)]) };
  return v;
}

/** A string in JSON quotes, escaped as BigQuery escapes it. */
export function quoteJson(s: string): string {
  return JSON.stringify(s)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Compact JSON text. `sorted` writes object keys in order (the JSON type's serialization); otherwise
 * they stay in source order (the JSON-formatted STRING functions).
 *
 * @internal
 */
export function serialize(v: Json, sorted: boolean): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return quoteJson(v);
  if (Array.isArray(v)) return `[${v.map((x) => serialize(x, sorted)).join(',')}]`;
  if (isNumber(v)) return v.num;
  const entries = sorted ? [...v.obj].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : v.obj;
  return `{${entries.map(([k, x]) => `${quoteJson(k)}:${serialize(x, sorted)}`).join(',')}}`;
}

/**
 * BigQuery's text of a JSON value given as text (normalized, keys sorted), e.g. for a JSON column.
 *
 * @internal
 */
export function canonicalJson(text: string, mode: 'exact' | 'round' = 'exact'): string {
  return serialize(normalize(parseJson(text), mode), true);
}

const PATH_STEP_STANDARD = [
  /^\.([^."[\]\s]+)/, // .key
  /^\."((?:[^"\\]|\\.)*)"/, // ."key"
  /^\[\s*(\d+)\s*\]/, // [0]
];
const PATH_STEP_LEGACY = [
  /^\.([^.[\]'\s]+)/, // .key
  /^\[\s*'((?:[^'\\]|\\.)*)'\s*\]/, // ['key']
  /^\[\s*"((?:[^"\\]|\\.)*)"\s*\]/, // ["key"]
  /^\[\s*([^'"\]\s][^\]]*?)\s*\]/, // [0], [key]
];

/**
 * Parses a JSONPath into its member names / indexes: `standard` is JSON_QUERY's and JSON_VALUE's
 * dialect (`$.a."b.c"[0]`), otherwise JSON_EXTRACT's (`$.a['b.c'][0]`).
 *
 * @internal
 */
export function parsePath(path: string, standard: boolean): string[] {
  if (!path.startsWith('$')) throw new SqlFunctionError(`Invalid JSONPath: ${path}`);
  const steps: string[] = [];
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    const m = (standard ? PATH_STEP_STANDARD : PATH_STEP_LEGACY)
      .map((re) => re.exec(rest))
      .find((x) => x !== null);
    if (!m) throw new SqlFunctionError(`Invalid JSONPath: ${path}`);
    steps.push(m[1]!.replace(/\\(.)/g, '$1'));
    i += m[0].length;
  }
  return steps;
}

/** The value at `steps`; `undefined` when the path does not exist. */
export function walk(v: Json, steps: readonly string[]): Json | undefined {
  let cur: Json | undefined = v;
  for (const step of steps) {
    if (Array.isArray(cur)) {
      cur = /^\d+$/.test(step) ? cur[Number(step)] : undefined;
    } else if (isObject(cur)) {
      cur = cur.obj.find(([k]) => k === step)?.[1];
    } else {
      return undefined;
    }
  }
  return cur;
}

/**
 * Where a value holds JSON, read from its DuckDB type text (`typeof(x)`): JavaScript functions see
 * JSON as plain VARCHAR, so those taking values of any type are handed the type text as well.
 */
export type JsonMask = 'json' | { list: JsonMask } | { struct: Record<string, JsonMask> } | null;

/**
 * Reads a DuckDB type text into a `JsonMask`.
 *
 * @internal
 */
export function jsonMask(typeText: string): JsonMask {
  let i = 0;
  const s = typeText;
  const ws = () => {
    while (s[i] === ' ') i++;
  };
  const name = (): string => {
    ws();
    if (s[i] === '"') {
      let out = '';
      i++;
      while (i < s.length) {
        if (s[i] === '"' && s[i + 1] === '"') {
          out += '"';
          i += 2;
        } else if (s[i] === '"') {
          i++;
          break;
        } else out += s[i++];
      }
      return out;
    }
    const start = i;
    while (i < s.length && !' (),[]'.includes(s[i]!)) i++;
    return s.slice(start, i);
  };
  const type = (): JsonMask => {
    const base = name().toUpperCase();
    let mask: JsonMask = base === 'JSON' ? 'json' : null;
    ws();
    if (s[i] === '(') {
      i++;
      const fields: Record<string, JsonMask> = {};
      let depth = 0;
      while (i < s.length && s[i] !== ')') {
        if (base === 'STRUCT') {
          const field = name();
          fields[field] = type();
        } else {
          // DECIMAL(18,3), MAP(…), UNION(…): skip to the closing parenthesis.
          if (s[i] === '(') depth++;
          i++;
          if (depth > 0 && s[i] === ')') {
            depth--;
            i++;
          }
          continue;
        }
        ws();
        if (s[i] === ',') i++;
      }
      i++;
      if (base === 'STRUCT') mask = { struct: fields };
    }
    ws();
    while (s[i] === '[') {
      while (i < s.length && s[i] !== ']') i++;
      i++;
      mask = { list: mask };
      ws();
    }
    return mask;
  };
  return type();
}
