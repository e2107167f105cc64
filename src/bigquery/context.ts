import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/index.js';
import type { Clock, RetryContext } from '../retry/index.js';
import type { BigQueryClient } from './client.js';
import type { CallOptions } from './types.js';

/** What the operation modules need from the executor: the client, the retry loop and the request guard. */
export interface ExecutorContext {
  client(): Promise<BigQueryClient>;
  readonly location: string | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly jobIdPrefix: string;
  /** One retry loop per public call; counts attempts and retries. */
  run<T>(
    name: string,
    call: CallOptions,
    fn: (attempt: RetryContext) => Promise<T>,
    extra?: { deadlineMs?: number },
  ): Promise<T>;
  /** One request, bounded by the attempt timeout and the attempt's signal. */
  guard<T>(attempt: RetryContext, what: string, work: () => Promise<T>, onAbandon?: () => void): Promise<T>;
}

/** A fresh job id: the prefix and a random UUID (BigQuery allows letters, digits, '_' and '-'). */
export function newJobId(prefix: string): string {
  return `${prefix}${randomUUID()}`;
}

/** The BigQuery `Job` resource fields the executor reads. */
export interface JobResource {
  jobReference?: { jobId?: string; location?: string; projectId?: string };
  status?: { state?: string; errorResult?: { reason?: string; message?: string }; errors?: unknown[] };
  statistics?: {
    totalBytesProcessed?: string | number;
    query?: {
      totalBytesProcessed?: string | number;
      numDmlAffectedRows?: string | number;
      statementType?: string;
      referencedTables?: Array<{ projectId?: string; datasetId?: string; tableId?: string }>;
    };
    load?: { outputRows?: string | number };
  };
}

/** The client's `Job` methods the executor uses. */
export interface JobHandle {
  id?: string;
  location?: string;
  metadata?: JobResource;
  getMetadata(): Promise<[JobResource, ...unknown[]]>;
  getQueryResults(
    options: Record<string, unknown>,
  ): Promise<[unknown[], unknown, QueryResultsResource | undefined]>;
  cancel(): Promise<unknown>;
}

/** The `getQueryResults` response fields the executor reads. */
export interface QueryResultsResource {
  jobComplete?: boolean;
  pageToken?: string;
  numDmlAffectedRows?: string | number;
  totalRows?: string | number;
}

/** The HTTP status of a client error, when it has one. */
export function httpStatusOf(err: unknown): number | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const o = err as { code?: unknown; response?: { statusCode?: unknown } };
  if (typeof o.code === 'number') return o.code;
  if (typeof o.response?.statusCode === 'number') return o.response.statusCode;
  return undefined;
}

/**
 * `createJob` turns a jobs.insert answer that carries `status.errors` into an `ApiError` with no
 * `code` and the job resource as `response`; this recognises it and returns that resource.
 */
export function jobResourceOf(err: unknown): JobResource | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const o = err as { code?: unknown; response?: unknown };
  if (o.code !== undefined || o.response === null || typeof o.response !== 'object') return undefined;
  const resource = o.response as JobResource;
  return resource.jobReference !== undefined && resource.status !== undefined ? resource : undefined;
}

/** A number from BigQuery's int64-as-string fields. */
export function int64(value: string | number | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : undefined;
}
