import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAbortError, polyfillSignal, rejection } from '../../helpers/polyfill-signal.js';
import { type Harness, INSERT_ALL, startHarness } from './helpers.js';

describe('insertRows aborted mid-call by a polyfilled signal without a reason', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
    await h.executor().query('CREATE TABLE ds.p (id INT64)');
  });
  afterAll(() => h.close());
  afterEach(() => h.standIn.faults.clear());

  /** Resolves once a request to `path` has reached the stand-in after `from`. */
  async function arrived(path: RegExp, from: number): Promise<void> {
    while (!h.standIn.requests.slice(from).some((r) => path.test(r.path))) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('insertRows rejects with the AbortError, not with its rows reported refused', async () => {
    const path = INSERT_ALL;
    h.standIn.faults.add({ method: 'POST', path, hang: true });
    const bq = h.executor();
    const signal = polyfillSignal();
    const from = h.standIn.requests.length;
    const p = rejection(bq.insertRows('ds.p', [{ id: 1 }], { retry: { signal } }));
    await arrived(path, from);
    signal.abort();
    const e = await p;
    expect(isAbortError(e)).toBe(true);
  });
});
