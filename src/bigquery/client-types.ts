/**
 * The parts of the Google clients the executor calls, declared structurally so that the package's
 * public types need none of the optional peers (`@google-cloud/bigquery`,
 * `@google-cloud/bigquery-storage`). A real `BigQuery` and `v1.BigQueryWriteClient` are each one
 * (`test/types/client-types.ts` proves it). The executor reads the answers in the shapes the BigQuery
 * REST and Storage Write APIs document.
 * @module
 */

/**
 * What the executor calls on a `BigQuery` client of `@google-cloud/bigquery` (an optional peer): its
 * authenticated REST `request` (queries and jobs), and the table handles of `dataset(...).table(...)`
 * (streaming inserts and load uploads). The client's class also decodes rows
 * (`mergeSchemaWithRows_`) and, through its constructor, gives the sibling client whose own retries
 * are off; the executor checks both at run time and says what is missing.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, type BigQueryClient } from 'gcp-pipeline-resilience';
 * import { BigQuery } from '@google-cloud/bigquery';
 * // A factory typed on the structural client accepts the real one; the executor turns its retries off.
 * const executorFor = (client: BigQueryClient) => new BigQueryExecutor({ client });
 * const bq = executorFor(new BigQuery({ projectId: 'my-project', location: 'EU' }));
 * await bq.query('SELECT 1 AS one');
 * ```
 */
export interface BigQueryClient {
  /** One REST request relative to the client's project, answered through the callback. */
  request(
    request: { uri: string; method?: string; json?: unknown; qs?: unknown },
    callback: (error: Error | null, body?: unknown) => void,
  ): unknown;
  dataset(datasetId: string, options?: { projectId?: string }): BigQueryDatasetHandle;
}

/**
 * A `Dataset` of `@google-cloud/bigquery`: the executor only opens its tables.
 *
 * @example
 * ```ts
 * import { BigQuery } from '@google-cloud/bigquery';
 * import type { BigQueryDatasetHandle } from 'gcp-pipeline-resilience';
 * const dataset: BigQueryDatasetHandle = new BigQuery().dataset('nba_raw');
 * const games = dataset.table('games', { location: 'US' });
 * ```
 */
export interface BigQueryDatasetHandle {
  table(tableId: string, options?: { location?: string }): BigQueryTableHandle;
}

/**
 * A `Table` of `@google-cloud/bigquery`: `insert` (insertAll) and the load-job upload stream.
 *
 * @example
 * ```ts
 * import { BigQuery } from '@google-cloud/bigquery';
 * import type { BigQueryTableHandle } from 'gcp-pipeline-resilience';
 * const games: BigQueryTableHandle = new BigQuery().dataset('nba_raw').table('games');
 * await games.insert([{ game_id: 'g1' }]); // insertAll, as the executor sends it
 * ```
 */
export interface BigQueryTableHandle {
  insert(rows: object[], options?: object): Promise<unknown>;
  /** The upload of a load job; emits `job` (the created job) or `error`. */
  createWriteStream_(metadata: object): BigQueryUploadStream;
}

/**
 * The writable upload stream of a load job, as far as the executor uses it.
 *
 * @example
 * ```ts
 * import type { BigQueryTableHandle, BigQueryUploadStream } from 'gcp-pipeline-resilience';
 * declare const table: BigQueryTableHandle;
 * const upload: BigQueryUploadStream = table.createWriteStream_({ sourceFormat: 'NEWLINE_DELIMITED_JSON' });
 * upload.once('job', (job) => console.log('load job', job?.id));
 * upload.end('{"game_id":"g1"}\n');
 * ```
 */
export interface BigQueryUploadStream {
  once(
    event: 'job',
    listener: (job: { id?: string; location?: string; metadata?: object } | null) => void,
  ): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  end(chunk: string): unknown;
  destroy(): unknown;
}

/**
 * What `writeRows` calls on a `v1.BigQueryWriteClient` of `@google-cloud/bigquery-storage` (an
 * optional peer): the stream lifecycle calls, the bidirectional `AppendRows` call and the project id.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, type BigQueryWriteClient } from 'gcp-pipeline-resilience';
 * import { v1 } from '@google-cloud/bigquery-storage';
 * const writerFor = (writeClient: BigQueryWriteClient) =>
 *   new BigQueryExecutor({ projectId: 'my-project', writeClient });
 * const bq = writerFor(new v1.BigQueryWriteClient());
 * await bq.writeRows('nba_raw.events', [{ event_id: 'e1' }]);
 * ```
 */
export interface BigQueryWriteClient {
  createWriteStream(
    request: { parent?: string | null; writeStream?: object | null },
    options?: object,
  ): Promise<unknown>;
  getWriteStream(
    request: { name?: string | null; view?: 'BASIC' | 'FULL' | null },
    options?: object,
  ): Promise<unknown>;
  finalizeWriteStream(request: { name?: string | null }, options?: object): Promise<unknown>;
  batchCommitWriteStreams(
    request: { parent?: string | null; writeStreams?: string[] | null },
    options?: object,
  ): Promise<unknown>;
  /** Opens the bidirectional `AppendRows` stream. */
  appendRows(options?: object): unknown;
  getProjectId(): Promise<string>;
  /**
   * Creates the gRPC stub (and with it the credentials). Every other method calls it and rethrows
   * its failure where no one awaits it, so the executor calls it first, itself.
   */
  initialize?(): Promise<unknown>;
}
