import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseController, takeController } from '../../../src/http/abort-pool.js';
import { HttpHostRegistry, OperationTimeoutError, resilientFetch } from '../../../src/index.js';
import { type HttpStandIn, startHttpStandIn } from '../../../src/testing/index.js';

const PAGE = { rows: Array.from({ length: 50 }, (_, i) => ({ id: i, name: `row ${i}` })) };

let api: HttpStandIn;
beforeAll(async () => {
  api = await startHttpStandIn({ routes: [{ path: '/v1/page', json: PAGE }] });
});
afterAll(() => api.close());

describe('resilientFetch reuses the signals of finished attempts (real fetch, loopback)', () => {
  it('a live response (bufferBody: false) keeps its body when later attempts time out', async () => {
    const hosts = new HttpHostRegistry();
    // A finished, buffered call first, so that its controller is waiting in the pool.
    await (await resilientFetch(`${api.url}/v1/page`, undefined, { hosts })).json();
    api.faults.add({ path: '/v1/page', times: 1, slowBody: { intervalMs: 5, chunkBytes: 64 } });
    const live = await resilientFetch(`${api.url}/v1/page`, undefined, { hosts, bufferBody: false });
    // Calls that time out abort their own signals while the live body is still arriving.
    api.faults.add({ path: '/v1/page', times: 4, hang: true });
    for (let i = 0; i < 2; i++) {
      await expect(
        resilientFetch(`${api.url}/v1/page`, undefined, {
          hosts,
          attemptTimeoutMs: 20,
          maxAttempts: 2,
          baseDelayMs: 1,
        }),
      ).rejects.toBeInstanceOf(OperationTimeoutError);
    }
    await expect(live.json()).resolves.toEqual(PAGE);
  });

  it('500 calls leave no signal with more than a bounded number of listeners, and no listener warning', async () => {
    const hosts = new HttpHostRegistry();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      for (let i = 0; i < 500; i++) {
        await (await resilientFetch(`${api.url}/v1/page`, undefined, { hosts })).arrayBuffer();
      }
      const pooled = takeController();
      expect(pooled.controller.signal.aborted).toBe(false);
      expect(getEventListeners(pooled.controller.signal, 'abort').length).toBeLessThanOrEqual(64);
      releaseController(pooled);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('an aborted signal is never handed out again', () => {
    const pooled = takeController();
    pooled.controller.abort(new Error('timed out'));
    releaseController(pooled);
    for (let i = 0; i < 100; i++) {
      const next = takeController();
      expect(next.controller.signal.aborted).toBe(false);
      releaseController(next);
    }
  });
});
