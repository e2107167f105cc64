import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  isTransientError,
  NetworkError,
  toPipelineError,
} from '../../../src/errors/index.js';
import { AbortError, FetchError, gaxiosTransportError, systemError } from './fixtures.js';

describe('toPipelineError: Node system errors', () => {
  it.each([
    ['ECONNRESET', true],
    ['ETIMEDOUT', true],
    ['EPIPE', true],
    ['EAI_AGAIN', true],
    ['ECONNREFUSED', true],
    ['ERR_STREAM_PREMATURE_CLOSE', true],
    ['EHOSTUNREACH', true],
    ['UND_ERR_SOCKET', true],
    ['ENOTFOUND', false],
  ])('%s -> NetworkError, transient %s', (code, transient) => {
    const original = systemError(code, `connect ${code} 142.250.1.95:443`);
    const err = toPipelineError(original) as NetworkError;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.code).toBe('NETWORK_ERROR');
    expect(err.systemCode).toBe(code);
    expect(err.transient).toBe(transient);
    expect(err.cause).toBe(original);
    expect(err.message).toBe(`Network request failed (${code}): connect ${code} 142.250.1.95:443`);
  });

  it('"socket hang up" is an ECONNRESET NetworkError, with or without a code', () => {
    const withCode = toPipelineError(systemError('ECONNRESET', 'socket hang up')) as NetworkError;
    expect(withCode.systemCode).toBe('ECONNRESET');
    const bare = toPipelineError(new Error('socket hang up')) as NetworkError;
    expect(bare).toBeInstanceOf(NetworkError);
    expect(bare.systemCode).toBe('ECONNRESET');
    expect(bare.transient).toBe(true);
  });

  it('"Premature close" without a code is ERR_STREAM_PREMATURE_CLOSE', () => {
    const err = toPipelineError(new Error('Premature close')) as NetworkError;
    expect(err.systemCode).toBe('ERR_STREAM_PREMATURE_CLOSE');
  });

  it('an unrelated string code is not a network error', () => {
    const err = toPipelineError(
      Object.assign(new TypeError('The "path" argument must be of type string'), {
        code: 'ERR_INVALID_ARG_TYPE',
      }),
    );
    expect(err).not.toBeInstanceOf(NetworkError);
    expect(err.transient).toBe(false);
    expect(err.message).toBe('TypeError: The "path" argument must be of type string');
  });
});

describe('toPipelineError: node-fetch v3 (teeny-request, gaxios)', () => {
  it('FetchError type system code ECONNRESET is a transient NetworkError', () => {
    const original = new FetchError(
      'request to https://bigquery.googleapis.com/bigquery/v2/projects/p/queries failed, reason: read ECONNRESET',
      'system',
      systemError('ECONNRESET'),
    );
    expect(original.name).toBe('FetchError');
    const err = toPipelineError(original) as NetworkError;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.systemCode).toBe('ECONNRESET');
    expect(err.transient).toBe(true);
    expect(err.message).toBe(
      'Network request failed (ECONNRESET): request to https://bigquery.googleapis.com/bigquery/v2/projects/p/queries failed, reason: read ECONNRESET',
    );
  });

  it('FetchError of type system with an unlisted code is still a NetworkError', () => {
    const err = toPipelineError(
      new FetchError('request failed, reason: weird', 'system', systemError('ESOMETHING')),
    ) as NetworkError;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.systemCode).toBe('ESOMETHING');
  });

  it('FetchError of a redirect type is not a network failure', () => {
    const err = toPipelineError(new FetchError('maximum redirect reached at: https://x', 'max-redirect'));
    expect(err).not.toBeInstanceOf(NetworkError);
    expect(err.transient).toBe(false);
  });

  it('node-fetch AbortError is a non-transient CancelledError: the caller aborted', () => {
    const original = new AbortError('The operation was aborted.');
    const err = toPipelineError(original);
    expect(err).toBeInstanceOf(CancelledError);
    expect(err.code).toBe('CANCELLED');
    expect(err.transient).toBe(false);
    expect(err.cause).toBe(original);
    expect(err.message).toBe('Request cancelled by the caller (AbortError): The operation was aborted.');
  });
});

describe('toPipelineError: aborts and timeouts from the platform', () => {
  it('DOMException AbortError (fetch, AbortSignal) is a CancelledError', () => {
    const controller = new AbortController();
    controller.abort();
    expect(toPipelineError(controller.signal.reason)).toBeInstanceOf(CancelledError);
    expect(isTransientError(new DOMException('This operation was aborted', 'AbortError'))).toBe(false);
  });

  it('Node ABORT_ERR (timers/promises, events) is a CancelledError', async () => {
    const { setTimeout: sleep } = await import('node:timers/promises');
    const controller = new AbortController();
    controller.abort();
    const thrown = await sleep(10, undefined, { signal: controller.signal }).catch((e: unknown) => e);
    const err = toPipelineError(thrown);
    expect(err).toBeInstanceOf(CancelledError);
    expect(err.message).toBe('Request cancelled by the caller (AbortError): The operation was aborted');
  });

  it('DOMException TimeoutError (AbortSignal.timeout) is a transient NetworkError', () => {
    const err = toPipelineError(
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
    ) as NetworkError;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.systemCode).toBe('TimeoutError');
    expect(err.transient).toBe(true);
    expect(err.message).toBe('Request timed out (TimeoutError): The operation was aborted due to timeout');
  });
});

describe('toPipelineError: undici fetch', () => {
  it('TypeError("fetch failed") uses cause.code', () => {
    const original = new TypeError('fetch failed', {
      cause: systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9050'),
    });
    const err = toPipelineError(original) as NetworkError;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.systemCode).toBe('ECONNREFUSED');
    expect(err.transient).toBe(true);
    expect(err.message).toBe(
      'Network request failed (ECONNREFUSED): fetch failed: connect ECONNREFUSED 127.0.0.1:9050',
    );
  });

  it('undici socket errors (UND_ERR_SOCKET) are transient', () => {
    const cause = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const err = toPipelineError(new TypeError('fetch failed', { cause })) as NetworkError;
    expect(err.systemCode).toBe('UND_ERR_SOCKET');
    expect(err.transient).toBe(true);
  });

  it('"fetch failed" with no cause is still a transient NetworkError', () => {
    const err = toPipelineError(new TypeError('fetch failed')) as NetworkError;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.systemCode).toBeUndefined();
    expect(err.message).toBe('Network request failed (no system code): fetch failed');
  });

  it('"fetch failed" caused by a DNS miss is not transient', () => {
    const err = toPipelineError(
      new TypeError('fetch failed', {
        cause: systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND bigquery.example'),
      }),
    );
    expect(err.transient).toBe(false);
  });
});

describe('toPipelineError: gaxios without a response', () => {
  it('takes the system code from the cause', () => {
    const original = gaxiosTransportError(
      'request to https://oauth2.googleapis.com/token failed, reason: read ECONNRESET',
      systemError('ECONNRESET'),
    );
    expect((original as { code?: unknown }).code).toBe('ECONNRESET');
    const err = toPipelineError(original) as NetworkError;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.systemCode).toBe('ECONNRESET');
    expect(err.message).not.toContain('ya29');
  });

  it('a gaxios timeout (code TimeoutError) is a transient NetworkError', () => {
    const err = toPipelineError(
      gaxiosTransportError(
        'The operation was aborted due to timeout',
        new DOMException('timeout', 'TimeoutError'),
      ),
    );
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.transient).toBe(true);
  });

  it('a gaxios abort (code AbortError) is a CancelledError', () => {
    const err = toPipelineError(
      gaxiosTransportError('This operation was aborted', new DOMException('aborted', 'AbortError')),
    );
    expect(err).toBeInstanceOf(CancelledError);
  });
});
