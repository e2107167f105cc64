/**
 * BigQuery table schemas and their DuckDB counterparts.
 */
import type { DuckDBType } from '@duckdb/node-api';
import { normalizeTypeParameters } from './type-parameters.js';

/**
 * A BigQuery `TableFieldSchema` as the REST API carries it (`schema.fields[]`): what the stand-in
 * stores for a table and what {@link translateSql} reports for the columns of a `CREATE TABLE`.
 *
 * @example
 * ```ts
 * import { type BigQueryField, translateSql } from 'gcp-pipeline-resilience/testing';
 * const columnPaths = (fields: BigQueryField[], prefix = ''): string[] =>
 *   fields.flatMap((f) => [`${prefix}${f.name}`, ...columnPaths(f.fields ?? [], `${prefix}${f.name}.`)]);
 * const [stmt] = translateSql('CREATE TABLE ds.t (id INT64 NOT NULL, s STRUCT<a STRING>)', { projectId: 'p' });
 * columnPaths(stmt?.create?.columns ?? []); // ['id', 's', 's.a']
 * ```
 */
export interface BigQueryField {
  name: string;
  type: string;
  mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
  fields?: BigQueryField[];
  description?: string;
  [extra: string]: unknown;
}

const LEGACY_NAMES: Record<string, string> = {
  INT64: 'INTEGER',
  INTEGER: 'INTEGER',
  INT: 'INTEGER',
  FLOAT64: 'FLOAT',
  FLOAT: 'FLOAT',
  BOOL: 'BOOLEAN',
  BOOLEAN: 'BOOLEAN',
  STRING: 'STRING',
  BYTES: 'BYTES',
  NUMERIC: 'NUMERIC',
  DECIMAL: 'NUMERIC',
  BIGNUMERIC: 'BIGNUMERIC',
  BIGDECIMAL: 'BIGNUMERIC',
  TIMESTAMP: 'TIMESTAMP',
  DATE: 'DATE',
  DATETIME: 'DATETIME',
  TIME: 'TIME',
  JSON: 'JSON',
  GEOGRAPHY: 'GEOGRAPHY',
  // Declared through the REST API only (tables.insert), stored as DuckDB's INTERVAL: for tests of
  // writers that cannot write such a column (Storage Write); its values are not converted.
  INTERVAL: 'INTERVAL',
  RECORD: 'RECORD',
  STRUCT: 'RECORD',
};

/**
 * The name BigQuery reports for a type in a schema (`INT64` → `INTEGER`, `STRUCT` → `RECORD`, …), or
 * `undefined` for a type the stand-in does not know.
 *
 * @internal
 */
export function legacyTypeName(type: string): string | undefined {
  return LEGACY_NAMES[type.toUpperCase()];
}

/**
 * Normalizes a schema received from a client: legacy type names, explicit modes, nested fields,
 * type parameters (`maxLength`, `precision`, `scale`, `roundingMode`) checked and kept as the REST
 * API writes them. Throws a plain `Error` with BigQuery's wording for an unknown type.
 *
 * @internal
 */
export function normalizeSchema(fields: readonly BigQueryField[]): BigQueryField[] {
  return fields.map((field) => {
    const type = legacyTypeName(field.fields && !field.type ? 'RECORD' : String(field.type ?? ''));
    if (!type) throw new Error(`Invalid value for type: ${String(field.type)} is not a valid value`);
    if (!field.name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(field.name)) {
      throw new Error(`Invalid field name "${String(field.name)}".`);
    }
    const out: BigQueryField = normalizeTypeParameters(
      { ...field, type, mode: (field.mode?.toUpperCase() ?? 'NULLABLE') as never },
      type,
    );
    if (type === 'RECORD') {
      if (!field.fields?.length) throw new Error(`Field ${field.name} is type RECORD but has no schema.`);
      out.fields = normalizeSchema(field.fields);
    } else {
      delete out.fields;
    }
    return out;
  });
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The DuckDB column type for a BigQuery field (mode included: REPEATED becomes a list).
 *
 * @internal
 */
export function duckTypeOfField(field: BigQueryField): string {
  const base = duckScalarType(field);
  return field.mode === 'REPEATED' ? `${base}[]` : base;
}

function duckScalarType(field: BigQueryField): string {
  switch (legacyTypeName(field.type)) {
    case 'INTEGER':
      return 'BIGINT';
    case 'FLOAT':
      return 'DOUBLE';
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'STRING':
    case 'GEOGRAPHY':
      return 'VARCHAR';
    case 'BYTES':
      return 'BLOB';
    case 'NUMERIC':
      return 'DECIMAL(38,9)';
    case 'BIGNUMERIC':
      return 'DECIMAL(38,18)';
    case 'TIMESTAMP':
      return 'TIMESTAMPTZ';
    case 'DATETIME':
      return 'TIMESTAMP';
    case 'DATE':
      return 'DATE';
    case 'TIME':
      return 'TIME';
    case 'JSON':
      return 'JSON';
    case 'INTERVAL':
      return 'INTERVAL';
    case 'RECORD':
      return `STRUCT(${(field.fields ?? []).map((f) => `${quoteIdent(f.name)} ${duckTypeOfField(f)}`).join(', ')})`;
    default:
      throw new Error(`Invalid value for type: ${field.type} is not a valid value`);
  }
}

/**
 * The DuckDB column list for a `CREATE TABLE` from a BigQuery schema.
 *
 * @internal
 */
export function duckColumnsDdl(fields: readonly BigQueryField[]): string {
  return fields
    .map((f) => `${quoteIdent(f.name)} ${duckTypeOfField(f)}${f.mode === 'REQUIRED' ? ' NOT NULL' : ''}`)
    .join(', ');
}

/**
 * The BigQuery field for a DuckDB result column. DuckDB `TIMESTAMPTZ` is BigQuery `TIMESTAMP` and
 * DuckDB `TIMESTAMP` is BigQuery `DATETIME` (the translator maps types the same way).
 *
 * @internal
 */
export function fieldOfDuckType(name: string, type: DuckDBType, notNull = false): BigQueryField {
  const json = type.toJson() as { typeId: number; alias?: string; valueType?: unknown };
  const mode = notNull ? 'REQUIRED' : 'NULLABLE';
  const t = type as DuckDBType & {
    valueType?: DuckDBType;
    entryNames?: string[];
    entryTypes?: DuckDBType[];
    scale?: number;
    alias?: string;
  };
  const id = json.typeId;
  // DuckDBTypeId values (stable in the C API).
  if (id === 24 || id === 33) {
    const inner = fieldOfDuckType(name, t.valueType!);
    return { ...inner, mode: 'REPEATED' };
  }
  if (id === 25) {
    const names = t.entryNames ?? [];
    const types = t.entryTypes ?? [];
    return { name, type: 'RECORD', mode, fields: names.map((n, i) => fieldOfDuckType(n, types[i]!)) };
  }
  return { name, type: scalarBigQueryType(id, t.alias, t.scale), mode };
}

function scalarBigQueryType(typeId: number, alias?: string, scale?: number): string {
  if (alias?.toUpperCase() === 'JSON') return 'JSON';
  switch (typeId) {
    case 1:
      return 'BOOLEAN';
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
    case 8:
    case 9:
    case 16:
    case 32:
    case 35:
      return 'INTEGER';
    case 10:
    case 11:
      return 'FLOAT';
    case 12:
    case 20:
    case 21:
    case 22:
      return 'DATETIME';
    case 31:
      return 'TIMESTAMP';
    case 13:
      return 'DATE';
    case 14:
    case 30:
    case 39:
      return 'TIME';
    case 18:
      return 'BYTES';
    case 15:
      return 'INTERVAL';
    case 19:
      return (scale ?? 0) > 9 ? 'BIGNUMERIC' : 'NUMERIC';
    default:
      return 'STRING';
  }
}

/**
 * The logical size BigQuery bills for one non-NULL value of a type (STRING and BYTES: 2 bytes plus
 * the content; nested values: their text length, an approximation).
 *
 * @internal
 */
export function fixedValueBytes(type: string): number | undefined {
  switch (legacyTypeName(type)) {
    case 'INTEGER':
    case 'FLOAT':
    case 'TIMESTAMP':
    case 'DATETIME':
    case 'DATE':
    case 'TIME':
      return 8;
    case 'BOOLEAN':
      return 1;
    case 'NUMERIC':
      return 16;
    case 'BIGNUMERIC':
      return 32;
    default:
      return undefined;
  }
}
