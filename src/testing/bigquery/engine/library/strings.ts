/**
 * GoogleSQL string and bytes functions in JavaScript, written from BigQuery's reference: character
 * positions and lengths count Unicode code points, BYTES functions count bytes, and each function
 * keeps BigQuery's NULL and error rules. Registered for STRING (`VARCHAR`) and BYTES (`BLOB`) as
 * overloads of one name, so DuckDB picks the right one.
 * @module
 */
import type { DuckDBType } from '@duckdb/node-api';
import type { DuckModule } from '../../values.js';
import { formatSql } from './format.js';
import { allMatches, compileRe2 } from './regex.js';
import { castToString } from './text.js';
import { type ScalarSpec, type SqlArg, SqlFunctionError, type SqlValue, TypeId } from './udf.js';

type T = (d: DuckModule) => DuckDBType;
const S: T = (d) => d.VARCHAR;
const B: T = (d) => d.BLOB;
const I: T = (d) => d.BIGINT;
const BOOL: T = (d) => d.BOOLEAN;
const LIST_I: T = (d) => d.LIST(d.BIGINT);

/** Text of a STRING, or the bytes of a BYTES value as Latin-1 text (one char per byte). */
function text(a: SqlArg | undefined): string {
  if (!a) return '';
  return a.type.typeId === TypeId.BLOB
    ? Buffer.from(a.value as Uint8Array).toString('latin1')
    : (a.value as string);
}

function isBytes(a: SqlArg): boolean {
  return a.type.typeId === TypeId.BLOB;
}

/** The result in the type of `like`: Latin-1 text back to bytes for BYTES. */
function same(like: SqlArg, s: string): SqlValue {
  return isBytes(like) ? new Uint8Array(Buffer.from(s, 'latin1')) : s;
}

/** Code points of a string (bytes for BYTES). */
function units(a: SqlArg): string[] {
  return isBytes(a) ? [...text(a)].map((c) => c) : Array.from(a.value as string);
}

function int(a: SqlArg | undefined, name: string): number {
  if (!a) return 0;
  const n = Number(a.value as bigint);
  if (!Number.isSafeInteger(n)) throw new SqlFunctionError(`${name} is out of range`);
  return n;
}

/** A function registered for STRING and for BYTES arguments (same body, result in the input's type). */
function both(
  name: string,
  params: Array<'s' | 'i'>,
  fn: (args: SqlArg[]) => SqlValue,
  returns?: T,
): ScalarSpec[] {
  return [S, B].map((kind) => ({
    name,
    params: params.map((p) => (p === 'i' ? I : kind)),
    returns: returns ?? kind,
    fn,
  }));
}

function pad(args: SqlArg[], left: boolean): SqlValue {
  const [v, len, p] = args as [SqlArg, SqlArg, SqlArg | undefined];
  const n = int(len, 'return_length');
  if (n < 0) throw new SqlFunctionError('LPAD/RPAD return_length must not be negative');
  const chars = units(v);
  if (chars.length >= n) return same(v, chars.slice(0, n).join(''));
  const fill = p ? units(p) : [' '];
  if (fill.length === 0) throw new SqlFunctionError('LPAD/RPAD pattern must not be empty');
  const need = n - chars.length;
  let padding = '';
  for (let k = 0; k < need; k++) padding += fill[k % fill.length];
  return same(v, left ? padding + chars.join('') : chars.join('') + padding);
}

function trim(args: SqlArg[], leftSide: boolean, rightSide: boolean): SqlValue {
  const [v, set] = args as [SqlArg, SqlArg | undefined];
  const remove = new Set(
    set ? units(set) : [' ', '\t', '\n', '\r', '\f', '\v', '\u00a0', '\u2028', '\u2029'],
  );
  const chars = units(v);
  if (!set && !isBytes(v)) {
    const s = v.value as string;
    const out = leftSide && rightSide ? s.trim() : leftSide ? s.trimStart() : s.trimEnd();
    return out;
  }
  let a = 0;
  let b = chars.length;
  if (leftSide) while (a < b && remove.has(chars[a]!)) a++;
  if (rightSide) while (b > a && remove.has(chars[b - 1]!)) b--;
  return same(v, chars.slice(a, b).join(''));
}

function substr(args: SqlArg[]): SqlValue {
  const [v, posArg, lenArg] = args as [SqlArg, SqlArg, SqlArg | undefined];
  const chars = units(v);
  let pos = int(posArg, 'position');
  const len = lenArg ? int(lenArg, 'length') : chars.length;
  if (len < 0) throw new SqlFunctionError('SUBSTR length must not be negative');
  if (pos < 0) pos = chars.length + pos + 1;
  if (pos < 1) pos = 1;
  return same(v, chars.slice(pos - 1, pos - 1 + len).join(''));
}

function instr(args: SqlArg[]): SqlValue {
  const [v, sub, posArg, occArg] = args as [SqlArg, SqlArg, SqlArg | undefined, SqlArg | undefined];
  const hay = units(v);
  const needle = units(sub);
  const pos = posArg ? int(posArg, 'position') : 1;
  const occurrence = occArg ? int(occArg, 'occurrence') : 1;
  if (pos === 0) throw new SqlFunctionError('INSTR position must not be 0');
  if (occurrence <= 0) throw new SqlFunctionError('INSTR occurrence must be positive');
  const matchAt = (k: number) => needle.every((c, j) => hay[k + j] === c);
  let found = 0;
  if (pos > 0) {
    for (let k = pos - 1; k + needle.length <= hay.length; k++) {
      if (matchAt(k) && ++found === occurrence) return BigInt(k + 1);
    }
  } else {
    for (let k = Math.min(hay.length + pos, hay.length - needle.length); k >= 0; k--) {
      if (matchAt(k) && ++found === occurrence) return BigInt(k + 1);
    }
  }
  return 0n;
}

const INITCAP_DELIMITERS = new Set([...' \t\n\r\f\v[](){}/|\\<>!?@"^#$&~_,.:;*%+-']);

function initcap(args: SqlArg[]): SqlValue {
  const [v, delims] = args as [SqlArg, SqlArg | undefined];
  const set = delims ? new Set(Array.from(delims.value as string)) : INITCAP_DELIMITERS;
  let startOfWord = true;
  let out = '';
  for (const ch of Array.from(v.value as string)) {
    out += startOfWord ? ch.toUpperCase() : ch.toLowerCase();
    startOfWord = set.has(ch) || (!delims && /\s/u.test(ch));
  }
  return out;
}

function soundex(s: string): string {
  const codes: Record<string, string> = {};
  for (const [letters, d] of [
    ['BFPV', '1'],
    ['CGJKQSXZ', '2'],
    ['DT', '3'],
    ['L', '4'],
    ['MN', '5'],
    ['R', '6'],
  ] as const) {
    for (const l of letters) codes[l] = d;
  }
  const letters = [...s.toUpperCase()].filter((c) => /[A-Z]/.test(c));
  if (letters.length === 0) return '';
  let out = letters[0]!;
  let last = codes[letters[0]!] ?? '';
  for (const c of letters.slice(1)) {
    const code = codes[c];
    if (code === undefined) {
      // H and W do not separate equal codes; vowels do.
      if (c !== 'H' && c !== 'W') last = '';
      continue;
    }
    if (code !== last) out += code;
    last = code;
    if (out.length === 4) break;
  }
  return out.padEnd(4, '0');
}

function editDistance(a: string[], b: string[], max: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return Math.min(prev[b.length]!, max);
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function toBase32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=');
}

function fromBase32(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const v = BASE32.indexOf(ch.toUpperCase());
    if (v < 0) throw new SqlFunctionError(`Failed to decode invalid base32 string "${s}"`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

function regexSubject(v: SqlArg): { subject: string; unicode: boolean } {
  return { subject: text(v), unicode: !isBytes(v) };
}

/** UTF-16 offset of the 1-based code point position `pos` in `s`, or -1 past the end. */
function offsetOfPosition(s: string, pos: number, unicode: boolean): number {
  if (!unicode) return pos - 1 <= s.length ? pos - 1 : -1;
  let offset = 0;
  for (let k = 1; k < pos; k++) {
    if (offset >= s.length) return -1;
    offset += (s.codePointAt(offset) ?? 0) > 0xffff ? 2 : 1;
  }
  return offset;
}

function positionOfOffset(s: string, offset: number, unicode: boolean): number {
  return (unicode ? Array.from(s.slice(0, offset)).length : offset) + 1;
}

function regexpExtract(args: SqlArg[]): SqlValue {
  const [v, p, posArg, occArg] = args as [SqlArg, SqlArg, SqlArg | undefined, SqlArg | undefined];
  const { subject, unicode } = regexSubject(v);
  const re = compileRe2(text(p), unicode);
  const pos = posArg ? int(posArg, 'position') : 1;
  const occurrence = occArg ? int(occArg, 'occurrence') : 1;
  if (pos <= 0) throw new SqlFunctionError('REGEXP_EXTRACT position must be positive');
  if (occurrence <= 0) throw new SqlFunctionError('REGEXP_EXTRACT occurrence must be positive');
  const from = offsetOfPosition(subject, pos, unicode);
  if (from < 0 || (from >= subject.length && subject.length > 0)) return null;
  const m = allMatches(re, subject, from, occurrence)[occurrence - 1];
  if (!m || m.extracted === undefined) return null;
  return same(v, m.extracted);
}

function regexpInstr(args: SqlArg[]): SqlValue {
  const [v, p, posArg, occArg, whereArg] = args as Array<SqlArg | undefined>;
  const { subject, unicode } = regexSubject(v!);
  const pattern = text(p);
  const pos = posArg ? int(posArg, 'position') : 1;
  const occurrence = occArg ? int(occArg, 'occurrence') : 1;
  const where = whereArg ? int(whereArg, 'occurrence_position') : 0;
  if (pos <= 0) throw new SqlFunctionError('REGEXP_INSTR position must be positive');
  if (occurrence <= 0) throw new SqlFunctionError('REGEXP_INSTR occurrence must be positive');
  if (where !== 0 && where !== 1)
    throw new SqlFunctionError('REGEXP_INSTR occurrence_position must be 0 or 1');
  const re = compileRe2(pattern, unicode);
  if (pattern === '') return 0n;
  const from = offsetOfPosition(subject, pos, unicode);
  if (from < 0 || from >= subject.length) return 0n;
  const m = allMatches(re, subject, from, occurrence)[occurrence - 1];
  if (!m) return 0n;
  return BigInt(positionOfOffset(subject, where === 0 ? m.start : m.end, unicode));
}

function codePointsToString(points: SqlValue[]): string | null {
  let out = '';
  for (const p of points) {
    if (p === null) return null;
    const n = Number(p as bigint);
    if (n < 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) {
      throw new SqlFunctionError(`Invalid codepoint ${n}`);
    }
    out += String.fromCodePoint(n);
  }
  return out;
}

function splitSubstr(args: SqlArg[]): SqlValue {
  const [v, d, startArg, countArg] = args as [SqlArg, SqlArg, SqlArg, SqlArg | undefined];
  const delimiter = d.value as string;
  const parts = (v.value as string).split(delimiter);
  let start = int(startArg, 'start_split');
  if (countArg && int(countArg, 'count') < 0)
    throw new SqlFunctionError('SPLIT_SUBSTR count must not be negative');
  if (start < 0) start = parts.length + start + 1;
  if (start <= 0) start = 1;
  if (start > parts.length) return '';
  const count = countArg ? int(countArg, 'count') : parts.length;
  return parts.slice(start - 1, start - 1 + count).join(delimiter);
}

/** Whether `needle` occurs in any string reachable in `v` (fields, elements, scalars cast to STRING). */
function containsSubstr(v: SqlArg, needle: string): boolean {
  const fold = (s: string) => s.normalize('NFKC').toUpperCase().toLowerCase();
  if (v.value === null) return false;
  const t = v.type as unknown as {
    typeId: number;
    valueType?: DuckDBType;
    entryNames?: string[];
    entryTypes?: DuckDBType[];
  };
  if (t.typeId === TypeId.LIST || t.typeId === TypeId.ARRAY) {
    return (v.value as SqlValue[]).some((x) => containsSubstr({ type: t.valueType!, value: x }, needle));
  }
  if (t.typeId === TypeId.STRUCT) {
    const obj = v.value as Record<string, SqlValue>;
    return t.entryNames!.some((n, i) =>
      containsSubstr({ type: t.entryTypes![i]!, value: obj[n] ?? null }, needle),
    );
  }
  const s = castToString(v);
  return s !== null && fold(s).includes(fold(needle));
}

/**
 * The string and bytes functions.
 *
 * @internal
 */
export const stringFunctions: ScalarSpec[] = [
  ...both(
    'bq_ascii',
    ['s'],
    ([v]) =>
      BigInt(isBytes(v!) ? ((v!.value as Uint8Array)[0] ?? 0) : ((v!.value as string).codePointAt(0) ?? 0)),
    I,
  ),
  ...both(
    'bq_byte_length',
    ['s'],
    ([v]) => BigInt(isBytes(v!) ? (v!.value as Uint8Array).length : Buffer.byteLength(v!.value as string)),
    I,
  ),
  {
    name: 'bq_char_length',
    params: [S],
    returns: I,
    fn: ([v]) => BigInt(Array.from(v!.value as string).length),
  },
  ...both('bq_length', ['s'], ([v]) => BigInt(units(v!).length), I),
  {
    name: 'bq_chr',
    params: [I],
    returns: S,
    fn: ([v]) => {
      const n = Number(v!.value as bigint);
      return n === 0 ? '' : codePointsToString([BigInt(n)]);
    },
  },
  {
    name: 'bq_code_points_to_bytes',
    params: [LIST_I],
    returns: B,
    fn: ([v]) => {
      const points = v!.value as SqlValue[];
      if (points.some((p) => p === null)) return null;
      return new Uint8Array(
        points.map((p) => {
          const n = Number(p as bigint);
          if (n < 0 || n > 255) throw new SqlFunctionError(`Invalid extended ASCII code point ${n}`);
          return n;
        }),
      );
    },
  },
  {
    name: 'bq_code_points_to_string',
    params: [LIST_I],
    returns: S,
    fn: ([v]) => codePointsToString(v!.value as SqlValue[]),
  },
  {
    name: 'bq_concat',
    params: [],
    varargs: B,
    returns: B,
    fn: (args) => new Uint8Array(Buffer.concat(args.map((a) => a.value as Uint8Array))),
  },
  {
    name: 'bq_concat',
    params: [],
    varargs: 'any',
    returns: S,
    fn: (args) => args.map((a) => castToString(a)).join(''),
  },
  ...both(
    'bq_edit_distance',
    ['s', 's'],
    ([a, b]) => BigInt(editDistance(units(a!), units(b!), Number.POSITIVE_INFINITY)),
    I,
  ),
  ...both(
    'bq_edit_distance',
    ['s', 's', 'i'],
    ([a, b, m]) => {
      const max = int(m, 'max_distance');
      if (max < 0) throw new SqlFunctionError('EDIT_DISTANCE max_distance must not be negative');
      return BigInt(editDistance(units(a!), units(b!), max));
    },
    I,
  ),
  ...both('bq_ends_with', ['s', 's'], ([a, b]) => text(a).endsWith(text(b)), BOOL),
  ...both('bq_starts_with', ['s', 's'], ([a, b]) => text(a).startsWith(text(b)), BOOL),
  {
    name: 'bq_format',
    params: [S],
    varargs: 'any',
    returns: S,
    nulls: 'handle',
    fn: ([f, ...rest]) => (f!.value === null ? null : formatSql(f!.value as string, rest)),
  },
  { name: 'bq_from_base32', params: [S], returns: B, fn: ([v]) => fromBase32(v!.value as string) },
  {
    name: 'bq_from_base64',
    params: [S],
    returns: B,
    fn: ([v]) => {
      const s = (v!.value as string).replace(/\s/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) {
        throw new SqlFunctionError(`Failed to decode invalid base64 string "${v!.value}"`);
      }
      return new Uint8Array(Buffer.from(s, 'base64'));
    },
  },
  {
    name: 'bq_from_hex',
    params: [S],
    returns: B,
    fn: ([v]) => {
      const s = v!.value as string;
      if (!/^[0-9A-Fa-f]*$/.test(s))
        throw new SqlFunctionError(`Failed to decode invalid hexadecimal string: "${s}"`);
      return new Uint8Array(Buffer.from(s.length % 2 ? `0${s}` : s, 'hex'));
    },
  },
  { name: 'bq_initcap', params: [S], returns: S, fn: initcap },
  { name: 'bq_initcap', params: [S, S], returns: S, fn: initcap },
  ...both('bq_instr', ['s', 's'], instr, I),
  ...both('bq_instr', ['s', 's', 'i'], instr, I),
  ...both('bq_instr', ['s', 's', 'i', 'i'], instr, I),
  ...both('bq_left', ['s', 'i'], ([v, n]) => {
    if (int(n, 'length') < 0) throw new SqlFunctionError('LEFT length must not be negative');
    return same(v!, units(v!).slice(0, int(n, 'length')).join(''));
  }),
  ...both('bq_right', ['s', 'i'], ([v, n]) => {
    const len = int(n, 'length');
    if (len < 0) throw new SqlFunctionError('RIGHT length must not be negative');
    const chars = units(v!);
    return same(v!, chars.slice(Math.max(0, chars.length - len)).join(''));
  }),
  ...both('bq_lower', ['s'], ([v]) =>
    isBytes(v!)
      ? same(
          v!,
          text(v!).replace(/[A-Z]/g, (c) => c.toLowerCase()),
        )
      : (v!.value as string).toLowerCase(),
  ),
  ...both('bq_upper', ['s'], ([v]) =>
    isBytes(v!)
      ? same(
          v!,
          text(v!).replace(/[a-z]/g, (c) => c.toUpperCase()),
        )
      : (v!.value as string).toUpperCase(),
  ),
  ...both('bq_lpad', ['s', 'i'], (a) => pad(a, true)),
  ...both('bq_lpad', ['s', 'i', 's'], (a) => pad(a, true)),
  ...both('bq_rpad', ['s', 'i'], (a) => pad(a, false)),
  ...both('bq_rpad', ['s', 'i', 's'], (a) => pad(a, false)),
  ...both('bq_ltrim', ['s'], (a) => trim(a, true, false)),
  ...both('bq_ltrim', ['s', 's'], (a) => trim(a, true, false)),
  ...both('bq_rtrim', ['s'], (a) => trim(a, false, true)),
  ...both('bq_rtrim', ['s', 's'], (a) => trim(a, false, true)),
  ...both('bq_trim', ['s'], (a) => trim(a, true, true)),
  ...both('bq_trim', ['s', 's'], (a) => trim(a, true, true)),
  {
    name: 'bq_normalize',
    params: [S, S],
    returns: S,
    fn: ([v, mode]) => (v!.value as string).normalize(mode!.value as 'NFC' | 'NFD' | 'NFKC' | 'NFKD'),
  },
  {
    name: 'bq_normalize_and_casefold',
    params: [S, S],
    returns: S,
    fn: ([v, mode]) =>
      (v!.value as string)
        .toUpperCase()
        .toLowerCase()
        .normalize(mode!.value as 'NFC' | 'NFD' | 'NFKC' | 'NFKD'),
  },
  ...both('bq_regexp_extract', ['s', 's'], regexpExtract),
  ...both('bq_regexp_extract', ['s', 's', 'i'], regexpExtract),
  ...both('bq_regexp_extract', ['s', 's', 'i', 'i'], regexpExtract),
  {
    name: 'bq_regexp_extract_all',
    params: [S, S],
    returns: (d) => d.LIST(d.VARCHAR),
    fn: ([v, p]) =>
      allMatches(compileRe2(p!.value as string, true), v!.value as string, 0).map((m) => m.extracted ?? ''),
  },
  {
    name: 'bq_regexp_extract_all',
    params: [B, B],
    returns: (d) => d.LIST(d.BLOB),
    fn: ([v, p]) =>
      allMatches(compileRe2(text(p), false), text(v), 0).map((m) => same(v!, m.extracted ?? '')),
  },
  ...both('bq_regexp_instr', ['s', 's'], regexpInstr, I),
  ...both('bq_regexp_instr', ['s', 's', 'i'], regexpInstr, I),
  ...both('bq_regexp_instr', ['s', 's', 'i', 'i'], regexpInstr, I),
  ...both('bq_regexp_instr', ['s', 's', 'i', 'i', 'i'], regexpInstr, I),
  ...both('bq_repeat', ['s', 'i'], ([v, n]) => {
    const times = int(n, 'repetitions');
    if (times < 0) throw new SqlFunctionError('REPEAT repetitions must not be negative');
    return same(v!, text(v!).repeat(times));
  }),
  ...both('bq_replace', ['s', 's', 's'], ([v, from, to]) =>
    text(from) === '' ? v!.value : same(v!, text(v!).split(text(from)).join(text(to))),
  ),
  ...both('bq_reverse', ['s'], ([v]) => same(v!, units(v!).reverse().join(''))),
  {
    name: 'bq_safe_convert_bytes_to_string',
    params: [B],
    returns: S,
    fn: ([v]) => new TextDecoder('utf-8').decode(v!.value as Uint8Array),
  },
  { name: 'bq_soundex', params: [S], returns: S, fn: ([v]) => soundex(v!.value as string) },
  {
    name: 'bq_split',
    params: [S],
    returns: (d) => d.LIST(d.VARCHAR),
    fn: ([v]) => (v!.value as string).split(','),
  },
  {
    name: 'bq_split',
    params: [S, S],
    returns: (d) => d.LIST(d.VARCHAR),
    fn: ([v, d]) =>
      d!.value === '' ? Array.from(v!.value as string) : (v!.value as string).split(d!.value as string),
  },
  {
    name: 'bq_split',
    params: [B, B],
    returns: (d) => d.LIST(d.BLOB),
    fn: ([v, d]) => (text(d) === '' ? [...text(v)] : text(v).split(text(d))).map((s) => same(v!, s)),
  },
  { name: 'bq_split_substr', params: [S, S, I], returns: S, fn: splitSubstr },
  { name: 'bq_split_substr', params: [S, S, I, I], returns: S, fn: splitSubstr },
  ...both('bq_strpos', ['s', 's'], (a) => instr(a), I),
  ...both('bq_substr', ['s', 'i'], substr),
  ...both('bq_substr', ['s', 'i', 'i'], substr),
  { name: 'bq_to_base32', params: [B], returns: S, fn: ([v]) => toBase32(v!.value as Uint8Array) },
  {
    name: 'bq_to_base64',
    params: [B],
    returns: S,
    fn: ([v]) => Buffer.from(v!.value as Uint8Array).toString('base64'),
  },
  {
    name: 'bq_to_hex',
    params: [B],
    returns: S,
    fn: ([v]) => Buffer.from(v!.value as Uint8Array).toString('hex'),
  },
  ...both('bq_to_code_points', ['s'], ([v]) => units(v!).map((c) => BigInt(c.codePointAt(0)!)), LIST_I),
  ...both('bq_translate', ['s', 's', 's'], ([v, from, to]) => {
    const source = units(from!);
    const target = units(to!);
    if (new Set(source).size !== source.length) {
      throw new SqlFunctionError('TRANSLATE source_characters must not repeat a character');
    }
    const map = new Map(source.map((c, k) => [c, target[k] ?? '']));
    return same(
      v!,
      units(v!)
        .map((c) => (map.has(c) ? map.get(c)! : c))
        .join(''),
    );
  }),
  {
    name: 'bq_unicode',
    params: [S],
    returns: I,
    fn: ([v]) => BigInt((v!.value as string).codePointAt(0) ?? 0),
  },
  { name: 'bq_string', params: ['any'], returns: S, fn: ([v]) => castToString(v!) },
  ...[S, B].flatMap((kind): ScalarSpec[] =>
    [2, 3].map((n) => ({
      name: 'bq_array_to_string',
      params: n === 2 ? [(d) => d.LIST(kind(d)), kind] : [(d) => d.LIST(kind(d)), kind, kind],
      returns: kind,
      fn: ([a, sep, nullText]) => {
        const parts = (a!.value as SqlValue[])
          .map((v) => (v === null ? (nullText ? text(nullText) : null) : text({ type: sep!.type, value: v })))
          .filter((v): v is string => v !== null);
        return same(sep!, parts.join(text(sep)));
      },
    })),
  ),
  {
    name: 'bq_bytes',
    params: [S],
    returns: B,
    fn: ([v]) => new Uint8Array(Buffer.from(v!.value as string, 'utf8')),
  },
  { name: 'bq_bytes', params: [B], returns: B, fn: ([v]) => v!.value },
  {
    name: 'bq_contains_substr',
    params: ['any', S],
    returns: BOOL,
    nulls: 'handle',
    fn: ([v, needle]) =>
      needle!.value === null ? null : v!.value === null ? null : containsSubstr(v!, needle!.value as string),
  },
];
