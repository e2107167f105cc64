/**
 * Scalar functions written in JavaScript and registered in DuckDB: where a GoogleSQL function has no
 * DuckDB twin with the same semantics, the stand-in implements it here, row by row, from BigQuery's
 * documented behavior. Arguments arrive as `SqlValue`s tagged with their DuckDB type, so one
 * function can behave as BigQuery does for STRING and for BYTES.
 * @module
 */
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { messageOf } from '../../../../shared/message-of.js';
import type { DuckModule } from '../../values.js';

/** DuckDB type ids used here (stable in the C API). */
export const TypeId = {
  BOOLEAN: 1,
  TINYINT: 2,
  SMALLINT: 3,
  INTEGER: 4,
  BIGINT: 5,
  FLOAT: 10,
  DOUBLE: 11,
  TIMESTAMP: 12,
  DATE: 13,
  TIME: 14,
  INTERVAL: 15,
  HUGEINT: 16,
  VARCHAR: 17,
  BLOB: 18,
  DECIMAL: 19,
  LIST: 24,
  STRUCT: 25,
  ARRAY: 33,
  TIMESTAMP_TZ: 31,
  SQLNULL: 36,
} as const;

/**
 * A value handed to a JavaScript function: integers as `bigint`, floats as `number`, strings, bytes as
 * `Uint8Array`, booleans, lists as arrays, structs as objects, and DuckDB's own value objects for
 * dates, times, timestamps, intervals and decimals.
 *
 * @internal
 */
export type SqlValue =
  | null
  | bigint
  | number
  | string
  | boolean
  | Uint8Array
  | SqlValue[]
  | { [field: string]: SqlValue }
  | DuckDBValue;

/** An argument: its value and its DuckDB type. */
export interface SqlArg {
  value: SqlValue;
  type: DuckDBType;
}

/**
 * A GoogleSQL error raised by a JavaScript function; DuckDB reports its message and the stand-in
 * answers it as BigQuery's 400 `invalidQuery`.
 *
 * @internal
 */
export class SqlFunctionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlFunctionError';
  }
}

/**
 * One JavaScript scalar function. `params` are DuckDB types (`'any'` for one argument of any type);
 * `varargs` takes any number of further arguments. Unless `nulls` is `'handle'`, a NULL argument
 * makes the result NULL without calling `fn`.
 *
 * @internal
 */
export interface ScalarSpec {
  name: string;
  params: Array<'any' | ((duck: DuckModule) => DuckDBType)>;
  varargs?: 'any' | ((duck: DuckModule) => DuckDBType);
  returns: (duck: DuckModule) => DuckDBType;
  nulls?: 'propagate' | 'handle';
  /** Volatile functions (random, current time) are evaluated per row and never folded. */
  volatile?: boolean;
  fn: (args: SqlArg[]) => SqlValue | undefined;
}

/**
 * A DuckDB value (as `getItem` returns it) as a `SqlValue`.
 *
 * @internal
 */
export function toSqlValue(duck: DuckModule, type: DuckDBType, value: DuckDBValue): SqlValue {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case TypeId.TINYINT:
    case TypeId.SMALLINT:
    case TypeId.INTEGER:
    case TypeId.BIGINT:
    case TypeId.HUGEINT:
      return BigInt(value as number | bigint);
    case TypeId.BLOB:
      return (value as { bytes: Uint8Array }).bytes;
    case TypeId.LIST:
    case TypeId.ARRAY: {
      const inner = (type as unknown as { valueType: DuckDBType }).valueType;
      return (value as { items: DuckDBValue[] }).items.map((v) => toSqlValue(duck, inner, v));
    }
    case TypeId.STRUCT: {
      const t = type as unknown as { entryNames: string[]; entryTypes: DuckDBType[] };
      const entries = (value as { entries: Record<string, DuckDBValue> }).entries;
      const out: Record<string, SqlValue> = {};
      t.entryNames.forEach((n, i) => {
        out[n] = toSqlValue(duck, t.entryTypes[i]!, entries[n] ?? null);
      });
      return out;
    }
    default:
      return value as SqlValue;
  }
}

/** A JavaScript result as the DuckDB value of the declared return type. */
function toDuckValue(duck: DuckModule, type: DuckDBType, value: SqlValue | undefined): DuckDBValue {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case TypeId.BIGINT:
    case TypeId.HUGEINT:
      return typeof value === 'bigint' ? value : BigInt(value as number);
    case TypeId.INTEGER:
      return Number(value);
    case TypeId.DOUBLE:
      return Number(value);
    case TypeId.BOOLEAN:
      return Boolean(value);
    case TypeId.VARCHAR:
      return String(value);
    case TypeId.BLOB:
      return duck.blobValue(value as Uint8Array);
    // Temporal results may be written as plain numbers: days for DATE, microseconds otherwise.
    case TypeId.DATE:
      return typeof value === 'number' ? duck.dateValue(value) : (value as DuckDBValue);
    case TypeId.TIMESTAMP:
      return typeof value === 'bigint' ? new duck.DuckDBTimestampValue(value) : (value as DuckDBValue);
    case TypeId.TIMESTAMP_TZ:
      return typeof value === 'bigint' ? new duck.DuckDBTimestampTZValue(value) : (value as DuckDBValue);
    case TypeId.TIME:
      return typeof value === 'bigint' ? duck.timeValue(value) : (value as DuckDBValue);
    case TypeId.DECIMAL: {
      const t = type as unknown as { width: number; scale: number };
      const d = value as { value: bigint; scale: number };
      const shift = t.scale - d.scale;
      const scaled = shift >= 0 ? d.value * 10n ** BigInt(shift) : d.value / 10n ** BigInt(-shift);
      return duck.decimalValue(scaled, t.width, t.scale);
    }
    case TypeId.LIST: {
      const inner = (type as unknown as { valueType: DuckDBType }).valueType;
      return duck.listValue((value as SqlValue[]).map((v) => toDuckValue(duck, inner, v)));
    }
    case TypeId.STRUCT: {
      const t = type as unknown as { entryNames: string[]; entryTypes: DuckDBType[] };
      const obj = value as Record<string, SqlValue>;
      const entries: Record<string, DuckDBValue> = {};
      t.entryNames.forEach((n, i) => {
        entries[n] = toDuckValue(duck, t.entryTypes[i]!, obj[n] ?? null);
      });
      return duck.structValue(entries);
    }
    default:
      return value as DuckDBValue;
  }
}

/**
 * Registers one JavaScript scalar function on a connection. Registering the same name with other
 * parameter types adds an overload, and DuckDB picks the one that fits the arguments.
 *
 * @internal
 */
export function registerScalar(conn: DuckDBConnection, duck: DuckModule, spec: ScalarSpec): void {
  const typeOf = (t: 'any' | ((d: DuckModule) => DuckDBType)) => (t === 'any' ? duck.ANY : t(duck));
  const returnType = spec.returns(duck);
  const handleNulls = spec.nulls === 'handle';
  const fn = duck.DuckDBScalarFunction.create({
    name: spec.name,
    returnType,
    parameterTypes: spec.params.map(typeOf),
    ...(spec.varargs ? { varArgsType: typeOf(spec.varargs) } : {}),
    ...(handleNulls ? { specialHandling: true } : {}),
    ...(spec.volatile ? { volatile: true } : {}),
    mainFunction: (info, input, output) => {
      try {
        let columns: ReturnType<typeof input.getColumnVector>[];
        try {
          columns = Array.from({ length: input.columnCount }, (_, k) => input.getColumnVector(k));
        } catch {
          // DuckDB's untyped NULL inside a list (`[]`, `[NULL]`) has no vector the API can read.
          throw new SqlFunctionError(
            `Unsupported by the BigQuery stand-in: an untyped [] or NULL argument of ${spec.name}`,
          );
        }
        for (let row = 0; row < input.rowCount; row++) {
          const args: SqlArg[] = columns.map((v) => ({
            type: v.type,
            value: toSqlValue(duck, v.type, v.getItem(row)),
          }));
          if (!handleNulls && args.some((a) => a.value === null)) {
            output.setItem(row, null);
            continue;
          }
          output.setItem(row, toDuckValue(duck, returnType, spec.fn(args)));
        }
        output.flush();
      } catch (err) {
        info.setError(messageOf(err));
      }
    },
  });
  conn.registerScalarFunction(fn);
}
