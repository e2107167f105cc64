import { describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { isAbortError, polyfillSignal, rejection } from '../../helpers/polyfill-signal.js';

describe('BigQueryExecutor with a polyfilled retry.signal that aborts without a reason', () => {
  it('a call with the signal already aborted: an AbortError, not undefined, and no request', async () => {
    const signal = polyfillSignal();
    signal.abort();
    const bq = new BigQueryExecutor({ projectId: 'test-project' });
    expect(isAbortError(await rejection(bq.query('SELECT 1', { retry: { signal } })))).toBe(true);
    expect(bq.stats.attempts).toBe(0);
  });

  it('a real reason, and an explicit null, reach the caller unchanged', async () => {
    const bq = new BigQueryExecutor({ projectId: 'test-project' });
    const reason = new Error('stop');
    const real = new AbortController();
    real.abort(reason);
    expect(await rejection(bq.query('SELECT 1', { retry: { signal: real.signal } }))).toBe(reason);
    const withNull = new AbortController();
    withNull.abort(null);
    expect(await rejection(bq.query('SELECT 1', { retry: { signal: withNull.signal } }))).toBeNull();
  });
});
