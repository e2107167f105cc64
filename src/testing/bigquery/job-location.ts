/**
 * Where a job of the BigQuery stand-in runs, and whether a request that names (or omits) a location
 * finds it, as BigQuery decides both.
 */
import type { Engine } from './engine.js';
import { datasetNotFound, StandInHttpError } from './http-errors.js';
import { tokenizeSql } from './tokenize-sql.js';

/**
 * Whether a job in `jobLocation` is found by a request (jobs.get, getQueryResults, jobs.cancel) that
 * gives `requested`. A request without a location finds only jobs in the `US` and `EU`
 * multi-regions: BigQuery needs the location of a job in any single region (`europe-west2`,
 * `us-central1`) and answers 404 without it.
 *
 * @internal
 */
export function locationFinds(requested: string | undefined, jobLocation: string): boolean {
  const where = jobLocation.toUpperCase();
  if (requested === undefined || requested === '') return where === 'US' || where === 'EU';
  return requested.toUpperCase() === where;
}

/** The location of a dataset of the catalog, or `undefined` when there is no such dataset. */
function datasetLocation(engine: Engine, projectId: string, datasetId: string): string | undefined {
  try {
    return engine.getDataset(projectId, datasetId).location;
  } catch {
    return undefined;
  }
}

/**
 * The location of a job whose request named none: BigQuery runs it where the data it touches lives.
 * A load runs in its destination table's dataset; a query in the dataset of the first table it names
 * (`ds.t`, `project.ds.t`, or a backtick path) that exists, else in the dataset a `DROP SCHEMA` or
 * `ALTER SCHEMA` names, else its default dataset's; anything else in the stand-in's own location.
 *
 * @internal
 */
export function inferJobLocation(
  engine: Engine,
  projectId: string,
  touches: {
    destination?: { projectId?: unknown; datasetId?: unknown };
    sql?: string;
    defaultDataset?: { projectId?: string; datasetId: string };
  },
): string {
  const found = (project: unknown, dataset: unknown): string | undefined =>
    typeof dataset === 'string'
      ? datasetLocation(engine, typeof project === 'string' ? project : projectId, dataset)
      : undefined;
  const destination = touches.destination;
  const fromDestination = destination && found(destination.projectId, destination.datasetId);
  if (fromDestination) return fromDestination;
  for (const path of touches.sql === undefined ? [] : tablePaths(touches.sql)) {
    const location =
      path.length >= 3 ? found(path[path.length - 3], path[path.length - 2]) : found(projectId, path[0]);
    if (location) return location;
  }
  for (const path of touches.sql === undefined ? [] : schemaTargets(touches.sql)) {
    const location = path.length === 2 ? found(path[0], path[1]) : found(projectId, path[0]);
    if (location) return location;
  }
  const dd = touches.defaultDataset;
  const fromDefault = dd && found(dd.projectId, dd.datasetId);
  if (fromDefault) return fromDefault;
  // A CREATE SCHEMA with a `location` option runs there: the dataset it creates is its data.
  return (touches.sql === undefined ? undefined : createdSchemaLocations(touches.sql)[0]) ?? engine.location;
}

/**
 * BigQuery's refusal of a job run in a location that is not its data's: every dataset the job touches
 * must be in the job's location (`US` is the multi-region, not `us-central1`; case does not matter),
 * else the job fails with 404 `notFound` "Not found: Dataset <project>:<dataset> was not found in
 * location <job's location>". A load touches its destination; a query every table it names that exists
 * (a dotted name that is not an existing table, such as `alias.column`, touches nothing), the dataset
 * of every table or view its DDL creates, drops, alters or truncates, every dataset a `DROP SCHEMA`
 * or `ALTER SCHEMA` names, and its default dataset. `undefined` when every touched dataset is in
 * `location`.
 *
 * @internal
 */
export function locationMismatch(
  engine: Engine,
  projectId: string,
  location: string,
  touches: Parameters<typeof inferJobLocation>[2],
): StandInHttpError | undefined {
  const where = location.toUpperCase();
  const check = (project: unknown, dataset: unknown, table?: string): StandInHttpError | undefined => {
    if (typeof dataset !== 'string') return undefined;
    const p = typeof project === 'string' && project !== '' ? project : projectId;
    const found = datasetLocation(engine, p, dataset);
    if (found === undefined || found.toUpperCase() === where) return undefined;
    if (table !== undefined && !tableExists(engine, p, dataset, table)) return undefined;
    return datasetNotFound(p, dataset, location);
  };
  const destination = touches.destination;
  const refusal = destination && check(destination.projectId, destination.datasetId);
  if (refusal) return refusal;
  // A table or view a DDL statement names (CREATE, DROP, ALTER, TRUNCATE) is in its dataset whether or
  // not it exists yet: BigQuery refuses to create one in a dataset of another location.
  for (const path of touches.sql === undefined ? [] : ddlTargets(touches.sql)) {
    const found =
      path.length >= 3 ? check(path[path.length - 3], path[path.length - 2]) : check(projectId, path[0]);
    if (found) return found;
  }
  // A dataset that DROP SCHEMA or ALTER SCHEMA names is looked up in the job's location: one elsewhere
  // is not found there, and is neither dropped nor changed.
  for (const path of touches.sql === undefined ? [] : schemaTargets(touches.sql)) {
    const found = path.length === 2 ? check(path[0], path[1]) : check(projectId, path[0]);
    if (found) return found;
  }
  for (const path of touches.sql === undefined ? [] : tablePaths(touches.sql)) {
    const table = path[path.length - 1];
    const found =
      path.length >= 3
        ? check(path[path.length - 3], path[path.length - 2], table)
        : check(projectId, path[0], table);
    if (found) return found;
  }
  const dd = touches.defaultDataset;
  const refusal2 = dd ? check(dd.projectId, dd.datasetId) : undefined;
  if (refusal2) return refusal2;
  // BigQuery: a CREATE SCHEMA `location` option and the job's location must match.
  for (const option of touches.sql === undefined ? [] : createdSchemaLocations(touches.sql)) {
    if (option.toUpperCase() !== where) {
      return new StandInHttpError(
        400,
        'invalid',
        `Invalid value: the location option of CREATE SCHEMA (${option}) does not match the location of the query job (${location})`,
      );
    }
  }
  return undefined;
}

function tableExists(engine: Engine, projectId: string, datasetId: string, tableId: string): boolean {
  try {
    engine.getTable(projectId, datasetId, tableId);
    return true;
  } catch {
    return false;
  }
}

/** Words that may stand between a DDL verb and the TABLE / VIEW it acts on. */
const DDL_VERBS = new Set(['CREATE', 'DROP', 'ALTER', 'TRUNCATE']);
const DDL_MODIFIERS = new Set(['OR', 'REPLACE', 'TEMP', 'TEMPORARY', 'EXTERNAL', 'SNAPSHOT', 'MATERIALIZED']);

/**
 * The qualified names (two or more parts, split) of the tables and views that DDL statements in `sql`
 * create, drop, alter or truncate: `CREATE [OR REPLACE] [TEMP | EXTERNAL | SNAPSHOT | MATERIALIZED]
 * TABLE | VIEW [IF NOT EXISTS] <name>`, `DROP ... [IF EXISTS] <name>`, `ALTER TABLE <name>`, `TRUNCATE
 * TABLE <name>`. A one-part name (a temporary table of a script) is in no dataset and is left out.
 */
function ddlTargets(sql: string): string[][] {
  const tokens = significantTokens(sql);
  const word = wordAt(tokens);
  const targets: string[][] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!DDL_VERBS.has(word(i) ?? '')) continue;
    let j = i + 1;
    while (DDL_MODIFIERS.has(word(j) ?? '')) j++;
    if (word(j) !== 'TABLE' && word(j) !== 'VIEW') continue;
    j++;
    if (word(j) === 'IF') {
      j++;
      if (word(j) === 'NOT') j++;
      if (word(j) === 'EXISTS') j++;
    }
    const { parts } = pathAt(tokens, j);
    if (parts.length >= 2) targets.push(parts);
  }
  return targets;
}

/**
 * The datasets (`[dataset]` or `[project, dataset]`) that `DROP SCHEMA [IF EXISTS] <name>` and `ALTER
 * SCHEMA [IF EXISTS] <name>` statements in `sql` name. `CREATE SCHEMA` is left out: dataset names
 * are unique in a project whatever their location, so creating one that exists anywhere is BigQuery's
 * 409 (or, with IF NOT EXISTS, nothing), as the engine answers.
 */
function schemaTargets(sql: string): string[][] {
  const tokens = significantTokens(sql);
  const word = wordAt(tokens);
  const targets: string[][] = [];
  for (let i = 0; i < tokens.length; i++) {
    const verb = word(i);
    if ((verb !== 'DROP' && verb !== 'ALTER') || word(i + 1) !== 'SCHEMA') continue;
    let j = i + 2;
    if (word(j) === 'IF' && word(j + 1) === 'EXISTS') j += 2;
    const { parts } = pathAt(tokens, j);
    if (parts.length === 1 || parts.length === 2) targets.push(parts);
  }
  return targets;
}

/**
 * The `location` options of the `CREATE SCHEMA [IF NOT EXISTS] <name> OPTIONS (…)` statements in
 * `sql`, as written (a string literal).
 */
function createdSchemaLocations(sql: string): string[] {
  const tokens = significantTokens(sql);
  const word = wordAt(tokens);
  const locations: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (word(i) !== 'CREATE' || word(i + 1) !== 'SCHEMA') continue;
    let j = i + 2;
    if (word(j) === 'IF' && word(j + 1) === 'NOT' && word(j + 2) === 'EXISTS') j += 3;
    j = pathAt(tokens, j).next;
    if (word(j) !== 'OPTIONS' || tokens[j + 1]?.text !== '(') continue;
    let depth = 0;
    for (let k = j + 1; k < tokens.length; k++) {
      const t = tokens[k] as Tokens[number];
      if (t.kind === 'op' && t.text === '(') depth++;
      else if (t.kind === 'op' && t.text === ')' && --depth === 0) break;
      else if (
        depth === 1 &&
        word(k) === 'LOCATION' &&
        tokens[k + 1]?.text === '=' &&
        tokens[k + 2]?.kind === 'string'
      ) {
        locations.push((tokens[k + 2] as Tokens[number]).value);
      }
    }
  }
  return locations;
}

type Tokens = ReturnType<typeof tokenizeSql>;

/** The tokens of `sql` without whitespace and comments; none when it does not tokenize. */
function significantTokens(sql: string): Tokens {
  try {
    return tokenizeSql(sql).filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
  } catch {
    return [];
  }
}

/** The keyword (an unquoted word, upper-cased) at a token index, if any. */
function wordAt(tokens: Tokens): (i: number) => string | undefined {
  return (i) => {
    const t = tokens[i];
    return t?.kind === 'ident' ? t.value.toUpperCase() : undefined;
  };
}

/**
 * The dotted name starting at token `start` (`a.b`, `` `p.d.t` ``, `` `p`.d.t ``), split into parts,
 * and the index of the token after it.
 */
function pathAt(tokens: Tokens, start: number): { parts: string[]; next: number } {
  const parts: string[] = [];
  let j = start;
  for (;;) {
    const t = tokens[j];
    if (t === undefined || (t.kind !== 'ident' && t.kind !== 'quoted')) break;
    parts.push(...t.value.split('.'));
    j++;
    const dot = tokens[j];
    if (dot?.kind !== 'op' || dot.text !== '.') break;
    j++;
  }
  return { parts, next: j };
}

/** Dotted names of two or more parts in `sql` (`a.b`, `` `p.d.t` ``, `` `p`.d.t ``), split into parts. */
function tablePaths(sql: string): string[][] {
  const tokens = significantTokens(sql);
  const paths: string[][] = [];
  let current: string[] = [];
  let afterDot = false;
  const flush = () => {
    if (current.length >= 2) paths.push(current);
    current = [];
  };
  for (const token of tokens) {
    const isName = token.kind === 'ident' || token.kind === 'quoted';
    if (isName && (current.length === 0 || afterDot)) {
      current.push(...token.value.split('.'));
      afterDot = false;
    } else if (token.kind === 'op' && token.text === '.' && current.length > 0 && !afterDot) {
      afterDot = true;
    } else {
      flush();
      afterDot = false;
      if (isName) current.push(...token.value.split('.'));
    }
  }
  flush();
  return paths;
}
