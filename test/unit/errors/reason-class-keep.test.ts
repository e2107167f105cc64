import { describe, expect, it } from 'vitest';
import { withReasonClass } from '../../../src/errors/api-error-factory.js';
import {
  CancelledError,
  ForbiddenError,
  InternalServerError,
  toPipelineError,
  UnauthorizedError,
} from '../../../src/index.js';

const googleError = (status: number, reason: string) =>
  toPipelineError(
    Object.assign(new Error(`failed: ${reason}`), {
      code: status,
      errors: [{ reason, message: `failed: ${reason}` }],
      response: { status },
    }),
  );

describe('withReasonClass leaves 401 and `stopped` in their status class', () => {
  it('a 400 or 500 with reason stopped is not a CancelledError (the caller cancelled nothing)', () => {
    for (const status of [400, 500]) {
      const error = withReasonClass(googleError(status, 'stopped'));
      expect(error).not.toBeInstanceOf(CancelledError);
      expect((error as { httpStatus?: number }).httpStatus).toBe(status);
      expect(error.message).not.toMatch(/cancelled by the caller/);
    }
    expect(withReasonClass(googleError(500, 'stopped'))).toBeInstanceOf(InternalServerError);
  });

  it('a 401 accessDenied stays an UnauthorizedError (a credential problem, not a missing role)', () => {
    const error = withReasonClass(googleError(401, 'accessDenied'));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).not.toBeInstanceOf(ForbiddenError);
    expect(error.code).toBe('UNAUTHORIZED');
  });

  it('a remapped error keeps the stack of where the failure was seen', () => {
    const original = googleError(400, 'notFound');
    const error = withReasonClass(original);
    expect(error).not.toBe(original);
    expect(error.stack?.split('\n').slice(1)).toEqual(original.stack?.split('\n').slice(1));
    expect(error.stack).not.toMatch(/withReasonClass/);
    expect(error.stack?.split('\n')[0]).toBe(`${error.name}: ${error.message}`);
  });
});
