/**
 * The finishing step of aggregates the translator computes from a list of values (statistics with
 * GoogleSQL's NaN rules, PERCENTILE_CONT with RESPECT NULLS, APPROX_TOP_COUNT / APPROX_TOP_SUM) and
 * the hash functions.
 * @module
 */
import { createHash } from 'node:crypto';
import type { DuckDBType } from '@duckdb/node-api';
import type { DuckModule } from '../../values.js';
import { type ScalarSpec, type SqlArg, SqlFunctionError, type SqlValue, TypeId } from './udf.js';

type T = (d: DuckModule) => DuckDBType;
const D: T = (d) => d.DOUBLE;
const LIST_D: T = (d) => d.LIST(d.DOUBLE);
const PAIRS: T = (d) => d.LIST(d.STRUCT({ v0: d.DOUBLE, v1: d.DOUBLE }));

function numbers(a: SqlArg | undefined): number[] {
  return (a!.value as SqlValue[]).filter((v) => v !== null).map(Number);
}

function pairs(a: SqlArg | undefined): Array<[number, number]> {
  return (a!.value as Array<Record<string, SqlValue> | null>)
    .filter((p): p is Record<string, SqlValue> => p !== null && p.v0 !== null && p.v1 !== null)
    .map((p) => [Number(p.v0), Number(p.v1)]);
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Sum of squared deviations (two-pass, as exact as a double allows; infinities give NaN). */
function squares(xs: number[]): number {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) * (x - m), 0);
}

function comoment(ps: Array<[number, number]>): number {
  const mx = mean(ps.map((p) => p[0]));
  const my = mean(ps.map((p) => p[1]));
  return ps.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
}

const stat = (name: string, min: number, fn: (xs: number[]) => number): ScalarSpec => ({
  name,
  params: [LIST_D],
  returns: D,
  fn: ([l]) => {
    const xs = numbers(l);
    return xs.length < min ? null : fn(xs);
  },
});

const pairStat = (name: string, min: number, fn: (ps: Array<[number, number]>) => number): ScalarSpec => ({
  name,
  params: [PAIRS],
  returns: D,
  fn: ([l]) => {
    const ps = pairs(l);
    return ps.length < min ? null : fn(ps);
  },
});

/** Values as keys for counting: equal SQL values give equal keys. */
function keyOf(v: SqlValue): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return `i${v}`;
  if (typeof v === 'object' && 'days' in (v as object)) return `d${(v as { days: number }).days}`;
  if (typeof v === 'object' && 'micros' in (v as object)) return `t${(v as { micros: bigint }).micros}`;
  return `${typeof v}:${String(v)}`;
}

const VALUE_TYPES: Array<[string, T]> = [
  ['VARCHAR', (d) => d.VARCHAR],
  ['BIGINT', (d) => d.BIGINT],
  ['DOUBLE', (d) => d.DOUBLE],
  ['BOOLEAN', (d) => d.BOOLEAN],
  ['DATE', (d) => d.DATE],
];

function topCount(values: SqlValue[], n: number): Array<{ value: SqlValue; count: bigint }> {
  const counts = new Map<string, { value: SqlValue; count: bigint; first: number }>();
  values.forEach((v, k) => {
    const key = keyOf(v);
    const e = counts.get(key);
    if (e) e.count += 1n;
    else counts.set(key, { value: v, count: 1n, first: k });
  });
  return [...counts.values()]
    .sort((a, b) => (a.count === b.count ? a.first - b.first : a.count > b.count ? -1 : 1))
    .slice(0, n)
    .map(({ value, count }) => ({ value, count }));
}

function topSum(
  items: Array<Record<string, SqlValue>>,
  n: number,
): Array<{ value: SqlValue; sum: SqlValue }> {
  const sums = new Map<string, { value: SqlValue; sum: number | bigint | null; first: number }>();
  items.forEach((it, k) => {
    const key = keyOf(it.value ?? null);
    const w = it.weight ?? null;
    const e = sums.get(key);
    if (!e) sums.set(key, { value: it.value ?? null, sum: w as number | bigint | null, first: k });
    else if (w !== null) e.sum = e.sum === null ? (w as number | bigint) : (e.sum as number) + (w as number);
  });
  const rank = (s: number | bigint | null) => (s === null ? Number.NEGATIVE_INFINITY : Number(s));
  return [...sums.values()]
    .sort((a, b) => (rank(a.sum) === rank(b.sum) ? a.first - b.first : rank(b.sum) - rank(a.sum)))
    .slice(0, n)
    .map(({ value, sum }) => ({ value, sum }));
}

function digest(algorithm: string, a: SqlArg | undefined): Uint8Array {
  const input =
    a!.type.typeId === TypeId.BLOB
      ? Buffer.from(a!.value as Uint8Array)
      : Buffer.from(a!.value as string, 'utf8');
  return new Uint8Array(createHash(algorithm).update(input).digest());
}

/**
 * The list-finishing aggregates and the hash functions.
 *
 * @internal
 */
export const aggregateFunctions: ScalarSpec[] = [
  stat('bq_var_pop', 1, (xs) => squares(xs) / xs.length),
  stat('bq_var_samp', 2, (xs) => squares(xs) / (xs.length - 1)),
  stat('bq_stddev_pop', 1, (xs) => Math.sqrt(squares(xs) / xs.length)),
  stat('bq_stddev_samp', 2, (xs) => Math.sqrt(squares(xs) / (xs.length - 1))),
  pairStat('bq_covar_pop', 1, (ps) => comoment(ps) / ps.length),
  pairStat('bq_covar_samp', 2, (ps) => comoment(ps) / (ps.length - 1)),
  pairStat('bq_corr', 2, (ps) => {
    const c = comoment(ps);
    return c / Math.sqrt(squares(ps.map((p) => p[0])) * squares(ps.map((p) => p[1])));
  }),
  {
    name: 'bq_percentile_cont',
    params: [LIST_D, D, (d) => d.BOOLEAN],
    returns: D,
    fn: ([l, p, respect]) => {
      const q = p!.value as number;
      if (!(q >= 0 && q <= 1))
        throw new SqlFunctionError('PERCENTILE_CONT percentile must be between 0 and 1');
      const all = l!.value as Array<number | null>;
      const vals = respect!.value
        ? [
            ...all.filter((v) => v === null),
            ...all.filter((v): v is number => v !== null).sort((a, b) => a - b),
          ]
        : all.filter((v): v is number => v !== null).sort((a, b) => a - b);
      if (vals.length === 0) return null;
      const pos = q * (vals.length - 1);
      const lo = vals[Math.floor(pos)] ?? null;
      const hi = vals[Math.ceil(pos)] ?? null;
      const frac = pos - Math.floor(pos);
      if (frac === 0) return lo;
      if (lo === null || hi === null) return lo ?? hi;
      return lo + (hi - lo) * frac;
    },
  },
  ...VALUE_TYPES.map(
    ([, t]): ScalarSpec => ({
      name: 'bq_top_count',
      params: [(d) => d.LIST(t(d)), (d) => d.BIGINT],
      returns: (d) => d.LIST(d.STRUCT({ value: t(d), count: d.BIGINT })),
      fn: ([l, n]) => topCount(l!.value as SqlValue[], Number(n!.value as bigint)),
    }),
  ),
  ...VALUE_TYPES.flatMap(([, t]) =>
    [(d: DuckModule) => d.BIGINT, (d: DuckModule) => d.DOUBLE].map(
      (w): ScalarSpec => ({
        name: 'bq_top_sum',
        params: [(d) => d.LIST(d.STRUCT({ value: t(d), weight: w(d) })), (d) => d.BIGINT],
        returns: (d) => d.LIST(d.STRUCT({ value: t(d), sum: w(d) })),
        fn: ([l, n]) => topSum(l!.value as Array<Record<string, SqlValue>>, Number(n!.value as bigint)),
      }),
    ),
  ),
  ...(
    [
      ['bq_md5', 'md5'],
      ['bq_sha1', 'sha1'],
      ['bq_sha256', 'sha256'],
      ['bq_sha512', 'sha512'],
    ] as const
  ).flatMap(([name, algorithm]) =>
    [(d: DuckModule) => d.VARCHAR, (d: DuckModule) => d.BLOB].map(
      (t): ScalarSpec => ({ name, params: [t], returns: (d) => d.BLOB, fn: ([a]) => digest(algorithm, a) }),
    ),
  ),
];
