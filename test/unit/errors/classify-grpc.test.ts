import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  CancelledError,
  ConflictError,
  DeadlineExceededError,
  ForbiddenError,
  GatewayTimeoutError,
  type GoogleApiError,
  InternalServerError,
  NotFoundError,
  NotImplementedError,
  ServiceUnavailableError,
  TooManyRequestsError,
  toPipelineError,
  UnauthorizedError,
} from '../../../src/errors/index.js';
import { googleGrpcError, googleHttpError, grpcServiceError, publishError, Status } from './fixtures.js';

describe('toPipelineError: gRPC codes (grpc-js ServiceError shape)', () => {
  it.each([
    [Status.CANCELLED, CancelledError, 'CANCELLED', false, 499],
    [Status.UNKNOWN, InternalServerError, 'INTERNAL_SERVER_ERROR', true, 500],
    [Status.INVALID_ARGUMENT, BadRequestError, 'BAD_REQUEST', false, 400],
    [Status.DEADLINE_EXCEEDED, DeadlineExceededError, 'DEADLINE_EXCEEDED', true, 504],
    [Status.NOT_FOUND, NotFoundError, 'NOT_FOUND', false, 404],
    [Status.ALREADY_EXISTS, ConflictError, 'CONFLICT', false, 409],
    [Status.PERMISSION_DENIED, ForbiddenError, 'FORBIDDEN', false, 403],
    [Status.RESOURCE_EXHAUSTED, TooManyRequestsError, 'TOO_MANY_REQUESTS', true, 429],
    [Status.FAILED_PRECONDITION, BadRequestError, 'BAD_REQUEST', false, 400],
    [Status.ABORTED, ConflictError, 'CONFLICT', true, 409],
    [Status.OUT_OF_RANGE, BadRequestError, 'BAD_REQUEST', false, 400],
    [Status.UNIMPLEMENTED, NotImplementedError, 'NOT_IMPLEMENTED', false, 501],
    [Status.INTERNAL, InternalServerError, 'INTERNAL_SERVER_ERROR', true, 500],
    [Status.UNAVAILABLE, ServiceUnavailableError, 'SERVICE_UNAVAILABLE', true, 503],
    [Status.DATA_LOSS, InternalServerError, 'INTERNAL_SERVER_ERROR', false, 500],
    [Status.UNAUTHENTICATED, UnauthorizedError, 'UNAUTHORIZED', false, 401],
  ] as const)('gRPC %i -> %o (%s), transient %s', (code, Class, errCode, transient, httpStatus) => {
    const original = grpcServiceError(code, 'what the server said');
    const err = toPipelineError(original) as GoogleApiError;
    expect(err).toBeInstanceOf(Class);
    expect(err.code).toBe(errCode);
    expect(err.transient).toBe(transient);
    expect(err.grpcCode).toBe(code);
    expect(err.httpStatus).toBe(httpStatus);
    expect(err.cause).toBe(original);
    expect(err.message).toBe(
      `Google API call failed with gRPC ${code} ${Status[code]}: what the server said`,
    );
  });

  it('DeadlineExceededError is also a GatewayTimeoutError', () => {
    expect(toPipelineError(grpcServiceError(Status.DEADLINE_EXCEEDED, 'Deadline exceeded'))).toBeInstanceOf(
      GatewayTimeoutError,
    );
  });

  it('grpc-js "14 UNAVAILABLE: read ECONNRESET" is a transient ServiceUnavailableError naming the reset', () => {
    const err = toPipelineError(grpcServiceError(Status.UNAVAILABLE, 'read ECONNRESET'));
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err.transient).toBe(true);
    expect(err.message).toBe('Google API call failed with gRPC 14 UNAVAILABLE: read ECONNRESET');
  });

  it('13 INTERNAL "Received RST_STREAM" is a transient InternalServerError', () => {
    const err = toPipelineError(
      grpcServiceError(
        Status.INTERNAL,
        'Received RST_STREAM with code 2 triggered by internal client error: read ECONNRESET',
      ),
    );
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err.transient).toBe(true);
  });

  it('parses the code from the message when only the message survived', () => {
    const err = toPipelineError(
      new Error('4 DEADLINE_EXCEEDED: Deadline exceeded after 60.001s'),
    ) as GoogleApiError;
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(err.grpcCode).toBe(4);
    expect(err.message).toBe(
      'Google API call failed with gRPC 4 DEADLINE_EXCEEDED: Deadline exceeded after 60.001s',
    );
  });

  it('does not mistake a message that merely looks like the prefix', () => {
    expect(toPipelineError(new Error('14 APPLES: too many')).code).toBe('UNKNOWN');
  });

  it('ignores code 0 (OK) and codes outside the enum', () => {
    expect(toPipelineError(Object.assign(new Error('fine'), { code: 0 })).code).toBe('UNKNOWN');
    expect(toPipelineError(Object.assign(new Error('odd'), { code: 42 })).code).toBe('UNKNOWN');
  });

  it('classifies a plain status object', () => {
    const err = toPipelineError({ code: 14, details: 'No connection established' });
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err.message).toBe('Google API call failed with gRPC 14 UNAVAILABLE: No connection established');
  });

  it('reads grpc-retry-pushback-ms trailers as retryAfterMs', () => {
    const original = grpcServiceError(Status.RESOURCE_EXHAUSTED, 'slow down');
    (original as unknown as { metadata: { set(k: string, v: string): void } }).metadata.set(
      'grpc-retry-pushback-ms',
      '750',
    );
    expect((toPipelineError(original) as GoogleApiError).retryAfterMs).toBe(750);
  });
});

describe('toPipelineError: google-gax GoogleError', () => {
  it('keeps ErrorInfo reason and domain and the RetryInfo delay decoded from the trailers', () => {
    const original = googleGrpcError(Status.RESOURCE_EXHAUSTED, 'Quota exceeded', {
      errorInfo: {
        reason: 'RATE_LIMIT_EXCEEDED',
        domain: 'pubsub.googleapis.com',
        metadata: { quota_limit: 'publish' },
      },
      retryDelay: { seconds: 3, nanos: 250_000_000 },
    });
    // The fixture went through gax's own decoder.
    expect(original.reason).toBe('RATE_LIMIT_EXCEEDED');
    expect(original.errorInfoMetadata).toEqual({ quota_limit: 'publish' });
    const err = toPipelineError(original) as GoogleApiError;
    expect(err).toBeInstanceOf(TooManyRequestsError);
    expect(err.reason).toBe('RATE_LIMIT_EXCEEDED');
    expect(err.domain).toBe('pubsub.googleapis.com');
    expect(err.errors).toEqual([
      { reason: 'RATE_LIMIT_EXCEEDED', domain: 'pubsub.googleapis.com', message: 'Quota exceeded' },
    ]);
    expect(err.retryAfterMs).toBe(3250);
    expect(err.message).toBe(
      'Google API call failed with gRPC 8 RESOURCE_EXHAUSTED (reason: RATE_LIMIT_EXCEEDED): Quota exceeded',
    );
  });

  it('classifies the REST-fallback GoogleError by its gRPC code, with RetryInfo from JSON', () => {
    const original = googleHttpError({
      code: 503,
      message: 'The service is currently unavailable.',
      status: 'UNAVAILABLE',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }],
    });
    const err = toPipelineError(original) as GoogleApiError;
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err.grpcCode).toBe(14);
    expect(err.retryAfterMs).toBe(2000);
    expect(err.message).toBe(
      'Google API call failed with gRPC 14 UNAVAILABLE: The service is currently unavailable.',
    );
  });

  it('a BigQuery reason in ErrorInfo still decides before the code', () => {
    const err = toPipelineError(
      googleGrpcError(Status.PERMISSION_DENIED, 'Exceeded rate limits', {
        errorInfo: { reason: 'rateLimitExceeded', domain: 'bigquery.googleapis.com' },
      }),
    );
    expect(err).toBeInstanceOf(ForbiddenError);
    expect(err.transient).toBe(true);
  });
});

describe('toPipelineError: Pub/Sub PublishError', () => {
  it('names the ordering key and classifies by the wrapped gRPC code', () => {
    const inner = googleGrpcError(Status.UNAVAILABLE, 'Connection dropped', {
      errorInfo: { reason: 'BACKEND_UNAVAILABLE', domain: 'pubsub.googleapis.com' },
      retryDelay: { seconds: 1, nanos: 0 },
    });
    const original = publishError('game-0042', inner);
    expect(original.orderingKey).toBe('game-0042');
    const err = toPipelineError(original) as GoogleApiError;
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err.transient).toBe(true);
    expect(err.grpcCode).toBe(14);
    expect(err.reason).toBe('BACKEND_UNAVAILABLE');
    expect(err.retryAfterMs).toBe(1000);
    expect(err.cause).toBe(original);
    expect(err.message).toBe(
      'Pub/Sub publish failed for ordering key "game-0042" with gRPC 14 UNAVAILABLE (reason: BACKEND_UNAVAILABLE): Connection dropped',
    );
  });

  it('a permanent code stays permanent', () => {
    const err = toPipelineError(
      publishError('k', grpcServiceError(Status.NOT_FOUND, 'Resource not found (resource=games).')),
    );
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.transient).toBe(false);
  });
});
