import { GoogleApiError, type PipelineError, toPipelineError } from '../errors/index.js';
import type { RetryContext } from '../retry/index.js';
import {
  type ExecutorContext,
  httpStatusOf,
  type JobHandle,
  type JobResource,
  jobResourceOf,
  newJobId,
  type QueryResultsResource,
} from './context.js';
import type { CallOptions } from './types.js';

/** One query job to run to completion. */
export interface QueryJobSpec {
  /** The `createQueryJob` options without `jobId` / `location`. */
  configuration: Record<string, unknown>;
  location: string | undefined;
  /** A caller-chosen first job id; re-runs get `<jobId>_r<n>`. */
  jobId: string | undefined;
  dryRun: boolean;
  pageSize: number | undefined;
  wrapIntegers: boolean | undefined;
  deadlineMs: number | undefined;
}

/** What a finished query job gave. */
export interface QueryJobOutcome {
  jobId: string;
  rows: unknown[];
  /** The job resource from jobs.insert (or jobs.get after a 409). */
  job: JobResource;
  /** The last getQueryResults answer (absent for dry runs). */
  results: QueryResultsResource | undefined;
}

/** Mutable progress of one call, kept across attempts so an attempt resumes where the last one failed. */
interface State {
  run: number;
  jobId: string;
  job: JobHandle | undefined;
  resource: JobResource | undefined;
  /** Results have started arriving: the job is known to have finished successfully. */
  complete: boolean;
  /** The job finished with an error (so there is nothing to cancel). */
  failed: boolean;
  pageToken: string | undefined;
  rows: unknown[];
  results: QueryResultsResource | undefined;
  /** A transient failure while waiting: refresh the job's state before polling again. */
  verify: boolean;
  /** The job itself failed in a way that a new job may not: re-run it under a new id. */
  newJob: boolean;
  polls: number;
}

/** What a job run has learnt so far; a re-run under a new job id starts again from this. */
function freshJobProgress(): Omit<State, 'run' | 'jobId'> {
  return {
    job: undefined,
    resource: undefined,
    complete: false,
    failed: false,
    pageToken: undefined,
    rows: [],
    results: undefined,
    verify: false,
    newJob: false,
    polls: 0,
  };
}

function jobFailure(resource: JobResource): PipelineError {
  return toPipelineError({ status: resource.status, message: resource.status?.errorResult?.message });
}

/**
 * Runs one query job through the retry loop, as a resumable state machine: jobs.insert under an id
 * we chose (a 409 on it means an earlier attempt's insert went through and its answer was lost, so the
 * job is fetched, not failed), then getQueryResults page by page. A transient request failure resumes
 * at the same step with the same job; a job that itself failed (`errorResult`, or the `job*` reasons)
 * is re-run under a new job id. Every request is one guarded call, so a hung one is abandoned.
 */
export async function runQueryJob(
  ctx: ExecutorContext,
  spec: QueryJobSpec,
  call: CallOptions,
): Promise<QueryJobOutcome> {
  const client = await ctx.client();
  const firstId = spec.jobId ?? newJobId(ctx.jobIdPrefix);
  const state: State = { run: 0, jobId: firstId, ...freshJobProgress() };
  const location = spec.location ?? ctx.location;

  const fail = (resource: JobResource): never => {
    state.failed = true;
    const error = jobFailure(resource);
    // A finished job cannot be polled back to life: if it is worth retrying at all, it is as a new job.
    state.newJob = error.transient;
    throw error;
  };

  const insert = async (attempt: RetryContext): Promise<void> => {
    const options = { ...spec.configuration, jobId: state.jobId, ...(location ? { location } : {}) };
    try {
      const [job, resource] = (await ctx.guard(attempt, 'jobs.insert', () =>
        client.createQueryJob(options as Parameters<typeof client.createQueryJob>[0]),
      )) as unknown as [JobHandle, JobResource];
      state.job = job;
      state.resource = resource;
    } catch (err) {
      const resource = jobResourceOf(err);
      if (resource !== undefined) {
        // createJob raises on any status.errors; only errorResult means the job failed.
        state.job = client.job(state.jobId, {
          location: resource.jobReference?.location ?? location,
        }) as unknown as JobHandle;
        state.resource = resource;
      } else if (httpStatusOf(err) === 409 && !spec.dryRun) {
        // Our id already exists: an earlier jobs.insert of this attempt sequence was applied.
        ctx.logger.debug('jobs.insert answered 409 for our job id; fetching the job', { jobId: state.jobId });
        const job = client.job(state.jobId, location ? { location } : {}) as unknown as JobHandle;
        const [resource] = await ctx.guard(attempt, 'jobs.get', () => job.getMetadata());
        state.job = job;
        state.resource = resource;
      } else {
        throw err;
      }
    }
    if (state.resource?.status?.errorResult) fail(state.resource);
  };

  const fetchResults = async (attempt: RetryContext): Promise<void> => {
    const job = state.job as JobHandle;
    while (true) {
      const options: Record<string, unknown> = { autoPaginate: false };
      if (state.pageToken !== undefined) options.pageToken = state.pageToken;
      if (spec.pageSize !== undefined) options.maxResults = spec.pageSize;
      if (spec.wrapIntegers) options.wrapIntegers = true;
      let page: [unknown[], unknown, QueryResultsResource | undefined];
      try {
        page = await ctx.guard(attempt, 'jobs.getQueryResults', () => job.getQueryResults(options));
      } catch (err) {
        const error = toPipelineError(err);
        if (error instanceof GoogleApiError && error.requiresNewJobId) {
          state.failed = true;
          state.newJob = true;
        } else if (error.transient && !state.complete) {
          state.verify = true;
        }
        throw error;
      }
      const [rows, , response] = page;
      if (response?.jobComplete === false) {
        // BigQuery already waits server-side before answering jobComplete:false; a short pause
        // keeps a fast-answering server (or stand-in) from being polled in a tight loop.
        await ctx.clock.sleep(Math.min(500, 10 * 2 ** Math.min(state.polls++, 6)), attempt.signal);
        continue;
      }
      state.complete = true;
      state.results = response;
      for (const row of rows ?? []) state.rows.push(row);
      if (response?.pageToken) {
        state.pageToken = response.pageToken;
        continue;
      }
      return;
    }
  };

  try {
    return await ctx.run(
      spec.dryRun ? 'bigquery.dryRun' : 'bigquery.query',
      call,
      async (attempt) => {
        if (state.newJob) {
          state.run++;
          state.jobId = spec.jobId !== undefined ? `${spec.jobId}_r${state.run}` : newJobId(ctx.jobIdPrefix);
          Object.assign(state, freshJobProgress());
          ctx.logger.info('re-running failed BigQuery job under a new job id', {
            jobId: state.jobId,
            run: state.run,
          });
        }
        if (state.job === undefined) {
          await insert(attempt);
        } else if (state.verify) {
          const job = state.job;
          const [resource] = await ctx.guard(attempt, 'jobs.get', () => job.getMetadata());
          state.verify = false;
          state.resource = resource;
          if (resource.status?.errorResult) fail(resource);
        }
        if (
          !spec.dryRun &&
          !(state.complete && state.pageToken === undefined && state.results !== undefined)
        ) {
          await fetchResults(attempt);
        }
        return {
          jobId: state.jobId,
          rows: state.rows,
          job: state.resource ?? {},
          results: state.results,
        };
      },
      { deadlineMs: spec.deadlineMs },
    );
  } catch (err) {
    // Do not leave a job running that nobody will read (abort, deadline, retries exhausted).
    const job = state.job;
    if (job !== undefined && !state.complete && !state.failed && !spec.dryRun) {
      job.cancel().catch(() => undefined);
    }
    throw err;
  }
}
