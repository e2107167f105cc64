export { brandError, errorBrand } from './brand.js';
export {
  CircuitBreakerOpenError,
  type CircuitBreakerOpenErrorOptions,
} from './circuit-breaker-open-error.js';
export { isTransientError, type ToPipelineErrorOptions, toPipelineError } from './classify.js';
export {
  CredentialsUnavailableError,
  type CredentialsUnavailableErrorOptions,
} from './credentials-unavailable-error.js';
export {
  type HttpErrorFromResponseOptions,
  httpErrorFromResponse,
  isFetchResponse,
  type ResponseLike,
  urlForErrors,
} from './from-response.js';
export { type ErrorDetail, GoogleApiError, type GoogleApiErrorDetails } from './google-api-error.js';
export {
  HttpError,
  type HttpErrorDetails,
  type HttpErrorOptions,
  isTransientHttpStatus,
} from './http-error.js';
export {
  BadGatewayError,
  BadRequestError,
  CancelledError,
  ConflictError,
  DeadlineExceededError,
  ForbiddenError,
  GatewayTimeoutError,
  type GoogleApiErrorClass,
  InternalServerError,
  NotFoundError,
  NotImplementedError,
  PreconditionFailedError,
  ServiceUnavailableError,
  StreamingBufferError,
  TooManyRequestsError,
  UnauthorizedError,
} from './http-errors.js';
export {
  HttpBadGatewayError,
  HttpBadRequestError,
  HttpConflictError,
  HttpForbiddenError,
  HttpGatewayTimeoutError,
  HttpGoneError,
  HttpInternalServerError,
  HttpNotFoundError,
  HttpRequestTimeoutError,
  HttpServiceUnavailableError,
  type HttpStatusErrorClass,
  HttpTooManyRequestsError,
  HttpUnauthorizedError,
} from './http-status-errors.js';
export {
  type DecodeFailure,
  MessageDecodeError,
  type MessageDecodeErrorOptions,
  MessageValidationError,
  type MessageValidationErrorOptions,
  type ValidationIssue,
} from './message-errors.js';
export { NetworkError, type NetworkErrorOptions } from './network-error.js';
export { OperationTimeoutError, type OperationTimeoutErrorOptions } from './operation-timeout-error.js';
export {
  PartialInsertError,
  type PartialInsertErrorOptions,
  type RowFailure,
} from './partial-insert-error.js';
export { PipelineError, type PipelineErrorOptions } from './pipeline-error.js';
export { PlayerNotFoundError, type PlayerNotFoundErrorOptions } from './player-not-found-error.js';
export { QueryGuardError, type QueryGuardErrorOptions } from './query-guard-error.js';
export { waitFromHeaders } from './rate-limit-headers.js';
export { redactSecrets } from './redact.js';
export { parseRetryAfter } from './retry-after.js';
export { type Result, settle } from './settle.js';
export {
  RowError,
  type RowErrorOptions,
  StorageError,
  type StorageErrorCode,
  type StorageErrorOptions,
} from './storage-write-errors.js';
export {
  UnsupportedSchemaError,
  type UnsupportedSchemaErrorOptions,
  type UnsupportedSchemaKind,
} from './unsupported-schema-error.js';
