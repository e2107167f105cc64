import { describe, expect, it } from 'vitest';
import {
  NetworkError,
  NotFoundError,
  toPipelineError,
  UnauthorizedError,
} from '../../../src/errors/index.js';
import { systemError } from './fixtures.js';

/** An undici error as `fetch` gives it: `TypeError('fetch failed')` caused by the coded error. */
function fetchFailed(code: string, message: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

describe('a network code in the cause chain of a wrapping error', () => {
  it('Error("request failed") caused by a reset is the transient NetworkError', () => {
    const reset = systemError('ECONNRESET', 'read ECONNRESET');
    const original = new Error('request failed', { cause: reset });
    const err = toPipelineError(original) as NetworkError;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.systemCode).toBe('ECONNRESET');
    expect(err.transient).toBe(true);
    expect(err.cause).toBe(original);
    expect(err.message).toBe('Network request failed (ECONNRESET): request failed: read ECONNRESET');
  });

  it('found a few levels down, and what it says of transience still holds (ENOTFOUND)', () => {
    const deep = new Error('a', {
      cause: new Error('b', { cause: { message: 'c', cause: systemError('EAI_AGAIN') } }),
    });
    expect((toPipelineError(deep) as NetworkError).systemCode).toBe('EAI_AGAIN');
    expect(toPipelineError(deep).transient).toBe(true);
    const dns = new Error('sync failed', {
      cause: systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND x.example'),
    });
    expect(toPipelineError(dns)).toBeInstanceOf(NetworkError);
    expect(toPipelineError(dns).transient).toBe(false);
    const overflow = new Error('call failed', {
      cause: fetchFailed('UND_ERR_HEADERS_OVERFLOW', 'Headers Overflow Error'),
    });
    expect(toPipelineError(overflow)).toBeInstanceOf(NetworkError);
    expect(toPipelineError(overflow).transient).toBe(false);
  });

  it('an explicit status or code on the outer error wins', () => {
    const reset = () => systemError('ECONNRESET');
    expect(
      toPipelineError(Object.assign(new Error('bad', { cause: reset() }), { status: 400 })).transient,
    ).toBe(false);
    expect(toPipelineError(Object.assign(new Error('gone', { cause: reset() }), { code: 5 })).code).toBe(
      'NOT_FOUND',
    );
    const coded = toPipelineError(
      Object.assign(new Error('bad path', { cause: reset() }), { code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(coded).not.toBeInstanceOf(NetworkError);
    expect(coded.transient).toBe(false);
  });

  it('a cycle, or a chain deeper than the bound, ends the search', () => {
    const a: { message: string; cause?: unknown } = { message: 'a' };
    const b = { message: 'b', cause: a };
    a.cause = b;
    expect(toPipelineError(new Error('x', { cause: a })).code).toBe('UNKNOWN');
    let chain: unknown = systemError('ECONNRESET');
    for (let i = 0; i < 100; i++) chain = new Error(`level ${i}`, { cause: chain });
    expect(toPipelineError(chain).code).toBe('UNKNOWN');
  });

  it('a cause that is not an error with a network code changes nothing', () => {
    expect(toPipelineError(new Error('x', { cause: new Error('y') })).code).toBe('UNKNOWN');
    expect(toPipelineError(new Error('x', { cause: 'ECONNRESET' })).code).toBe('UNKNOWN');
  });
});

describe('the cause-chain walk ends at the first link that says something of its own', () => {
  const reset = (): Error => systemError('ECONNRESET', 'socket hang up');

  it.each([
    ['a status', () => Object.assign(new Error('bad request'), { status: 400, cause: reset() })],
    ['a statusCode', () => Object.assign(new Error('bad request'), { statusCode: 400, cause: reset() })],
    [
      'a response',
      () => Object.assign(new Error('forbidden'), { response: { status: 403 }, cause: reset() }),
    ],
    ['a non-network code', () => Object.assign(new Error('bad'), { code: 'ERR_BAD', cause: reset() })],
  ])('a link with %s: not a NetworkError from a reset below it', (_name, link) => {
    const err = toPipelineError(new Error('req', { cause: link() }));
    expect(err).not.toBeInstanceOf(NetworkError);
    expect(err.transient).toBe(false);
  });

  it('an already-typed link decides: its classification', () => {
    const typed = new UnauthorizedError('no', { cause: reset() });
    const err = toPipelineError(new Error('req', { cause: typed }));
    expect(err).toBe(typed);
    expect(err.transient).toBe(false);
    const gone = new NotFoundError('gone');
    expect(toPipelineError(new Error('req', { cause: gone }))).toBe(gone);
  });
});
