import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker, RetryBudget } from '../../../src/retry/index.js';
import {
  fastRetry,
  type Harness,
  INSERT_ALL,
  INSERT_JOB,
  JOBS_QUERY,
  QUERY_RESULTS,
  startHarness,
} from './helpers.js';

describe('AbortSignal: every method stops at once, between and during attempts', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
    await h.executor().query('CREATE TABLE ds.t (id INT64)');
  });
  afterAll(() => h.close());
  afterEach(() => h.standIn.faults.clear());

  it('makes no request when the signal is already aborted', async () => {
    const bq = h.executor();
    const before = h.standIn.requests.length;
    const reason = new Error('shutting down');
    const signal = AbortSignal.abort(reason);
    await expect(bq.query('SELECT 1', { retry: { signal } })).rejects.toBe(reason);
    await expect(bq.update('DELETE FROM ds.t WHERE true', { retry: { signal } })).rejects.toBe(reason);
    await expect(bq.insertRows('ds.t', [{ id: 1 }], { retry: { signal } })).rejects.toBe(reason);
    await expect(bq.loadRows('ds.t', [{ id: 1 }], { retry: { signal } })).rejects.toBe(reason);
    await expect(bq.dryRun('SELECT 1', { retry: { signal } })).rejects.toBe(reason);
    expect(h.standIn.requests.length).toBe(before);
  });

  it('abandons a hung request when aborted and cancels the running job', async () => {
    const bq = h.executor();
    // BigQuery answers jobComplete: false with a job; the poll that follows hangs.
    h.standIn.faults.add({ method: 'POST', path: JOBS_QUERY, pendingPolls: 1, times: 1 });
    h.standIn.faults.add({ path: QUERY_RESULTS, hang: true });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const pending = bq.query('SELECT 1', { retry: { signal: controller.signal } });
    while (!h.standIn.requests.some((r) => QUERY_RESULTS.test(r.path) && r.fault !== undefined)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    // The cancel is sent after the rejection (fire and forget): wait for it to arrive rather than for
    // a fixed time, which a loaded machine overran. If it is never sent, the test times out.
    const cancelled = () => h.standIn.requests.some((r) => r.method === 'POST' && /\/cancel$/.test(r.path));
    while (!cancelled()) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(cancelled()).toBe(true);
  });

  it("leaves a job of the caller's id running when aborted: the same call again (a redelivery) reads it instead of meeting a job it cancelled", async () => {
    const bq = h.executor();
    h.standIn.faults.add({ method: 'POST', path: INSERT_JOB, pendingPolls: 2, times: 1 });
    h.standIn.faults.add({ path: QUERY_RESULTS, hang: true, times: 1 });
    const controller = new AbortController();
    const reason = new Error('SIGTERM');
    const options = { jobId: 'report_2024_06_01' };
    const mark = h.standIn.requests.length;
    const pending = bq.query('SELECT 1 AS one', { ...options, retry: { signal: controller.signal } });
    while (!h.standIn.requests.slice(mark).some((r) => QUERY_RESULTS.test(r.path) && r.fault !== undefined)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    // A cancel, if one were sent, is fire and forget: give it the time to arrive.
    const cancels = () =>
      h.standIn.requests.filter(
        (r) => r.method === 'POST' && /\/jobs\/report_2024_06_01\/cancel$/.test(r.path),
      );
    for (let i = 0; i < 40 && cancels().length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(cancels()).toHaveLength(0);
    expect(await bq.query('SELECT 1 AS one', options)).toEqual([{ one: 1 }]);
  });

  it('stops between attempts when aborted during the backoff', async () => {
    const bq = h.executor({
      retry: { maxAttempts: 10, baseDelayMs: 10_000, maxDelayMs: 10_000, jitter: 'none' },
    });
    h.standIn.faults.add({
      method: 'POST',
      path: INSERT_ALL,
      error: { status: 503, reason: 'backendError' },
    });
    const controller = new AbortController();
    const before = h.standIn.requests.length;
    const pending = bq.insertRows('ds.t', [{ id: 1 }], {
      retry: {
        signal: controller.signal,
        onRetry: () => setTimeout(() => controller.abort(new Error('stop')), 10),
      },
    });
    await expect(pending).rejects.toThrow('stop');
    expect(h.standIn.requests.slice(before).filter((r) => INSERT_ALL.test(r.path))).toHaveLength(1);
    expect(bq.stats).toEqual({ calls: 1, attempts: 1, retries: 1 });
  });

  it('abandons a hung jobs.query on abort without waiting for the attempt timeout', async () => {
    const bq = h.executor({ retry: { ...fastRetry, attemptTimeoutMs: 60_000 } });
    h.standIn.faults.add({ method: 'POST', path: JOBS_QUERY, hang: true });
    const started = h.standIn.requests.length;
    const pending = bq.query('SELECT 1 AS x', { retry: { signal: AbortSignal.timeout(100) } });
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(h.standIn.requests.slice(started).filter((r) => JOBS_QUERY.test(r.path))).toHaveLength(1);
  });

  it('abandons a hung DML job insert on abort, saying the statement may have run (not the bare reason)', async () => {
    const bq = h.executor({ retry: { ...fastRetry, attemptTimeoutMs: 60_000 } });
    h.standIn.faults.add({ method: 'POST', path: INSERT_JOB, sql: /^DELETE/, hang: true });
    const started = h.standIn.requests.length;
    const signal = AbortSignal.timeout(100);
    const error = await bq
      .update('DELETE FROM ds.t WHERE true', { retry: { signal } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'JOB_OUTCOME_UNKNOWN', transient: false });
    expect((error as Error).cause).toMatchObject({ name: 'TimeoutError' });
    expect(h.standIn.requests.slice(started).filter((r) => INSERT_JOB.test(r.path))).toHaveLength(1);
  });

  it("a caller's AbortSignal.timeout opens no shared breaker and spends no budget", async () => {
    // One failure would open it for 300 s, for every call of the process that shares it.
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    const budget = new RetryBudget({ maxTokens: 2 });
    const bq = h.executor({ retry: { ...fastRetry, breaker, budget } });
    h.standIn.faults.add({ method: 'POST', path: JOBS_QUERY, pendingPolls: 1, times: 1 });
    h.standIn.faults.add({ path: QUERY_RESULTS, hang: true, times: 1 });
    const controller = new AbortController();
    const mark = h.standIn.requests.length;
    const pending = bq.query('SELECT 1 AS x', { retry: { signal: controller.signal } });
    while (!h.standIn.requests.slice(mark).some((r) => QUERY_RESULTS.test(r.path) && r.fault !== undefined)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Exactly what AbortSignal.timeout(ms) does when its time is up, without racing a real timer.
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(breaker.state).toBe('closed');
    expect(budget.tokens).toBe(2);
    await expect(bq.query('SELECT 1 AS x')).resolves.toEqual([{ x: 1 }]);
  });

  it('25 concurrent queries sharing one AbortSignal trigger no MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => {
      if (warning.name === 'MaxListenersExceededWarning') warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const bq = h.executor();
      const controller = new AbortController();
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          bq.query(`SELECT ${i} AS x`, { retry: { signal: controller.signal } }),
        ),
      );
      expect(results.map((rows) => rows[0]?.x)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
