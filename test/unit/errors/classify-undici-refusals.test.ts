import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isTransientError, NetworkError, toPipelineError } from '../../../src/errors/index.js';

/** An undici error as `fetch` gives it: `TypeError('fetch failed')` caused by the coded error. */
function fetchFailed(code: string, message: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

describe('undici refusals that the same request meets again are not transient', () => {
  it.each([
    ['UND_ERR_HEADERS_OVERFLOW', 'Headers Overflow Error'],
    ['UND_ERR_RES_EXCEEDED_MAX_SIZE', 'Response content exceeded max size'],
    ['UND_ERR_REQ_CONTENT_LENGTH_MISMATCH', 'Request body length does not match content-length header'],
    ['UND_ERR_INVALID_ARG', 'invalid onHeaders method'],
    ['UND_ERR_NOT_SUPPORTED', 'Upgrade not supported'],
  ])('%s behind "fetch failed": a NetworkError, not transient', (code, message) => {
    const err = toPipelineError(fetchFailed(code, message)) as NetworkError;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.systemCode).toBe(code);
    expect(err.transient).toBe(false);
  });

  it('thrown bare (undici.request, not fetch): the same', () => {
    const thrown = Object.assign(new Error('Headers Overflow Error'), { code: 'UND_ERR_HEADERS_OVERFLOW' });
    const err = toPipelineError(thrown) as NetworkError;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.transient).toBe(false);
  });

  it('a real response whose headers are over the limit, fetched with Node fetch', async () => {
    const server = createServer((_req, res) => {
      res.setHeader('x-big', 'a'.repeat(20_000));
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const thrown = await fetch(`http://127.0.0.1:${port}/`).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(thrown).toBeInstanceOf(TypeError);
      expect(isTransientError(thrown)).toBe(false);
      expect((toPipelineError(thrown) as NetworkError).systemCode).toBe('UND_ERR_HEADERS_OVERFLOW');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('the timeouts and socket failures of undici stay transient', () => {
    for (const code of [
      'UND_ERR_SOCKET',
      'UND_ERR_HEADERS_TIMEOUT',
      'UND_ERR_BODY_TIMEOUT',
      'UND_ERR_CLOSED',
    ]) {
      expect(toPipelineError(fetchFailed(code, 'x')).transient).toBe(true);
    }
  });
});
