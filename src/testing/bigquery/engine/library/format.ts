/**
 * GoogleSQL `FORMAT(format_string, …)`: printf-style specifiers `%[flags][width][.precision]spec`
 * with BigQuery's rules (`%t`/`%T` for any type, `'` grouping, NULL handling, errors for a
 * specifier that does not fit its argument).
 * @module
 */
import { decimalToString, formatG, formatValue } from './text.js';
import { type SqlArg, SqlFunctionError, TypeId } from './udf.js';

interface Spec {
  flags: string;
  width: number | undefined;
  precision: number | undefined;
  conv: string;
}

const INTEGER_TYPES = new Set<number>([
  TypeId.TINYINT,
  TypeId.SMALLINT,
  TypeId.INTEGER,
  TypeId.BIGINT,
  TypeId.HUGEINT,
]);
const FLOAT_TYPES = new Set<number>([TypeId.DOUBLE, TypeId.FLOAT, TypeId.DECIMAL]);

function group(digits: string, size: number, sep: string): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % size === 0) out += sep;
    out += digits[i];
  }
  return out;
}

function pad(body: string, sign: string, spec: Spec, numeric: boolean): string {
  const width = spec.width ?? 0;
  const len = [...sign, ...body].length;
  if (len >= width) return sign + body;
  if (spec.flags.includes('-')) return sign + body + ' '.repeat(width - len);
  if (numeric && spec.flags.includes('0')) return sign + '0'.repeat(width - len) + body;
  return ' '.repeat(width - len) + sign + body;
}

function signOf(negative: boolean, flags: string): string {
  if (negative) return '-';
  if (flags.includes('+')) return '+';
  if (flags.includes(' ')) return ' ';
  return '';
}

function cExponent(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function formatFloat(x: number, spec: Spec): string {
  const upper = spec.conv === spec.conv.toUpperCase();
  if (!Number.isFinite(x)) {
    const word = Number.isNaN(x) ? 'nan' : 'inf';
    return pad(
      upper ? word.toUpperCase() : word,
      Number.isNaN(x) ? '' : signOf(x < 0, spec.flags),
      spec,
      false,
    );
  }
  const p = spec.precision ?? 6;
  const abs = Math.abs(x);
  let body: string;
  switch (spec.conv.toLowerCase()) {
    case 'f':
      body = abs.toFixed(p);
      if (spec.flags.includes('#') && p === 0) body += '.';
      break;
    case 'e':
      body = cExponent(abs.toExponential(p));
      if (spec.flags.includes('#') && p === 0) body = body.replace('e', '.e');
      break;
    default:
      body = formatG(abs, p === 0 ? 1 : p, spec.flags.includes('#'));
  }
  if (upper) body = body.toUpperCase();
  return pad(body, signOf(x < 0 || Object.is(x, -0), spec.flags), spec, true);
}

function formatInteger(v: bigint, spec: Spec): string {
  // %o, %x and %X print a negative INT64 as its unsigned two's complement, as C does.
  const unsigned = 'oxX'.includes(spec.conv) && v < 0n;
  const negative = v < 0n && !unsigned;
  const abs = unsigned ? (1n << 64n) + v : negative ? -v : v;
  let digits: string;
  switch (spec.conv) {
    case 'o':
      digits = abs.toString(8);
      if (spec.flags.includes("'")) digits = group(digits, 4, ',');
      if (spec.flags.includes('#') && abs !== 0n) digits = `0${digits}`;
      break;
    case 'x':
    case 'X':
      digits = abs.toString(16);
      if (spec.flags.includes("'")) digits = group(digits, 4, ':');
      if (spec.conv === 'X') digits = digits.toUpperCase();
      if (spec.flags.includes('#') && abs !== 0n) digits = `${spec.conv === 'X' ? '0X' : '0x'}${digits}`;
      break;
    default:
      digits = abs.toString();
      if (spec.precision !== undefined) digits = digits.padStart(spec.precision, '0');
      if (spec.flags.includes("'")) digits = group(digits, 3, ',');
  }
  return pad(digits, signOf(negative, spec.flags), spec, spec.precision === undefined);
}

function numberOf(arg: SqlArg): number {
  if (arg.type.typeId === TypeId.DECIMAL)
    return Number(decimalToString(arg.value as { value: bigint; scale: number }));
  return Number(arg.value);
}

/**
 * Formats `args` with a GoogleSQL format string; `null` when the result is NULL.
 *
 * @internal
 */
export function formatSql(format: string, args: SqlArg[]): string | null {
  let out = '';
  let next = 0;
  let isNull = false;
  const take = (): SqlArg => {
    const a = args[next++];
    if (!a) throw new SqlFunctionError(`Too few arguments to FORMAT for pattern "${format}"`);
    return a;
  };
  const re = /%([-+ #0']*)(\*|\d+)?(?:\.(\*|\d+))?([diuoxXfFeEgGsStTpP%])?/gy;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    re.lastIndex = pct;
    const m = re.exec(format);
    if (!m?.[4]) throw new SqlFunctionError(`Invalid format specifier in "${format}" at position ${pct}`);
    i = re.lastIndex;
    const conv = m[4];
    if (conv === '%') {
      if (m[0] !== '%%') throw new SqlFunctionError(`Invalid format specifier in "${format}"`);
      out += '%';
      continue;
    }
    const readStar = (text: string | undefined): number | undefined => {
      if (text === undefined) return undefined;
      if (text !== '*') return Number(text);
      const a = take();
      if (a.value === null) isNull = true;
      return Number(a.value ?? 0);
    };
    const spec: Spec = { flags: m[1] ?? '', width: readStar(m[2]), precision: readStar(m[3]), conv };
    const arg = take();
    const type = arg.type.typeId;
    // A NULL argument makes the result NULL, except for %t and %T, which print NULL.
    if (arg.value === null && conv !== 't' && conv !== 'T') {
      isNull = true;
      continue;
    }
    if (conv === 't' || conv === 'T') {
      let text = formatValue(arg, conv === 'T');
      if (spec.precision !== undefined) text = [...text].slice(0, spec.precision).join('');
      out += pad(text, '', spec, false);
      continue;
    }
    if (conv === 'p' || conv === 'P')
      throw new SqlFunctionError('FORMAT %p and %P apply to PROTO and JSON values');
    if (conv === 's' || conv === 'S') {
      if (type !== TypeId.VARCHAR && type !== TypeId.SQLNULL) {
        throw new SqlFunctionError(`Invalid type for argument ${next} of FORMAT: %s expects STRING`);
      }
      if (arg.value === null) {
        isNull = true;
        continue;
      }
      let text = arg.value as string;
      if (spec.precision !== undefined) text = [...text].slice(0, spec.precision).join('');
      out += pad(text, '', spec, false);
      continue;
    }
    if ('diuoxX'.includes(conv)) {
      if (!INTEGER_TYPES.has(type) && type !== TypeId.SQLNULL) {
        throw new SqlFunctionError(
          `Invalid type for argument ${next} of FORMAT: %${conv} expects an integer`,
        );
      }
      if (arg.value === null) {
        isNull = true;
        continue;
      }
      out += formatInteger(BigInt(arg.value as bigint), spec);
      continue;
    }
    if (!FLOAT_TYPES.has(type) && !INTEGER_TYPES.has(type) && type !== TypeId.SQLNULL) {
      throw new SqlFunctionError(`Invalid type for argument ${next} of FORMAT: %${conv} expects a number`);
    }
    if (arg.value === null) {
      isNull = true;
      continue;
    }
    out += formatFloat(numberOf(arg), spec);
  }
  if (next < args.length) throw new SqlFunctionError(`Too many arguments to FORMAT for pattern "${format}"`);
  return isNull ? null : out;
}
