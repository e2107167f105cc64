/**
 * Public types of the BigQuery stand-in.
 */
import type { BigQuery, BigQueryOptions } from '@google-cloud/bigquery';
import type { v1 } from '@google-cloud/bigquery-storage';
import type { BigQueryFaultPlan } from './faults.js';
import type { StorageWriteStandIn, WriteClientOptions } from './storage-write/start.js';

/**
 * Options of {@link startBigQueryStandIn}.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor } from 'gcp-pipeline-resilience';
 * import { startBigQueryStandIn, type BigQueryStandInOptions } from 'gcp-pipeline-resilience/testing';
 * const euProject: BigQueryStandInOptions = { projectId: 'test-project', location: 'EU' };
 * const bigquery = await startBigQueryStandIn(euProject);
 * const executor = new BigQueryExecutor({ client: bigquery.client() });
 * ```
 */
export interface BigQueryStandInOptions {
  /** Default project of clients and of `dataset.table` names (default `'test-project'`). */
  projectId?: string;
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** Location of jobs and datasets that do not name one (default `'US'`). */
  location?: string;
  /**
   * How long an applied insertAll `insertId` suppresses rows with the same id in the same table
   * (default 60 000 ms, BigQuery's documented "at least one minute"; `Infinity` for ever).
   */
  insertIdWindowMs?: number;
  /**
   * Bytes billed at least per table a query scans (default 10 MiB, BigQuery's on-demand minimum).
   * Set 0 to make `maximumBytesBilled` compare against the raw estimate.
   */
  minimumBytesBilledPerTable?: number;
  /**
   * The most rows one results page holds when the request asks for more or sets no `maxResults`
   * (default 100,000). BigQuery limits a page by its size in bytes; a small value makes an ordinary
   * `bigquery.query(sql)` read several pages, as a large result does against BigQuery.
   */
  maxPageRows?: number;
  /**
   * How long a jobs.query `requestId` is remembered (default 15 minutes, as BigQuery documents): a
   * repeat with the same result-affecting fields gets the first answer instead of running again.
   */
  requestIdWindowMs?: number;
  /**
   * Serve the Storage Write API (`google.cloud.bigquery.storage.v1.BigQueryWrite`, gRPC) over the
   * same tables. Default: served when `@google-cloud/bigquery-storage`, `@grpc/grpc-js` and
   * `@grpc/proto-loader` are installed; `true` makes their absence an error; `false` never serves it.
   */
  storageWrite?: boolean;
  /**
   * Answer 401 `UNAUTHENTICATED` (reason `required`), as BigQuery does, to every REST request without an
   * `Authorization` header, before reading it (default `false`). For tests of a client without
   * credentials: with no Application Default Credentials, `@google-cloud/bigquery` sends its requests
   * unauthenticated. The pass-through auth of {@link BigQueryStandIn.client} sends none either: give
   * such a client an `authClient` of its own.
   */
  requireCredentials?: boolean;
}

/**
 * One request the stand-in received.
 *
 * @example
 * ```ts
 * import { startBigQueryStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startBigQueryStandIn();
 * const inserts = standIn.requests.filter((r) => r.path.endsWith('/insertAll'));
 * ```
 */
export interface BigQueryRequestLog {
  method: string;
  /** URL path without the query string. */
  path: string;
  query: Record<string, string>;
  /**
   * Parsed JSON body; for a multipart upload `{ metadata, data }` (data as text); `undefined` when
   * there was none.
   */
  body: unknown;
  /** Id of the fault rule that acted on the request, if any. */
  fault?: string;
  /** HTTP status answered; absent while pending and when no answer was sent (reset, hang). */
  status?: number;
}

/**
 * A running BigQuery stand-in.
 *
 * @example
 * ```ts
 * import { startBigQueryStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startBigQueryStandIn();
 * const bq = standIn.client({ autoRetry: false });
 * await bq.createDataset('ds');
 * const [rows] = await bq.query({ query: 'SELECT 1 AS one' });
 * await standIn.close();
 * ```
 */
export interface BigQueryStandIn {
  /** `http://127.0.0.1:PORT` (pass as `apiEndpoint`). */
  readonly endpoint: string;
  readonly projectId: string;
  readonly location: string;
  /**
   * A real `BigQuery` client pointed at the stand-in (pass-through auth, no metadata-server probe).
   * `options` are merged over the defaults.
   */
  client(options?: BigQueryOptions): BigQuery;
  /**
   * A real `BigQueryWriteClient` (`@google-cloud/bigquery-storage` v1) pointed at the stand-in's
   * Storage Write service (insecure channel, pass-through auth). Rows it writes are read by the
   * same queries as rows inserted over REST. Closed with the stand-in.
   */
  writeClient(options?: WriteClientOptions): v1.BigQueryWriteClient;
  /** The Storage Write gRPC service: its endpoint, fault plan and request log. */
  readonly storageWrite: StorageWriteStandIn;
  readonly faults: BigQueryFaultPlan;
  /** Every request received, in order. */
  readonly requests: BigQueryRequestLog[];
  /**
   * Runs GoogleSQL directly (no faults, not logged) and returns rows as plain values: INT64 as
   * numbers (bigint beyond 2^53), TIMESTAMP/DATETIME as `Date`, NUMERIC/DATE/TIME as strings,
   * BYTES as `Buffer`. DML returns `[{ numDmlAffectedRows }]`. Parameters: an object of plain values
   * (types inferred) or BigQuery `queryParameters`.
   */
  run(sql: string, params?: Record<string, unknown>): Promise<Record<string, unknown>[]>;
  /** Stops the server, ends hanging and pending sockets, closes DuckDB. */
  close(): Promise<void>;
}
