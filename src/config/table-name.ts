import { quoteValue } from '../errors/redact.js';
import { describeValue } from '../shared/check-options.js';
import { InvalidResourceNameError } from './errors.js';

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
// sport config all check names here. Dataset ids: letters, digits and '_', up to 1,024 characters
// (all one byte). Table names: Unicode letters, marks, digits, connectors ('_'), dashes and spaces,
// up to 1,024 UTF-8 bytes (BigQuery counts bytes: 513 'é' are too long), optionally followed by a
// partition decorator ('$' and digits, or $__NULL__ / $__UNPARTITIONED__), which is not part of the
// name; never a '.', a backtick or a backslash, which would change what a qualified name refers to
// or break out of its quoting. Project ids: Google's rules (6 to 30 lowercase letters, digits and
// hyphens, starting with a letter, not ending with a hyphen), optionally after a legacy domain
// (`example.com:my-project`, the only form in which a project contains '.'; lowercase DNS labels, at
// most 253 characters). An id Google could never have issued is a typo or a test value: refused
// before any request rather than answered by BigQuery with a 404 or 400 that names another cause.
const DATASET_ID = /^[A-Za-z0-9_]{1,1024}$/;
const TABLE_NAME = /^[\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}]+$/u;
const PARTITION_DECORATOR = /^\$(?:-?[0-9]+|__NULL__|__UNPARTITIONED__)$/;
const PROJECT_ID =
  /^(?:(?=[a-z0-9.-]{1,253}:)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** Google's project-id rule, as an error message states it. @internal */
export const PROJECT_ID_RULE =
  "a project id is 6 to 30 characters of lowercase letters, digits and '-', starts with a letter and does not end with '-', optionally after a domain and ':' (example.com:my-project)";

/** The dataset-id rule, as an error message states it. */
const DATASET_ID_RULE = "a dataset id is 1 to 1024 characters of letters, digits and '_'";

/** BigQuery's limit on a table name, in UTF-8 bytes. */
const MAX_TABLE_NAME_BYTES = 1024;

/** Characters quoted of a rejected name in an error message: a hostile one cannot flood it. */
const QUOTED_CHARACTERS = 100;

/** The length of `text` in UTF-8 bytes and in characters (code points), counted without encoding it. */
function utf8Length(text: string): { bytes: number; characters: number } {
  let bytes = 0;
  let characters = 0;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    characters += 1;
  }
  return { bytes, characters };
}

/**
 * A name for an error message: redacted, JSON-escaped, cut; a value that is not one, by its kind
 * (JSON of a URL is its text, password and key included).
 */
function quotedName(name: unknown): string {
  return typeof name === 'string' ? quoteValue(name, QUOTED_CHARACTERS) : describeValue(name);
}

/** Whether `value` is a valid BigQuery dataset id. @internal */
export function isDatasetId(value: string): boolean {
  return DATASET_ID.test(value);
}

/** A GCP project id as it may stand in a qualified table name (`example.com:project` included). @internal */
export function isProjectId(value: string): boolean {
  return PROJECT_ID.test(value);
}

/**
 * `value` if it is a GCP project id (the rule of `parseTableName`), else an `InvalidResourceNameError`
 * (kind `'project'`) naming `origin`, where the value came from: an environment variable or an option
 * (`new BigQueryExecutor: option projectId`). The message and the error's `value` show it as every
 * configuration value is shown: credentials removed, cut to its first 32 characters.
 *
 * @internal
 */
export function checkProjectId(value: string, origin: string): string {
  if (!PROJECT_ID.test(value)) throw new InvalidResourceNameError('project', value, PROJECT_ID_RULE, origin);
  return value;
}

/**
 * Why `value` is not a valid BigQuery table id (a partition decorator `$YYYYMMDD` included), or
 * `undefined` when it is one. The name's length is counted in UTF-8 bytes, as BigQuery counts it.
 *
 * @internal
 */
export function tableIdProblem(value: string): string | undefined {
  const dollar = value.indexOf('$');
  const name = dollar === -1 ? value : value.slice(0, dollar);
  const { bytes, characters } = utf8Length(name);
  if (bytes > MAX_TABLE_NAME_BYTES) {
    return `the table name is ${bytes} bytes in UTF-8 (${characters} characters); BigQuery allows at most ${MAX_TABLE_NAME_BYTES}`;
  }
  if (!TABLE_NAME.test(name)) {
    return 'use letters, digits, underscores, dashes and spaces (no dots, backticks or backslashes)';
  }
  if (dollar !== -1 && !PARTITION_DECORATOR.test(value.slice(dollar))) {
    return "'$' may only start a partition decorator ($YYYYMMDD, $YYYYMMDDHH, $YYYYMM, $YYYY, $<integer>, $__NULL__ or $__UNPARTITIONED__)";
  }
  return undefined;
}

function invalid(name: string): TypeError {
  return new TypeError(
    `Table name ${quoteValue(name, QUOTED_CHARACTERS)} must be 'dataset.table' or 'project.dataset.table'`,
  );
}

/**
 * Parses `dataset.table`, `project.dataset.table` or the backticked forms (`` `project.dataset.table` ``,
 * `` `project`.`dataset`.`table` ``). A domain-scoped project (`example.com:project.dataset.table`) is
 * accepted. A name of the wrong shape is a `TypeError`; a part that breaks its rule (Google's
 * project-id rules, BigQuery's dataset and table rules) is an `InvalidResourceNameError` (also a
 * `TypeError`) whose `kind` and `value` name the part. Both are thrown before any request is made.
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
  if (tableId === '' || datasetId === '' || projectId === '') throw invalid(name);
  if (projectId?.includes('.') && !projectId.includes(':')) {
    throw new TypeError(
      `Table name ${quoteValue(name, QUOTED_CHARACTERS)} has too many parts (only a domain-scoped project may contain '.')`,
    );
  }
  if (!DATASET_ID.test(datasetId)) {
    throw new InvalidResourceNameError('dataset', datasetId, DATASET_ID_RULE, undefined, name);
  }
  const problem = tableIdProblem(tableId);
  if (problem !== undefined) throw new InvalidResourceNameError('table', tableId, problem, undefined, name);
  if (projectId !== undefined && !PROJECT_ID.test(projectId)) {
    throw new InvalidResourceNameError('project', projectId, PROJECT_ID_RULE, undefined, name);
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
  } catch (error) {
    // A part that breaks its rule is named as precisely as parseTableName names it.
    if (error instanceof InvalidResourceNameError) throw error;
    ref = undefined;
  }
  if (ref?.projectId === undefined) {
    throw new TypeError(`Expected ${what} of the form project.dataset.table, got ${quotedName(name)}`);
  }
  if (ref.tableId.includes('$')) {
    throw new TypeError(
      `Expected ${what} of the form project.dataset.table without a partition decorator ($...), got ${quotedName(name)}`,
    );
  }
  return ref as Required<TableRef>;
}
