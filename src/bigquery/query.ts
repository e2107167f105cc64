import { PipelineError } from '../errors/index.js';
import { quoteValue } from '../errors/redact.js';
import type { RetryContext } from '../retry/index.js';
import { randomUUID } from '../shared/node-crypto.js';
import type { BigQueryClient } from './client.js';
import { type CallScope, newJobId, pollDelayMs } from './context.js';
import { datasetLocation, firstDatasetOf } from './job-location.js';
import { type JobPlan, type RunningJob, runJob, type Started } from './job-runner.js';
import type { EncodedParameters } from './params.js';
import { decodeRows, int64, type JobResource, jobRefOf, type QueryResponse, restCall } from './rest.js';
import { sqlShape } from './sql-shape.js';
import { isDml, isReadOnly, isScript } from './statement-kind.js';
import { operationName } from './telemetry.js';

/** One query as the executor sends it: the statement and every request field of BigQuery's own. */
export interface QuerySpec {
  sql: string;
  parameters: EncodedParameters | undefined;
  useQueryCache: boolean | undefined;
  /** int64 as a decimal string. */
  maximumBytesBilled: string | undefined;
  labels: Record<string, string> | undefined;
  /** BigQuery's server-side job limit, ms. */
  jobTimeoutMs: number | undefined;
  dryRun: boolean;
  /** The executor method that runs it, which names its retry loop. */
  method: 'query' | 'update' | 'dryRun';
  location: string | undefined;
  /** A caller-chosen job id: the query runs as a job of that id (jobs.insert). */
  jobId: string | undefined;
  /** `maxResults` of every page request. */
  pageSize: number | undefined;
  wrapIntegers: boolean;
  jobIdPrefix: string;
}

/** What a finished query gave. */
export interface QueryOutcome {
  rows: unknown[];
  /** Rows changed by a DML statement, when BigQuery said. */
  dmlAffectedRows: number | undefined;
  /** The job's statistics (jobs.insert path: dry runs, caller job ids, scripts). */
  statistics: JobResource['statistics'] | undefined;
}

/**
 * BigQuery de-duplicates a jobs.query `requestId` for 15 minutes. A statement that may change data is
 * not re-sent under the same id after 14 (a minute of margin for clocks and the request in flight):
 * past the window BigQuery could run it a second time.
 */
export const REQUEST_ID_RESEND_LIMIT_MS = 14 * 60_000;

/** jobs.query and getQueryResults wait at most this long server-side before answering `jobComplete: false`. */
const SERVER_WAIT_MS = 10_000;

/**
 * Whether the query needs a job of its own: a caller's job id, a dry run (its statistics are a job's),
 * a script (it runs as a job with child jobs), or a statement that changes rows (DML): a job under our
 * id is the one thing BigQuery lets us read back when the answer is lost and the call gives up, where
 * a jobs.query `requestId` cannot be looked up. Everything else goes through jobs.query, where
 * BigQuery answers a short query in the same request without creating a job.
 */
export function needsJob(spec: Pick<QuerySpec, 'jobId' | 'dryRun' | 'sql'>): boolean {
  return spec.jobId !== undefined || spec.dryRun || changesRows(spec.sql);
}

/**
 * A script or a DML statement: running it twice could change rows twice.
 *
 * @internal
 */
export function changesRows(sql: string): boolean {
  return isScript(sql) || isDml(sql);
}

/**
 * Runs a query to completion through the one job runner. Fast path: jobs.query with
 * `jobCreationMode: JOB_CREATION_OPTIONAL`, a `requestId` kept by every re-send of this run (BigQuery
 * de-duplicates it, so a lost answer cannot run a DML statement twice), `timeoutMs` under the request
 * timeout: a short query is one request. When BigQuery answers with a job (`jobComplete: false`, more
 * pages), the rest is read with getQueryResults on that job. Otherwise (see `needsJob`) jobs.insert
 * under our job id, then getQueryResults.
 */
export async function runQuery(
  client: BigQueryClient,
  scope: CallScope,
  spec: QuerySpec,
): Promise<QueryOutcome> {
  // The server's wait stays under our request timeout, so BigQuery answers before we give up on it.
  const serverWaitMs = Math.max(1, Math.min(SERVER_WAIT_MS, Math.floor(scope.requestTimeoutMs / 2)));
  const pages = resultsReader(client, scope, spec, serverWaitMs);
  const viaJob = needsJob(spec);
  const plan: JobPlan<QueryOutcome> = {
    name: operationName(spec.method),
    what: 'query',
    chosenId: spec.jobId,
    freshId: viaJob ? () => newJobId(spec.jobIdPrefix) : () => randomUUID(),
    idNamesJob: viaJob,
    location: spec.location,
    start: viaJob
      ? (attempt, id) => insertQueryJob(client, scope, spec, attempt, id)
      : jobsQuery(client, scope, spec, serverWaitMs, pages),
    finish: (attempt, job) => pages.read(attempt, job),
    restart: () => pages.reset(),
    foreign: (resource) => otherStatement(resource, spec),
    locate: async () => {
      const dataset = firstDatasetOf(spec.sql);
      return dataset === undefined ? undefined : datasetLocation(client, dataset);
    },
  };
  if (isScript(spec.sql)) plan.notRerunnable = scriptFailed;
  plan.stoppedLeaves = isScript(spec.sql)
    ? 'what its statements did before the stop is not rolled back'
    : isDml(spec.sql)
      ? 'it changed no rows'
      : 'nothing was applied';
  if (!spec.dryRun && changesRows(spec.sql)) {
    plan.unknownOutcome = {
      advice: (jobId) =>
        `Read the job (jobs.get) before running the statement again, or call ${spec.method} again with { jobId: '${jobId}' }: a job of that id is read, not run twice`,
    };
  }
  return runJob(client, scope, plan);
}

/**
 * Why a job found under our id is not this statement's: it ran other SQL, or the same SQL with other
 * parameters (a caller's job id reused), as its configuration records them. A job whose configuration
 * does not say its SQL is taken as ours.
 */
function otherStatement(
  resource: JobResource,
  spec: Pick<QuerySpec, 'sql' | 'parameters'>,
): string | undefined {
  const configuration = resource.configuration;
  if (configuration === undefined) return undefined;
  const query = configuration.query?.query;
  if (typeof query !== 'string') return `a ${configuration.jobType ?? 'non-query'} job`;
  if (query !== spec.sql) {
    return `it ran ${quoteValue(sqlShape(query), 80)}`;
  }
  const differing = differingParameters(
    configuration.query?.queryParameters ?? [],
    spec.parameters?.queryParameters ?? [],
  );
  // Names and positions only: a parameter's value may be data the caller would not see in a log.
  return differing.length === 0
    ? undefined
    : `it ran the same SQL with other parameters: ${differing.join(', ')}`;
}

/** The parameters (`@name`, or `?` by position) whose type or value differ between two lists. */
function differingParameters(recorded: readonly unknown[], sent: readonly unknown[]): string[] {
  const differing: string[] = [];
  for (let i = 0; i < Math.max(recorded.length, sent.length); i++) {
    if (canonicalJson(recorded[i]) === canonicalJson(sent[i])) continue;
    const name = ((sent[i] ?? recorded[i]) as { name?: unknown } | undefined)?.name;
    differing.push(typeof name === 'string' && name !== '' ? `@${name}` : `? #${i + 1}`);
  }
  return differing;
}

/**
 * JSON with object keys sorted and `undefined` members left out: equal values give equal text. A
 * parameter is compared as BigQuery records it: `QueryParameterValue.value` is a string (`42` reads
 * back `"42"`), and a null value or an empty array reads back absent.
 */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => {
    if (key === 'value') return typeof v === 'object' || v === undefined ? (v ?? undefined) : String(v);
    if (key === 'arrayValues' && Array.isArray(v) && v.length === 0) return undefined;
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v;
  });
}

/**
 * A script whose job failed, even for a transient reason, is not run again: BigQuery does not roll
 * back the statements of a script that ran before the failing one (only a transaction inside the
 * script is all or nothing), so a second run could apply them twice.
 */
function scriptFailed(jobId: string, error: PipelineError): PipelineError {
  return new PipelineError(
    `BigQuery script job ${jobId} failed (${error.name}: ${error.message}); it is not run again: the statements that ran before the failure are not rolled back, so a second run could apply them twice. Check what it changed before running it again, or make it all or nothing with BEGIN TRANSACTION ... COMMIT TRANSACTION`,
    { code: 'SCRIPT_FAILED', transient: false, cause: error },
  );
}

/** The progress of reading results, kept across attempts: a failure on page 3 resumes at page 3. */
interface ResultsReader {
  /** Takes an answer that already holds results (jobs.query's first page). */
  accept(response: QueryResponse): void;
  /** Polls until the job is complete, then reads every remaining page. */
  read(attempt: RetryContext, job: RunningJob): Promise<QueryOutcome>;
  /** The outcome so far, when nothing remains to read. */
  finished(): QueryOutcome | undefined;
  reset(): void;
}

function resultsReader(
  client: BigQueryClient,
  scope: CallScope,
  spec: QuerySpec,
  serverWaitMs: number,
): ResultsReader {
  let rows: unknown[] = [];
  let last: QueryResponse | undefined;
  let pageToken: string | undefined;
  let complete = false;
  let polls = 0;
  let statistics: JobResource['statistics'];
  const outcome = (): QueryOutcome => ({
    rows,
    dmlAffectedRows:
      int64(last?.numDmlAffectedRows) ?? int64(statistics?.query?.numDmlAffectedRows) ?? undefined,
    statistics,
  });
  const reader: ResultsReader = {
    accept(response) {
      complete = true;
      last = response;
      pageToken = response.pageToken || undefined;
      const decoded = decodeRows(client, response, spec.wrapIntegers);
      if (rows.length === 0) rows = decoded;
      else for (const row of decoded) rows.push(row);
    },
    finished: () => (complete && pageToken === undefined ? outcome() : undefined),
    async read(attempt, job) {
      statistics = job.resource?.statistics;
      for (;;) {
        const done = reader.finished();
        if (done !== undefined) return done;
        const qs: Record<string, string | number | boolean> = {
          'formatOptions.useInt64Timestamp': true,
          timeoutMs: serverWaitMs,
        };
        if (job.ref.location) qs.location = job.ref.location;
        if (spec.pageSize !== undefined) qs.maxResults = spec.pageSize;
        if (pageToken !== undefined) qs.pageToken = pageToken;
        const response = await scope.request(attempt, 'jobs.getQueryResults', () =>
          restCall<QueryResponse>(client, {
            uri: `/queries/${encodeURIComponent(job.ref.jobId)}`,
            qs,
            ...(job.ref.projectId ? { projectId: job.ref.projectId } : {}),
          }),
        );
        if (response.jobComplete === false) {
          await scope.clock.sleep(pollDelayMs(polls++, 10, 500), attempt.signal);
          continue;
        }
        job.done = true;
        reader.accept(response);
      }
    },
    reset() {
      rows = [];
      last = undefined;
      pageToken = undefined;
      complete = false;
      polls = 0;
      statistics = undefined;
    },
  };
  return reader;
}

/** The jobs.query request of the fast path (what `bigquery.query()` sends, plus our own fields). */
function jobsQueryBody(spec: QuerySpec, requestId: string, serverWaitMs: number): Record<string, unknown> {
  const body: Record<string, unknown> = {
    query: spec.sql,
    useLegacySql: false,
    formatOptions: { useInt64Timestamp: true },
    requestId,
    jobCreationMode: 'JOB_CREATION_OPTIONAL',
    timeoutMs: serverWaitMs,
  };
  if (spec.pageSize !== undefined) body.maxResults = spec.pageSize;
  if (spec.location !== undefined) body.location = spec.location;
  Object.assign(body, queryFields(spec));
  if (spec.labels) body.labels = spec.labels;
  if (spec.jobTimeoutMs !== undefined) body.jobTimeoutMs = String(spec.jobTimeoutMs);
  return body;
}

/** The fields jobs.query and a query job's `configuration.query` share. */
function queryFields(spec: QuerySpec): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (spec.parameters) {
    fields.parameterMode = spec.parameters.parameterMode;
    fields.queryParameters = spec.parameters.queryParameters;
  }
  if (spec.useQueryCache !== undefined) fields.useQueryCache = spec.useQueryCache;
  if (spec.maximumBytesBilled !== undefined) fields.maximumBytesBilled = spec.maximumBytesBilled;
  return fields;
}

/**
 * The fast path's creating request. Every re-send of one run carries the same `requestId`; a run
 * replaced after a failed job gets a new one. A statement that may change data is not re-sent once
 * BigQuery's de-duplication window may have closed on its first send.
 */
function jobsQuery(
  client: BigQueryClient,
  scope: CallScope,
  spec: QuerySpec,
  serverWaitMs: number,
  pages: ResultsReader,
): JobPlan<QueryOutcome>['start'] {
  let firstSent: { requestId: string; at: number } | undefined;
  // Read-only statements may be re-sent at any time: running a read twice changes nothing.
  const readOnly = isReadOnly(spec.sql);
  return async (attempt, requestId): Promise<Started<QueryOutcome>> => {
    const now = scope.clock.now();
    if (firstSent?.requestId !== requestId) firstSent = { requestId, at: now };
    else if (now - firstSent.at >= REQUEST_ID_RESEND_LIMIT_MS && !readOnly) {
      throw new PipelineError(
        `BigQuery jobs.query: not re-sending a statement that may change data ${Math.round((now - firstSent.at) / 60_000)} minutes after its first send: BigQuery de-duplicates its requestId for 15 minutes only, so it could run twice. Check the table, then run it again`,
        { code: 'REQUEST_ID_EXPIRED' },
      );
    }
    const response = await scope.request(attempt, 'jobs.query', () =>
      restCall<QueryResponse>(client, {
        method: 'POST',
        uri: '/queries',
        json: jobsQueryBody(spec, requestId, serverWaitMs),
      }),
    );
    const ref = jobRefOf(response.jobReference);
    if (response.jobComplete !== false) {
      pages.accept(response);
      const done = pages.finished();
      if (done !== undefined) return { result: done };
    }
    if (ref === undefined) {
      throw new PipelineError(
        'BigQuery jobs.query answered without a job reference while results remain: nothing to read them from',
        { code: 'UNEXPECTED_RESPONSE' },
      );
    }
    return { job: { ref, resource: undefined, done: response.jobComplete !== false } };
  };
}

/** jobs.insert of a query job under our id (a caller's job id, a dry run, a script). */
async function insertQueryJob(
  client: BigQueryClient,
  scope: CallScope,
  spec: QuerySpec,
  attempt: RetryContext,
  jobId: string,
): Promise<Started<QueryOutcome>> {
  const configuration: Record<string, unknown> = {
    query: { query: spec.sql, useLegacySql: false, ...queryFields(spec) },
  };
  if (spec.labels) configuration.labels = spec.labels;
  if (spec.dryRun) configuration.dryRun = true;
  if (spec.jobTimeoutMs !== undefined) configuration.jobTimeoutMs = String(spec.jobTimeoutMs);
  const projectId = (client as { projectId?: string }).projectId;
  const resource = await scope.request(attempt, spec.dryRun ? 'jobs.insert (dry run)' : 'jobs.insert', () =>
    restCall<JobResource>(client, {
      method: 'POST',
      uri: '/jobs',
      json: {
        configuration,
        jobReference: {
          ...(projectId ? { projectId } : {}),
          jobId,
          ...(spec.location ? { location: spec.location } : {}),
        },
      },
    }),
  );
  if (spec.dryRun)
    return { result: { rows: [], dmlAffectedRows: undefined, statistics: resource.statistics } };
  const ref = jobRefOf(resource.jobReference) ?? {
    jobId,
    ...(spec.location ? { location: spec.location } : {}),
  };
  return { job: { ref, resource, done: false } };
}
