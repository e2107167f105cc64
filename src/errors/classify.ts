import { apiErrorForStatus } from './api-error-factory.js';
import {
  decidingReason,
  errorDetailsOf,
  httpStatusOf,
  insertErrorsOf,
  isTransientRowFailure,
  jobStatusDetails,
} from './bigquery-wire.js';
import { fromCredentials } from './credentials.js';
import { fromFetchResponse } from './from-response.js';
import type { ErrorDetail } from './google-api-error.js';
import { parseGrpcMessage } from './grpc-codes.js';
import { CancelledError } from './http-errors.js';
import { NetworkError } from './network-error.js';
import { PartialInsertError, type RowFailure } from './partial-insert-error.js';
import { PipelineError } from './pipeline-error.js';
import { waitFromHeaders } from './rate-limit-headers.js';
import { cleanMessage, removeSecrets } from './redact.js';
import { durationToMs, readHeader } from './retry-after.js';
import {
  boxedText,
  describeSafely,
  field,
  intField,
  isInstance,
  isObj,
  listOf,
  type Obj,
  objField,
  strField,
} from './safe-read.js';
import { GRPC_STATUS_NAMES, grpcRule, statusText } from './status-table.js';

/**
 * Options of {@link toPipelineError}.
 *
 * @example
 * ```ts
 * import { systemClock, type ToPipelineErrorOptions } from 'gcp-pipeline-resilience';
 * const clock = systemClock;
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

/**
 * Turns anything thrown by @google-cloud/bigquery, @google-cloud/pubsub, google-gax, grpc-js, gaxios,
 * node-fetch, undici or Node itself into the matching typed error, keeping the thrown value as `cause`.
 * Already-typed errors (from any copy of this package) are returned unchanged.
 *
 * A fetch `Response` (or an error carrying one as `response`, as ky's does) becomes an `HttpError`.
 * Order of evidence: BigQuery `errors[].reason` first (a 403 `rateLimitExceeded` is a transient
 * `ForbiddenError`; `jobBackendError` and friends set `requiresNewJobId`), then the HTTP status or gRPC
 * code, then network codes (`ECONNRESET`, `EAI_AGAIN`, `fetch failed`, ...). An aborted request becomes a
 * non-transient {@link CancelledError}. Anything else becomes a non-transient `PipelineError` with code
 * `'UNKNOWN'`. Messages say what failed and what the service said, without credentials.
 *
 * Never throws, whatever the value: fields whose getters throw count as absent, and a value that
 * cannot be read at all (a revoked Proxy) becomes a permanent `PipelineError` saying so.
 *
 * @example
 * ```ts
 * import { BigQuery } from '@google-cloud/bigquery';
 * import { cloudLoggingLogger, ForbiddenError, toPipelineError } from 'gcp-pipeline-resilience';
 * const bigquery = new BigQuery();
 * const sql = 'SELECT 1 AS x';
 * const logger = cloudLoggingLogger();
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
  try {
    return classify(err, options.now ?? Date.now);
  } catch (failure) {
    // Only a value that defeats even the guarded reads gets here; its description is all we have.
    return unknownError(
      ` (a ${typeof err} that could not be read was thrown: ${clean(describeSafely(isObj(failure) ? field(failure, 'message') : failure))})`,
      err,
    );
  }
}

/** A permanent `PipelineError` saying what was thrown, when nothing more is known about it. */
function unknownError(what: string, cause: unknown): PipelineError {
  return new PipelineError(`Unknown error${what}`, { cause });
}

function classify(err: unknown, now: () => number): PipelineError {
  if (isInstance(err, PipelineError)) {
    if (isWellFormed(err as Obj)) return err as PipelineError;
    return unknownError(' (a value carrying the PipelineError brand without its fields was thrown)', err);
  }
  if (err === undefined || err === null) return unknownError(`: ${String(err)} was thrown`, err);
  if (typeof err === 'string' || boxedText(err) !== undefined)
    return unknownError(` (a string was thrown): ${clean(describeSafely(err))}`, err);
  if (!isObj(err) || typeof err === 'function') {
    return unknownError(` (a ${typeof err} was thrown): ${clean(describeSafely(err))}`, err);
  }
  if (!isReadable(err)) {
    return unknownError(' (an object that cannot be read was thrown, e.g. a revoked Proxy)', err);
  }
  return (
    // First: a token endpoint's refusal carries an HTTP answer that is not the API's.
    fromCredentials(err) ??
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
 * The brand says "already typed", but anything can carry a symbol: callers read `code`, `transient`,
 * `name` and `message` of what this returns without a guard, so those must be there and be what
 * they claim.
 */
function isWellFormed(o: Obj): boolean {
  return (
    typeof field(o, 'code') === 'string' &&
    typeof field(o, 'transient') === 'boolean' &&
    typeof field(o, 'message') === 'string' &&
    typeof field(o, 'name') === 'string'
  );
}

/** False for a revoked Proxy (every operation on it throws) and for Proxies that refuse to be inspected. */
function isReadable(o: Obj): boolean {
  try {
    Object.getPrototypeOf(o);
    return true;
  } catch {
    return false;
  }
}

/**
 * The default retry predicate: would trying the same operation again possibly succeed? Never throws.
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
  return toPipelineError(err).transient === true;
}

const clean = cleanMessage;

/**
 * A service's `reason` (an `ErrorInfo`'s, a gRPC error's), credentials removed: kept whole otherwise, so
 * that it still matches the words the rules know (`rateLimitExceeded`). A service may echo what it
 * was sent there.
 */
function reasonField(o: unknown): string | undefined {
  const reason = strField(o, 'reason');
  return reason && removeSecrets(reason);
}

/** ` (reason: <reason>)` for a message, cleaned as the rest of the service's text. */
function reasonNote(reason: string | undefined): string {
  return reason ? ` (reason: ${clean(reason, 200)})` : '';
}

// ---------------------------------------------------------------------------------------------------
// @google-cloud/common PartialFailureError (table.insert with insertErrors)

function fromPartialFailure(o: Obj): PipelineError | undefined {
  const entries = field(o, 'name') === 'PartialFailureError' ? listOf(field(o, 'errors')) : undefined;
  if (entries === undefined) return undefined;
  const insertErrors = insertErrorsOf(o) ?? [];
  const failures: RowFailure[] = entries.map((entry: unknown, position: number): RowFailure => {
    const index = insertErrors[position]?.index ?? position;
    const row = field(entry, 'row');
    const insertId = isObj(row) && field(row, 'json') !== undefined ? strField(row, 'insertId') : undefined;
    return { index, row, insertId, reasons: errorDetailsOf(field(entry, 'errors')) };
  });
  const transient = failures.length > 0 && failures.every((f) => isTransientRowFailure(f.reasons));
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

// ---------------------------------------------------------------------------------------------------
// Aborts (node-fetch AbortError, DOMException, Node ABORT_ERR, gaxios) and DOMException TimeoutError

function fromAbortOrTimeout(o: Obj): PipelineError | undefined {
  const name = strField(o, 'name');
  const code = field(o, 'code');
  const message = clean(strField(o, 'message') ?? '');
  if (
    name === 'AbortError' ||
    code === 'ABORT_ERR' ||
    code === 'AbortError' ||
    field(o, 'type') === 'aborted'
  ) {
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

/** The `{code, message, errors, details, status}` error body, wherever the client left it. */
function errorBodyOf(response: Obj | undefined): Obj | undefined {
  if (!response) return undefined;
  for (const candidate of [field(response, 'data'), field(response, 'body')]) {
    let body: unknown = candidate;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        continue;
      }
    }
    const error = objField(body, 'error');
    if (error) return error;
  }
  return undefined;
}

function fromHttp(o: Obj, now: () => number): PipelineError | undefined {
  const response = objField(o, 'response');
  const httpStatus = httpStatusOf(o);
  if (httpStatus === undefined || httpStatus < 300) return undefined;
  const body = errorBodyOf(response);
  const ownErrors = listOf(field(o, 'errors'));
  const errors = errorDetailsOf(ownErrors && ownErrors.length > 0 ? ownErrors : field(body, 'errors'));
  const rpcDetails = listOf(field(body, 'details')) ?? [];
  const errorInfo = rpcDetails.find((d) => strField(d, '@type')?.endsWith('google.rpc.ErrorInfo'));
  const infoReason = reasonField(o) ?? reasonField(errorInfo);
  const domain = strField(o, 'domain') ?? strField(errorInfo, 'domain');
  const reasons = reasonsOf(errors, infoReason);
  const retryAfterMs =
    waitFromHeaders(field(response, 'headers') ?? field(o, 'headers'), now(), false) ??
    retryDelayOf([...rpcDetails, ...statusDetailsOf(o)]);
  const serviceMessage = clean(
    strField(o, 'message') || strField(body, 'message') || statusText(httpStatus) || 'no message',
  );
  const text = statusText(httpStatus);
  const message =
    `Google API request failed with HTTP ${httpStatus}${text ? ` ${text}` : ''}` +
    `${reasonNote(reasons[0])}: ${serviceMessage}`;
  return apiErrorForStatus(
    httpStatus,
    message,
    { httpStatus, errors, reasons, retryAfterMs, domain, cause: o },
    { serviceMessage },
  );
}

function reasonsOf(errors: ErrorDetail[], infoReason: string | undefined): string[] {
  const reasons = errors.flatMap((e) => (e.reason ? [e.reason] : []));
  if (infoReason && !reasons.includes(infoReason)) reasons.push(infoReason);
  return reasons;
}

function statusDetailsOf(o: Obj): unknown[] {
  return listOf(field(o, 'statusDetails')) ?? listOf(field(objField(o, 'error'), 'statusDetails')) ?? [];
}

/** `google.rpc.RetryInfo.retryDelay`, decoded by gax (`{seconds: Long, nanos}`) or as JSON (`"2.5s"`). */
function retryDelayOf(details: readonly unknown[]): number | undefined {
  for (const detail of details) {
    const delay = field(detail, 'retryDelay');
    if (delay !== undefined) {
      const ms = durationToMs(delay);
      if (ms !== undefined) return ms;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// A failed BigQuery job: ApiError built from job.status (no code), or the status object itself

function fromJobStatus(o: Obj): PipelineError | undefined {
  const errors = jobStatusDetails(o);
  const reasons = reasonsOf(errors, undefined);
  if (reasons.length === 0) return undefined;
  const decided = decidingReason(reasons);
  // python-bigquery maps reasons it does not know to 500.
  const httpStatus = decided?.rule.httpStatus ?? 500;
  const serviceMessage = clean(
    strField(o, 'message') || errors.map((e) => e.message).join('; ') || 'no message',
  );
  const message = `BigQuery job failed${reasonNote(reasons[0])}: ${serviceMessage}`;
  return apiErrorForStatus(
    httpStatus,
    message,
    { httpStatus, errors, reasons, cause: o },
    { serviceMessage },
  );
}

// ---------------------------------------------------------------------------------------------------
// gRPC: grpc-js ServiceError, google-gax GoogleError, Pub/Sub PublishError

function fromGrpc(o: Obj): PipelineError | undefined {
  const rawMessage = strField(o, 'message') ?? '';
  const parsed = parseGrpcMessage(rawMessage);
  const code = intField(o, 'code') ?? parsed?.code;
  const rule = code === undefined ? undefined : grpcRule(code);
  if (code === undefined || !rule) return undefined;
  const inner = objField(o, 'error');
  const ownDetails = field(o, 'details');
  const details = clean(
    (typeof ownDetails === 'string' && ownDetails) ||
      parsed?.details ||
      strField(inner, 'details') ||
      rawMessage ||
      'no details',
  );
  const reason = reasonField(o) ?? reasonField(inner);
  const domain = strField(o, 'domain') ?? strField(inner, 'domain');
  const errors: ErrorDetail[] = reason ? [{ reason, message: details, ...(domain ? { domain } : {}) }] : [];
  const reasons = reason ? [reason] : [];
  const metadata = field(o, 'metadata') ?? field(inner, 'metadata');
  const pushback = readHeader(metadata, 'grpc-retry-pushback-ms');
  const retryAfterMs =
    retryDelayOf(statusDetailsOf(o)) ??
    (pushback && /^\d{1,10}$/.test(pushback) ? Number(pushback) : undefined);
  const orderingKey = strField(o, 'orderingKey');
  const what =
    orderingKey !== undefined
      ? `Pub/Sub publish failed for ordering key "${clean(orderingKey)}"`
      : 'Google API call failed';
  const message = `${what} with gRPC ${code} ${GRPC_STATUS_NAMES[code]}${reasonNote(reason)}: ${details}`;
  return apiErrorForStatus(
    rule.httpStatus,
    message,
    { grpcCode: code, errors, reasons, retryAfterMs, domain, transient: rule.transient, cause: o },
    { deadline: rule.deadline, serviceMessage: details },
  );
}

// ---------------------------------------------------------------------------------------------------
// Transport: Node system errors, node-fetch FetchError, undici `fetch failed`, gaxios without response

/** System and undici codes of a transport failure (also kept by `resilientFetch`'s scrubbing). */
export const NETWORK_CODES: ReadonlySet<string> = /* @__PURE__ */ new Set(
  /* @__PURE__ */ (
    'ECONNRESET ETIMEDOUT EPIPE EAI_AGAIN ECONNREFUSED ENOTFOUND ECONNABORTED EHOSTUNREACH ' +
    'EHOSTDOWN ENETUNREACH ENETDOWN ENETRESET EPROTO ESOCKETTIMEDOUT ' +
    'ERR_STREAM_PREMATURE_CLOSE ERR_SOCKET_CONNECTION_TIMEOUT UND_ERR_SOCKET ' +
    'UND_ERR_CLOSED UND_ERR_CONNECT_TIMEOUT UND_ERR_HEADERS_TIMEOUT UND_ERR_BODY_TIMEOUT'
  ).split(' '),
);

/**
 * Why undici's `fetch` refused to go on, as its `fetch failed` cause says (a plain error, no system
 * code): the request's own redirect rules, which the same request meets again on every attempt.
 */
export const FETCH_REFUSAL =
  /^(?:unexpected redirect|redirect count exceeded|cross origin not allowed|URL scheme must be a HTTP\(S\) scheme)/;

/**
 * Codes of a transport failure that the same request meets again: DNS says the name does not exist
 * (almost always a wrong endpoint; `EAI_AGAIN`, the temporary failure, stays transient), and undici's
 * refusals of the request or of its answer (headers or body over the client's limits, a body that
 * disagrees with its `content-length`, options it does not take).
 */
const DETERMINISTIC =
  /^(?:ENOTFOUND|UND_ERR_(?:HEADERS_OVERFLOW|RES_EXCEEDED_MAX_SIZE|REQ_CONTENT_LENGTH_MISMATCH|INVALID_ARG|NOT_SUPPORTED))$/;

function networkCodeOf(o: unknown): string | undefined {
  const code = strField(o, 'code');
  return code && (NETWORK_CODES.has(code) || DETERMINISTIC.test(code)) ? code : undefined;
}

function fromNetwork(o: Obj): PipelineError | undefined {
  const message = strField(o, 'message') ?? '';
  let systemCode = networkCodeOf(o);
  let detail = message;
  let isNetwork = systemCode !== undefined;
  const type = strField(o, 'type');
  if (
    !isNetwork &&
    field(o, 'name') === 'FetchError' &&
    (type === 'system' || type?.includes('timeout') === true)
  ) {
    isNetwork = true;
    systemCode = strField(o, 'code');
  }
  if (!isNetwork && /socket hang up/i.test(message)) {
    isNetwork = true;
    systemCode = 'ECONNRESET';
  }
  if (!isNetwork && message === 'Premature close') {
    isNetwork = true;
    systemCode = 'ERR_STREAM_PREMATURE_CLOSE';
  }
  // undici: `fetch failed` (no answer), or `terminated` (the connection closed in the middle of the
  // body, `response.json()` included), each with the socket's error as its cause.
  if (!isNetwork && (message === 'fetch failed' || message === 'terminated')) {
    isNetwork = true;
    const cause = objField(o, 'cause');
    systemCode = cause ? (networkCodeOf(cause) ?? strField(cause, 'code')) : undefined;
    const causeMessage = strField(cause, 'message');
    if (causeMessage) detail = `${message}: ${causeMessage}`;
  }
  // A wrapper (`new Error('request failed', { cause })`, a library's own error class) says nothing of
  // its own; a network code in its cause chain does, unless the wrapper has a code of its own (a status
  // or a gRPC code was read before this). The walk ends at the first link that says something of its
  // own (a code, a status, a response: not a network failure; a typed error: its own answer), and
  // after 8 links (a cycle).
  const ownCode = field(o, 'code') !== undefined;
  for (let link: unknown = o, depth = 0; !isNetwork && !ownCode && depth < 8; depth++) {
    link = field(link, 'cause');
    if (isInstance(link, PipelineError) && isWellFormed(link as Obj)) return link as PipelineError;
    systemCode = networkCodeOf(link);
    isNetwork = systemCode !== undefined;
    const linkMessage = isNetwork ? strField(link, 'message') : undefined;
    if (linkMessage) detail = `${message}: ${linkMessage}`;
    if (['code', 'status', 'statusCode', 'response'].some((key) => field(link, key) !== undefined)) break;
  }
  if (!isNetwork) return undefined;
  const transient =
    !DETERMINISTIC.test(systemCode ?? '') &&
    !(
      systemCode === undefined &&
      message === 'fetch failed' &&
      FETCH_REFUSAL.test(strField(objField(o, 'cause'), 'message') ?? '')
    );
  return new NetworkError(
    `Network request failed (${clean(systemCode ?? 'no system code')}): ${clean(detail)}`,
    {
      systemCode,
      transient,
      cause: o,
    },
  );
}

// ---------------------------------------------------------------------------------------------------

function fromUnknown(o: Obj): PipelineError {
  const message = strField(o, 'message');
  const name = strField(o, 'name');
  if (isInstance(o, Error) || message !== undefined) {
    const text = message || '(no message)';
    const prefix = name && name !== 'Error' ? `${name}: ` : '';
    return new PipelineError(clean(`${prefix}${text}`), { cause: o });
  }
  return unknownError(` (an object was thrown): ${clean(summarize(o))}`, o);
}

function summarize(o: Obj): string {
  const seen = new WeakSet<object>();
  try {
    // A bigint as its digits and an object met again as "[Circular]": JSON alone refuses both, and
    // the tag alone ("[object Object]") would say nothing of what was thrown.
    const json = JSON.stringify(o, (_key, v: unknown) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (typeof v !== 'object' || v === null) return v;
      if (seen.has(v)) return '[Circular]';
      seen.add(v);
      return v;
    });
    if (json !== undefined) return json;
  } catch {
    // A throwing toJSON or getter: fall back to the tag.
  }
  try {
    return Object.prototype.toString.call(o);
  } catch {
    return '[object]';
  }
}
