import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { GoogleApiError, type PipelineError, toPipelineError } from '../../../src/errors/index.js';
import { bigQueryHttpError, failedJobError, grpcServiceError, partialFailure } from './fixtures.js';

// Made up at run time in the shape of an OAuth access token; `Zq7` is in no other text here.
const TOKEN = ['ya29', 'fake-test-token-Zq7'].join('.');

/** Everything a user's `console.error(err)`, a debugger or a logger could print of `err`. */
function printed(err: PipelineError): string {
  return [err.message, err.stack, inspect(err, { depth: 10, showHidden: true }), JSON.stringify(err)].join(
    '\n',
  );
}

/** What a service's reason holding a credential must leave: no part of it, anywhere. */
function expectReasonRedacted(err: PipelineError): void {
  expect(err).toBeInstanceOf(GoogleApiError);
  expect(printed(err)).not.toContain('Zq7');
  expect(err.message).toContain('(reason: [REDACTED])');
  const typed = err as GoogleApiError;
  expect(typed.reason).toBe('[REDACTED]');
  expect(typed.reasons).toContain('[REDACTED]');
}

describe('a service reason holding a credential is redacted in the message, the stack and the fields', () => {
  it('BigQuery errors[].reason of an HTTP error', () => {
    expectReasonRedacted(
      toPipelineError(bigQueryHttpError({ status: 403, reason: TOKEN, message: 'denied' })),
    );
  });

  it('the reason of a google.rpc.ErrorInfo in an HTTP error body', () => {
    const errorInfo = {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: TOKEN,
      domain: 'googleapis.com',
    };
    const thrown = Object.assign(new Error('denied'), {
      response: { status: 403, data: { error: { code: 403, message: 'denied', details: [errorInfo] } } },
    });
    expectReasonRedacted(toPipelineError(thrown));
  });

  it("an HTTP error's own reason field", () => {
    const thrown = Object.assign(new Error('denied'), { reason: TOKEN, response: { status: 403 } });
    expectReasonRedacted(toPipelineError(thrown));
  });

  it('the reason of a gRPC error (google-gax ErrorInfo, decoded)', () => {
    const err = toPipelineError(Object.assign(grpcServiceError(7, 'denied'), { reason: TOKEN }));
    expectReasonRedacted(err);
    expect((err as GoogleApiError).errors[0]?.reason).toBe('[REDACTED]');
  });

  it('the reason of a failed BigQuery job', () => {
    const err = toPipelineError(failedJobError(TOKEN, 'the job failed'));
    expectReasonRedacted(err);
    expect(err.message).toMatch(/^BigQuery job failed \(reason: \[REDACTED\]\): /);
  });

  it('the reason of a refused row of a streaming insert', () => {
    const err = toPipelineError(
      partialFailure([{ index: 0, row: { id: 1 }, errors: [{ reason: TOKEN, message: 'refused' }] }]),
    );
    expect(printed(err)).not.toContain('Zq7');
  });

  it('a reason with line breaks and control characters is cleaned as the rest of the text', () => {
    const err = toPipelineError(
      bigQueryHttpError({ status: 400, reason: 'bad\n\u0007reason', message: 'x' }),
    );
    expect(err.message).toContain('(reason: bad reason)');
  });
});

describe('ordinary reasons are kept exactly: they decide the classification', () => {
  it('a 403 rateLimitExceeded stays transient, its reason field and message unchanged', () => {
    const err = toPipelineError(
      bigQueryHttpError({ status: 403, reason: 'rateLimitExceeded', message: 'Exceeded rate limits' }),
    ) as GoogleApiError;
    expect(err.transient).toBe(true);
    expect(err.reason).toBe('rateLimitExceeded');
    expect(err.errors[0]?.reason).toBe('rateLimitExceeded');
    expect(err.message).toBe(
      'Google API request failed with HTTP 403 Forbidden (reason: rateLimitExceeded): Exceeded rate limits',
    );
  });

  it('a failed job with jobBackendError still asks for a new job id', () => {
    const err = toPipelineError(failedJobError('jobBackendError')) as GoogleApiError;
    expect(err.requiresNewJobId).toBe(true);
    expect(err.message).toBe('BigQuery job failed (reason: jobBackendError): Job failed: jobBackendError');
  });
});

describe('the location and domain of a service error detail lose a credential', () => {
  it('errors[].location quoting the refused parameter with its value', () => {
    const err = toPipelineError(
      Object.assign(new Error('bad request'), {
        response: {
          status: 400,
          data: {
            error: {
              code: 400,
              message: 'bad request',
              errors: [{ reason: 'invalid', message: 'bad', location: `key=${TOKEN}`, domain: TOKEN }],
            },
          },
        },
      }),
    ) as GoogleApiError;
    expect(printed(err)).not.toContain('Zq7');
    expect(err.errors[0]?.location).toBe('key=[REDACTED]');
    expect(err.reasons).toEqual(['invalid']);
  });
});
