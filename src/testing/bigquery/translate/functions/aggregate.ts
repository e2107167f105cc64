/**
 * Aggregate, statistical, approximate, navigation and numbering functions, with GoogleSQL's
 * modifiers inside the call (`DISTINCT`, `IGNORE NULLS`, `WHERE`, `HAVING MAX|MIN`, `ORDER BY`,
 * `LIMIT`) mapped onto DuckDB's (`FILTER (WHERE …)`, `ORDER BY` inside the aggregate, list slices).
 * Functions whose DuckDB twin computes something else (variance of infinities, discrete percentiles,
 * top-k counts) aggregate into a list and finish in the stand-in's JavaScript library, keeping any
 * `OVER` clause on the list.
 * @module
 */
import type { TokenRange } from '../cursor.js';
import { upper } from '../cursor.js';
import type { Call, FunctionEntry, FunctionTable } from './call.js';

/** The parts of an aggregate call. */
interface AggregateCall {
  distinct: boolean;
  /** The arguments before any modifier (text). */
  args: string[];
  ignoreNulls?: boolean;
  respectNulls?: boolean;
  where?: string;
  having?: { kind: 'MAX' | 'MIN'; key: string };
  orderBy?: string;
  limit?: string;
}

const MODIFIERS = new Set(['IGNORE', 'RESPECT', 'WHERE', 'HAVING', 'ORDER', 'LIMIT']);

/** Splits the call's parentheses into arguments and modifiers. */
function parseAggregate(c: Call): AggregateCall {
  const { tr } = c;
  const open = tr.next(c.at);
  let start = tr.next(open);
  let distinct = false;
  if (upper(tr.t[start]) === 'DISTINCT') {
    distinct = true;
    start = tr.next(start);
  }
  // Positions of the top-level modifier keywords.
  const marks: Array<{ word: string; at: number }> = [];
  let depth = 0;
  for (let k = start; k < c.close; k = tr.next(k)) {
    if (tr.isOp(k, '(') || tr.isOp(k, '[')) depth++;
    else if (tr.isOp(k, ')') || tr.isOp(k, ']')) depth--;
    else if (depth === 0 && MODIFIERS.has(upper(tr.t[k]))) {
      const w = upper(tr.t[k]);
      if ((w === 'IGNORE' || w === 'RESPECT') && tr.upperNext(k) !== 'NULLS') continue;
      if (w === 'ORDER' && tr.upperNext(k) !== 'BY') continue;
      marks.push({ word: w, at: k });
    }
  }
  const argsEnd = marks[0]?.at ?? c.close;
  const ranges: TokenRange[] = start < argsEnd ? tr.splitArgs(start, argsEnd) : [];
  const out: AggregateCall = { distinct, args: ranges.map(([s, e]) => tr.emit(s, e).trim()) };
  marks.forEach((m, k) => {
    const end = marks[k + 1]?.at ?? c.close;
    switch (m.word) {
      case 'IGNORE':
        out.ignoreNulls = true;
        break;
      case 'RESPECT':
        out.respectNulls = true;
        break;
      case 'WHERE':
        out.where = tr.emit(tr.next(m.at), end).trim();
        break;
      case 'HAVING': {
        const kind = tr.upperNext(m.at);
        if (kind !== 'MAX' && kind !== 'MIN')
          c.fail('HAVING in an aggregate must be HAVING MAX or HAVING MIN');
        out.having = { kind, key: tr.emit(tr.next(tr.next(m.at)), end).trim() };
        break;
      }
      case 'ORDER':
        out.orderBy = tr.emit(tr.next(tr.next(m.at)), end).trim();
        break;
      case 'LIMIT':
        out.limit = tr.emit(tr.next(m.at), end).trim();
        break;
    }
  });
  return out;
}

/** `FILTER (WHERE …)` for a WHERE modifier and/or IGNORE NULLS on `value`. */
function filterOf(a: AggregateCall, value: string | undefined, ignoreNulls: boolean): string {
  const conds = [a.where ? `(${a.where})` : '', ignoreNulls && value ? `(${value}) IS NOT NULL` : ''].filter(
    Boolean,
  );
  return conds.length ? ` FILTER (WHERE ${conds.join(' AND ')})` : '';
}

function refuse(c: Call, a: AggregateCall, allowed: Array<keyof AggregateCall>): void {
  for (const k of ['ignoreNulls', 'respectNulls', 'having', 'orderBy', 'limit'] as const) {
    if (a[k] !== undefined && !allowed.includes(k)) {
      const words: Record<string, string> = {
        ignoreNulls: 'IGNORE NULLS',
        respectNulls: 'RESPECT NULLS',
        having: 'HAVING MAX/MIN',
        orderBy: 'ORDER BY',
        limit: 'LIMIT',
      };
      c.unsupported(`${words[k]} in ${c.name}`);
    }
  }
}

/** A plain aggregate with a DuckDB twin: DISTINCT and WHERE carry over. */
function simple(duckFn: string, arity: number, wrap: (x: string) => string = (x) => x): FunctionEntry {
  return {
    rewrite: (c) => {
      const a = parseAggregate(c);
      refuse(c, a, []);
      if (a.args.length !== arity) c.fail(`${c.name} expects ${arity} argument${arity === 1 ? '' : 's'}`);
      return `${duckFn}(${a.distinct ? 'DISTINCT ' : ''}${a.args.map(wrap).join(', ')})${filterOf(a, undefined, false)}`;
    },
  };
}

function orderClause(a: AggregateCall): string {
  return a.orderBy ? ` ORDER BY ${a.orderBy}` : '';
}

function limited(list: string, a: AggregateCall): string {
  return a.limit ? `list_slice(${list}, 1, ${a.limit})` : list;
}

/** An aggregate computed by the library from the list of its values (`fn(list(x) [OVER …])`). */
function fromList(fn: string, arity: number, extra: (a: AggregateCall) => string = () => ''): FunctionEntry {
  return {
    rewrite: (c) => {
      const a = parseAggregate(c);
      refuse(c, a, []);
      if (a.args.length !== arity) c.fail(`${c.name} expects ${arity} argument${arity === 1 ? '' : 's'}`);
      const value =
        arity === 1 ? a.args[0]! : `struct_pack(${a.args.map((x, k) => `"v${k}" := ${x}`).join(', ')})`;
      const over = c.over();
      const list = `list(${a.distinct ? 'DISTINCT ' : ''}${value})${filterOf(a, undefined, false)}${over?.text ?? ''}`;
      return { text: `${fn}(${list}${extra(a)})`, next: over?.next ?? c.close + 1 };
    },
  };
}

/** PERCENTILE_CONT / PERCENTILE_DISC(x, p [RESPECT|IGNORE NULLS]) OVER (…). */
function percentile(fn: string): FunctionEntry {
  return {
    rewrite: (c) => {
      const a = parseAggregate(c);
      refuse(c, a, ['ignoreNulls', 'respectNulls']);
      if (a.args.length !== 2) c.fail(`${c.name} expects 2 arguments`);
      const over = c.over() ?? c.fail(`${c.name} must be used with an OVER clause`);
      return {
        text: `${fn}(list(${a.args[0]})${over.text}, ${a.args[1]}, ${a.respectNulls ? 'true' : 'false'})`,
        next: over.next,
      };
    },
  };
}

/**
 * The aggregate and analytic functions.
 *
 * @internal
 */
export const AGGREGATE_FUNCTIONS: FunctionTable = {
  ANY_VALUE: {
    rewrite: (c) => {
      const a = parseAggregate(c);
      refuse(c, a, ['having']);
      if (a.having) {
        const fn = a.having.kind === 'MAX' ? 'arg_max' : 'arg_min';
        return `${fn}(${a.args[0]}, ${a.having.key})${filterOf(a, undefined, false)}`;
      }
      return `any_value(${a.args[0]})${filterOf(a, undefined, false)}`;
    },
  },
  ARRAY_AGG: {
    rewrite: (c) => {
      const a = parseAggregate(c);
      refuse(c, a, ['ignoreNulls', 'respectNulls', 'orderBy', 'limit']);
      if (a.args.length !== 1) c.fail('ARRAY_AGG expects 1 argument');
      const agg = `array_agg(${a.distinct ? 'DISTINCT ' : ''}${a.args[0]}${orderClause(a)})${filterOf(a, a.args[0], a.ignoreNulls === true)}`;
      return limited(agg, a);
    },
  },
  ARRAY_CONCAT_AGG: {
    rewrite: (c) => {
      const a = parseAggregate(c);
      refuse(c, a, ['orderBy', 'limit']);
      const agg = `list(${a.args[0]}${orderClause(a)})${filterOf(a, a.args[0], true)}`;
      return `flatten(${limited(agg, a)})`;
    },
  },
  STRING_AGG: {
    rewrite: (c) => {
      const a = parseAggregate(c);
      refuse(c, a, ['orderBy', 'limit']);
      if (a.args.length < 1 || a.args.length > 2) c.fail('STRING_AGG expects 1 or 2 arguments');
      const sep = a.args[1] ?? "','";
      if (!a.limit) {
        return `string_agg(${a.distinct ? 'DISTINCT ' : ''}${a.args[0]}, ${sep}${orderClause(a)})${filterOf(a, undefined, false)}`;
      }
      const list = `list(${a.distinct ? 'DISTINCT ' : ''}${a.args[0]}${orderClause(a)})${filterOf(a, a.args[0], true)}`;
      return `bq_join(${limited(list, a)}, ${sep})`;
    },
  },
  AVG: simple('avg', 1, (x) => `bq_not_decimal(${x}, 'AVG')`),
  BIT_AND: simple('bit_and', 1),
  BIT_OR: simple('bit_or', 1),
  BIT_XOR: simple('bit_xor', 1),
  COUNT: {
    rewrite: (c) => {
      const a = parseAggregate(c);
      refuse(c, a, []);
      return `count(${a.distinct ? 'DISTINCT ' : ''}${a.args.join(', ')})${filterOf(a, undefined, false)}`;
    },
  },
  COUNTIF: {
    rewrite: (c) => {
      const a = parseAggregate(c);
      refuse(c, a, []);
      if (a.args.length !== 1) c.fail('COUNTIF expects 1 argument');
      return `count(${a.distinct ? 'DISTINCT ' : ''}CASE WHEN ${a.args[0]} THEN 1 END)${filterOf(a, undefined, false)}`;
    },
  },
  LOGICAL_AND: simple('bool_and', 1),
  LOGICAL_OR: simple('bool_or', 1),
  MAX: simple('max', 1),
  MIN: simple('min', 1),
  SUM: simple('sum', 1),
  GROUPING: simple('grouping', 1),
  CORR: fromList('bq_corr', 2),
  COVAR_POP: fromList('bq_covar_pop', 2),
  COVAR_SAMP: fromList('bq_covar_samp', 2),
  STDDEV: fromList('bq_stddev_samp', 1),
  STDDEV_SAMP: fromList('bq_stddev_samp', 1),
  STDDEV_POP: fromList('bq_stddev_pop', 1),
  VARIANCE: fromList('bq_var_samp', 1),
  VAR_SAMP: fromList('bq_var_samp', 1),
  VAR_POP: fromList('bq_var_pop', 1),
  APPROX_COUNT_DISTINCT: simple('count', 1, (x) => `DISTINCT ${x}`),
  APPROX_QUANTILES: {
    rewrite: (c) => {
      const a = parseAggregate(c);
      refuse(c, a, ['ignoreNulls', 'respectNulls']);
      if (a.args.length !== 2) c.fail('APPROX_QUANTILES expects 2 arguments');
      const [x, n] = a.args as [string, string];
      const list = `list(${a.distinct ? 'DISTINCT ' : ''}${x} ORDER BY ${x})${filterOf(a, x, !a.respectNulls)}`;
      return `bq_quantiles(${list}, ${n})`;
    },
  },
  APPROX_TOP_COUNT: {
    rewrite: (c) => {
      const a = parseAggregate(c);
      refuse(c, a, []);
      if (a.args.length !== 2) c.fail('APPROX_TOP_COUNT expects 2 arguments');
      return `bq_top_count(list(${a.args[0]})${filterOf(a, undefined, false)}, ${a.args[1]})`;
    },
  },
  APPROX_TOP_SUM: {
    rewrite: (c) => {
      const a = parseAggregate(c);
      refuse(c, a, []);
      if (a.args.length !== 3) c.fail('APPROX_TOP_SUM expects 3 arguments');
      return `bq_top_sum(list(struct_pack("value" := ${a.args[0]}, "weight" := ${a.args[1]}))${filterOf(a, undefined, false)}, ${a.args[2]})`;
    },
  },
  PERCENTILE_CONT: percentile('bq_percentile_cont'),
  PERCENTILE_DISC: percentile('bq_percentile_disc'),
  FIRST_VALUE: { rewrite: (c) => `first_value(${c.all()})` },
  LAST_VALUE: { rewrite: (c) => `last_value(${c.all()})` },
  NTH_VALUE: { rewrite: (c) => `nth_value(${c.all()})` },
  LEAD: { rewrite: (c) => `lead(${c.all()})` },
  LAG: { rewrite: (c) => `lag(${c.all()})` },
  ROW_NUMBER: { rewrite: () => 'row_number()' },
  RANK: { rewrite: () => 'rank()' },
  DENSE_RANK: { rewrite: () => 'dense_rank()' },
  PERCENT_RANK: { rewrite: () => 'percent_rank()' },
  CUME_DIST: { rewrite: () => 'cume_dist()' },
  NTILE: { rewrite: (c) => `ntile(${c.all()})` },
};
