import { NotFoundError, PipelineError, toPipelineError } from '../errors/index.js';
import type { BigQueryClient } from './client.js';
import { restCall } from './rest.js';
import { readPaths } from './sql-paths.js';
import { tokenizeSql } from './sql-tokens.js';

/**
 * Where a job that named no location runs, as BigQuery decides it: in the location of the dataset it
 * touches. BigQuery finds a job in a single region (`europe-west2`) by jobs.get only when the request
 * names that region, so a job whose creating answer was lost can be read back only once its dataset's
 * location is known.
 */

/** A dataset: its project (the client's when absent) and id. */
export interface DatasetRef {
  projectId?: string;
  datasetId: string;
}

/**
 * The dataset of the first table a statement names (`ds.t`, `project.ds.t`, `` `p.ds.t` ``): the
 * target of a DML statement (`INSERT INTO`, `UPDATE`, `DELETE FROM`, `MERGE`, `TRUNCATE TABLE`,
 * `LOAD DATA INTO`), whose dataset holds the job. `undefined` when it names no qualified table.
 *
 * @internal
 */
export function firstDatasetOf(sql: string): DatasetRef | undefined {
  // The query guard's reading of a path (readPaths): `ds . t`, `proj.123ds.t`, `my-project-287.ds.t`.
  const path = readPaths(tokenizeSql(sql)).find((p) => p.parts.length > 1);
  if (path === undefined) return undefined;
  const { parts } = path;
  const datasetId = parts[parts.length - 2] as string;
  const projectId = parts.slice(0, -2).join('.');
  return projectId === '' ? { datasetId } : { projectId, datasetId };
}

/** datasets.get: the dataset's location, or `undefined` when BigQuery's answer names none. */
export async function datasetLocation(
  client: BigQueryClient,
  dataset: DatasetRef,
): Promise<string | undefined> {
  const resource = await restCall<{ location?: unknown }>(client, {
    uri: `/datasets/${encodeURIComponent(dataset.datasetId)}`,
    ...(dataset.projectId ? { projectId: dataset.projectId } : {}),
  });
  return typeof resource?.location === 'string' && resource.location !== '' ? resource.location : undefined;
}

/** The code of the error a job run in a location other than its dataset's rejects with. */
export const LOCATION_MISMATCH = 'LOCATION_MISMATCH';

/**
 * BigQuery's refusal of a job that names a dataset it cannot find where the job runs: `Not found:
 * Dataset <project>:<dataset> was not found in location <X>`. The same words say "there is no such
 * dataset" and "the dataset is in another location": only reading the dataset tells.
 */
// A domain-scoped project (`example.com:proj`) holds a colon; a dataset id never does.
const NOT_IN_LOCATION = /Not found: Dataset (\S+):([A-Za-z0-9_]+) was not found in location ([A-Za-z0-9-]+)/;

/** A job's "dataset not found in location X" refusal: the dataset and the location the job ran in. */
export interface MisplacedDataset {
  dataset: Required<DatasetRef>;
  /** Where the job ran. */
  jobLocation: string;
  /** BigQuery's sentence, as it said it. */
  said: string;
  error: PipelineError;
}

/**
 * The dataset and location of a "Dataset p:d was not found in location X" refusal (a `NotFoundError`
 * from jobs.query, a dry run or a failed job), or `undefined` for any other error.
 *
 * @internal
 */
export function misplacedDatasetOf(err: unknown): MisplacedDataset | undefined {
  const error = toPipelineError(err);
  if (!(error instanceof NotFoundError)) return undefined;
  const match = NOT_IN_LOCATION.exec(error.message);
  if (match === null) return undefined;
  const [said, projectId, datasetId, jobLocation] = match as unknown as [string, string, string, string];
  return { dataset: { projectId, datasetId }, jobLocation, said, error };
}

/**
 * The error of a job that ran in a location other than its dataset's (`datasetLocation` is where the
 * dataset really is): `PipelineError` `LOCATION_MISMATCH`, not transient (the same job fails the same
 * way anywhere but in the dataset's location), with BigQuery's error as its cause. `requested` is the
 * location the call asked for (the call's or the executor's `location` option), `undefined` when
 * BigQuery chose it.
 *
 * @internal
 */
export function locationMismatch(
  misplaced: MisplacedDataset,
  datasetLocation: string,
  requested: string | undefined,
): PipelineError {
  const { dataset, jobLocation, said, error } = misplaced;
  const chosen =
    requested === undefined
      ? 'no `location` option was given, so BigQuery ran it where another dataset it touches is: one job reads and writes datasets of one location only'
      : `the \`location\` option (of the call, else of the executor) asked for ${requested}`;
  return new PipelineError(
    `BigQuery ran the job in location ${jobLocation}, but dataset ${dataset.projectId}:${dataset.datasetId} is in ${datasetLocation} (${chosen}). Run it with { location: '${datasetLocation}' }, or leave \`location\` out and BigQuery runs the job where its dataset is; retrying in ${jobLocation} fails the same way. BigQuery said: ${said}`,
    { code: LOCATION_MISMATCH, transient: false, cause: error },
  );
}
