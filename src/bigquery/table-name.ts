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

// Project ids may contain '-', ':' (domain-scoped, e.g. `example.com:proj`) and '.' only in that
// domain form; dataset and table ids are letters, digits and '_' (tables may also use '-' and '$' for
// partition decorators).
const DATASET_ID = /^[A-Za-z0-9_]+$/;
const TABLE_ID = /^[\p{L}\p{N}_\-$ ]+$/u;

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
  if (parts.length < 2) {
    throw new TypeError(`Table name '${name}' must be 'dataset.table' or 'project.dataset.table'`);
  }
  const tableId = parts[parts.length - 1] as string;
  const datasetId = parts[parts.length - 2] as string;
  const projectId = parts.length > 2 ? parts.slice(0, -2).join('.') : undefined;
  if (
    !DATASET_ID.test(datasetId) ||
    !TABLE_ID.test(tableId) ||
    (projectId !== undefined && projectId === '')
  ) {
    throw new TypeError(`Table name '${name}' must be 'dataset.table' or 'project.dataset.table'`);
  }
  if (projectId?.includes('.') && !projectId.includes(':')) {
    throw new TypeError(
      `Table name '${name}' has too many parts (only a domain-scoped project may contain '.')`,
    );
  }
  return projectId === undefined ? { datasetId, tableId } : { projectId, datasetId, tableId };
}

/**
 * Formats a table reference as `project.dataset.table` (or `dataset.table` without a project), the
 * form used in error messages and logs.
 *
 * @example
 * ```ts
 * import { formatTableName } from 'gcp-pipeline-resilience';
 * formatTableName({ projectId: 'p', datasetId: 'd', tableId: 't' }); // 'p.d.t'
 * ```
 */
export function formatTableName(ref: TableRef): string {
  return ref.projectId
    ? `${ref.projectId}.${ref.datasetId}.${ref.tableId}`
    : `${ref.datasetId}.${ref.tableId}`;
}
