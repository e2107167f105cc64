import { describe, expect, it } from 'vitest';
import {
  httpStatusOf,
  insertErrorsOf,
  insertErrorsOfResponse,
  isTransientRowFailure,
  jobFailed,
} from '../../../src/errors/bigquery-wire.js';
import { toPipelineError } from '../../../src/errors/index.js';

describe('BigQuery wire facts: one home for the taxonomy and the executor', () => {
  it('row reasons: stopped and the transient reasons of the taxonomy are re-sent; invalid is not', () => {
    for (const reason of [
      'stopped',
      'backendError',
      'rateLimitExceeded',
      'userRateLimitExceeded',
      'jobBackendError',
    ]) {
      expect(isTransientRowFailure([{ reason, message: '' }]), reason).toBe(true);
    }
    expect(isTransientRowFailure([{ reason: 'invalid', message: '' }])).toBe(false);
    expect(
      isTransientRowFailure([
        { reason: 'stopped', message: '' },
        { reason: 'invalid', message: '' },
      ]),
    ).toBe(false);
    expect(isTransientRowFailure([])).toBe(false);
    expect(isTransientRowFailure([{ message: 'no reason' }])).toBe(false);
  });

  it('a row reason is transient for inserts exactly when the taxonomy makes its error transient', () => {
    for (const reason of [
      'backendError',
      'rateLimitExceeded',
      'userRateLimitExceeded',
      'invalid',
      'accessDenied',
      'notFound',
    ]) {
      const error = toPipelineError({ code: 400, errors: [{ reason, message: reason }], message: reason });
      expect(isTransientRowFailure([{ reason, message: '' }]), reason).toBe(error.transient);
    }
  });

  it('reads insertErrors from an insertAll answer and from the client PartialFailureError', () => {
    const insertErrors = [
      { index: 1, errors: [{ reason: 'invalid', message: 'bad value' }] },
      { index: 0, errors: [{ reason: 'stopped', message: '' }] },
    ];
    expect(insertErrorsOfResponse({ insertErrors })).toEqual([
      { index: 1, reasons: [{ reason: 'invalid', message: 'bad value' }] },
      { index: 0, reasons: [{ reason: 'stopped', message: '' }] },
    ]);
    expect(insertErrorsOfResponse({ kind: 'bigquery#tableDataInsertAllResponse' })).toEqual([]);
    const partial = Object.assign(new Error('A failure occurred during this request.'), {
      name: 'PartialFailureError',
      errors: [{ row: { id: 1 }, errors: [{ reason: 'invalid', message: 'bad value' }] }],
      response: { insertErrors },
    });
    expect(insertErrorsOf(partial)?.map((e) => e.index)).toEqual([1, 0]);
    expect(insertErrorsOf(new Error('socket hang up'))).toBeUndefined();
  });

  it('tells a failed job from a running or successful one', () => {
    expect(
      jobFailed({ status: { state: 'DONE', errorResult: { reason: 'invalidQuery', message: 'x' } } }),
    ).toBe(true);
    expect(jobFailed({ status: { state: 'DONE' } })).toBe(false);
    expect(jobFailed({ status: { state: 'RUNNING' } })).toBe(false);
    expect(jobFailed(undefined)).toBe(false);
  });

  it('finds the HTTP status on the shapes clients throw', () => {
    expect(httpStatusOf({ code: 409 })).toBe(409);
    expect(httpStatusOf({ response: { status: 503 } })).toBe(503);
    expect(httpStatusOf(new Error('reset'))).toBeUndefined();
    expect(httpStatusOf(null)).toBeUndefined();
  });
});
