/**
 * Where a job of the BigQuery stand-in runs, and whether a request that names (or omits) a location
 * finds it, as BigQuery decides both.
 */
import type { Engine } from './engine.js';
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
 * (`ds.t`, `project.ds.t`, or a backtick path) that exists, else its default dataset's; anything else
 * in the stand-in's own location.
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
  const dd = touches.defaultDataset;
  return (dd && found(dd.projectId, dd.datasetId)) ?? engine.location;
}

/** Dotted names of two or more parts in `sql` (`a.b`, `` `p.d.t` ``, `` `p`.d.t ``), split into parts. */
function tablePaths(sql: string): string[][] {
  let tokens: ReturnType<typeof tokenizeSql>;
  try {
    tokens = tokenizeSql(sql).filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
  } catch {
    return [];
  }
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
