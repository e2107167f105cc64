/**
 * GoogleSQL mathematical functions on FLOAT64 in JavaScript, with BigQuery's rules: a finite input
 * outside the function's domain is an error (JavaScript would give NaN), an overflow of a finite
 * input is an error, and infinities and NaN follow the reference's tables (C's `pow` rules for POW).
 * @module
 */
import type { DuckDBType } from '@duckdb/node-api';
import type { DuckModule } from '../../values.js';
import { decimalToString } from './text.js';
import { type ScalarSpec, type SqlArg, SqlFunctionError, type SqlValue, TypeId } from './udf.js';

type T = (d: DuckModule) => DuckDBType;
const D: T = (d) => d.DOUBLE;

const num = (a: SqlArg | undefined): number => a!.value as number;

function domain(name: string, x: number): never {
  throw new SqlFunctionError(`Argument to ${name} is out of range: ${x}`);
}

/** A finite result from finite inputs, or BigQuery's overflow error. */
function finite(name: string, inputs: number[], r: number): number {
  if (!Number.isFinite(r) && !Number.isNaN(r) && inputs.every(Number.isFinite)) {
    throw new SqlFunctionError(`Floating point overflow in function: ${name}`);
  }
  return r;
}

function unary(
  name: string,
  fn: (x: number) => number,
  valid: (x: number) => boolean = () => true,
): ScalarSpec {
  return {
    name: `bq_${name.toLowerCase()}`,
    params: [D],
    returns: D,
    fn: ([a]) => {
      const x = num(a);
      if (Number.isFinite(x) && !valid(x)) domain(name, x);
      return finite(name, [x], fn(x));
    },
  };
}

/** C's pow(): pow(1, y) = 1 and pow(x, 0) = 1 even for NaN, pow(-1, ±inf) = 1. */
function pow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && !Number.isFinite(y) && !Number.isNaN(y)) return 1;
  if (Number.isFinite(x) && x < 0 && Number.isFinite(y) && !Number.isInteger(y)) domain('POW', x);
  if (x === 0 && Number.isFinite(y) && y < 0) throw new SqlFunctionError('Division by zero in POW');
  return finite('POW', [x, y], x ** y);
}

/** Orders two values of one GoogleSQL type (numbers, strings, bytes, dates, times). */
function compareValues(a: SqlValue, b: SqlValue): number {
  const key = (v: SqlValue): number | bigint | string => {
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
    const o = v as { days?: number; micros?: bigint; value?: bigint; scale?: number };
    if (o.days !== undefined) return o.days;
    if (o.micros !== undefined) return o.micros;
    if (o.value !== undefined) return Number(decimalToString(o as { value: bigint; scale: number }));
    throw new SqlFunctionError('RANGE_BUCKET needs values of a type that can be ordered');
  };
  const x = key(a);
  const y = key(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function isNaNValue(v: SqlValue): boolean {
  return typeof v === 'number' && Number.isNaN(v);
}

function vectors(a: SqlArg | undefined, b: SqlArg | undefined, name: string): [number[], number[]] {
  const x = a!.value as SqlValue[];
  const y = b!.value as SqlValue[];
  if (x.length !== y.length) {
    throw new SqlFunctionError(
      `Array arguments to ${name} must have equal length, got ${x.length} and ${y.length}`,
    );
  }
  if (x.some((v) => v === null) || y.some((v) => v === null)) {
    throw new SqlFunctionError(`Cannot compute ${name} with a NULL element`);
  }
  return [x.map(Number), y.map(Number)];
}

/**
 * The mathematical functions.
 *
 * @internal
 */
export const mathFunctions: ScalarSpec[] = [
  unary('ACOS', Math.acos, (x) => x >= -1 && x <= 1),
  unary('ACOSH', Math.acosh, (x) => x >= 1),
  unary('ASIN', Math.asin, (x) => x >= -1 && x <= 1),
  unary('ASINH', Math.asinh),
  unary('ATAN', Math.atan),
  unary('ATANH', Math.atanh, (x) => x > -1 && x < 1),
  unary('COS', Math.cos),
  unary('COSH', Math.cosh),
  unary('SIN', Math.sin),
  unary('SINH', Math.sinh),
  unary('TAN', Math.tan),
  unary('TANH', Math.tanh),
  unary(
    'COT',
    (x) => 1 / Math.tan(x),
    (x) => x !== 0,
  ),
  unary(
    'COTH',
    (x) => 1 / Math.tanh(x),
    (x) => x !== 0,
  ),
  unary(
    'CSC',
    (x) => 1 / Math.sin(x),
    (x) => x !== 0,
  ),
  unary(
    'CSCH',
    (x) => 1 / Math.sinh(x),
    (x) => x !== 0,
  ),
  unary('SEC', (x) => 1 / Math.cos(x)),
  unary('SECH', (x) => 1 / Math.cosh(x)),
  unary('EXP', Math.exp),
  unary('LN', Math.log, (x) => x > 0),
  unary('LOG10', Math.log10, (x) => x > 0),
  {
    name: 'bq_sqrt',
    params: [D],
    returns: D,
    fn: ([a]) => {
      const x = num(a);
      if (x < 0) domain('SQRT', x);
      return Math.sqrt(x);
    },
  },
  {
    name: 'bq_ln',
    params: [D, D],
    returns: D,
    fn: ([a, b]) => {
      const x = num(a);
      const base = num(b);
      if (Number.isNaN(x) || Number.isNaN(base)) return Number.NaN;
      if (x === Number.NEGATIVE_INFINITY || base === Number.POSITIVE_INFINITY) return Number.NaN;
      if (x <= 0) domain('LOG', x);
      if (base <= 0 || base === 1) domain('LOG', base);
      return Math.log(x) / Math.log(base);
    },
  },
  { name: 'bq_atan2', params: [D, D], returns: D, fn: ([a, b]) => Math.atan2(num(a), num(b)) },
  { name: 'bq_pow', params: [D, D], returns: D, fn: ([a, b]) => pow(num(a), num(b)) },
  { name: 'bq_ieee_divide', params: [D, D], returns: D, fn: ([a, b]) => num(a) / num(b) },
  {
    name: 'bq_range_bucket',
    params: ['any', 'any'],
    returns: (d) => d.BIGINT,
    nulls: 'handle',
    fn: ([p, arr]) => {
      if (p!.value === null || isNaNValue(p!.value)) return null;
      if (arr!.value === null) return null;
      const t = arr!.type.typeId;
      if (t !== TypeId.LIST && t !== TypeId.ARRAY)
        throw new SqlFunctionError('RANGE_BUCKET expects an array of boundaries');
      const bounds = arr!.value as SqlValue[];
      for (const [k, b] of bounds.entries()) {
        if (b === null || isNaNValue(b))
          throw new SqlFunctionError('RANGE_BUCKET boundaries must not be NULL or NaN');
        if (k > 0 && compareValues(bounds[k - 1]!, b) > 0) {
          throw new SqlFunctionError('RANGE_BUCKET boundaries must be in ascending order');
        }
      }
      let n = 0;
      while (n < bounds.length && compareValues(bounds[n]!, p!.value) <= 0) n++;
      return BigInt(n);
    },
  },
  {
    name: 'bq_cosine_distance',
    params: [(d) => d.LIST(d.DOUBLE), (d) => d.LIST(d.DOUBLE)],
    returns: D,
    fn: ([a, b]) => {
      const [x, y] = vectors(a, b, 'COSINE_DISTANCE');
      const dot = x.reduce((s, v, k) => s + v * y[k]!, 0);
      const nx = Math.sqrt(x.reduce((s, v) => s + v * v, 0));
      const ny = Math.sqrt(y.reduce((s, v) => s + v * v, 0));
      if (nx === 0 || ny === 0)
        throw new SqlFunctionError('Cannot compute COSINE_DISTANCE against a zero vector');
      return 1 - dot / (nx * ny);
    },
  },
  {
    name: 'bq_euclidean_distance',
    params: [(d) => d.LIST(d.DOUBLE), (d) => d.LIST(d.DOUBLE)],
    returns: D,
    fn: ([a, b]) => {
      const [x, y] = vectors(a, b, 'EUCLIDEAN_DISTANCE');
      return Math.sqrt(x.reduce((s, v, k) => s + (v - y[k]!) ** 2, 0));
    },
  },
  {
    name: 'bq_round_half_even',
    params: [(d) => d.DECIMAL(38, 9), (d) => d.BIGINT],
    returns: (d) => d.DECIMAL(38, 9),
    fn: ([a, n]) => {
      const v = a!.value as { value: bigint; scale: number };
      const digits = Number(n!.value as bigint);
      const drop = 9 - digits;
      if (drop <= 0) return v;
      const unit = 10n ** BigInt(drop);
      const q = v.value / unit;
      const r = v.value % unit;
      const twice = 2n * (r < 0n ? -r : r);
      let out = q;
      if (twice > unit || (twice === unit && q % 2n !== 0n)) out += v.value < 0n ? -1n : 1n;
      return { value: out * unit, scale: 9 };
    },
  },
];
