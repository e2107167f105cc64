/**
 * Error values as the Google clients and Node really throw them. Built from the real classes where the
 * packages export them (ApiError, PartialFailureError, GoogleError, Status, PublishError, GaxiosError,
 * grpc-js Metadata); recorded shapes (gcp-errors.md §4-§6) where they do not.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ApiError, util } from '@google-cloud/common';
import { PublishError } from '@google-cloud/pubsub';
import { Metadata } from '@grpc/grpc-js';
import { gaxios } from 'google-auth-library';
import gax from 'google-gax';

export const { GoogleError, Status } = gax;

const require = createRequire(import.meta.url);

/** A Node system error as `net`/`http` emit it: `read ECONNRESET`, `getaddrinfo EAI_AGAIN host`. */
export function systemError(code: string, message = `read ${code}`): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, errno: -1, syscall: message.split(' ')[0] });
}

/** BigQuery's HTTP error body as @google-cloud/common turns it into an ApiError. */
export function bigQueryHttpError(options: {
  status: number;
  reason?: string;
  message?: string;
  headers?: Record<string, string>;
  extraErrors?: Array<{ reason: string; message: string }>;
}): ApiError {
  const message = options.message ?? `Error ${options.status}`;
  const errors = [
    ...(options.reason ? [{ domain: 'global', reason: options.reason, message }] : []),
    ...(options.extraErrors ?? []),
  ];
  const body = { error: { code: options.status, message, errors, status: 'SOME_STATUS' } };
  // Util.handleResp: `new ApiError(body.error)`, then `err.response = resp` (common util.ts).
  const err = new ApiError(body.error as never);
  err.response = {
    statusCode: options.status,
    statusMessage: 'status',
    headers: options.headers ?? { 'content-type': 'application/json; charset=UTF-8' },
    body,
  } as never;
  return err;
}

/** `job.promise()` on a failed job: `new ApiError(metadata.status)`, no `code` (gcp-errors.md §4.3). */
export function failedJobError(reason: string, message = `Job failed: ${reason}`): ApiError {
  return new ApiError({
    state: 'DONE',
    errorResult: { reason, message, location: 'query' },
    errors: [{ reason, message, location: 'query' }],
  } as never);
}

/** table.insert with insertErrors (common `util.PartialFailureError`). */
export function partialFailure(
  rows: Array<{ index: number; row: unknown; errors: Array<{ reason: string; message: string }> }>,
): InstanceType<typeof util.PartialFailureError> {
  return new util.PartialFailureError({
    errors: rows.map((r) => ({ row: r.row, errors: r.errors })),
    response: {
      kind: 'bigquery#tableDataInsertAllResponse',
      insertErrors: rows.map((r) => ({ index: r.index, errors: r.errors })),
    },
  } as never);
}

/** grpc-js `callErrorFromStatus`: `"<code> <NAME>: <details>"`, `code`, `details`, `metadata`. */
export function grpcServiceError(code: number, details: string): Error & { code: number; details: string } {
  return Object.assign(new Error(`${code} ${Status[code]}: ${details}`), {
    code,
    details,
    metadata: new Metadata(),
  });
}

const statusRoot = gax.protobuf.Root.fromJSON(
  JSON.parse(
    readFileSync(join(dirname(require.resolve('google-gax')), '..', 'protos', 'status.json'), 'utf8'),
  ),
);

/**
 * A gax GoogleError carrying `grpc-status-details-bin` trailers, decoded by gax itself
 * (`GoogleError.parseGRPCStatusDetails`), so `reason`, `domain`, `errorInfoMetadata` and `statusDetails`
 * (RetryInfo with a protobufjs Long) are exactly what Pub/Sub code receives.
 */
export function googleGrpcError(
  code: number,
  details: string,
  extra: {
    errorInfo?: { reason: string; domain: string; metadata?: Record<string, string> };
    retryDelay?: { seconds: number; nanos: number };
  } = {},
): InstanceType<typeof GoogleError> {
  const StatusType = statusRoot.lookupType('google.rpc.Status');
  const ErrorInfo = statusRoot.lookupType('google.rpc.ErrorInfo');
  const RetryInfo = statusRoot.lookupType('google.rpc.RetryInfo');
  const anys = [];
  if (extra.errorInfo) {
    anys.push({
      type_url: 'type.googleapis.com/google.rpc.ErrorInfo',
      value: ErrorInfo.encode(ErrorInfo.fromObject(extra.errorInfo)).finish(),
    });
  }
  if (extra.retryDelay) {
    anys.push({
      type_url: 'type.googleapis.com/google.rpc.RetryInfo',
      value: RetryInfo.encode(RetryInfo.fromObject({ retryDelay: extra.retryDelay })).finish(),
    });
  }
  const metadata = new Metadata();
  metadata.set(
    'grpc-status-details-bin',
    Buffer.from(StatusType.encode(StatusType.fromObject({ code, message: details, details: anys })).finish()),
  );
  const err = Object.assign(new GoogleError(`${code} ${Status[code]}: ${details}`), {
    code,
    details,
    metadata,
  });
  return GoogleError.parseGRPCStatusDetails(err);
}

/** The REST-fallback GoogleError (`GoogleError.parseHttpError`), with ErrorInfo and RetryInfo as JSON. */
export function googleHttpError(body: Record<string, unknown>): InstanceType<typeof GoogleError> {
  return GoogleError.parseHttpError({ error: body });
}

/** Pub/Sub's ordered-publish failure wrapping a gRPC error. */
export function publishError(orderingKey: string, cause: Error): PublishError {
  return new PublishError(orderingKey, cause as never);
}

const gaxiosConfig = {
  url: new URL('https://oauth2.googleapis.com/token'),
  method: 'POST',
  headers: new Headers({ Authorization: 'Bearer ya29.SECRET-TOKEN' }),
};

/** gaxios 7 error for an HTTP failure: `status`, numeric `code`, `response.headers` as a fetch Headers. */
export function gaxiosHttpError(status: number, data: unknown, headers: Record<string, string> = {}): Error {
  const response = {
    status,
    statusText: 'status',
    ok: false,
    bodyUsed: true,
    headers: new Headers(headers),
    data,
    config: gaxiosConfig,
  };
  // The same extraction gaxios runs before throwing (marked @internal, so not in its .d.ts).
  const extract = (
    gaxios.GaxiosError as unknown as {
      extractAPIErrorFromResponse(res: unknown, fallback: string): { message?: string } | undefined;
    }
  ).extractAPIErrorFromResponse;
  const info = extract(response, `Request failed with status code ${status}`);
  return new gaxios.GaxiosError(info?.message ?? 'failed', gaxiosConfig as never, response as never, info);
}

/** gaxios 7 error without a response (transport failure, abort or timeout): `code` from the cause. */
export function gaxiosTransportError(message: string, cause: unknown): Error {
  return new gaxios.GaxiosError(message, gaxiosConfig as never, undefined, cause);
}

// node-fetch v3 (src/errors/*.js): recorded, because node-fetch is only a transitive dependency here.
class FetchBaseError extends Error {
  constructor(
    message: string,
    public type: string,
  ) {
    super(message);
  }
  override get name(): string {
    return this.constructor.name;
  }
}

/** node-fetch v3 `FetchError`: `type 'system'`, `code = errno = 'ECONNRESET'`, `erroredSysCall`. */
export class FetchError extends FetchBaseError {
  code?: string;
  errno?: string;
  erroredSysCall?: string;
  constructor(message: string, type: string, systemErr?: NodeJS.ErrnoException) {
    super(message, type);
    if (systemErr) {
      this.code = systemErr.code;
      this.errno = systemErr.code;
      this.erroredSysCall = systemErr.syscall;
    }
  }
}

/** node-fetch v3 `AbortError`: `type 'aborted'`, no `code`. */
export class AbortError extends FetchBaseError {
  constructor(message: string) {
    super(message, 'aborted');
  }
}
