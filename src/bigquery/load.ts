import type { Writable } from 'node:stream';
import { toPipelineError } from '../errors/index.js';
import type { RetryContext } from '../retry/index.js';
import type { BigQueryClient } from './client.js';
import {
  type ExecutorContext,
  httpStatusOf,
  int64,
  type JobHandle,
  type JobResource,
  newJobId,
} from './context.js';
import { encodeRow } from './encode-row.js';
import { formatTableName, parseTableName } from './table-name.js';
import type { LoadResult, LoadRowsOptions } from './types.js';

type TableHandle = ReturnType<ReturnType<BigQueryClient['dataset']>['table']>;

/**
 * One multipart upload of NDJSON to the jobs upload endpoint (what `table.createWriteStream` does),
 * resolving with the created job as soon as the upload is answered. The public `createWriteStream`
 * would also subscribe to the job's `complete` event, which starts the client's own background
 * polling (jobs.get every 500 ms); `createWriteStream_` does not, so every request is ours.
 */
function upload(
  table: TableHandle,
  body: string,
  metadata: Record<string, unknown>,
  onStream: (stream: Writable) => void,
): Promise<JobHandle> {
  return new Promise<JobHandle>((resolve, reject) => {
    const stream = table.createWriteStream_(metadata as Parameters<TableHandle['createWriteStream_']>[0]);
    onStream(stream);
    stream.once('job', (job: JobHandle | null) => {
      if (job) resolve(job);
      else reject(new Error('BigQuery load upload was answered without a job reference'));
    });
    stream.once('error', reject);
    stream.end(body);
  });
}

const POLL_MIN_MS = 50;
const POLL_MAX_MS = 2000;

/**
 * A batch load job from NDJSON with WRITE_APPEND (the original's write path: no streaming buffer, so
 * UPDATE/DELETE work on the rows at once). Retried as a whole job in our retry loop: a lost upload
 * answer is retried under the same job id (a 409 then means the job exists and is fetched, so rows
 * are never loaded twice); a job that finished with a transient error is re-run under a new job id.
 */
export async function loadRows(
  ctx: ExecutorContext,
  table: string,
  rows: readonly unknown[],
  options: LoadRowsOptions,
): Promise<LoadResult> {
  const ref = parseTableName(table);
  const tableName = formatTableName(ref);
  if (!Array.isArray(rows)) throw new TypeError(`loadRows(${tableName}) needs an array of rows`);
  if (rows.length === 0) return { jobId: null, outputRows: 0 };
  const body = `${rows
    .map((row, i) => {
      try {
        return JSON.stringify(encodeRow(row));
      } catch (err) {
        throw new TypeError(`loadRows(${tableName}): row ${i}: ${(err as Error).message}`);
      }
    })
    .join('\n')}\n`;

  const client = await ctx.client();
  const location = options.location ?? ctx.location;
  const target = client
    .dataset(ref.datasetId, ref.projectId ? { projectId: ref.projectId } : {})
    .table(ref.tableId, location ? { location } : {});
  const state = {
    run: 0,
    jobId: options.jobId ?? newJobId(ctx.jobIdPrefix),
    job: undefined as JobHandle | undefined,
    resource: undefined as JobResource | undefined,
    newJob: false,
    polls: 0,
  };

  const metadataFor = (jobId: string): Record<string, unknown> => ({
    jobId,
    sourceFormat: 'NEWLINE_DELIMITED_JSON',
    writeDisposition: 'WRITE_APPEND',
    ignoreUnknownValues: options.ignoreUnknownValues ?? true,
  });

  const fail = (resource: JobResource): never => {
    const error = toPipelineError({
      status: resource.status,
      message: resource.status?.errorResult?.message,
    });
    state.newJob = error.transient;
    throw error;
  };

  const start = async (attempt: RetryContext): Promise<void> => {
    let stream: Writable | undefined;
    try {
      const job = await ctx.guard(
        attempt,
        'jobs.insert (upload)',
        () => upload(target, body, metadataFor(state.jobId), (s) => (stream = s)),
        () => stream?.destroy(),
      );
      state.job = job;
      state.resource = job.metadata;
    } catch (err) {
      if (httpStatusOf(err) !== 409) throw err;
      ctx.logger.debug('load upload answered 409 for our job id; fetching the job', { jobId: state.jobId });
      const job = client.job(state.jobId, location ? { location } : {}) as unknown as JobHandle;
      const [resource] = await ctx.guard(attempt, 'jobs.get', () => job.getMetadata());
      state.job = job;
      state.resource = resource;
    }
  };

  return ctx.run('bigquery.loadRows', options, async (attempt) => {
    if (state.newJob) {
      state.run++;
      state.jobId =
        options.jobId !== undefined ? `${options.jobId}_r${state.run}` : newJobId(ctx.jobIdPrefix);
      Object.assign(state, { job: undefined, resource: undefined, newJob: false, polls: 0 });
      ctx.logger.info('re-running failed BigQuery load job under a new job id', {
        jobId: state.jobId,
        run: state.run,
      });
    }
    if (state.job === undefined) await start(attempt);
    const job = state.job as JobHandle;
    while (state.resource?.status?.state !== 'DONE') {
      await ctx.clock.sleep(
        Math.min(POLL_MAX_MS, POLL_MIN_MS * 2 ** Math.min(state.polls++, 6)),
        attempt.signal,
      );
      const [resource] = await ctx.guard(attempt, 'jobs.get', () => job.getMetadata());
      state.resource = resource;
    }
    if (state.resource.status?.errorResult) fail(state.resource);
    return {
      jobId: state.jobId,
      // No errorResult with the default maxBadRecords of 0 means every row was appended (loads are
      // all-or-nothing), so the row count stands in if BigQuery's statistics are missing.
      outputRows: int64(state.resource.statistics?.load?.outputRows) ?? rows.length,
    };
  });
}
