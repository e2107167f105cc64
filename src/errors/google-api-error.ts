import { brandClass } from './brand.js';
import { PipelineError, type PipelineErrorOptions } from './pipeline-error.js';

/**
 * One structured error entry reported by a Google API (BigQuery's `ErrorProto`, an `ErrorInfo`, ...).
 *
 * @example
 * ```ts
 * import { GoogleApiError, toPipelineError, type ErrorDetail } from 'gcp-pipeline-resilience';
 * declare function insert(): Promise<void>;
 * try {
 *   await insert();
 * } catch (thrown) {
 *   const err = toPipelineError(thrown);
 *   const details: ErrorDetail[] = err instanceof GoogleApiError ? err.errors : [];
 *   for (const d of details) console.error(d.reason, d.location ?? '', d.message);
 * }
 * ```
 */
export interface ErrorDetail {
  /** The machine-readable reason, e.g. `'rateLimitExceeded'`, `'invalidQuery'`. */
  reason?: string;
  /** What the service said. */
  message: string;
  /** Where the problem is (a field, a query position). */
  location?: string;
  /** The error domain, e.g. `'global'` or `'googleapis.com'`. */
  domain?: string;
}

/**
 * Everything a {@link GoogleApiError} can carry besides its message.
 *
 * @example
 * ```ts
 * import { ServiceUnavailableError, type GoogleApiErrorDetails } from 'gcp-pipeline-resilience';
 * // A fake BigQuery in a test fails the way the real one does.
 * const backendError = (retryAfterMs: number): GoogleApiErrorDetails => ({ httpStatus: 503, reasons: ['backendError'], retryAfterMs });
 * const fakeQuery = async (): Promise<never> => {
 *   throw new ServiceUnavailableError('Backend error', backendError(2000));
 * };
 * ```
 */
export interface GoogleApiErrorDetails extends PipelineErrorOptions {
  /** The HTTP status; for gRPC errors the canonical HTTP status of the gRPC code. */
  httpStatus?: number;
  /** The numeric gRPC status code, when the error came over gRPC (or gax's REST fallback). */
  grpcCode?: number;
  /** The structured reasons in the order the service listed them; defaults to those of `errors`. */
  reasons?: string[];
  /** The structured error entries. */
  errors?: ErrorDetail[];
  /** How long the server asked the client to wait (`Retry-After`, gRPC `RetryInfo`). */
  retryAfterMs?: number;
  /** The `ErrorInfo` domain, e.g. `'pubsub.googleapis.com'`. */
  domain?: string;
  /** True when BigQuery says the failed job must be retried under a new job id. */
  requiresNewJobId?: boolean;
}

/**
 * An error reported by a Google API, over HTTP or gRPC. Usually one of its per-status subclasses
 * ({@link ServiceUnavailableError}, {@link ForbiddenError}, ...); the base class itself is used for
 * statuses without a class of their own (408, 405, 3xx).
 *
 * @example
 * ```ts
 * import { GoogleApiError, toPipelineError } from 'gcp-pipeline-resilience';
 * declare const thrown: unknown;
 * declare function alertOnCall(message: string): void;
 *
 * const err = toPipelineError(thrown);
 * if (err instanceof GoogleApiError && err.reason === 'quotaExceeded') alertOnCall(err.message);
 * ```
 */
export class GoogleApiError extends PipelineError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    GoogleApiError,
    'GoogleApiError',
  );

  /** The HTTP status; for gRPC errors the canonical HTTP status of the gRPC code. */
  declare readonly httpStatus?: number;
  /** The numeric gRPC status code, when the error came over gRPC. */
  declare readonly grpcCode?: number;
  /** The first structured reason, e.g. `'rateLimitExceeded'`. */
  declare readonly reason?: string;
  /** Every structured reason, in order. */
  declare readonly reasons: string[];
  /** The structured error entries. */
  declare readonly errors: ErrorDetail[];
  /** How long the server asked the client to wait before trying again. */
  declare readonly retryAfterMs?: number;
  /** The `ErrorInfo` domain, when the service sent one. */
  declare readonly domain?: string;
  /** True for BigQuery `jobBackendError`, `jobInternalError`, `jobRateLimitExceeded`: retry with a new job id. */
  declare readonly requiresNewJobId: boolean;

  constructor(message: string, details: GoogleApiErrorDetails = {}) {
    super(message, { ...details, code: details.code ?? 'GOOGLE_API_ERROR' });
    const errors = details.errors ?? [];
    const reasons =
      details.reasons ?? errors.flatMap((e) => (typeof e.reason === 'string' && e.reason ? [e.reason] : []));
    this.httpStatus = details.httpStatus;
    this.grpcCode = details.grpcCode;
    this.reason = reasons[0];
    this.reasons = reasons;
    this.errors = errors;
    this.retryAfterMs = details.retryAfterMs;
    this.domain = details.domain;
    this.requiresNewJobId = details.requiresNewJobId ?? false;
  }
}
