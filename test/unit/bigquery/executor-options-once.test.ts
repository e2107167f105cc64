import { describe, expect, it } from 'vitest';
import { BigQueryExecutor, type QueryOptions } from '../../../src/bigquery/index.js';
import { rejection } from '../../helpers/polyfill-signal.js';

describe("BigQueryExecutor reads a call's options once, into what it checked", () => {
  it('a getter of the call options and of their retry options is read once per call', async () => {
    const stopped = new AbortController();
    const reason = new Error('stop before any request');
    stopped.abort(reason);
    const reads = { retry: 0, maxAttempts: 0, deadlineMs: 0 };
    const retry = {
      signal: stopped.signal,
      get maxAttempts() {
        reads.maxAttempts++;
        return 2;
      },
      get deadlineMs() {
        reads.deadlineMs++;
        return 60_000;
      },
    };
    const options = {
      get retry() {
        reads.retry++;
        return retry;
      },
    } as QueryOptions;
    const bq = new BigQueryExecutor({ projectId: 'test-project' });
    expect(await rejection(bq.query('SELECT 1', options))).toBe(reason);
    expect(reads).toEqual({ retry: 1, maxAttempts: 1, deadlineMs: 1 });
  });

  it('a getter that answers the check and then something else cannot reach the call', async () => {
    const stopped = new AbortController();
    stopped.abort(new Error('stop'));
    let reads = 0;
    const retry = {
      signal: stopped.signal,
      // Valid when checked, a string afterwards.
      get maxAttempts(): number {
        reads++;
        return (reads === 1 ? 2 : 'many') as number;
      },
    };
    const bq = new BigQueryExecutor({ projectId: 'test-project' });
    await rejection(bq.query('SELECT 1', { retry }));
    expect(reads).toBe(1);
  });
});
