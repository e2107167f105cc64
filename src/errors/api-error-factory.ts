import { GoogleApiError, type GoogleApiErrorDetails } from './google-api-error.js';
import {
  BadGatewayError,
  BadRequestError,
  CancelledError,
  ConflictError,
  DeadlineExceededError,
  ForbiddenError,
  GatewayTimeoutError,
  InternalServerError,
  NotFoundError,
  NotImplementedError,
  PreconditionFailedError,
  ServiceUnavailableError,
  StreamingBufferError,
  TooManyRequestsError,
  UnauthorizedError,
} from './http-errors.js';

type ApiErrorClass = new (message: string, details?: GoogleApiErrorDetails) => GoogleApiError;

const BY_STATUS: ReadonlyMap<number, ApiErrorClass> = new Map<number, ApiErrorClass>([
  [400, BadRequestError],
  [401, UnauthorizedError],
  [403, ForbiddenError],
  [404, NotFoundError],
  [409, ConflictError],
  [412, PreconditionFailedError],
  [429, TooManyRequestsError],
  [499, CancelledError],
  [500, InternalServerError],
  [501, NotImplementedError],
  [502, BadGatewayError],
  [503, ServiceUnavailableError],
  [504, GatewayTimeoutError],
]);

const STREAMING_BUFFER = /streaming buffer/i;

/**
 * Builds the class that matches an HTTP status. Statuses without a class get the base class with a code
 * that still says what happened: 408 is `REQUEST_TIMEOUT` and transient (the request never reached a
 * verdict, and @google-cloud/common retries it too); other 4xx are `CLIENT_ERROR`, other 5xx
 * `SERVER_ERROR` and transient (BigQuery: "any unlisted 5xx: retry the request later").
 */
export function apiErrorForStatus(
  httpStatus: number,
  message: string,
  details: GoogleApiErrorDetails,
  options: { deadline?: boolean; serviceMessage?: string } = {},
): GoogleApiError {
  if (options.deadline) return new DeadlineExceededError(message, details);
  if (httpStatus === 400 && STREAMING_BUFFER.test(options.serviceMessage ?? message)) {
    return new StreamingBufferError(message, { ...details, transient: false });
  }
  const Class = BY_STATUS.get(httpStatus);
  if (Class) return new Class(message, details);
  if (httpStatus === 408) {
    return new GoogleApiError(message, {
      code: 'REQUEST_TIMEOUT',
      transient: true,
      ...stripUndefined(details),
    });
  }
  if (httpStatus >= 400 && httpStatus < 500) {
    return new GoogleApiError(message, {
      code: 'CLIENT_ERROR',
      transient: false,
      ...stripUndefined(details),
    });
  }
  if (httpStatus >= 500 && httpStatus < 600) {
    return new GoogleApiError(message, { code: 'SERVER_ERROR', transient: true, ...stripUndefined(details) });
  }
  return new GoogleApiError(message, details);
}

function stripUndefined(details: GoogleApiErrorDetails): GoogleApiErrorDetails {
  return Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined));
}

/** The reason phrase of an HTTP status, for messages. */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? '';
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  499: 'Client Closed Request',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
