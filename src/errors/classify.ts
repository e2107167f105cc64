import { apiErrorForStatus, statusText } from './api-error-factory.js';
import { decidingReason, isTransientRowReason } from './bigquery-reasons.js';
import { fromFetchResponse } from './from-response.js';
import type { ErrorDetail } from './google-api-error.js';
import { GRPC_STATUS_NAMES, grpcRule, parseGrpcMessage } from './grpc-codes.js';
import { CancelledError } from './http-errors.js';
import { NetworkError } from './network-error.js';
import { PartialInsertError, type RowFailure } from './partial-insert-error.js';
import { PipelineError } from './pipeline-error.js';
import { redactSecrets } from './redact.js';
import { durationToMs, parseRetryAfter, readHeader } from './retry-after.js';

/**
 * Options of {@link toPipelineError}.
 *
 * @example
 * ```ts
 * const options: ToPipelineErrorOptions = { now: () => clock.now() };
 * ```
 */
export interface ToPipelineErrorOptions {
  /**
   * The current time in epoch milliseconds, read only to turn an HTTP-date `Retry-After` into a delay.
   * Defaults to `Date.now`; pass the retry clock's `now` in tests.
   */
  now?: () => number;
}

type Obj = Record<string, unknown>;

const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) ? value : undefined;

/**
 * Turns anything thrown by @google-cloud/bigquery, @google-cloud/pubsub, google-gax, grpc-js, gaxios,
 * node-fetch, undici or Node itself into the matching typed error, keeping the original as `cause`.
 * Already-typed errors (from any copy of this package) are returned unchanged.
 *
 * A fetch `Response` (or an error carrying one as `response`, as ky's does) becomes an `HttpError`.
 * Order of evidence: BigQuery `errors[].reason` first (a 403 `rateLimitExceeded` is a transient
 * `ForbiddenError`; `jobBackendError` and friends set `requiresNewJobId`), then the HTTP status or gRPC
 * code, then network codes (`ECONNRESET`, `EAI_AGAIN`, `fetch failed`, ...). An aborted request becomes a
 * non-transient {@link CancelledError}. Anything else becomes a non-transient `PipelineError` with code
 * `'UNKNOWN'`. Messages say what failed and what the service said, without credentials.
 *
 * @example
 * ```ts
 * import { toPipelineError, ForbiddenError } from 'gcp-pipeline-resilience';
 *
 * try {
 *   await bigquery.query(sql);
 * } catch (thrown) {
 *   const err = toPipelineError(thrown);
 *   // e.g. ForbiddenError, code 'FORBIDDEN', reason 'rateLimitExceeded', transient true
 *   logger.warn(err.message, { code: err.code, transient: err.transient });
 *   throw err;
 * }
 * ```
 */
export function toPipelineError(err: unknown, options: ToPipelineErrorOptions = {}): PipelineError {
  if (err instanceof PipelineError) return err;
  const now = options.now ?? Date.now;
  if (err === undefined || err === null) {
    return new PipelineError(`Unknown error: ${String(err)} was thrown`, { cause: err });
  }
  if (typeof err === 'string') {
    return new PipelineError(`Unknown error (a string was thrown): ${clean(err)}`, { cause: err });
  }
  if (!isObj(err)) {
    return new PipelineError(`Unknown error (a ${typeof err} was thrown): ${clean(String(err))}`, {
      cause: err,
    });
  }
  return (
    fromFetchResponse(err, now) ??
    fromPartialFailure(err) ??
    fromAbortOrTimeout(err) ??
    fromHttp(err, now) ??
    fromJobStatus(err) ??
    fromGrpc(err) ??
    fromNetwork(err) ??
    fromUnknown(err)
  );
}

/**
 * The default retry predicate: would trying the same operation again possibly succeed?
 *
 * @example
 * ```ts
 * import { isTransientError } from 'gcp-pipeline-resilience';
 *
 * isTransientError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })); // true
 * isTransientError(new TypeError('x is not a function')); // false
 * ```
 */
export function isTransientError(err: unknown): boolean {
  return err instanceof PipelineError ? err.transient : toPipelineError(err).transient;
}

function clean(text: string): string {
  return redactSecrets(text.replace(/\s*\n\s*/g, ' ').trim());
}

// ---------------------------------------------------------------------------------------------------
// @google-cloud/common PartialFailureError (table.insert with insertErrors)

function fromPartialFailure(o: Obj): PipelineError | undefined {
  if (o.name !== 'PartialFailureError' || !Array.isArray(o.errors)) return undefined;
  const insertErrors =
    isObj(o.response) && Array.isArray(o.response.insertErrors) ? o.response.insertErrors : [];
  const failures: RowFailure[] = o.errors.map((entry: unknown, position: number): RowFailure => {
    const e = isObj(entry) ? entry : {};
    const fromResponse: unknown = insertErrors[position];
    const index = (isObj(fromResponse) ? num(fromResponse.index) : undefined) ?? position;
    const row = e.row;
    const insertId = isObj(row) && 'json' in row ? str(row.insertId) : undefined;
    return { index, row, insertId, reasons: toErrorDetails(e.errors) };
  });
  const transient =
    failures.length > 0 &&
    failures.every((f) => f.reasons.length > 0 && f.reasons.every((r) => isTransientRowReason(r.reason)));
  const summary = failures
    .slice(0, 3)
    .map((f) => `row ${f.index}: ${f.reasons.map(describeDetail).join('; ') || 'no reason given'}`)
    .join(', ');
  const more = failures.length > 3 ? ` and ${failures.length - 3} more` : '';
  return new PartialInsertError(
    `BigQuery streaming insert refused ${failures.length} row(s): ${clean(summary)}${more}`,
    // PartialFailureError does not say how many rows were sent; with the default skipInvalidRows=false
    // BigQuery inserts none of them when any row fails, hence 0. The executor builds exact counts itself.
    { table: '', inserted: 0, failures, transient, cause: o },
  );
}

function describeDetail(detail: ErrorDetail): string {
  return detail.reason ? `${detail.reason}${detail.message ? ` (${detail.message})` : ''}` : detail.message;
}

function toErrorDetails(value: unknown): ErrorDetail[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObj).map((e) => {
    const detail: ErrorDetail = { message: clean(str(e.message) ?? '') };
    const reason = str(e.reason);
    const location = str(e.location);
    const domain = str(e.domain);
    if (reason) detail.reason = reason;
    if (location) detail.location = location;
    if (domain) detail.domain = domain;
    return detail;
  });
}

// ---------------------------------------------------------------------------------------------------
// Aborts (node-fetch AbortError, DOMException, Node ABORT_ERR, gaxios) and DOMException TimeoutError

function fromAbortOrTimeout(o: Obj): PipelineError | undefined {
  const name = str(o.name);
  const code = o.code;
  const message = clean(str(o.message) ?? '');
  if (name === 'AbortError' || code === 'ABORT_ERR' || code === 'AbortError' || o.type === 'aborted') {
    // The caller aborted: retrying would override the caller's decision.
    return new CancelledError(`Request cancelled by the caller (AbortError): ${message || 'aborted'}`, {
      cause: o,
    });
  }
  if (name === 'TimeoutError' || code === 'TimeoutError') {
    return new NetworkError(`Request timed out (TimeoutError): ${message || 'timed out'}`, {
      systemCode: 'TimeoutError',
      cause: o,
    });
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// HTTP: @google-cloud/common ApiError, gaxios GaxiosError, anything with a response status

function httpStatusOf(o: Obj): number | undefined {
  const response = isObj(o.response) ? o.response : undefined;
  const candidates = [response?.statusCode, response?.status, o.statusCode, o.status, o.code];
  for (const candidate of candidates) {
    const status = num(candidate);
    if (status !== undefined && status >= 100 && status < 600) return status;
  }
  return undefined;
}

/** The `{code, message, errors, details, status}` error body, wherever the client left it. */
function errorBodyOf(o: Obj): Obj | undefined {
  const response = isObj(o.response) ? o.response : undefined;
  if (!response) return undefined;
  for (const candidate of [response.data, response.body]) {
    let body: unknown = candidate;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        continue;
      }
    }
    if (isObj(body) && isObj(body.error)) return body.error;
  }
  return undefined;
}

function fromHttp(o: Obj, now: () => number): PipelineError | undefined {
  const httpStatus = httpStatusOf(o);
  if (httpStatus === undefined || httpStatus < 300) return undefined;
  const body = errorBodyOf(o);
  const errors = toErrorDetails(Array.isArray(o.errors) && o.errors.length > 0 ? o.errors : body?.errors);
  const rpcDetails = Array.isArray(body?.details) ? body.details : [];
  const errorInfo = rpcDetails.find((d) => isObj(d) && str(d['@type'])?.endsWith('google.rpc.ErrorInfo'));
  const infoReason = str(o.reason) ?? (isObj(errorInfo) ? str(errorInfo.reason) : undefined);
  const domain = str(o.domain) ?? (isObj(errorInfo) ? str(errorInfo.domain) : undefined);
  const reasons = reasonsOf(errors, infoReason);
  const response = isObj(o.response) ? o.response : undefined;
  const retryAfterMs =
    retryAfterFromHeaders(response?.headers ?? o.headers, now) ??
    retryDelayOf([...rpcDetails, ...statusDetailsOf(o)]);
  const serviceMessage = clean(
    str(o.message) || str(body?.message) || statusText(httpStatus) || 'no message',
  );
  const decided = decidingReason(reasons);
  const text = statusText(httpStatus);
  const message =
    `Google API request failed with HTTP ${httpStatus}${text ? ` ${text}` : ''}` +
    `${reasons[0] ? ` (reason: ${reasons[0]})` : ''}: ${serviceMessage}`;
  return apiErrorForStatus(
    httpStatus,
    message,
    {
      httpStatus,
      errors,
      reasons,
      retryAfterMs,
      domain,
      transient: decided?.rule.transient,
      requiresNewJobId: decided?.rule.requiresNewJobId,
      cause: o,
    },
    { serviceMessage },
  );
}

function reasonsOf(errors: ErrorDetail[], infoReason: string | undefined): string[] {
  const reasons = errors.flatMap((e) => (e.reason ? [e.reason] : []));
  if (infoReason && !reasons.includes(infoReason)) reasons.push(infoReason);
  return reasons;
}

function retryAfterFromHeaders(headers: unknown, now: () => number): number | undefined {
  const value = readHeader(headers, 'retry-after');
  return value === undefined ? undefined : parseRetryAfter(value, now());
}

function statusDetailsOf(o: Obj): unknown[] {
  if (Array.isArray(o.statusDetails)) return o.statusDetails;
  if (isObj(o.error) && Array.isArray(o.error.statusDetails)) return o.error.statusDetails;
  return [];
}

/** `google.rpc.RetryInfo.retryDelay`, decoded by gax (`{seconds: Long, nanos}`) or as JSON (`"2.5s"`). */
function retryDelayOf(details: readonly unknown[]): number | undefined {
  for (const detail of details) {
    if (isObj(detail) && 'retryDelay' in detail) {
      const ms = durationToMs(detail.retryDelay);
      if (ms !== undefined) return ms;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// A failed BigQuery job: ApiError built from job.status (no code), or the status object itself

function fromJobStatus(o: Obj): PipelineError | undefined {
  const status = isObj(o.status) ? o.status : o;
  const errorResult = isObj(status.errorResult) ? status.errorResult : undefined;
  const listed = toErrorDetails(Array.isArray(o.errors) ? o.errors : status.errors);
  const errors = errorResult ? dedupe([...toErrorDetails([errorResult]), ...listed]) : listed;
  const reasons = reasonsOf(errors, undefined);
  if (reasons.length === 0) return undefined;
  const decided = decidingReason(reasons);
  // python-bigquery maps reasons it does not know to 500.
  const httpStatus = decided?.rule.httpStatus ?? 500;
  const serviceMessage = clean(str(o.message) || errors.map((e) => e.message).join('; ') || 'no message');
  const message = `BigQuery job failed (reason: ${reasons[0]}): ${serviceMessage}`;
  return apiErrorForStatus(
    httpStatus,
    message,
    {
      httpStatus,
      errors,
      reasons,
      transient: decided?.rule.transient,
      requiresNewJobId: decided?.rule.requiresNewJobId,
      cause: o,
    },
    { serviceMessage },
  );
}

function dedupe(details: ErrorDetail[]): ErrorDetail[] {
  const seen = new Set<string>();
  return details.filter((d) => {
    const key = `${d.reason}\u0000${d.message}\u0000${d.location}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------
// gRPC: grpc-js ServiceError, google-gax GoogleError, Pub/Sub PublishError

function fromGrpc(o: Obj): PipelineError | undefined {
  const rawMessage = str(o.message) ?? '';
  const parsed = parseGrpcMessage(rawMessage);
  const code = num(o.code) ?? parsed?.code;
  const rule = code === undefined ? undefined : grpcRule(code);
  if (code === undefined || !rule) return undefined;
  const inner = isObj(o.error) ? o.error : undefined;
  const details = clean(
    (typeof o.details === 'string' && o.details) ||
      parsed?.details ||
      (inner && str(inner.details)) ||
      rawMessage ||
      'no details',
  );
  const reason = str(o.reason) ?? (inner ? str(inner.reason) : undefined);
  const domain = str(o.domain) ?? (inner ? str(inner.domain) : undefined);
  const errors: ErrorDetail[] = reason ? [{ reason, message: details, ...(domain ? { domain } : {}) }] : [];
  const reasons = reason ? [reason] : [];
  const decided = decidingReason(reasons);
  const metadata = o.metadata ?? inner?.metadata;
  const pushback = readHeader(metadata, 'grpc-retry-pushback-ms');
  const retryAfterMs =
    retryDelayOf(statusDetailsOf(o)) ?? (pushback && /^\d+$/.test(pushback) ? Number(pushback) : undefined);
  const orderingKey = str(o.orderingKey);
  const what =
    orderingKey !== undefined
      ? `Pub/Sub publish failed for ordering key "${orderingKey}"`
      : 'Google API call failed';
  const message = `${what} with gRPC ${code} ${GRPC_STATUS_NAMES[code]}${reason ? ` (reason: ${reason})` : ''}: ${details}`;
  return apiErrorForStatus(
    rule.httpStatus,
    message,
    {
      grpcCode: code,
      errors,
      reasons,
      retryAfterMs,
      domain,
      transient: decided?.rule.transient ?? rule.transient,
      requiresNewJobId: decided?.rule.requiresNewJobId,
      cause: o,
    },
    { deadline: rule.deadline, serviceMessage: details },
  );
}

// ---------------------------------------------------------------------------------------------------
// Transport: Node system errors, node-fetch FetchError, undici `fetch failed`, gaxios without response

const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ENOTFOUND',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
  'EPROTO',
  'ESOCKETTIMEDOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

// ENOTFOUND: DNS says the name does not exist, almost always a wrong endpoint; EAI_AGAIN is the
// temporary DNS failure and stays transient.
const PERMANENT_NETWORK_CODES: ReadonlySet<string> = new Set(['ENOTFOUND']);

function networkCodeOf(o: Obj): string | undefined {
  const code = str(o.code);
  if (code && NETWORK_CODES.has(code)) return code;
  return undefined;
}

function fromNetwork(o: Obj): PipelineError | undefined {
  const message = str(o.message) ?? '';
  let systemCode = networkCodeOf(o);
  let detail = message;
  let isNetwork = systemCode !== undefined;
  if (!isNetwork && o.name === 'FetchError' && (o.type === 'system' || /timeout/.test(str(o.type) ?? ''))) {
    isNetwork = true;
    systemCode = str(o.code);
  }
  if (!isNetwork && /socket hang up/i.test(message)) {
    isNetwork = true;
    systemCode = 'ECONNRESET';
  }
  if (!isNetwork && message === 'Premature close') {
    isNetwork = true;
    systemCode = 'ERR_STREAM_PREMATURE_CLOSE';
  }
  if (!isNetwork && message === 'fetch failed') {
    isNetwork = true;
    const cause = isObj(o.cause) ? o.cause : undefined;
    systemCode = cause ? (networkCodeOf(cause) ?? str(cause.code)) : undefined;
    const causeMessage = cause ? str(cause.message) : undefined;
    if (causeMessage) detail = `${message}: ${causeMessage}`;
  }
  if (!isNetwork) return undefined;
  const transient = !(systemCode && PERMANENT_NETWORK_CODES.has(systemCode));
  return new NetworkError(`Network request failed (${systemCode ?? 'no system code'}): ${clean(detail)}`, {
    systemCode,
    transient,
    cause: o,
  });
}

// ---------------------------------------------------------------------------------------------------

function fromUnknown(o: Obj): PipelineError {
  const message = str(o.message);
  const name = str(o.name);
  if (o instanceof Error || message !== undefined) {
    const text = message || '(no message)';
    const prefix = name && name !== 'Error' ? `${name}: ` : '';
    return new PipelineError(clean(`${prefix}${text}`), { cause: o });
  }
  return new PipelineError(`Unknown error (an object was thrown): ${clean(summarise(o))}`, { cause: o });
}

function summarise(o: Obj): string {
  try {
    const json = JSON.stringify(o);
    return json === undefined ? Object.prototype.toString.call(o) : json;
  } catch {
    return Object.prototype.toString.call(o);
  }
}
