/**
 * How names and literals are written in DuckDB SQL: the one place that quotes and escapes them.
 * @module
 */

/**
 * A DuckDB quoted identifier (`"` doubled inside).
 *
 * @example
 * ```ts
 * quoteIdent('a"b'); // '"a""b"'
 * ```
 */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The DuckDB schema that holds a dataset's tables.
 *
 * @example
 * ```ts
 * duckSchemaName('p', 'ds'); // '"p.ds"'
 * ```
 */
export function duckSchemaName(projectId: string, datasetId: string): string {
  return quoteIdent(`${projectId}.${datasetId}`);
}

/**
 * The DuckDB name of a BigQuery table.
 *
 * @example
 * ```ts
 * duckTableName({ projectId: 'p', datasetId: 'ds', tableId: 't' }); // '"p.ds"."t"'
 * ```
 */
export function duckTableName(ref: { projectId: string; datasetId: string; tableId: string }): string {
  return `${duckSchemaName(ref.projectId, ref.datasetId)}.${quoteIdent(ref.tableId)}`;
}

/**
 * A standard SQL string literal (`''` escaping), whatever GoogleSQL quoting the value came in.
 *
 * @example
 * ```ts
 * duckString("it's"); // "'it''s'"
 * ```
 */
export function duckString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A DuckDB BLOB literal; bytes outside printable ASCII (and `\`, `'`) are written as `\xHH`.
 *
 * @example
 * ```ts
 * duckBytes('a\u0000'); // "'a\\x00'::BLOB"
 * ```
 */
export function duckBytes(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    out +=
      code >= 0x20 && code < 0x7f && ch !== '\\' && ch !== "'"
        ? ch
        : `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `'${out}'::BLOB`;
}
