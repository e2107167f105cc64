import { httpStatusOf, jobFailed } from '../errors/bigquery-wire.js';
import {
  GoogleApiError,
  NotFoundError,
  OperationTimeoutError,
  PipelineError,
  toPipelineError,
} from '../errors/index.js';
import { wasNotSent } from '../errors/not-sent.js';
import { NEVER_ABORTED } from '../retry/attempt.js';
import type { RetryContext } from '../retry/index.js';
import { scheduleOn } from '../retry/schedule.js';
import { onAbort } from '../shared/abort-fanout.js';
import type { BigQueryClient } from './client.js';
import type { CallScope } from './context.js';
import { datasetLocation, locationMismatch, misplacedDatasetOf } from './job-location.js';
import { guardRequest } from './request-guard.js';
import { cancelJob, getJob, type JobRef, type JobResource } from './rest.js';

/** A job started by the current run (or found under its id after a 409). */
export interface RunningJob {
  readonly ref: JobRef;
  /** The last resource read (the creating request's answer, jobs.get). */
  resource: JobResource | undefined;
  /** Set by `finish` once the job is known to have finished well (results arriving, DONE without error). */
  done: boolean;
}

/** What the creating request of a run gave: the outcome already (a short query), or a job to wait for. */
export type Started<T> = { readonly result: T } | { readonly job: RunningJob };

/** What `finish` may ask of the runner. */
export interface JobControl {
  /** Throws the job's failure, typed; a transient one makes the next attempt start a new job. */
  fail(resource: JobResource): never;
  /** Reads the job again (jobs.get) and fails if it failed; returns the fresh resource. */
  refresh(attempt: RetryContext): Promise<JobResource>;
}

/** One kind of job (a query through jobs.query or jobs.insert, a load), as the runner drives it. */
export interface JobPlan<T> {
  /** The retry loop's name (`operationName('query')`). */
  name: string;
  /** What runs, for logs (`'query'`, `'load'`). */
  what: string;
  /** The first run's id chosen by the caller; re-runs get `<id>_r<n>`. */
  chosenId: string | undefined;
  /** A fresh id for a run when the caller chose none (a job id, or a jobs.query requestId). */
  freshId(): string;
  /** True when the id is sent as the job's id: a 409 on it means an earlier request of ours created it. */
  idNamesJob: boolean;
  /** Where a job fetched by its id lives, when the caller said (`location`). */
  location: string | undefined;
  /**
   * Where the job runs when `location` is not set: the location of the dataset it touches
   * (datasets.get). Read only when a job must be found by its id without an answer that named its
   * location: BigQuery finds a job in a single region only when jobs.get names the region.
   */
  locate?(): Promise<string | undefined>;
  /** The run's creating request (one request). */
  start(attempt: RetryContext, id: string): Promise<Started<T>>;
  /** Waits for the job and reads its outcome; keeps its progress, so a later attempt resumes it. */
  finish(attempt: RetryContext, job: RunningJob, control: JobControl): Promise<T>;
  /** Forgets the progress of a run that a new job replaces. */
  restart?(): void;
  /**
   * Checks that a job found under the run's id (after a 409) is this call's own work: a caller's id
   * reused for another statement names someone else's job, whose outcome must not stand in for this
   * one. Returns why it is not, or `undefined` when it is (or cannot be told).
   */
  foreign?(resource: JobResource): string | undefined;
  /**
   * Set for a job that writes (a load): when the call gives up while the job may exist and its
   * outcome is not known (a creating request whose answer was lost, a job not seen finishing), the job
   * is read back once; if that cannot tell, the call rejects with `JOB_OUTCOME_UNKNOWN` naming the job
   * instead of an error that reads as "nothing happened". Returns what the caller can do next.
   */
  unknownOutcome?: { advice(jobId: string): string };
  /**
   * Set for a job that must not be re-run once it ran and failed (a script: the statements that ran
   * before the failure are not rolled back). Returns the error the call rejects with instead of
   * starting a new job.
   */
  notRerunnable?: (jobId: string, error: PipelineError) => PipelineError;
  /**
   * What a job BigQuery stopped before it finished (its `jobTimeoutMs`, a cancel) left behind, for
   * the message (`'the statement changed no rows'`). Without it: nothing it would have written.
   */
  stoppedLeaves?: string;
}

/** The typed error of a job that finished failed, from its status (reason and message). */
function jobError(resource: JobResource): PipelineError {
  return toPipelineError({ status: resource.status, message: resource.status?.errorResult?.message });
}

/** The code of the error a writing job's call rejects with when it gave up not knowing the job's outcome. */
export const JOB_OUTCOME_UNKNOWN = 'JOB_OUTCOME_UNKNOWN';

/** The code of the error a call rejects with when its job id names another statement's job. */
export const JOB_ID_IN_USE = 'JOB_ID_IN_USE';

/** The code of the error of a job BigQuery stopped before it finished: its `jobTimeoutMs` ran out, or it was cancelled. */
export const JOB_STOPPED = 'JOB_STOPPED';

/**
 * How BigQuery stopped a job, from its error: `stopped` (HTTP 499) is both a job stopped at its
 * `jobTimeoutMs` ("Job execution was cancelled: Job timed out after 2 sec") and one cancelled
 * ("... User requested cancellation"); the words tell them apart. The error reference also lists
 * `timeout`. `undefined` for any other error (our own abort has no reason).
 */
function stoppedBy(error: PipelineError): string | undefined {
  if (!(error instanceof GoogleApiError)) return undefined;
  if (error.reasons.includes('timeout')) return 'timeout';
  if (error.reasons.includes('stopped')) {
    return /job timed out/i.test(error.message + JSON.stringify(error.errors)) ? 'timeout' : 'cancel';
  }
  return undefined;
}

/** How long the one read-back of a job whose outcome is unknown may take after the call gave up. */
const READ_BACK_TIMEOUT_MS = 10_000;

/**
 * Whether a failed creating request may still have created the job: one that got no answer (a
 * connection reset, our timeout, an abort) may have been applied; one BigQuery answered with an error
 * was not (409 is handled before), nor one that was never sent (`wasNotSent`: no connection, no
 * credentials).
 */
function mayHaveCreated(err: unknown): boolean {
  return httpStatusOf(err) === undefined && !wasNotSent(err);
}

/**
 * The one job runner for queries and loads, as a resumable state machine inside one retry loop:
 *
 * 1. start the run's job (jobs.insert under our id, an upload under our id, or jobs.query with a
 *    requestId). A 409 on an id we chose means an earlier attempt's request created the job and its
 *    answer was lost: the job is fetched (jobs.get), not failed;
 * 2. wait for it and read the outcome (`plan.finish`). A transient failure while waiting resumes the
 *    same job on the next attempt, after refreshing it once (it may have failed meanwhile);
 * 3. a job that itself failed (`errorResult`, or a `job*` reason) with a transient error is re-run as a
 *    new job (`<id>_r<n>` for a caller's id, else a fresh id or requestId). A job failed for good is not.
 *
 * When the call gives up (abort, deadline, attempts exhausted) on a job that may still be running, a
 * best-effort jobs.cancel stops it, unless it runs under the caller's job id.
 */
export async function runJob<T>(client: BigQueryClient, scope: CallScope, plan: JobPlan<T>): Promise<T> {
  let run = 0;
  let id = plan.chosenId ?? plan.freshId();
  let job: RunningJob | undefined;
  /** The current run's job finished with an error: there is nothing to cancel or resume. */
  let failed = false;
  /** The next attempt starts a new job. */
  let newJob = false;
  /** The next attempt refreshes the job before waiting again. */
  let verify = false;
  /** A creating request of the current run failed in a way that may have created its job anyway. */
  let maybeCreated = false;

  /** The job's location once known: the caller's, a 409's message, or its dataset's (`plan.locate`). */
  let location = plan.location;
  /** Why `plan.locate` could not tell, for an error that must say the location is unknown. */
  let locateFailure: string | undefined;
  const refOf = (jobId: string): JobRef => ({ jobId, ...(location ? { location } : {}) });
  /** Learns the job's location from its dataset before a job is looked up by id alone. */
  const locateWith = async (
    request: (work: () => Promise<string | undefined>) => Promise<string | undefined>,
  ) => {
    if (location !== undefined || plan.locate === undefined) return;
    try {
      location = await request(plan.locate);
      if (location === undefined) locateFailure = 'its dataset names no location';
    } catch (locateError) {
      locateFailure = `reading its dataset failed (${describe(locateError)})`;
    }
  };
  const fetch = (attempt: RetryContext, ref: JobRef): Promise<JobResource> =>
    scope.request(attempt, 'jobs.get', () => getJob(client, ref));
  const failedRun = (rerun: boolean): void => {
    failed = true;
    newJob = rerun;
  };
  const control: JobControl = {
    fail(resource) {
      const error = jobError(resource);
      throwIfStopped(job?.ref.jobId ?? id, error);
      // A finished job cannot be polled back to life: if it is worth retrying at all, it is as a new job.
      if (error.transient && plan.notRerunnable) {
        failedRun(false);
        throw plan.notRerunnable(job?.ref.jobId ?? id, error);
      }
      failedRun(error.transient);
      throw error;
    },
    async refresh(attempt) {
      const current = job as RunningJob;
      const resource = await fetch(attempt, current.ref);
      current.resource = resource;
      if (jobFailed(resource)) control.fail(resource);
      return resource;
    },
  };

  /** Whether jobs.get finds the job; one found failed throws its typed error (`control.fail`). */
  const jobExists = async (attempt: RetryContext, current: RunningJob): Promise<boolean> => {
    let resource: JobResource;
    try {
      resource = await fetch(attempt, current.ref);
    } catch (readError) {
      if (httpStatusOf(readError) === 404) return false;
      throw readError;
    }
    current.resource = resource;
    if (jobFailed(resource)) control.fail(resource);
    return true;
  };

  /** Throws `JOB_ID_IN_USE` when a job found by the run's id (not created in view) is another statement's. */
  const refuseForeign = (resource: JobResource): void => {
    // Only a caller's id can name someone else's job: ours are fresh UUIDs, and comparing them
    // would risk refusing our own job over a detail BigQuery records differently.
    const foreign = plan.chosenId === undefined ? undefined : plan.foreign?.(resource);
    if (foreign === undefined) return;
    // Not ours: nothing of this call ran, and the job must be neither cancelled nor read back.
    failedRun(false);
    throw new PipelineError(
      `BigQuery ${plan.what} job id ${id} is in use by another job (${foreign}): its outcome is not this ${plan.what}'s, and this ${plan.what} did not run under that id. Choose a job id of its own for each ${plan.what}`,
      { code: JOB_ID_IN_USE, transient: false },
    );
  };

  /** Set once the run's job was found under its id (a 409, a read-back) rather than created in view. */
  let foundUnderId = false;
  /** Set once BigQuery answered 409 on the run's id: the job exists, whatever a jobs.get says. */
  let conflicted = false;
  /**
   * Throws the error of a job BigQuery stopped (`JOB_STOPPED`, not transient): what it left behind, and
   * that its id cannot run it again. BigQuery keeps a job id for good, so a call with the caller's
   * id (a redelivery) meets the stopped job through the 409 every time; as a `CancelledError` it read
   * as "this call was aborted" and invited exactly that retry.
   */
  const throwIfStopped = (jobId: string | undefined, error: PipelineError): void => {
    const how = stoppedBy(error);
    if (how === undefined) return;
    failedRun(false);
    const timedOut = how === 'timeout';
    throw Object.assign(
      new PipelineError(
        `BigQuery ${plan.what} job ${jobId ?? ''}${foundUnderId ? ' (already under this id)' : ''} ${timedOut ? 'timed out (jobTimeoutMs)' : 'was cancelled'}, so ${plan.stoppedLeaves ?? 'nothing was applied'}. ${plan.chosenId === undefined ? 'Run' : 'Its id only ever reads this stopped job: run'} it again under a new job id${timedOut ? ' with a larger jobTimeoutMs' : ''}. BigQuery said: ${error.message}`,
        { code: JOB_STOPPED, transient: false, cause: error },
      ),
      { jobId: jobId ?? null, timedOut },
    );
  };

  const start = async (attempt: RetryContext): Promise<Started<T>> => {
    try {
      return await plan.start(attempt, id);
    } catch (err) {
      if (plan.idNamesJob && httpStatusOf(err) === 409) {
        // The job exists: if reading it fails too, its outcome is what is unknown.
        maybeCreated = true;
        scope.logger.debug(
          `BigQuery ${plan.what}: our job id exists already (an earlier request of this call created it); fetching the job`,
          {
            jobId: id,
          },
        );
        location ??= locationInMessage(err, id);
        await locateWith((work) => scope.request(attempt, 'datasets.get', work));
        const ref = refOf(id);
        conflicted = true;
        let resource: JobResource;
        try {
          resource = await fetch(attempt, ref);
        } catch (readError) {
          if (httpStatusOf(readError) !== 404 || ref.location === undefined) throw readError;
          // The 409 says the job exists: a 404 right after it is a job not visible yet (python-bigquery
          // retries NotFound on this read too), never "not created". Read again on the next attempt.
          throw new PipelineError(`BigQuery ${plan.what} job ${id}: 409, yet jobs.get finds no job`, {
            code: 'JOB_NOT_VISIBLE',
            transient: true,
            cause: readError,
          });
        }
        refuseForeign(resource);
        foundUnderId = true;
        return { job: { ref, resource, done: false } };
      }
      const error = toPipelineError(err);
      throwIfStopped(plan.idNamesJob ? id : undefined, error);
      if (error instanceof GoogleApiError && error.requiresNewJobId) failedRun(true);
      else if (plan.idNamesJob && mayHaveCreated(err)) maybeCreated = true;
      throw err;
    }
  };

  /**
   * The call gave up on a job that writes and may exist: one read of it decides. A job that finished
   * well is the call's result (its rows are written); one that failed, or was never created, leaves the
   * call's error standing; anything else is `JOB_OUTCOME_UNKNOWN`.
   */
  const readBack = async (err: unknown, advice: (jobId: string) => string): Promise<T> => {
    // The job's id and location are fields, not only words of the message: the caller passes them
    // back ({ jobId }, { location }) to read the job instead of writing its rows again.
    const unknown = (jobId: string, why: string, cause: unknown) => {
      const where = job?.ref.location ?? location;
      return Object.assign(
        new PipelineError(
          `BigQuery ${plan.what} job ${jobId}: the call gave up (${describe(err)}) while the job may exist, and ${why}: its rows may or may not be written. ${advice(jobId)}`,
          { code: JOB_OUTCOME_UNKNOWN, transient: false, cause },
        ),
        where === undefined ? { jobId } : { jobId, location: where },
      );
    };
    if (scope.signal?.aborted) throw unknown(job?.ref.jobId ?? id, 'the call was aborted', err);
    const remainingMs = scope.remainingMs();
    if (remainingMs <= 0) {
      throw unknown(job?.ref.jobId ?? id, "the call's deadline passed before it could be read back", err);
    }
    // The read-back is part of the call: the caller's signal and what is left of its deadline end it.
    const bound = new AbortController();
    const stopDeadline = Number.isFinite(remainingMs)
      ? scheduleOn(
          scope.clock,
          remainingMs,
          () =>
            bound.abort(
              new OperationTimeoutError(`the call's deadline passed while the job was read back`, {
                timeoutMs: remainingMs,
              }),
            ),
          true,
        )
      : () => undefined;
    const callerSignal = scope.signal;
    const stopSignal = callerSignal
      ? onAbort(callerSignal, () => bound.abort(callerSignal.reason))
      : () => undefined;
    try {
      return await readBackWithin({ attempt: 0, signal: bound.signal }, err, unknown);
    } finally {
      stopDeadline();
      stopSignal();
    }
  };

  const readBackWithin = async (
    context: RetryContext,
    err: unknown,
    unknown: (jobId: string, why: string, cause: unknown) => PipelineError,
  ): Promise<T> => {
    const gaveUp = (what: string, readError: unknown): string =>
      context.signal.aborted
        ? `${what} was cut short (${describe(context.signal.reason)})`
        : `${what} failed (${describe(readError)})`;
    const request = <R>(what: string, work: () => Promise<R>): Promise<R> =>
      guardRequest(context, what, work, {
        timeoutMs: Math.min(scope.requestTimeoutMs, READ_BACK_TIMEOUT_MS),
        clock: scope.clock,
      });
    if (job === undefined) await locateWith((work) => request('datasets.get', work));
    const ref = job?.ref ?? refOf(id);
    let resource: JobResource;
    try {
      resource = await request('jobs.get', () => getJob(client, ref));
    } catch (readError) {
      if (job === undefined && httpStatusOf(readError) === 404 && conflicted && ref.location !== undefined) {
        throw unknown(ref.jobId, 'jobs.get finds no job after a 409 on its id', err);
      }
      if (job === undefined && httpStatusOf(readError) === 404) {
        // Never created: the call's own error is the whole truth. Unless the job's location is not
        // known: BigQuery answers 404 for a job in a single region that jobs.get did not name.
        if (ref.location !== undefined) throw err;
        throw unknown(
          ref.jobId,
          `its location is not known (no \`location\` option${locateFailure ? `, and ${locateFailure}` : ''}), so jobs.get could not find it: BigQuery finds a job outside the US and EU multi-regions only by its location. Pass { location } to the executor or the call`,
          err,
        );
      }
      throw unknown(ref.jobId, gaveUp('reading it back', readError), err);
    }
    // Found by id alone (its creating answer lost): a caller's id may name another statement's job.
    if (job === undefined) {
      refuseForeign(resource);
      foundUnderId = true;
    }
    // As on the call's own path: a script that failed is not offered for a second run.
    if (jobFailed(resource)) control.fail(resource);
    if (resource.status?.state !== 'DONE')
      throw unknown(ref.jobId, `it is still ${resource.status?.state ?? 'running'}`, err);
    const finished: RunningJob = { ref, resource, done: false };
    job = finished;
    try {
      return await plan.finish(context, finished, control);
    } catch (finishError) {
      if (failed) throw finishError;
      throw unknown(ref.jobId, `it is DONE but ${gaveUp('reading its outcome', finishError)}`, err);
    }
  };

  try {
    return await scope.run(plan.name, async (attempt) => {
      if (newJob) {
        run++;
        id = plan.chosenId !== undefined ? `${plan.chosenId}_r${run}` : plan.freshId();
        job = undefined;
        failed = false;
        maybeCreated = false;
        conflicted = false;
        newJob = false;
        verify = false;
        plan.restart?.();
        scope.logger.info(`re-running a failed BigQuery ${plan.what} as a new job`, { jobId: id, run });
      }
      if (job === undefined) {
        const started = await start(attempt);
        if ('result' in started) return started.result;
        job = started.job;
        if (job.resource !== undefined && jobFailed(job.resource)) control.fail(job.resource);
      } else if (verify) {
        await control.refresh(attempt);
        verify = false;
      }
      const current = job;
      try {
        return await plan.finish(attempt, current, control);
      } catch (err) {
        if (!failed) {
          const error = toPipelineError(err);
          // The results of a stopped job answer with its error: the job is DONE, nothing to read back.
          throwIfStopped(current.ref.jobId, error);
          if (error instanceof GoogleApiError && error.requiresNewJobId) {
            // The job ran and failed: a job that must not run twice ends the call here.
            if (plan.notRerunnable) {
              failedRun(false);
              throw plan.notRerunnable(current.ref.jobId, error);
            }
            failedRun(true);
          } else if (error instanceof NotFoundError && !plan.unknownOutcome) {
            // Results of a job that failed answer with its error, so a 404 may be the job's own (a
            // missing table): jobs.get tells. Only a job it cannot find either is gone (expired,
            // deleted), and a statement that only reads is then run again as a new job. One that
            // writes goes to the read-back below, which says whether it ran. A job found that did not
            // fail makes the 404 not its own (a results read BigQuery answered too early or in error):
            // read again, within the retry policy.
            if (await jobExists(attempt, current)) {
              throw new PipelineError(
                `BigQuery ${plan.what} job ${current.ref.jobId}: its results answered 404 though it did not fail; reading them again (they expire 24 h after the job: then use a new job id)`,
                { code: 'RESULTS_NOT_FOUND', transient: true, cause: err },
              );
            }
            failedRun(true);
            throw new PipelineError(
              `BigQuery ${plan.what} job ${current.ref.jobId} was not found while its outcome was read; running it again as a new job`,
              { code: 'JOB_NOT_FOUND', transient: true, cause: err },
            );
          } else if (error.transient && !current.done) verify = true;
        }
        throw err;
      }
    });
  } catch (err) {
    const outcomeUnknown = !failed && (job === undefined ? maybeCreated : !job.done);
    if (plan.unknownOutcome && outcomeUnknown) return readBack(err, plan.unknownOutcome.advice);
    // Do not leave a job running that nobody will read (abort, deadline, retries exhausted). One under
    // the caller's id is read by the next call with that id (a redelivery): cancelled, it would fail it.
    if (job !== undefined && !job.done && !failed && plan.chosenId === undefined) cancelJob(client, job.ref);
    throw await explainMisplaced(client, scope, err, plan.location);
  }
}

/**
 * The call's error, or, when BigQuery refused the job with "Dataset p:d was not found in location X"
 * and the dataset exists in another location, `LOCATION_MISMATCH` saying where it is. BigQuery's
 * words are the same for a dataset that does not exist at all, so one datasets.get tells (bounded by
 * the request timeout, at most 10 s, the caller's signal and what is left of the deadline); when it
 * cannot tell, the error stands as BigQuery gave it.
 */
async function explainMisplaced(
  client: BigQueryClient,
  scope: CallScope,
  err: unknown,
  requested: string | undefined,
): Promise<unknown> {
  const misplaced = misplacedDatasetOf(err);
  if (misplaced === undefined || scope.signal?.aborted) return err;
  const timeoutMs = Math.min(scope.requestTimeoutMs, READ_BACK_TIMEOUT_MS, scope.remainingMs());
  if (!(timeoutMs > 0)) return err;
  let where: string | undefined;
  try {
    where = await guardRequest(
      { attempt: 0, signal: scope.signal ?? NEVER_ABORTED },
      'datasets.get',
      () => datasetLocation(client, misplaced.dataset),
      { timeoutMs, clock: scope.clock },
    );
  } catch {
    return err;
  }
  if (where === undefined || where.toUpperCase() === misplaced.jobLocation.toUpperCase()) return err;
  return locationMismatch(misplaced, where, requested);
}

/**
 * The location a 409 names for our job id: BigQuery answers `Already Exists: Job
 * project:LOCATION.jobId`, so the job whose creating answer was lost can be found where it runs.
 */
function locationInMessage(err: unknown, jobId: string): string | undefined {
  const message = (err as { message?: unknown } | null)?.message;
  if (typeof message !== 'string') return undefined;
  const at = message.indexOf(`.${jobId}`);
  if (at === -1) return undefined;
  const match = /:([A-Za-z0-9-]+)$/.exec(message.slice(0, at));
  return match?.[1];
}

function describe(err: unknown): string {
  const error = toPipelineError(err);
  return `${error.name}: ${error.message}`;
}
