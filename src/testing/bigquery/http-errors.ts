/**
 * Google-shaped HTTP errors for the BigQuery stand-in.
 */

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/**
 * The canonical `status` string Google puts in an error body for an HTTP status.
 *
 * @internal
 */
export function googleStatusName(status: number): string {
  return STATUS_NAMES[status] ?? 'UNKNOWN';
}

const REASON_STATUS: Record<string, number> = {
  accessDenied: 403,
  billingNotEnabled: 403,
  blocked: 403,
  quotaExceeded: 403,
  rateLimitExceeded: 403,
  responseTooLarge: 403,
  backendError: 500,
  internalError: 500,
  notFound: 404,
  duplicate: 409,
  notImplemented: 501,
  stopped: 499,
};

/**
 * The HTTP status BigQuery answers with when a job failed with `reason` (jobs.query,
 * getQueryResults): the status of that reason in BigQuery's error table, 400 for the rest
 * (including `jobBackendError`, `jobInternalError`, `jobRateLimitExceeded`, `invalidQuery`).
 *
 * @internal
 */
export function httpStatusForReason(reason: string): number {
  return REASON_STATUS[reason] ?? 400;
}

/**
 * An `ErrorProto` as BigQuery returns it.
 *
 * @internal
 */
export interface ErrorProto {
  reason: string;
  message: string;
  location?: string;
  domain?: string;
  debugInfo?: string;
}

/**
 * An error the stand-in answers with. Handlers throw it; the server turns it into the response.
 *
 * @internal
 */
export class StandInHttpError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly location?: string;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    reason: string,
    message: string,
    options?: { location?: string; headers?: Record<string, string> },
  ) {
    super(message);
    this.name = 'StandInHttpError';
    this.status = status;
    this.reason = reason;
    if (options?.location !== undefined) this.location = options.location;
    this.headers = options?.headers ?? {};
  }

  /** The `ErrorProto` of this error (job `status.errorResult`). */
  toErrorProto(): ErrorProto {
    return {
      reason: this.reason,
      message: this.message,
      ...(this.location !== undefined ? { location: this.location } : {}),
    };
  }
}

/**
 * The JSON body of a Google API error: `{ error: { code, message, errors: [...], status } }`.
 *
 * @internal
 */
export function googleErrorBody(
  status: number,
  reason: string,
  message: string,
  location?: string,
): {
  error: { code: number; message: string; errors: Array<ErrorProto & { domain: string }>; status: string };
} {
  return {
    error: {
      code: status,
      message,
      errors: [
        {
          message,
          domain: 'global',
          reason,
          ...(location !== undefined ? { location, locationType: 'other' } : {}),
        },
      ],
      status: googleStatusName(status),
    },
  };
}

/**
 * 404 for a dataset.
 *
 * @internal
 */
export function datasetNotFound(projectId: string, datasetId: string, location?: string): StandInHttpError {
  const where = location ? ` was not found in location ${location}` : '';
  return new StandInHttpError(404, 'notFound', `Not found: Dataset ${projectId}:${datasetId}${where}`);
}

/**
 * 404 for a table.
 *
 * @internal
 */
export function tableNotFound(
  projectId: string,
  datasetId: string,
  tableId: string,
  location?: string,
): StandInHttpError {
  const where = location ? ` was not found in location ${location}` : '';
  return new StandInHttpError(
    404,
    'notFound',
    `Not found: Table ${projectId}:${datasetId}.${tableId}${where}`,
  );
}
