import type { BigQueryClient } from './client.js';
import { restCall } from './rest.js';
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
  let run = '';
  const take = (): DatasetRef | undefined => {
    const text = run;
    run = '';
    if (!text.includes('.')) return undefined;
    const parts = text.split('.');
    const datasetId = parts[parts.length - 2];
    const projectId = parts[parts.length - 3];
    if (!datasetId) return undefined;
    return projectId ? { projectId, datasetId } : { datasetId };
  };
  for (const token of tokenizeSql(sql)) {
    const joins = token.kind === 'punct' && (token.text === '.' || token.text === '-');
    const name = token.kind === 'word' || token.kind === 'quoted';
    if ((name || joins) && (run === '' || !token.spaced)) {
      run += token.text;
      continue;
    }
    const found = take();
    if (found) return found;
    if (name) run = token.text;
  }
  return take();
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
