import { afterAll, beforeAll } from 'vitest';
import type { BigQueryExecutorOptions } from '../../../src/bigquery/index.js';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
import type { RetryOptions } from '../../../src/retry/index.js';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../src/testing/bigquery/index.js';

/** Tiny delays so fault tests stay fast; no jitter surprises in counts. */
export const fastRetry: RetryOptions = { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 5 };

export interface Harness {
  standIn: BigQueryStandIn;
  executor(options?: BigQueryExecutorOptions): BigQueryExecutor;
  /** Requests whose method matches and whose path matches the pattern (in order). */
  requests(method: string, path: RegExp): BigQueryStandIn['requests'];
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const standIn = await startBigQueryStandIn();
  return {
    standIn,
    executor: (options = {}) =>
      new BigQueryExecutor({ client: standIn.client(), retry: fastRetry, ...options }),
    requests: (method, path) => standIn.requests.filter((r) => r.method === method && path.test(r.path)),
    close: () => standIn.close(),
  };
}

export const INSERT_JOB = /\/projects\/[^/]+\/jobs$/;
export const GET_JOB = /\/projects\/[^/]+\/jobs\/[^/]+$/;
export const QUERY_RESULTS = /\/projects\/[^/]+\/queries\/[^/]+$/;
export const JOBS_QUERY = /\/projects\/[^/]+\/queries$/;
export const INSERT_ALL = /\/insertAll$/;
export const UPLOAD = /\/upload\/bigquery\/v2\/projects\/[^/]+\/jobs$/;

/** The requestId of a jobs.query request body. */
export function requestIdOf(request: { body: unknown }): string | undefined {
  return (request.body as { requestId?: string } | undefined)?.requestId;
}

/** The job id of a jobs.insert request body. */
export function jobIdOf(request: { body: unknown }): string | undefined {
  const body = request.body as { jobReference?: { jobId?: string } } | undefined;
  return body?.jobReference?.jobId;
}

/** `COUNT(*)` and `COUNT(DISTINCT id)` of a table: a duplicate shows as `n > d`, a lost row as a short `d`. */
export async function countRowsAndIds(
  executor: BigQueryExecutor,
  table: string,
): Promise<{ n: number; d: number }> {
  const [counts] = await executor.query<{ n: number; d: number }>(
    `SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM ${table}`,
  );
  if (counts === undefined) throw new Error(`no count came back for ${table}`);
  return counts;
}

/** What a promise rejected with, or `undefined` if it resolved. */
export function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** Creates `table` as a one-row counter, `n = 0` (a load job, so DML may change it at once). */
export async function createCounter(h: Harness, table: string): Promise<void> {
  await h.executor().query(`CREATE TABLE ${table} (n INT64)`);
  await h.executor().loadRows(table, [{ n: 0 }]);
}

/**
 * The creating request (`POST` on `path`, of SQL matching `sql` when given) is applied and its answer
 * lost once; every later one is refused with 503 until the retries run out.
 */
export function loseThenRefuse(h: Harness, path: RegExp, sql?: RegExp): void {
  const match = { method: 'POST', path, ...(sql ? { sql } : {}) };
  h.standIn.faults.add({ ...match, reset: 'after', times: 1 });
  h.standIn.faults.add({ ...match, error: { status: 503, reason: 'backendError' } });
}

/** What {@link useWriteStandIn} gives the tests of one `describe`. */
export interface WriteStandIn {
  /** The stand-in (started in `beforeAll`). */
  readonly s: BigQueryStandIn;
  /** An executor writing through both real clients (BigQuery and Storage Write) of the stand-in. */
  executor(options?: BigQueryExecutorOptions): BigQueryExecutor;
  /** Creates a new table `ds.<prefix><n>` with these columns and returns its name. */
  freshTable(columns?: string): Promise<string>;
  /** The `id` column of a table, ascending. */
  ids(table: string): Promise<number[]>;
  /** The Storage Write requests of one method since `from` (an earlier length of the request log). */
  calls(method: string, from: number): BigQueryStandIn['storageWrite']['requests'];
}

/**
 * One BigQuery stand-in with its Storage Write service and a dataset `ds`, for the tests of the
 * `describe` that calls this: started before them, closed after them.
 */
export function useWriteStandIn(tablePrefix: string): WriteStandIn {
  let standIn: BigQueryStandIn | undefined;
  let tableNo = 0;
  beforeAll(async () => {
    standIn = await startBigQueryStandIn();
    await standIn.run('CREATE SCHEMA ds');
  });
  afterAll(async () => {
    await standIn?.close();
  });
  const started = (): BigQueryStandIn => {
    if (standIn === undefined) throw new Error('useWriteStandIn: the stand-in is used before beforeAll ran');
    return standIn;
  };
  return {
    get s() {
      return started();
    },
    executor: (options = {}) =>
      new BigQueryExecutor({
        client: started().client(),
        writeClient: started().writeClient(),
        projectId: 'test-project',
        retry: fastRetry,
        ...options,
      }),
    freshTable: async (columns = 'id INT64 NOT NULL, name STRING') => {
      const name = `ds.${tablePrefix}${++tableNo}`;
      await started().run(`CREATE TABLE ${name} (${columns})`);
      return name;
    },
    ids: async (table) =>
      (await started().run(`SELECT id FROM ${table} ORDER BY id`)).map((r) => Number(r.id)),
    calls: (method, from) =>
      started()
        .storageWrite.requests.slice(from)
        .filter((r) => r.method === method),
  };
}
