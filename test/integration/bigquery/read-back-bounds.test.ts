import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { PipelineError } from '../../../src/errors/index.js';
import { createTestClock, type TestClock } from '../../../src/testing/clock.js';
import {
  caught,
  createCounter,
  fastRetry,
  GET_JOB,
  type Harness,
  INSERT_JOB,
  QUERY_RESULTS,
  startHarness,
} from './helpers.js';

/**
 * The read-back of a statement whose answer was lost is part of the call: the caller's signal and the
 * call's `deadlineMs` end it, whichever request it is in (jobs.get, or the results of a DONE job).
 * The clock is a test clock: no timer of the old bounds (10 s for jobs.get, `attemptTimeoutMs` for the
 * results) can fire, so a read-back that ignored the deadline or the signal would never settle.
 */
describe('the read-back of a lost-answer statement is bounded by the call', () => {
  let h: Harness;
  let tables = 0;
  let clock: TestClock;
  let mark = 0;

  async function counter(): Promise<string> {
    const table = `ds.bounded_${++tables}`;
    await createCounter(h, table);
    mark = h.standIn.requests.length;
    return table;
  }

  /** The UPDATE's jobs.insert is applied and its answer lost, then refused until the retries run out. */
  function loseThenRefuse(): void {
    h.standIn.faults.add({ method: 'POST', path: INSERT_JOB, sql: /UPDATE/, reset: 'after', times: 1 });
    h.standIn.faults.add({
      method: 'POST',
      path: INSERT_JOB,
      sql: /UPDATE/,
      error: { status: 503, reason: 'backendError' },
    });
  }

  function executor(extra: { deadlineMs?: number; signal?: AbortSignal }): BigQueryExecutor {
    return h.executor({ retry: { ...fastRetry, clock, attemptTimeoutMs: 600_000, ...extra } });
  }

  /** Resolves once a request the fault plan holds (a hang) has arrived at `path`. */
  async function held(path: RegExp): Promise<void> {
    const since = () => h.standIn.requests.slice(mark);
    while (!since().some((r) => path.test(r.path) && r.fault !== undefined && r.status === undefined)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
  });
  afterAll(() => h.close());
  afterEach(() => h.standIn.faults.clear());

  it("the caller's abort ends a hung jobs.get: JOB_OUTCOME_UNKNOWN at once", async () => {
    clock = createTestClock();
    const table = await counter();
    loseThenRefuse();
    h.standIn.faults.add({ method: 'GET', path: GET_JOB, hang: true });
    const controller = new AbortController();
    const pending = caught(
      executor({ signal: controller.signal }).update(`UPDATE ${table} SET n = n + 1 WHERE true`),
    );
    await held(GET_JOB);
    controller.abort(new Error('shutting down'));
    const error = await pending;
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toMatchObject({ code: 'JOB_OUTCOME_UNKNOWN', transient: false });
    expect((error as Error).message).toMatch(/cut short \(\w+: shutting down\)/);
  });

  it("the caller's abort ends the hung results read of a DONE job", async () => {
    clock = createTestClock();
    const table = await counter();
    loseThenRefuse();
    h.standIn.faults.add({ method: 'GET', path: QUERY_RESULTS, hang: true });
    const controller = new AbortController();
    const pending = caught(
      executor({ signal: controller.signal }).update(`UPDATE ${table} SET n = n + 1 WHERE true`),
    );
    await held(QUERY_RESULTS);
    controller.abort(new Error('shutting down'));
    const error = await pending;
    expect(error).toMatchObject({ code: 'JOB_OUTCOME_UNKNOWN', transient: false });
    expect((error as Error).message).toMatch(/DONE but reading its outcome was cut short/);
  });

  it("the call's deadline ends a hung jobs.get, before the 10 s read-back cap", async () => {
    clock = createTestClock();
    const table = await counter();
    loseThenRefuse();
    h.standIn.faults.add({ method: 'GET', path: GET_JOB, hang: true });
    const pending = caught(
      executor({ deadlineMs: 5_000 }).update(`UPDATE ${table} SET n = n + 1 WHERE true`),
    );
    await held(GET_JOB);
    clock.advance(5_000);
    const error = await pending;
    expect(error).toMatchObject({ code: 'JOB_OUTCOME_UNKNOWN', transient: false });
    expect((error as Error).message).toMatch(/deadline passed while the job was read back/);
  });

  it("the call's deadline ends the hung results read of a DONE job, not attemptTimeoutMs", async () => {
    clock = createTestClock();
    const table = await counter();
    loseThenRefuse();
    h.standIn.faults.add({ method: 'GET', path: QUERY_RESULTS, hang: true });
    const pending = caught(
      executor({ deadlineMs: 5_000 }).update(`UPDATE ${table} SET n = n + 1 WHERE true`),
    );
    await held(QUERY_RESULTS);
    clock.advance(5_000);
    const error = await pending;
    expect(error).toMatchObject({ code: 'JOB_OUTCOME_UNKNOWN', transient: false });
    expect((error as PipelineError).message).toMatch(/deadline passed/);
  });
});
