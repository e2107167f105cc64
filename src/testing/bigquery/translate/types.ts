/**
 * The shapes the GoogleSQL translator returns: statements, the tables they name, CREATE TABLE metadata.
 * @module
 */
import type { BigQueryField } from '../schema.js';

/**
 * How a statement uses a table it names. `read` and `modify` tables are scanned (and billed).
 *
 * @example
 * ```ts
 * translateSql('DELETE ds.t WHERE TRUE', { projectId: 'p' })[0]?.tables[0]?.role; // 'modify'
 * ```
 */
export type TableRole = 'read' | 'insert' | 'modify' | 'create' | 'drop' | 'alter';

/**
 * A table named by a statement, fully qualified.
 *
 * @example
 * ```ts
 * const ref: TableReference = { projectId: 'p', datasetId: 'd', tableId: 't', role: 'read' };
 * ```
 */
export interface TableReference {
  projectId: string;
  datasetId: string;
  tableId: string;
  role: TableRole;
}

/**
 * BigQuery's `statementType` values the translator produces.
 *
 * @example
 * ```ts
 * translateSql('UPDATE ds.t SET a = 1 WHERE TRUE', { projectId: 'p' })[0]?.statementType; // 'UPDATE'
 * ```
 */
export type StatementType =
  | 'SELECT'
  | 'INSERT'
  | 'UPDATE'
  | 'DELETE'
  | 'MERGE'
  | 'CREATE_TABLE'
  | 'CREATE_TABLE_AS_SELECT'
  | 'DROP_TABLE'
  | 'ALTER_TABLE'
  | 'TRUNCATE_TABLE'
  | 'CREATE_SCHEMA'
  | 'DROP_SCHEMA';

/**
 * What a `CREATE TABLE` asked for besides its columns.
 *
 * @example
 * ```ts
 * const info: CreateTableInfo = { orReplace: false, ifNotExists: true, options: {}, clustering: { fields: ['a'] } };
 * ```
 */
export interface CreateTableInfo {
  orReplace: boolean;
  ifNotExists: boolean;
  /** The declared columns (absent for `CREATE TABLE … AS SELECT`). */
  columns?: BigQueryField[];
  timePartitioning?: { type: string; field?: string };
  rangePartitioning?: { field: string; range: { start: string; end: string; interval: string } };
  /** The `PARTITION BY` expression as written. */
  partitionExpression?: string;
  clustering?: { fields: string[] };
  /** `OPTIONS(name = value, …)`: literals decoded, anything else kept as source text. */
  options: Record<string, unknown>;
}

/**
 * One translated statement.
 *
 * @example
 * ```ts
 * const [stmt] = translateSql('SELECT * FROM ds.t WHERE id = @id', { projectId: 'p' });
 * stmt?.sql; // 'SELECT * FROM "p.ds"."t" WHERE id = $id'
 * ```
 */
export interface TranslatedStatement {
  /** The DuckDB SQL. */
  sql: string;
  /** The GoogleSQL it came from. */
  source: string;
  statementType: StatementType;
  tables: TableReference[];
  /** Named parameters used (without `@`), in order of first use. */
  namedParameters: string[];
  /** Number of `?` placeholders. */
  positionalCount: number;
  create?: CreateTableInfo;
  /** For CREATE/DROP SCHEMA. */
  schema?: {
    projectId: string;
    datasetId: string;
    ifExists: boolean;
    ifNotExists: boolean;
    cascade: boolean;
  };
}

/**
 * Options of {@link translateSql}.
 *
 * @example
 * ```ts
 * const options: TranslateOptions = { projectId: 'p', defaultDataset: { datasetId: 'ds' } };
 * ```
 */
export interface TranslateOptions {
  /** The project of two-part names. */
  projectId: string;
  /** Where unqualified table names live (jobs.query `defaultDataset`). */
  defaultDataset?: { projectId?: string; datasetId: string };
}
