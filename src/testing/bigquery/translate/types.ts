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
 * import { translateSql } from 'gcp-pipeline-resilience/testing';
 * translateSql('DELETE ds.t WHERE TRUE', { projectId: 'p' })[0]?.tables[0]?.role; // 'modify'
 * ```
 */
export type TableRole = 'read' | 'insert' | 'modify' | 'create' | 'drop' | 'alter';

/**
 * A table named by a statement, fully qualified.
 *
 * @example
 * ```ts
 * import { translateSql, type TableReference } from 'gcp-pipeline-resilience/testing';
 * const [stmt] = translateSql('INSERT INTO ds.totals SELECT * FROM ds.games', { projectId: 'p' });
 * const written = (stmt?.tables ?? []).filter((t: TableReference) => t.role !== 'read').map((t) => `${t.datasetId}.${t.tableId}`);
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
 * import { translateSql } from 'gcp-pipeline-resilience/testing';
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
  | 'DROP_SCHEMA'
  | 'ALTER_SCHEMA'
  | 'CREATE_VIEW'
  | 'DROP_VIEW'
  | 'ALTER_VIEW'
  | 'CREATE_MATERIALIZED_VIEW'
  | 'DROP_MATERIALIZED_VIEW'
  | 'ALTER_MATERIALIZED_VIEW'
  | 'CREATE_SEARCH_INDEX'
  | 'DROP_SEARCH_INDEX';

/**
 * What a `CREATE TABLE` asked for besides its columns.
 *
 * @example
 * ```ts
 * import { translateSql, type CreateTableInfo } from 'gcp-pipeline-resilience/testing';
 * const partitionOf = (info: CreateTableInfo) => info.timePartitioning?.field ?? info.partitionExpression;
 * const [stmt] = translateSql('CREATE TABLE ds.games (game_date DATE, id STRING) PARTITION BY game_date CLUSTER BY id', { projectId: 'p' });
 * if (stmt?.create) console.log(partitionOf(stmt.create), stmt.create.clustering?.fields);
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
  /** `CREATE TABLE t LIKE s` (schema only) or `COPY s` / `CLONE s` (schema and rows). */
  source?: { projectId: string; datasetId: string; tableId: string; rows: boolean };
}

/**
 * A view a `CREATE [MATERIALIZED] VIEW` defines (`TranslatedStatement.view`).
 *
 * @example
 * ```ts
 * import { translateSql, type ViewInfo } from 'gcp-pipeline-resilience/testing';
 * const describe = (view: ViewInfo) => `${view.materialized ? 'materialized view' : 'view'} over: ${view.query}`;
 * const [stmt] = translateSql('CREATE VIEW ds.v AS SELECT 1 AS x', { projectId: 'p' });
 * if (stmt?.view) describe(stmt.view); // 'view over: SELECT 1 AS x'
 * ```
 */
export interface ViewInfo {
  /** The GoogleSQL query, as written. */
  query: string;
  materialized: boolean;
  /** Column descriptions from the optional column list. */
  descriptions?: Record<string, string>;
}

/**
 * One action of an `ALTER TABLE` (or `ALTER VIEW` / `ALTER SCHEMA … SET OPTIONS`), applied by the
 * engine in order (`TranslatedStatement.alter`).
 *
 * @example
 * ```ts
 * import { type AlterAction, translateSql } from 'gcp-pipeline-resilience/testing';
 * const [stmt] = translateSql('ALTER TABLE ds.t ADD COLUMN note STRING, DROP COLUMN old', { projectId: 'p' });
 * const kinds = (stmt?.alter ?? []).map((action: AlterAction) => action.kind); // ['addColumn', 'dropColumn']
 * ```
 */
export type AlterAction =
  | { kind: 'addColumn'; field: BigQueryField; duckType: string; ifNotExists: boolean }
  | { kind: 'dropColumn'; column: string; ifExists: boolean }
  | { kind: 'renameColumn'; column: string; to: string; ifExists: boolean }
  | { kind: 'renameTable'; to: string }
  | { kind: 'setOptions'; options: Record<string, unknown> }
  | { kind: 'columnOptions'; column: string; options: Record<string, unknown>; ifExists: boolean }
  | { kind: 'dropNotNull'; column: string; ifExists: boolean }
  | { kind: 'setDataType'; column: string; field: BigQueryField; duckType: string; ifExists: boolean }
  | { kind: 'setDefault'; column: string; expression: string; duckExpression: string; ifExists: boolean }
  | { kind: 'dropDefault'; column: string; ifExists: boolean };

/**
 * An `INFORMATION_SCHEMA` view or `__TABLES__` a query reads, which the engine fills from its catalog
 * into the DuckDB table `duckName` before the query runs (`TranslatedStatement.metadata`).
 *
 * @example
 * ```ts
 * import { type MetadataReference, translateSql } from 'gcp-pipeline-resilience/testing';
 * const [stmt] = translateSql('SELECT table_name FROM ds.INFORMATION_SCHEMA.TABLES', { projectId: 'p' });
 * const views = (stmt?.metadata ?? []).map((m: MetadataReference) => `${m.datasetId}.${m.view}`); // ['ds.TABLES']
 * ```
 */
export interface MetadataReference {
  projectId: string;
  /** The dataset, or absent for a project-wide view in a region (`region-us.INFORMATION_SCHEMA.…`). */
  datasetId?: string;
  region?: string;
  /** `TABLES`, `COLUMNS`, `VIEWS`, …, or `__TABLES__`. */
  view: string;
  duckName: string;
}

/**
 * One translated statement.
 *
 * @example
 * ```ts
 * import { translateSql } from 'gcp-pipeline-resilience/testing';
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
  /** For CREATE [MATERIALIZED] VIEW. */
  view?: ViewInfo;
  /** For ALTER statements: what to change, in order. */
  alter?: AlterAction[];
  /** `ALTER … IF EXISTS` / `DROP … IF EXISTS`: a missing target is no error. */
  ifExists?: boolean;
  /**
   * For `UPDATE … FROM` and `MERGE … WHEN MATCHED`: a query that returns a row when a target row
   * matches several source rows, which BigQuery refuses; the engine runs it before the statement.
   */
  multipleMatchCheck?: string;
  /** The INFORMATION_SCHEMA views and `__TABLES__` the statement reads. */
  metadata?: MetadataReference[];
  /** For CREATE/DROP/ALTER SCHEMA. */
  schema?: {
    projectId: string;
    datasetId: string;
    ifExists: boolean;
    ifNotExists: boolean;
    cascade: boolean;
    /** `CREATE SCHEMA … OPTIONS (…)`, names lower-cased (`location`, `description`, …). */
    options?: Record<string, unknown>;
  };
}

/**
 * Options of {@link translateSql}.
 *
 * @example
 * ```ts
 * import { translateSql, type TranslateOptions } from 'gcp-pipeline-resilience/testing';
 * const inDataset = (datasetId: string): TranslateOptions => ({ projectId: 'p', defaultDataset: { datasetId } });
 * const [stmt] = translateSql('SELECT * FROM games', inDataset('nba_raw')); // unqualified names resolve to nba_raw
 * ```
 */
export interface TranslateOptions {
  /** The project of two-part names. */
  projectId: string;
  /** Where unqualified table names live (jobs.query `defaultDataset`). */
  defaultDataset?: { projectId?: string; datasetId: string };
}
