import { describe, expect, it } from 'vitest';
import {
  BadGatewayError,
  BadRequestError,
  CancelledError,
  CircuitBreakerOpenError,
  ConflictError,
  DeadlineExceededError,
  ForbiddenError,
  GatewayTimeoutError,
  GoogleApiError,
  InternalServerError,
  MessageDecodeError,
  MessageValidationError,
  NetworkError,
  NotFoundError,
  NotImplementedError,
  OperationTimeoutError,
  PartialInsertError,
  PipelineError,
  PlayerNotFoundError,
  PreconditionFailedError,
  QueryGuardError,
  ServiceUnavailableError,
  StreamingBufferError,
  TooManyRequestsError,
  UnauthorizedError,
} from '../../../src/errors/index.js';

type ApiClass = new (
  message: string,
  details?: ConstructorParameters<typeof GoogleApiError>[1],
) => GoogleApiError;

const API_CLASSES: Array<[ApiClass, string, number, boolean, ApiClass]> = [
  [BadRequestError, 'BAD_REQUEST', 400, false, GoogleApiError],
  [UnauthorizedError, 'UNAUTHORIZED', 401, false, GoogleApiError],
  [ForbiddenError, 'FORBIDDEN', 403, false, GoogleApiError],
  [NotFoundError, 'NOT_FOUND', 404, false, GoogleApiError],
  [ConflictError, 'CONFLICT', 409, false, GoogleApiError],
  [PreconditionFailedError, 'PRECONDITION_FAILED', 412, false, GoogleApiError],
  [TooManyRequestsError, 'TOO_MANY_REQUESTS', 429, true, GoogleApiError],
  [CancelledError, 'CANCELLED', 499, false, GoogleApiError],
  [InternalServerError, 'INTERNAL_SERVER_ERROR', 500, true, GoogleApiError],
  [NotImplementedError, 'NOT_IMPLEMENTED', 501, false, GoogleApiError],
  [BadGatewayError, 'BAD_GATEWAY', 502, true, GoogleApiError],
  [ServiceUnavailableError, 'SERVICE_UNAVAILABLE', 503, true, GoogleApiError],
  [GatewayTimeoutError, 'GATEWAY_TIMEOUT', 504, true, GoogleApiError],
  [DeadlineExceededError, 'DEADLINE_EXCEEDED', 504, true, GatewayTimeoutError],
  [StreamingBufferError, 'STREAMING_BUFFER', 400, false, BadRequestError],
];

describe('PipelineError', () => {
  it('defaults to code UNKNOWN, not transient, no cause', () => {
    const err = new PipelineError('something failed');
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('something failed');
    expect(err.code).toBe('UNKNOWN');
    expect(err.transient).toBe(false);
    expect('cause' in err).toBe(false);
    expect(err.name).toBe('PipelineError');
    expect(err.stack).toContain('something failed');
  });

  it('keeps the given code, transient flag and cause', () => {
    const cause = new Error('root');
    const err = new PipelineError('wrapped', { code: 'SCRAPE_FAILED', transient: true, cause });
    expect(err.code).toBe('SCRAPE_FAILED');
    expect(err.transient).toBe(true);
    expect(err.cause).toBe(cause);
  });

  it('keeps an explicitly undefined cause as an own property', () => {
    const err = new PipelineError('x', { cause: undefined });
    expect(Object.hasOwn(err, 'cause')).toBe(true);
  });

  it('does not make name enumerable, so JSON of the error stays small', () => {
    expect(Object.keys(new NotFoundError('x'))).not.toContain('name');
  });
});

describe('GoogleApiError', () => {
  it('defaults to code GOOGLE_API_ERROR with empty reasons', () => {
    const err = new GoogleApiError('odd status');
    expect(err.code).toBe('GOOGLE_API_ERROR');
    expect(err.transient).toBe(false);
    expect(err.reasons).toEqual([]);
    expect(err.errors).toEqual([]);
    expect(err.reason).toBeUndefined();
    expect(err.requiresNewJobId).toBe(false);
    expect(err.name).toBe('GoogleApiError');
  });

  it('derives reasons from errors when no reasons are given', () => {
    const err = new GoogleApiError('x', {
      errors: [
        { message: 'no reason' },
        { reason: 'backendError', message: 'a' },
        { reason: 'internalError', message: 'b' },
      ],
    });
    expect(err.reasons).toEqual(['backendError', 'internalError']);
    expect(err.reason).toBe('backendError');
  });

  it('keeps every detail it is given', () => {
    const cause = new Error('c');
    const err = new GoogleApiError('x', {
      code: 'CUSTOM',
      transient: true,
      httpStatus: 418,
      grpcCode: 2,
      reasons: ['r1'],
      errors: [{ reason: 'r1', message: 'm', location: 'loc', domain: 'global' }],
      retryAfterMs: 1500,
      domain: 'bigquery.googleapis.com',
      requiresNewJobId: true,
      cause,
    });
    expect(err).toMatchObject({
      code: 'CUSTOM',
      transient: true,
      httpStatus: 418,
      grpcCode: 2,
      reason: 'r1',
      retryAfterMs: 1500,
      domain: 'bigquery.googleapis.com',
      requiresNewJobId: true,
      cause,
    });
  });
});

describe.each(API_CLASSES)('%o', (Class, code, status, transient, Parent) => {
  it(`has code ${code}, status ${status}, transient ${transient}, its own name and its parents`, () => {
    const err = new Class('the service said no');
    expect(err.code).toBe(code);
    expect(err.httpStatus).toBe(status);
    expect(err.transient).toBe(transient);
    expect(err.name).toBe(Class.name);
    expect(err.message).toBe('the service said no');
    expect(err).toBeInstanceOf(Class);
    expect(err).toBeInstanceOf(Parent);
    expect(err).toBeInstanceOf(GoogleApiError);
    expect(err).toBeInstanceOf(PipelineError);
    expect(err).toBeInstanceOf(Error);
    expect(Object.getPrototypeOf(Class.prototype)).toBe(Parent.prototype);
  });

  it('lets explicit details override the defaults', () => {
    const err = new Class('x', { code: 'OVERRIDDEN', transient: !transient, httpStatus: 599, grpcCode: 14 });
    expect(err.code).toBe('OVERRIDDEN');
    expect(err.transient).toBe(!transient);
    expect(err.httpStatus).toBe(599);
    expect(err.grpcCode).toBe(14);
  });

  it('is not an instance of a sibling class', () => {
    const sibling = Class === NotFoundError ? ConflictError : NotFoundError;
    expect(new Class('x')).not.toBeInstanceOf(sibling);
  });
});

describe('non-API classes', () => {
  it('NetworkError: NETWORK_ERROR, transient by default, carries systemCode and cause', () => {
    const cause = new Error('read ECONNRESET');
    const err = new NetworkError('reset', { systemCode: 'ECONNRESET', cause });
    expect(err).toMatchObject({
      name: 'NetworkError',
      code: 'NETWORK_ERROR',
      transient: true,
      systemCode: 'ECONNRESET',
      cause,
    });
    expect(new NetworkError('dns', { systemCode: 'ENOTFOUND', transient: false }).transient).toBe(false);
    expect(new NetworkError('bare').systemCode).toBeUndefined();
  });

  it('OperationTimeoutError: OPERATION_TIMEOUT, transient, timeoutMs', () => {
    const err = new OperationTimeoutError('attempt exceeded 30000 ms', { timeoutMs: 30_000 });
    expect(err).toMatchObject({
      name: 'OperationTimeoutError',
      code: 'OPERATION_TIMEOUT',
      transient: true,
      timeoutMs: 30_000,
    });
    expect(new OperationTimeoutError('x', { timeoutMs: 1, cause: 'c' }).cause).toBe('c');
  });

  it('CircuitBreakerOpenError: CIRCUIT_BREAKER_OPEN, not transient, retryAfterMs and key', () => {
    const err = new CircuitBreakerOpenError('open', { retryAfterMs: 240_000, key: 'bigquery' });
    expect(err).toMatchObject({
      name: 'CircuitBreakerOpenError',
      code: 'CIRCUIT_BREAKER_OPEN',
      transient: false,
      retryAfterMs: 240_000,
      key: 'bigquery',
    });
  });

  it('MessageDecodeError: MESSAGE_DECODE, not transient, reason', () => {
    const cause = new SyntaxError('Unexpected token');
    const err = new MessageDecodeError('bad json', { reason: 'invalid_json', cause });
    expect(err).toMatchObject({
      name: 'MessageDecodeError',
      code: 'MESSAGE_DECODE',
      transient: false,
      reason: 'invalid_json',
      cause,
    });
  });

  it('MessageValidationError: MESSAGE_VALIDATION, not transient, issues', () => {
    const issues = [{ path: ['game_date'], message: 'Required', code: 'invalid_type' }];
    const err = new MessageValidationError('invalid', { issues, cause: 'zod' });
    expect(err).toMatchObject({
      name: 'MessageValidationError',
      code: 'MESSAGE_VALIDATION',
      transient: false,
      issues,
      cause: 'zod',
    });
  });

  it('PartialInsertError: PARTIAL_INSERT, not transient by default, table, inserted, failures', () => {
    const failures = [
      { index: 1, row: { a: 1 }, reasons: [{ reason: 'invalid', message: 'no such field' }] },
    ];
    const err = new PartialInsertError('refused', {
      table: 'nba_raw.games',
      inserted: 9,
      failures,
      cause: 'c',
    });
    expect(err).toMatchObject({
      name: 'PartialInsertError',
      code: 'PARTIAL_INSERT',
      transient: false,
      table: 'nba_raw.games',
      inserted: 9,
      failures,
      cause: 'c',
    });
    expect(
      new PartialInsertError('x', { table: 't', inserted: 0, failures: [], transient: true }).transient,
    ).toBe(true);
  });

  it('QueryGuardError: QUERY_GUARD, not transient, rule and table', () => {
    const err = new QueryGuardError('no partition filter', {
      rule: 'partition_filter',
      table: 'nba_analytics.pgs',
    });
    expect(err).toMatchObject({
      name: 'QueryGuardError',
      code: 'QUERY_GUARD',
      transient: false,
      rule: 'partition_filter',
      table: 'nba_analytics.pgs',
    });
  });

  it('PlayerNotFoundError: PLAYER_NOT_FOUND, not transient, lookup and playerType', () => {
    const err = new PlayerNotFoundError('missing', { lookup: 'lebronjames', playerType: 'nba', cause: 'c' });
    expect(err).toMatchObject({
      name: 'PlayerNotFoundError',
      code: 'PLAYER_NOT_FOUND',
      transient: false,
      lookup: 'lebronjames',
      playerType: 'nba',
      cause: 'c',
    });
  });

  it.each([
    NetworkError,
    OperationTimeoutError,
    CircuitBreakerOpenError,
    MessageDecodeError,
    MessageValidationError,
    PartialInsertError,
    QueryGuardError,
    PlayerNotFoundError,
  ])('%o is a PipelineError but not a GoogleApiError', (Class) => {
    const err = Object.create(Class.prototype) as Error;
    expect(err).toBeInstanceOf(PipelineError);
    expect(err).not.toBeInstanceOf(GoogleApiError);
  });
});
