/**
 * How names and literals are written in DuckDB SQL: the one place that quotes and escapes them.
 * @module
 */

/**
 * A DuckDB quoted identifier (`"` doubled inside).
 *
 * @internal
 */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The DuckDB schema that holds a dataset's tables.
 *
 * @internal
 */
export function duckSchemaName(projectId: string, datasetId: string): string {
  return quoteIdent(`${projectId}.${datasetId}`);
}

/**
 * The DuckDB name of a BigQuery table.
 *
 * @internal
 */
export function duckTableName(ref: { projectId: string; datasetId: string; tableId: string }): string {
  return `${duckSchemaName(ref.projectId, ref.datasetId)}.${quoteIdent(ref.tableId)}`;
}

/**
 * A standard SQL string literal (`''` escaping), whatever GoogleSQL quoting the value came in.
 *
 * @internal
 */
export function duckString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A DuckDB BLOB literal; bytes outside printable ASCII (and `\`, `'`) are written as `\xHH`.
 *
 * @internal
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
