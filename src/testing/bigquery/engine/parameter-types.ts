/**
 * Query parameters used where GoogleSQL would not accept their type. DuckDB converts a VARCHAR
 * parameter to BIGINT (or a TIMESTAMPTZ one to TIMESTAMP) wherever the context asks for it, so
 * `WHERE id = @id` with a STRING `@id` would match rows here while BigQuery refuses the query
 * ("No matching signature for operator ="). DuckDB infers the type each parameter's context expects
 * when a statement is prepared without parameter types; that type is compared with the declared
 * one under GoogleSQL's coercion rules for parameters.
 * @module
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { StandInHttpError } from '../http-errors.js';
import { fieldOfDuckType, legacyTypeName } from '../schema.js';
import type { QueryParameterType } from '../values.js';

const NUMERIC_TYPES = new Set(['INTEGER', 'FLOAT', 'NUMERIC', 'BIGNUMERIC']);
const CIVIL_TYPES = new Set(['DATE', 'DATETIME', 'TIMESTAMP', 'TIME']);

/** DuckDB type ids whose BigQuery type is certain (JSON and GEOGRAPHY are VARCHAR too: left out). */
const CERTAIN_TYPE_IDS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 18, 19, 31]);
const VARCHAR = 17;
const LIST = 24;

/** A parameter type's BigQuery name, as the errors write it (`INT64`, `ARRAY<STRING>`). */
function standardName(t: QueryParameterType): string {
  const type = t.type.toUpperCase();
  if (type === 'ARRAY') return `ARRAY<${t.arrayType ? standardName(t.arrayType) : '?'}>`;
  if (type === 'STRUCT') return 'STRUCT';
  return STANDARD_NAMES[legacyTypeName(type) ?? type] ?? type;
}

const STANDARD_NAMES: Record<string, string> = {
  INTEGER: 'INT64',
  FLOAT: 'FLOAT64',
  BOOLEAN: 'BOOL',
};

/**
 * Whether a value of the declared type is accepted where `expected` (a legacy BigQuery type name)
 * is wanted: the same type, any numeric type for another (INT64 → NUMERIC → FLOAT64 coercions and
 * comparisons across them), a STRING for a DATE / DATETIME / TIMESTAMP / TIME (parameter coercion),
 * a DATE for a DATETIME.
 */
function accepted(declared: string, expected: string): boolean {
  if (declared === expected) return true;
  if (NUMERIC_TYPES.has(declared) && NUMERIC_TYPES.has(expected)) return true;
  if (declared === 'STRING' && CIVIL_TYPES.has(expected)) return true;
  return declared === 'DATE' && expected === 'DATETIME';
}

/** The legacy BigQuery name DuckDB's inferred type stands for, or `undefined` when uncertain. */
function expectedType(typeId: number, type: Parameters<typeof fieldOfDuckType>[1]): string | undefined {
  if (typeId === VARCHAR) {
    const alias = (type as { alias?: string }).alias;
    return alias ? undefined : 'STRING';
  }
  if (!CERTAIN_TYPE_IDS.has(typeId)) return undefined;
  return fieldOfDuckType('p', type).type;
}

/**
 * Refuses (400 `invalidQuery`) a statement that uses a parameter where its declared type is not
 * accepted. Parameters whose expected type DuckDB cannot infer (a bare `SELECT @x`, one used twice)
 * are left alone.
 *
 * @internal
 */
export async function refuseParameterMismatches(
  conn: DuckDBConnection,
  sql: string,
  declared: Readonly<Record<string, QueryParameterType>>,
): Promise<void> {
  if (Object.keys(declared).length === 0) return;
  let prepared: Awaited<ReturnType<DuckDBConnection['prepare']>>;
  try {
    prepared = await conn.prepare(sql);
  } catch {
    return; // The statement's own error comes when it runs.
  }
  try {
    for (let i = 1; i <= prepared.parameterCount; i++) {
      const name = prepared.parameterName(i);
      const declaredType = declared[name];
      if (!declaredType) continue;
      let typeId: number;
      let type: ReturnType<typeof prepared.parameterType>;
      try {
        typeId = prepared.parameterTypeId(i);
        type = prepared.parameterType(i);
      } catch {
        continue; // DuckDB cannot tell what the context expects.
      }
      const mismatch = compare(declaredType, typeId, type);
      if (mismatch) {
        const label = name.startsWith('__pos')
          ? `positional parameter ${name.slice(5)}`
          : `parameter @${name}`;
        throw new StandInHttpError(
          400,
          'invalidQuery',
          `No matching signature: query ${label} has type ${standardName(declaredType)}, which GoogleSQL does not accept where ${mismatch} is expected`,
        );
      }
    }
  } finally {
    prepared.destroySync();
  }
}

/** The expected type's name when the declared one is not accepted there; `undefined` when it is. */
function compare(
  declared: QueryParameterType,
  typeId: number,
  type: Parameters<typeof fieldOfDuckType>[1],
): string | undefined {
  const declaredType = declared.type.toUpperCase();
  if (declaredType === 'STRUCT') return undefined;
  if (declaredType === 'ARRAY') {
    if (typeId !== LIST)
      return CERTAIN_TYPE_IDS.has(typeId) || typeId === VARCHAR ? nameOf(typeId, type) : undefined;
    const element = (type as { valueType?: Parameters<typeof fieldOfDuckType>[1] }).valueType;
    if (!element || !declared.arrayType) return undefined;
    const inner = compare(declared.arrayType, element.typeId as number, element);
    return inner ? `ARRAY<${inner}>` : undefined;
  }
  if (typeId === LIST) return nameOf(typeId, type);
  const expected = expectedType(typeId, type);
  if (!expected) return undefined;
  const legacy = legacyTypeName(declaredType);
  if (!legacy || accepted(legacy, expected)) return undefined;
  return STANDARD_NAMES[expected] ?? expected;
}

function nameOf(typeId: number, type: Parameters<typeof fieldOfDuckType>[1]): string {
  if (typeId === LIST) {
    const element = (type as { valueType?: Parameters<typeof fieldOfDuckType>[1] }).valueType;
    return `ARRAY<${element ? nameOf(element.typeId as number, element) : '?'}>`;
  }
  const expected = expectedType(typeId, type) ?? 'STRING';
  return STANDARD_NAMES[expected] ?? expected;
}
