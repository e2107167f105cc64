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
  loseThenRefuse,
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

  /** The read-back request `path` hangs; `end` ends the call (an abort, the deadline) once it arrived. */
  const hangs = [
    ['jobs.get', GET_JOB, /reading it back/],
    ['the results read of a DONE job', QUERY_RESULTS, /DONE but reading its outcome/],
  ] as const;
  const ends = [
    {
      what: "the caller's abort",
      start: () => {
        const controller = new AbortController();
        return {
          options: { signal: controller.signal },
          end: () => controller.abort(new Error('shutting down')),
        };
      },
      says: /cut short \(\w+: shutting down\)/,
    },
    {
      // Before the 10 s jobs.get cap and the 600 s attemptTimeoutMs: only the deadline can end it.
      what: "the call's 5 s deadline",
      start: () => ({ options: { deadlineMs: 5_000 }, end: () => clock.advance(5_000) }),
      says: /cut short \(\w+: the call's deadline passed while the job was read back\)/,
    },
  ];

  for (const [request, path, step] of hangs) {
    for (const { what, start, says } of ends) {
      it(`${what} ends a hung ${request}: JOB_OUTCOME_UNKNOWN, not transient`, async () => {
        clock = createTestClock();
        const table = await counter();
        loseThenRefuse(h, INSERT_JOB, /UPDATE/);
        h.standIn.faults.add({ method: 'GET', path, hang: true });
        const { options, end } = start();
        const pending = caught(executor(options).update(`UPDATE ${table} SET n = n + 1 WHERE true`));
        await held(path);
        end();
        const error = await pending;
        expect(error).toBeInstanceOf(PipelineError);
        expect(error).toMatchObject({ code: 'JOB_OUTCOME_UNKNOWN', transient: false });
        expect((error as Error).message).toMatch(step);
        expect((error as Error).message).toMatch(says);
      });
    }
  }
});
