/**
 * Query parameters: binding a request's BigQuery-typed parameters to the `$name` / `$__posN`
 * placeholders of a translated statement, and inferring parameters from plain values.
 * @module
 */
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { StandInHttpError } from '../http-errors.js';
import type { TranslatedStatement } from '../translate/types.js';
import {
  type DuckModule,
  paramDuckType,
  paramDuckValue,
  type QueryParameter,
  type QueryParameterType,
} from '../values.js';
import type { QueryRequest } from './types.js';

/**
 * DuckDB values and types for the parameters a statement uses, in BigQuery's parameter modes.
 *
 * @internal
 */
export function bindParameters(
  duck: DuckModule,
  stmt: TranslatedStatement,
  req: QueryRequest,
): {
  values: Record<string, DuckDBValue>;
  types: Record<string, DuckDBType>;
  declared: Record<string, QueryParameterType>;
} {
  // Without a prototype: a parameter named `__proto__` is a key like any other, not a prototype.
  const values: Record<string, DuckDBValue> = Object.create(null);
  const types: Record<string, DuckDBType> = Object.create(null);
  const declared: Record<string, QueryParameterType> = Object.create(null);
  const params = req.queryParameters ?? [];
  const positional = (req.parameterMode ?? '').toUpperCase() === 'POSITIONAL';
  if (stmt.positionalCount > 0) {
    if (!positional && params.some((p) => p.name)) {
      throw new StandInHttpError(
        400,
        'invalidQuery',
        'Positional parameters are not allowed in named parameter mode',
      );
    }
    for (let i = 0; i < stmt.positionalCount; i++) {
      const p = params[i];
      if (!p)
        throw new StandInHttpError(
          400,
          'invalidQuery',
          `No parameter found for positional parameter ${i + 1}`,
        );
      const name = `__pos${i + 1}`;
      types[name] = paramDuckType(duck, p.parameterType);
      values[name] = paramDuckValue(duck, p.parameterType, p.parameterValue, `positional parameter ${i + 1}`);
      declared[name] = p.parameterType;
    }
  }
  for (const name of stmt.namedParameters) {
    const p = params.find((q) => q.name?.toLowerCase() === name.toLowerCase());
    if (!p) throw new StandInHttpError(400, 'invalidQuery', `Query parameter '${name}' not found`);
    types[name] = paramDuckType(duck, p.parameterType);
    values[name] = paramDuckValue(duck, p.parameterType, p.parameterValue, name);
    declared[name] = p.parameterType;
  }
  return { values, types, declared };
}

/** A DuckDB string or quoted identifier (skipped), or a `$name` placeholder (group 1). */
const PLACEHOLDER = /'(?:[^']|'')*'|"(?:[^"]|"")*"|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * The statement with the placeholder of each parameter whose bound value does not carry its
 * declared type cast to that type, as BigQuery types a parameter by its declaration: a NULL (DuckDB
 * binds an untyped NULL, and `SELECT @n` came back INTEGER whatever `@n` was declared) and a JSON
 * value (bound as text: `SELECT @j` came back STRING, where BigQuery answers a JSON column).
 *
 * @internal
 */
export function castToDeclaredTypes(
  sql: string,
  values: Readonly<Record<string, DuckDBValue>>,
  types: Readonly<Record<string, DuckDBType>>,
  declared: Readonly<Record<string, QueryParameterType>>,
): string {
  const castTypeOf = (name: string): string | undefined => {
    const type = declared[name];
    if (type === undefined) return undefined;
    if (type.type.toUpperCase() === 'JSON') return 'JSON';
    return values[name] === null ? String(types[name]) : undefined;
  };
  return sql.replace(PLACEHOLDER, (whole, name: string | undefined) => {
    const cast = name === undefined ? undefined : castTypeOf(name);
    return cast === undefined ? whole : `CAST(${whole} AS ${cast})`;
  });
}

/**
 * BigQuery parameters for plain JavaScript values (for `Engine.run`).
 *
 * @internal
 */
export function inferParameters(params: Record<string, unknown>): QueryParameter[] {
  const typeOf = (v: unknown): QueryParameter['parameterType'] => {
    if (typeof v === 'boolean') return { type: 'BOOL' };
    if (typeof v === 'bigint') return { type: 'INT64' };
    if (typeof v === 'number') return { type: Number.isInteger(v) ? 'INT64' : 'FLOAT64' };
    if (v instanceof Date) return { type: 'TIMESTAMP' };
    if (Array.isArray(v)) return { type: 'ARRAY', arrayType: v.length ? typeOf(v[0]) : { type: 'STRING' } };
    return { type: 'STRING' };
  };
  const paramValueOf = (v: unknown): QueryParameter['parameterValue'] => {
    if (Array.isArray(v)) return { arrayValues: v.map(paramValueOf) as never };
    if (v instanceof Date) return { value: v.toISOString() };
    if (v === null || v === undefined) return { value: null };
    return { value: String(v) };
  };
  return Object.entries(params).map(([name, v]) => ({
    name,
    parameterType: typeOf(v),
    parameterValue: paramValueOf(v),
  }));
}
