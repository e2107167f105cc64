/**
 * What BigQuery enforces on rows written by DML that DuckDB does not: type parameters (`STRING(L)`,
 * `BYTES(L)`, `NUMERIC(P, S)`, `BIGNUMERIC(P, S)`), REQUIRED fields inside STRUCTs and NULL elements
 * in ARRAYs. Checked after the statement ran inside its transaction, so a violating statement is
 * rolled back whole and answers BigQuery's 400, as BigQuery fails the job and applies nothing.
 * (insertAll, load jobs and Storage Write check each row in `checkRow` before anything is stored.)
 * @module
 */
import { StandInHttpError } from '../http-errors.js';
import { type BigQueryField, legacyTypeName } from '../schema.js';
import { duckTableName, quoteIdent } from '../translate/duck-text.js';
import {
  outOfRangeMessage,
  parameterizedTypeName,
  tooLongMessage,
  typeParameters,
} from '../type-parameters.js';
import type { EngineContext, TableMeta } from './types.js';

/** Integer and fractional digits the stand-in stores for each decimal type (DECIMAL(38, 9) / (38, 18)). */
const STORED = { NUMERIC: { integer: 29, scale: 9 }, BIGNUMERIC: { integer: 20, scale: 18 } } as const;

/** One check: a condition on a row of the table and the message (SQL text) of the error it raises. */
interface Check {
  condition: string;
  message: string;
  /** The message without the value, for checks inside an ARRAY (whose element is out of scope). */
  staticMessage: string;
}

function sqlText(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A DuckDB DECIMAL as GoogleSQL writes it: no trailing fractional zeros. */
function decimalText(expr: string): string {
  const text = `CAST(${expr} AS VARCHAR)`;
  return `CASE WHEN contains(${text}, '.') THEN rtrim(rtrim(${text}, '0'), '.') ELSE ${text} END`;
}

/** A message with the SQL value `expr` where `build` put its argument, as a SQL string expression. */
function sqlMessage(build: (value: string) => string, expr: string): string {
  const [before = '', after = ''] = build('\u0000').split('\u0000');
  return `${sqlText(before)} || (${expr}) || ${sqlText(after)}`;
}

/**
 * Whether DML on a table with this schema needs the checks of this module: a parameterized field, a
 * REPEATED field (NULL elements) or a REQUIRED field inside a STRUCT, at any depth.
 *
 * @internal
 */
export function needsWriteChecks(fields: readonly BigQueryField[]): boolean {
  return fields.some(
    (f) =>
      typeParameters(f) !== undefined ||
      f.mode === 'REPEATED' ||
      (f.fields ?? []).some((inner) => inner.mode === 'REQUIRED') ||
      needsWriteChecks(f.fields ?? []),
  );
}

/** The checks of one value `expr` of `field` (its mode included); `depth` names lambda variables. */
function checksOf(
  expr: string,
  field: BigQueryField,
  path: string,
  depth: number,
  topLevel: boolean,
): Check[] {
  if (field.mode === 'REPEATED') {
    const item = `bq_item_${depth}`;
    const inner = checksOf(item, { ...field, mode: 'NULLABLE' }, path, depth + 1, false);
    return [
      {
        condition: `len(list_filter(${expr}, ${item} -> ${item} IS NULL)) > 0`,
        message: sqlText(`Array cannot have a null element; error in writing field ${path}`),
        staticMessage: sqlText(`Array cannot have a null element; error in writing field ${path}`),
      },
      ...inner.map((c) => ({
        condition: `len(list_filter(${expr}, ${item} -> ${c.condition})) > 0`,
        message: c.staticMessage,
        staticMessage: c.staticMessage,
      })),
    ];
  }
  const type = legacyTypeName(field.type);
  if (type === 'RECORD') {
    return (field.fields ?? []).flatMap((f) => {
      const member = `struct_extract(${expr}, ${sqlText(f.name)})`;
      const required: Check[] =
        f.mode === 'REQUIRED'
          ? [
              {
                condition: `(${expr} IS NOT NULL AND ${member} IS NULL)`,
                message: sqlText(`Required field ${path}.${f.name} cannot be null`),
                staticMessage: sqlText(`Required field ${path}.${f.name} cannot be null`),
              },
            ]
          : [];
      return [...required, ...checksOf(member, f, `${path}.${f.name}`, depth, false)];
    });
  }
  const params = typeParameters(field);
  if (!params || !type) return [];
  const typeName = parameterizedTypeName(type, params);
  if (params.maxLength !== undefined) {
    const length = type === 'BYTES' ? `octet_length(${expr})` : `length(${expr})`;
    return [
      {
        condition: `${length} > ${params.maxLength}`,
        message: sqlMessage(
          (v) => tooLongMessage(path, typeName, params.maxLength!, v),
          `CAST(${length} AS VARCHAR)`,
        ),
        staticMessage: sqlText(
          tooLongMessage(path, typeName, params.maxLength, `more than ${params.maxLength}`),
        ),
      },
    ];
  }
  const stored = STORED[type as 'NUMERIC' | 'BIGNUMERIC'];
  if (!stored || params.precision === undefined) return [];
  const scale = params.scale ?? 0;
  const integerDigits = params.precision - scale;
  const checks: Check[] = [];
  // Top-level columns are rounded after the checks pass; values inside STRUCTs and ARRAYs are not.
  if (!topLevel && scale < stored.scale) {
    const message = sqlText(
      `Unsupported by the BigQuery stand-in: rounding a ${typeName} value written by DML inside a STRUCT or ARRAY (field ${path})`,
    );
    checks.push({ condition: `${expr} <> round(${expr}, ${scale})`, message, staticMessage: message });
  }
  if (integerDigits < stored.integer) {
    checks.push({
      condition: `abs(round(${expr}, ${scale})) >= CAST('1${'0'.repeat(integerDigits)}' AS DECIMAL(38, 0))`,
      message: sqlMessage((v) => outOfRangeMessage(path, typeName, v), decimalText(expr)),
      staticMessage: sqlText(outOfRangeMessage(path, typeName)),
    });
  }
  return checks;
}

/** The top-level NUMERIC(P, S) / BIGNUMERIC(P, S) columns DML must round, with their scale. */
function roundedColumns(
  meta: TableMeta,
): Array<{ field: BigQueryField; scale: number; storedScale: number }> {
  return meta.schema.flatMap((field) => {
    const stored = STORED[legacyTypeName(field.type) as 'NUMERIC' | 'BIGNUMERIC'];
    const params = typeParameters(field);
    if (!stored || field.mode === 'REPEATED' || params?.precision === undefined) return [];
    const scale = params.scale ?? 0;
    return scale < stored.scale ? [{ field, scale, storedScale: stored.scale }] : [];
  });
}

/**
 * Refuses a tie (a value exactly halfway between two of S digits) in a ROUND_HALF_EVEN column:
 * DuckDB's round is half away from zero, so such a value would be stored rounded the wrong way.
 */
async function refuseHalfEvenTies(ctx: EngineContext, meta: TableMeta): Promise<void> {
  for (const { field, scale, storedScale } of roundedColumns(meta)) {
    if (typeParameters(field)?.roundingMode !== 'ROUND_HALF_EVEN') continue;
    const column = quoteIdent(field.name);
    const half = `CAST('0.${'0'.repeat(scale)}5' AS DECIMAL(38, ${storedScale}))`;
    const tie = await ctx.conn.runAndReadAll(
      `SELECT 1 FROM ${duckTableName(meta)} WHERE abs(${column} - round(${column}, ${scale})) = ${half} LIMIT 1`,
    );
    if (tie.getRows().length) {
      throw new StandInHttpError(
        400,
        'invalidQuery',
        `Unsupported by the BigQuery stand-in: ROUND_HALF_EVEN rounding of a tie written by DML (field ${field.name})`,
      );
    }
  }
}

/**
 * Applies BigQuery's write rules to a table after a DML statement changed it (the caller holds the
 * engine's queue and an open transaction): throws the 400 BigQuery answers for the first violation
 * found, else rounds parameterized decimal columns to their scale.
 *
 * @internal
 */
export async function enforceWriteConstraints(ctx: EngineContext, meta: TableMeta): Promise<void> {
  await refuseHalfEvenTies(ctx, meta);
  const checks = meta.schema.flatMap((f) => checksOf(quoteIdent(f.name), f, f.name, 0, true));
  if (checks.length) {
    const reader = await ctx.conn.runAndReadAll(
      `SELECT CASE ${checks.map((c) => `WHEN ${c.condition} THEN ${c.message}`).join(' ')} END
       FROM ${duckTableName(meta)} WHERE ${checks.map((c) => `(${c.condition})`).join(' OR ')} LIMIT 1`,
    );
    const row = reader.getRows()[0];
    if (row) throw new StandInHttpError(400, 'invalidQuery', String(row[0]));
  }
  for (const { field, scale } of roundedColumns(meta)) {
    const column = quoteIdent(field.name);
    await ctx.conn.run(
      `UPDATE ${duckTableName(meta)} SET ${column} = round(${column}, ${scale}) WHERE ${column} <> round(${column}, ${scale})`,
    );
  }
}
