/**
 * A parsed table name. `projectId` is absent when the caller wrote `dataset.table`; the executor's
 * project is used then.
 *
 * @example
 * ```ts
 * import { parseTableName, type TableRef } from 'gcp-pipeline-resilience';
 * const ref: TableRef = parseTableName('my-project.mlb_reference.unresolved_players');
 * ref.datasetId; // 'mlb_reference'
 * ```
 */
export interface TableRef {
  readonly projectId?: string;
  readonly datasetId: string;
  readonly tableId: string;
}

// The one home of BigQuery's naming rules; the executor, the registry reader, the DDL builder and the
// sport config all check names here. Dataset ids: letters, digits and '_' (up to 1024). Table ids:
// Unicode letters, marks, digits, connectors ('_'), dashes and spaces (up to 1024), plus '$' for a
// partition decorator; never a '.', a backtick or a backslash, which would change what a qualified
// name refers to or break out of its quoting. Project ids: letters, digits, '-' and '_', optionally
// after a domain (`example.com:project`, the only form in which a project contains '.').
const DATASET_ID = /^[A-Za-z0-9_]{1,1024}$/;
const TABLE_ID = /^[\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}$]{1,1024}$/u;
const PROJECT_ID = /^(?:[A-Za-z0-9][A-Za-z0-9.-]*:)?[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Whether `value` is a valid BigQuery dataset id. @internal */
export function isDatasetId(value: string): boolean {
  return DATASET_ID.test(value);
}

/** Whether `value` is a valid BigQuery table id (a partition decorator `$YYYYMMDD` included). @internal */
/** A GCP project id as it may stand in a qualified table name (`example.com:project` included). */
export function isProjectId(value: string): boolean {
  return PROJECT_ID.test(value);
}

export function isTableId(value: string): boolean {
  return TABLE_ID.test(value);
}

function invalid(name: string): TypeError {
  return new TypeError(`Table name '${name}' must be 'dataset.table' or 'project.dataset.table'`);
}

/**
 * Parses `dataset.table`, `project.dataset.table` or the backticked forms (`` `project.dataset.table` ``,
 * `` `project`.`dataset`.`table` ``). A domain-scoped project (`example.com:project.dataset.table`) is
 * accepted. Anything else is a `TypeError` naming the input, thrown before any request is made.
 *
 * @example
 * ```ts
 * import { parseTableName } from 'gcp-pipeline-resilience';
 * parseTableName('mlb_raw.games');                     // { datasetId: 'mlb_raw', tableId: 'games' }
 * parseTableName('`nba-props-platform.mlb_raw.games`'); // { projectId: 'nba-props-platform', ... }
 * ```
 */
export function parseTableName(name: string): TableRef {
  if (typeof name !== 'string') {
    throw new TypeError(`Table name must be a string like 'dataset.table', got ${typeof name}`);
  }
  const unquoted = name.trim().replace(/`/g, '');
  // The dataset and table ids never contain '.', so the last two segments are fixed and everything
  // before them is the project (which may contain '.' in the domain-scoped form).
  const parts = unquoted.split('.');
  if (parts.length < 2) throw invalid(name);
  const tableId = parts[parts.length - 1] as string;
  const datasetId = parts[parts.length - 2] as string;
  const projectId = parts.length > 2 ? parts.slice(0, -2).join('.') : undefined;
  if (!DATASET_ID.test(datasetId) || !TABLE_ID.test(tableId)) throw invalid(name);
  if (projectId !== undefined && !PROJECT_ID.test(projectId)) {
    if (projectId.includes('.') && !projectId.includes(':')) {
      throw new TypeError(
        `Table name '${name}' has too many parts (only a domain-scoped project may contain '.')`,
      );
    }
    throw invalid(name);
  }
  return projectId === undefined ? { datasetId, tableId } : { projectId, datasetId, tableId };
}

/**
 * Formats a table reference as `project.dataset.table` (or `dataset.table` without a project), the
 * form used in error messages and logs.
 *
 * @internal
 */
export function formatTableName(ref: TableRef): string {
  return ref.projectId
    ? `${ref.projectId}.${ref.datasetId}.${ref.tableId}`
    : `${ref.datasetId}.${ref.tableId}`;
}

/**
 * Parses a table name that must name its project (`project.dataset.table`), for the places that build
 * SQL or DDL outside any executor's default project. A partition decorator (`table$20260601`) is
 * refused: it cannot follow FROM or CREATE TABLE, and a streaming insert through it fails for every
 * row of another day.
 *
 * @internal
 */
export function parseQualifiedTableName(name: string, what: string): Required<TableRef> {
  let ref: TableRef | undefined;
  try {
    // The name goes between backticks as it is: no quoting of its own, nothing around it.
    if (typeof name === 'string' && !/[`\\]/.test(name) && name === name.trim()) ref = parseTableName(name);
  } catch {
    ref = undefined;
  }
  if (ref?.projectId === undefined) {
    throw new TypeError(`Expected ${what} of the form project.dataset.table, got ${JSON.stringify(name)}`);
  }
  if (ref.tableId.includes('$')) {
    throw new TypeError(
      `Expected ${what} of the form project.dataset.table without a partition decorator ($...), got ${JSON.stringify(name)}`,
    );
  }
  return ref as Required<TableRef>;
}
