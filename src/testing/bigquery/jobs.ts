/**
 * Jobs of the BigQuery stand-in: query and load jobs, their status, statistics and results.
 */
import { randomUUID } from 'node:crypto';
import type { Engine, QueryOutcome, QueryRequest } from './engine.js';
import { mapDuckError } from './engine.js';
import { type ErrorProto, httpStatusForReason, StandInHttpError } from './http-errors.js';
import { locationFinds } from './job-location.js';
import type { WireCodec } from './values.js';

/**
 * A stored job.
 *
 * @internal
 */
export interface JobRecord {
  projectId: string;
  jobId: string;
  location: string;
  jobType: 'QUERY' | 'LOAD';
  configuration: Record<string, unknown>;
  state: 'RUNNING' | 'DONE';
  /** Status reads left before the job may complete. */
  pendingPolls: number;
  /** Runs the job's work; set while the job is RUNNING. */
  work?: () => Promise<void>;
  errorResult?: ErrorProto;
  errors?: ErrorProto[];
  /** HTTP status of the failure for jobs.query / getQueryResults. */
  errorStatus?: number;
  outcome?: QueryOutcome;
  load?: { outputRows: number; inputBytes: number; outputBytes: number };
  creationTime: number;
  startTime: number;
  endTime?: number;
  sql?: string;
}

/** The largest page the stand-in returns when a request asks for more rows or none (default). */
export const DEFAULT_PAGE_ROWS = 100_000;
/** How long BigQuery remembers a jobs.query `requestId`: 15 minutes (QueryRequest.requestId). */
export const DEFAULT_REQUEST_ID_WINDOW_MS = 15 * 60_000;

function encodePageToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function decodePageToken(token: string): number {
  const m = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  if (!m) throw new StandInHttpError(400, 'invalid', 'Invalid page token.');
  return Number(m[1]);
}

/**
 * The paging window of a request (`pageToken` wins over `startIndex`).
 *
 * @internal
 */
export function pageWindow(
  query: { pageToken?: unknown; startIndex?: unknown; maxResults?: unknown },
  maxPageRows = DEFAULT_PAGE_ROWS,
): {
  start: number;
  size: number;
} {
  const startIndex = unsignedParam(query.startIndex, 'start_index', 'TYPE_UINT64');
  const start =
    typeof query.pageToken === 'string' && query.pageToken !== ''
      ? decodePageToken(query.pageToken)
      : (startIndex ?? 0);
  const max = unsignedParam(query.maxResults, 'max_results', 'TYPE_UINT32');
  // `maxResults: 0` asks for no rows (the job's status and schema only), as clients use it to poll.
  const size = max === undefined ? maxPageRows : Math.min(max, maxPageRows);
  return { start, size };
}

/**
 * An unsigned integer request parameter, refused as BigQuery refuses one it cannot read (400
 * `invalid`, its wording): a negative `startIndex` used to answer the last rows (JavaScript's slice),
 * a fractional one to skip a row on one path and two on the other.
 */
function unsignedParam(value: unknown, field: string, type: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text)) {
    throw new StandInHttpError(
      400,
      'invalid',
      `Invalid value at '${field}' (${type}), ${JSON.stringify(text)}`,
    );
  }
  return Number(text);
}

/**
 * Paged rows in wire form plus `pageToken` when more remain.
 *
 * @internal
 */
export function pageOf(
  codec: WireCodec,
  rows: readonly (readonly unknown[])[],
  window: { start: number; size: number },
  useInt64Timestamp: boolean,
  totalRows = rows.length,
  offsetInRows = window.start,
): { rows: unknown[]; pageToken?: string } {
  const slice = rows.slice(offsetInRows, offsetInRows + window.size);
  const out = slice.map((r) => codec.row(r as never, useInt64Timestamp));
  const next = window.start + slice.length;
  return next < totalRows && slice.length > 0
    ? { rows: out, pageToken: encodePageToken(next) }
    : { rows: out };
}

/**
 * What the stand-in remembers of a jobs.query `requestId`: the request's result-affecting fields, when
 * it came, and its answer (a job, or the body of an answer given without one).
 *
 * @internal
 */
export interface RememberedRequest {
  fingerprint: string;
  at: number;
  /** The job the first request created, and why (`jobCreationReason.code`). */
  jobId?: string;
  jobCreationReason?: string;
  /** The body of a first answer given without a job. */
  answer?: Record<string, unknown>;
}

/**
 * The job store of a stand-in.
 *
 * @internal
 */
export class JobStore {
  readonly jobs = new Map<string, JobRecord>();
  /** jobs.query requests by `project:requestId`, for BigQuery's de-duplication. */
  readonly requestIds = new Map<string, RememberedRequest>();
  private readonly engine: Engine;
  private readonly codec: WireCodec;
  private readonly location: string;
  private readonly maxPageRows: number;
  private readonly requestIdWindowMs: number;

  constructor(
    engine: Engine,
    codec: WireCodec,
    location: string,
    settings: { maxPageRows?: number; requestIdWindowMs?: number } = {},
  ) {
    this.engine = engine;
    this.codec = codec;
    this.location = location;
    this.maxPageRows = settings.maxPageRows ?? DEFAULT_PAGE_ROWS;
    this.requestIdWindowMs = settings.requestIdWindowMs ?? DEFAULT_REQUEST_ID_WINDOW_MS;
  }

  /**
   * The earlier request a jobs.query with this `requestId` duplicates, if any: same id, same
   * result-affecting fields, within the window, and not failed (a failed request applied nothing, so
   * sending it again runs it again). Expired and failed entries are forgotten.
   */
  recall(projectId: string, requestId: string, fingerprint: string): RememberedRequest | undefined {
    const key = `${projectId}:${requestId}`;
    const seen = this.requestIds.get(key);
    if (seen === undefined) return undefined;
    const job = seen.jobId === undefined ? undefined : this.jobs.get(this.key(projectId, seen.jobId));
    if (Date.now() - seen.at > this.requestIdWindowMs || job?.errorResult !== undefined) {
      this.requestIds.delete(key);
      return undefined;
    }
    return seen.fingerprint === fingerprint ? seen : undefined;
  }

  /** Remembers a jobs.query answer under its `requestId`. */
  remember(projectId: string, requestId: string, entry: RememberedRequest): void {
    this.requestIds.set(`${projectId}:${requestId}`, entry);
  }

  key(projectId: string, jobId: string): string {
    return `${projectId}:${jobId}`;
  }

  newJobId(): string {
    return `job_${randomUUID().replace(/-/g, '')}`;
  }

  /**
   * Looks a job up as a request naming it does: a request must give the job's location unless the job
   * runs in the `US` or `EU` multi-region (404 otherwise, as BigQuery answers).
   */
  get(projectId: string, jobId: string, location?: string): JobRecord {
    const job = this.jobs.get(this.key(projectId, jobId));
    if (!job || !locationFinds(location, job.location)) {
      throw new StandInHttpError(
        404,
        'notFound',
        `Not found: Job ${projectId}:${location ?? this.location}.${jobId}`,
      );
    }
    return job;
  }

  /** Registers a job; 409 `duplicate` if the id exists. */
  add(job: JobRecord): void {
    const k = this.key(job.projectId, job.jobId);
    if (this.jobs.has(k)) {
      throw new StandInHttpError(
        409,
        'duplicate',
        `Already Exists: Job ${job.projectId}:${job.location}.${job.jobId}`,
      );
    }
    this.jobs.set(k, job);
  }

  /** Marks the job failed. */
  fail(job: JobRecord, error: StandInHttpError | ErrorProto, status?: number): void {
    const proto = error instanceof StandInHttpError ? error.toErrorProto() : error;
    const extra = (error as { extraErrors?: ErrorProto[] }).extraErrors ?? [];
    job.state = 'DONE';
    job.errorResult = proto;
    job.errors = [proto, ...extra];
    job.errorStatus =
      status ?? (error instanceof StandInHttpError ? error.status : httpStatusForReason(proto.reason));
    job.endTime = Date.now();
    delete job.work;
  }

  /** A query job's work. */
  queryWork(job: JobRecord, req: QueryRequest): () => Promise<void> {
    return async () => {
      try {
        job.outcome = await this.engine.query(req);
        job.state = 'DONE';
        job.endTime = Date.now();
      } catch (err) {
        this.fail(job, mapDuckError(err));
      }
    };
  }

  /**
   * One status read: consumes a pending poll, or runs the job's work when none are left. Returns
   * whether the job is complete.
   */
  async advance(job: JobRecord): Promise<boolean> {
    if (job.state === 'DONE') return true;
    if (this.timedOut(job)) return true;
    if (job.pendingPolls > 0) {
      job.pendingPolls--;
      return false;
    }
    const work = job.work;
    delete job.work;
    if (work) await work();
    return (job.state as string) === 'DONE';
  }

  /**
   * Stops a job still running past its `jobTimeoutMs`, as BigQuery does: `stopped`, HTTP 499
   * (CANCELLED), "Job execution was cancelled: Job timed out after <n> sec". Nothing it would have
   * changed is applied. The field is the configuration's, for a jobs.query request's job too.
   */
  private timedOut(job: JobRecord): boolean {
    const limitMs = Number(job.configuration.jobTimeoutMs);
    if (!(limitMs > 0) || Date.now() - job.startTime < limitMs) return false;
    this.fail(
      job,
      {
        reason: 'stopped',
        message: `Job execution was cancelled: Job timed out after ${Math.floor(limitMs / 1000)} sec`,
      },
      499,
    );
    return true;
  }

  /** Cancels a running job (BigQuery's `stopped` errorResult). */
  cancel(job: JobRecord): void {
    if (job.state === 'DONE') return;
    this.fail(
      job,
      { reason: 'stopped', message: 'Job execution was cancelled: User requested cancellation' },
      499,
    );
  }

  /** The REST job resource. */
  resource(job: JobRecord): Record<string, unknown> {
    const status: Record<string, unknown> = { state: job.state };
    if (job.errorResult) {
      status.errorResult = job.errorResult;
      status.errors = job.errors;
    }
    const statistics: Record<string, unknown> = {
      creationTime: String(job.creationTime),
      startTime: String(job.startTime),
      ...(job.endTime ? { endTime: String(job.endTime) } : {}),
    };
    const o = job.outcome;
    if (job.jobType === 'QUERY' && o) {
      statistics.totalBytesProcessed = String(o.totalBytesProcessed);
      statistics.query = queryStatistics(o);
    }
    if (job.jobType === 'LOAD' && job.load) {
      statistics.load = {
        inputFiles: '1',
        inputFileBytes: String(job.load.inputBytes),
        outputRows: String(job.load.outputRows),
        outputBytes: String(job.load.outputBytes),
        badRecords: '0',
      };
    }
    return {
      kind: 'bigquery#job',
      etag: `"${job.jobId.slice(-8)}${job.state}"`,
      id: `${job.projectId}:${job.location}.${job.jobId}`,
      selfLink: `/bigquery/v2/projects/${job.projectId}/jobs/${job.jobId}?location=${job.location}`,
      user_email: 'stand-in@example.invalid',
      jobReference: { projectId: job.projectId, jobId: job.jobId, location: job.location },
      configuration: { ...job.configuration, jobType: job.jobType },
      status,
      statistics,
    };
  }

  /** jobs.query / getQueryResults body (throws the HTTP error of a failed job). */
  results(
    job: JobRecord,
    complete: boolean,
    query: { pageToken?: unknown; startIndex?: unknown; maxResults?: unknown },
    useInt64Timestamp: boolean,
    kind: 'bigquery#queryResponse' | 'bigquery#getQueryResultsResponse',
  ): Record<string, unknown> {
    const jobReference = { projectId: job.projectId, jobId: job.jobId, location: job.location };
    if (!complete) return { kind, jobReference, jobComplete: false };
    if (job.errorResult) {
      throw new StandInHttpError(
        job.errorStatus ?? httpStatusForReason(job.errorResult.reason),
        job.errorResult.reason,
        job.errorResult.message,
      );
    }
    const o = job.outcome!;
    const base: Record<string, unknown> = {
      kind,
      etag: `"${job.jobId.slice(-8)}"`,
      jobReference,
      jobComplete: true,
      totalBytesProcessed: String(o.totalBytesProcessed),
      cacheHit: false,
    };
    if (o.numDmlAffectedRows !== undefined) {
      base.numDmlAffectedRows = String(o.numDmlAffectedRows);
      if (o.dmlStats) base.dmlStats = o.dmlStats;
    }
    if (!o.schema) return { ...base, totalRows: '0' };
    const rows = o.rows ?? [];
    const page = pageOf(this.codec, rows, pageWindow(query, this.maxPageRows), useInt64Timestamp);
    return {
      ...base,
      schema: { fields: o.schema },
      totalRows: String(rows.length),
      rows: page.rows,
      ...(page.pageToken ? { pageToken: page.pageToken } : {}),
    };
  }
}

/**
 * `statistics.query` of a job or dry run.
 *
 * @internal
 */
export function queryStatistics(o: QueryOutcome): Record<string, unknown> {
  return {
    totalBytesProcessed: String(o.totalBytesProcessed),
    totalBytesBilled: String(o.totalBytesBilled),
    billingTier: 1,
    cacheHit: false,
    totalSlotMs: '0',
    statementType: o.statementType,
    ...(o.schema ? { schema: { fields: o.schema } } : {}),
    ...(o.numDmlAffectedRows !== undefined ? { numDmlAffectedRows: String(o.numDmlAffectedRows) } : {}),
    ...(o.dmlStats ? { dmlStats: o.dmlStats } : {}),
    ...(o.ddlOperationPerformed ? { ddlOperationPerformed: o.ddlOperationPerformed } : {}),
    ...(o.ddlTargetTable ? { ddlTargetTable: o.ddlTargetTable } : {}),
    ...(o.referencedTables.length ? { referencedTables: o.referencedTables } : {}),
  };
}
