import { ApiError } from '@google-cloud/common';
import { describe, expect, it } from 'vitest';
import {
  BadGatewayError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  GatewayTimeoutError,
  GoogleApiError,
  InternalServerError,
  isTransientError,
  NotFoundError,
  PipelineError,
  PreconditionFailedError,
  ServiceUnavailableError,
  StreamingBufferError,
  TooManyRequestsError,
  toPipelineError,
  UnauthorizedError,
} from '../../../src/errors/index.js';
import { bigQueryHttpError, failedJobError, gaxiosHttpError } from './fixtures.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const now = () => NOW;

describe('toPipelineError: BigQuery HTTP errors (@google-cloud/common ApiError)', () => {
  it.each([
    [400, BadRequestError, 'BAD_REQUEST', false],
    [401, UnauthorizedError, 'UNAUTHORIZED', false],
    [403, ForbiddenError, 'FORBIDDEN', false],
    [404, NotFoundError, 'NOT_FOUND', false],
    [409, ConflictError, 'CONFLICT', false],
    [412, PreconditionFailedError, 'PRECONDITION_FAILED', false],
    [429, TooManyRequestsError, 'TOO_MANY_REQUESTS', true],
    [500, InternalServerError, 'INTERNAL_SERVER_ERROR', true],
    [502, BadGatewayError, 'BAD_GATEWAY', true],
    [503, ServiceUnavailableError, 'SERVICE_UNAVAILABLE', true],
    [504, GatewayTimeoutError, 'GATEWAY_TIMEOUT', true],
  ] as const)('HTTP %i without a reason -> %o (%s), transient %s', (status, Class, code, transient) => {
    const original = bigQueryHttpError({ status, message: 'The service said something' });
    const err = toPipelineError(original);
    expect(err).toBeInstanceOf(Class);
    expect(err.code).toBe(code);
    expect(err.transient).toBe(transient);
    expect(err.cause).toBe(original);
    expect((err as GoogleApiError).httpStatus).toBe(status);
    expect(err.message).toMatch(
      new RegExp(`^Google API request failed with HTTP ${status}\\b.*: The service said something$`),
    );
    expect(isTransientError(original)).toBe(transient);
  });

  it('lets reasons decide before the status: 403 rateLimitExceeded is a transient ForbiddenError', () => {
    const err = toPipelineError(
      bigQueryHttpError({
        status: 403,
        reason: 'rateLimitExceeded',
        message: 'Exceeded rate limits: too many table update operations for this table',
      }),
    ) as GoogleApiError;
    expect(err).toBeInstanceOf(ForbiddenError);
    expect(err.transient).toBe(true);
    expect(err.reason).toBe('rateLimitExceeded');
    expect(err.reasons).toEqual(['rateLimitExceeded']);
    expect(err.errors).toEqual([
      {
        reason: 'rateLimitExceeded',
        domain: 'global',
        message: 'Exceeded rate limits: too many table update operations for this table',
      },
    ]);
    expect(err.message).toBe(
      'Google API request failed with HTTP 403 Forbidden (reason: rateLimitExceeded): Exceeded rate limits: too many table update operations for this table',
    );
  });

  it('403 quotaExceeded is a permanent ForbiddenError', () => {
    const err = toPipelineError(
      bigQueryHttpError({ status: 403, reason: 'quotaExceeded', message: 'Quota exceeded' }),
    );
    expect(err).toBeInstanceOf(ForbiddenError);
    expect(err.transient).toBe(false);
    expect((err as GoogleApiError).reason).toBe('quotaExceeded');
  });

  it.each([
    ['rateLimitExceeded', 403, true, false],
    ['userRateLimitExceeded', 403, true, false],
    ['backendError', 503, true, false],
    ['internalError', 500, true, false],
    ['badGateway', 502, true, false],
    ['tableUnavailable', 400, true, false],
    ['jobBackendError', 400, true, true],
    ['jobInternalError', 400, true, true],
    ['jobRateLimitExceeded', 400, true, true],
    ['quotaExceeded', 403, false, false],
    ['invalid', 400, false, false],
    ['invalidQuery', 400, false, false],
    ['notFound', 404, false, false],
    ['accessDenied', 403, false, false],
    ['duplicate', 409, false, false],
    ['resourcesExceeded', 400, false, false],
    ['responseTooLarge', 403, false, false],
    ['billingNotEnabled', 403, false, false],
    ['bytesBilledLimitExceeded', 400, false, false],
  ] as const)(
    'reason %s on HTTP %i: transient %s, requiresNewJobId %s',
    (reason, status, transient, newJob) => {
      const err = toPipelineError(
        bigQueryHttpError({ status, reason, message: `msg for ${reason}` }),
      ) as GoogleApiError;
      expect(err.transient).toBe(transient);
      expect(err.requiresNewJobId).toBe(newJob);
      expect(err.reason).toBe(reason);
      expect(err.httpStatus).toBe(status);
    },
  );

  it('a permanent reason wins over a transient status (500 invalidQuery is not retried)', () => {
    const err = toPipelineError(bigQueryHttpError({ status: 500, reason: 'invalidQuery' }));
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err.transient).toBe(false);
  });

  it('a reason without a rule leaves the decision to the status', () => {
    expect(toPipelineError(bigQueryHttpError({ status: 503, reason: 'somethingNew' })).transient).toBe(true);
    expect(toPipelineError(bigQueryHttpError({ status: 400, reason: 'badRequest' })).transient).toBe(false);
  });

  it('the first reason with a rule decides when several are listed', () => {
    const err = toPipelineError(
      bigQueryHttpError({
        status: 400,
        reason: 'badRequest',
        extraErrors: [{ reason: 'jobRateLimitExceeded', message: 'x' }],
      }),
    ) as GoogleApiError;
    expect(err.reasons).toEqual(['badRequest', 'jobRateLimitExceeded']);
    expect(err.reason).toBe('badRequest');
    expect(err.transient).toBe(true);
    expect(err.requiresNewJobId).toBe(true);
  });

  it('400 "would affect rows in the streaming buffer" is a permanent StreamingBufferError', () => {
    const message =
      'UPDATE or DELETE statement over table nba_raw.games would affect rows in the streaming buffer, which is not supported';
    const err = toPipelineError(bigQueryHttpError({ status: 400, reason: 'invalidQuery', message }));
    expect(err).toBeInstanceOf(StreamingBufferError);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.code).toBe('STREAMING_BUFFER');
    expect(err.transient).toBe(false);
    expect(err.message).toContain('would affect rows in the streaming buffer');
  });

  it('408 is a transient GoogleApiError with code REQUEST_TIMEOUT', () => {
    const err = toPipelineError(
      bigQueryHttpError({ status: 408, message: 'Request Timeout' }),
    ) as GoogleApiError;
    expect(err.constructor).toBe(GoogleApiError);
    expect(err.code).toBe('REQUEST_TIMEOUT');
    expect(err.transient).toBe(true);
    expect(err.httpStatus).toBe(408);
  });

  it('other 4xx are permanent CLIENT_ERROR, other 5xx transient SERVER_ERROR, 3xx GOOGLE_API_ERROR', () => {
    const e405 = toPipelineError(bigQueryHttpError({ status: 405 })) as GoogleApiError;
    expect([e405.code, e405.transient, e405.httpStatus]).toEqual(['CLIENT_ERROR', false, 405]);
    const e507 = toPipelineError(bigQueryHttpError({ status: 507 })) as GoogleApiError;
    expect([e507.code, e507.transient]).toEqual(['SERVER_ERROR', true]);
    expect(e507.message).toMatch(/^Google API request failed with HTTP 507: /);
    const e304 = toPipelineError(bigQueryHttpError({ status: 304 }));
    expect([e304.constructor, e304.code]).toEqual([GoogleApiError, 'GOOGLE_API_ERROR']);
  });

  it('a 2xx status is not an HTTP failure', () => {
    const err = toPipelineError(Object.assign(new Error('odd'), { response: { statusCode: 200 } }));
    expect(err.constructor).toBe(PipelineError);
    expect(err.code).toBe('UNKNOWN');
  });

  it('an ApiError with no JSON body (proxy HTML) keeps the status and a readable message', () => {
    // Util.parseHttpRespMessage for a non-JSON error response.
    const original = new ApiError({
      errors: [],
      code: 503,
      message: 'Service Unavailable',
      response: { statusCode: 503, headers: {}, body: '<html>busy</html>' } as never,
    });
    const err = toPipelineError(original) as GoogleApiError;
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err.reasons).toEqual([]);
    expect(err.message).toMatch(
      /^Google API request failed with HTTP 503 Service Unavailable: .*Service Unavailable.*<html>busy<\/html>$/,
    );
    expect(err.message).not.toContain('\n');
  });

  it('uses the status text when the service sent no message at all', () => {
    const err = toPipelineError({ response: { statusCode: 502 } });
    expect(err).toBeInstanceOf(BadGatewayError);
    expect(err.message).toBe('Google API request failed with HTTP 502 Bad Gateway: Bad Gateway');
    expect(toPipelineError({ statusCode: 599 }).message).toBe(
      'Google API request failed with HTTP 599: no message',
    );
  });

  it('reads the error body from an object response body too', () => {
    const err = toPipelineError({
      message: '',
      response: {
        statusCode: 404,
        body: {
          error: {
            message: 'Not found: Dataset p:d',
            errors: [{ reason: 'notFound', message: 'Not found: Dataset p:d' }],
          },
        },
      },
    }) as GoogleApiError;
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.reason).toBe('notFound');
    expect(err.message).toBe(
      'Google API request failed with HTTP 404 Not Found (reason: notFound): Not found: Dataset p:d',
    );
  });

  describe('Retry-After', () => {
    it('reads delta seconds from a plain header object, in any case', () => {
      const err = toPipelineError(
        bigQueryHttpError({ status: 429, headers: { 'Retry-After': '7' } }),
      ) as GoogleApiError;
      expect(err.retryAfterMs).toBe(7000);
    });

    it('reads an HTTP date against the injected clock', () => {
      const at = new Date(NOW + 30_000).toUTCString();
      const err = toPipelineError(bigQueryHttpError({ status: 503, headers: { 'retry-after': at } }), {
        now,
      }) as GoogleApiError;
      expect(err.retryAfterMs).toBe(30_000);
    });

    it('reads a fetch Headers object (gaxios) and a Map', () => {
      const viaGaxios = toPipelineError(
        gaxiosHttpError(503, { error: { code: 503, message: 'busy' } }, { 'Retry-After': '3' }),
      );
      expect((viaGaxios as GoogleApiError).retryAfterMs).toBe(3000);
      const viaMap = toPipelineError({ response: { status: 429, headers: new Map([['retry-after', '2']]) } });
      expect((viaMap as GoogleApiError).retryAfterMs).toBe(2000);
    });

    it('ignores a malformed value', () => {
      const err = toPipelineError(
        bigQueryHttpError({ status: 429, headers: { 'retry-after': 'soon' } }),
      ) as GoogleApiError;
      expect(err.retryAfterMs).toBeUndefined();
    });

    it('reads RetryInfo from an AIP-193 JSON body', () => {
      const err = toPipelineError(
        gaxiosHttpError(429, {
          error: {
            code: 429,
            message: 'Quota exceeded for quota metric',
            status: 'RESOURCE_EXHAUSTED',
            details: [
              {
                '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
                reason: 'RATE_LIMIT_EXCEEDED',
                domain: 'googleapis.com',
              },
              { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' },
            ],
          },
        }),
      ) as GoogleApiError;
      expect(err).toBeInstanceOf(TooManyRequestsError);
      expect(err.retryAfterMs).toBe(1500);
      expect(err.reason).toBe('RATE_LIMIT_EXCEEDED');
      expect(err.domain).toBe('googleapis.com');
    });
  });
});

describe('toPipelineError: gaxios HTTP errors', () => {
  it('classifies by response.status and the body errors, keeping the GaxiosError (without its request) as cause', () => {
    const original = gaxiosHttpError(403, {
      error: {
        code: 403,
        message: 'Exceeded rate limits',
        errors: [{ reason: 'rateLimitExceeded', message: 'Exceeded rate limits' }],
      },
    });
    const err = toPipelineError(original) as GoogleApiError;
    expect(err).toBeInstanceOf(ForbiddenError);
    expect(err.transient).toBe(true);
    expect(err.reason).toBe('rateLimitExceeded');
    // The original holds the request (config.headers.Authorization): the cause is a copy without it.
    const cause = err.cause as { constructor: unknown; status: number; config?: unknown; message: string };
    expect(cause.constructor).toBe(original.constructor);
    expect(cause.status).toBe(403);
    expect(cause.message).toBe(original.message);
    expect(cause.config).toBeUndefined();
    expect(err.message).toBe(
      'Google API request failed with HTTP 403 Forbidden (reason: rateLimitExceeded): Exceeded rate limits',
    );
  });

  it('never copies the request headers (Authorization) into the message', () => {
    const err = toPipelineError(
      gaxiosHttpError(401, {
        error: { code: 401, message: 'Request had invalid authentication credentials' },
      }),
    );
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err.message).not.toMatch(/ya29|SECRET|Bearer/);
  });
});

describe('toPipelineError: failed BigQuery jobs (ApiError without code)', () => {
  it.each([
    ['invalidQuery', BadRequestError, 400, false, false],
    ['notFound', NotFoundError, 404, false, false],
    ['accessDenied', ForbiddenError, 403, false, false],
    ['quotaExceeded', ForbiddenError, 403, false, false],
    ['duplicate', ConflictError, 409, false, false],
    ['rateLimitExceeded', TooManyRequestsError, 429, true, false],
    ['backendError', InternalServerError, 500, true, false],
    ['jobBackendError', InternalServerError, 500, true, true],
    ['jobInternalError', InternalServerError, 500, true, true],
    ['jobRateLimitExceeded', InternalServerError, 500, true, true],
    ['tableUnavailable', BadRequestError, 400, true, false],
    ['resourcesExceeded', BadRequestError, 400, false, false],
    ['responseTooLarge', ForbiddenError, 403, false, false],
    ['billingNotEnabled', ForbiddenError, 403, false, false],
    ['bytesBilledLimitExceeded', BadRequestError, 400, false, false],
    ['someFutureReason', InternalServerError, 500, true, false],
  ] as const)(
    'errorResult reason %s -> %o (HTTP %i), transient %s, new job id %s',
    (reason, Class, status, transient, newJob) => {
      const original = failedJobError(reason, `Job failed with ${reason}`);
      expect(original.code).toBeUndefined();
      const err = toPipelineError(original) as GoogleApiError;
      expect(err).toBeInstanceOf(Class);
      expect(err.httpStatus).toBe(status);
      expect(err.transient).toBe(transient);
      expect(err.requiresNewJobId).toBe(newJob);
      expect(err.reason).toBe(reason);
      expect(err.errors).toEqual([{ reason, message: `Job failed with ${reason}`, location: 'query' }]);
      expect(err.message).toBe(`BigQuery job failed (reason: ${reason}): Job failed with ${reason}`);
      expect(err.cause).toBe(original);
    },
  );

  it('a stopped (cancelled) job is a permanent CancelledError', () => {
    const err = toPipelineError(failedJobError('stopped', 'Job was cancelled'));
    expect(err.code).toBe('CANCELLED');
    expect(err.transient).toBe(false);
  });

  it('reads errorResult from a job status object thrown as is', () => {
    const err = toPipelineError({
      status: {
        state: 'DONE',
        errorResult: {
          reason: 'invalid',
          message: 'Error while reading data, error message: JSON table encountered too many errors',
        },
        errors: [
          {
            reason: 'invalid',
            message: 'Error while reading data, error message: JSON table encountered too many errors',
          },
          {
            reason: 'invalid',
            message: 'JSON parsing error in row starting at position 0: No such field: foo.',
          },
        ],
      },
    }) as GoogleApiError;
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.errors).toHaveLength(2);
    expect(err.message).toBe(
      'BigQuery job failed (reason: invalid): Error while reading data, error message: JSON table encountered too many errors; JSON parsing error in row starting at position 0: No such field: foo.',
    );
  });

  it('a job 400 about the streaming buffer is a StreamingBufferError', () => {
    const err = toPipelineError(
      failedJobError(
        'invalidQuery',
        'UPDATE or DELETE statement over table t would affect rows in the streaming buffer, which is not supported',
      ),
    );
    expect(err).toBeInstanceOf(StreamingBufferError);
  });
});
