import { describe, expect, it } from 'vitest';
import { OperationTimeoutError, PipelineError } from '../../../src/errors/index.js';
import { type FlushResult, UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import { createShutdownCoordinator } from '../../../src/shutdown/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { FakeProcess } from '../../helpers/fake-process.js';
import { googleServiceUnavailable, MemoryExecutor, recordingLogger } from './memory-executor.js';

/** Lets queued promise callbacks run (no timer involved). */
async function settle(): Promise<void> {
  for (let i = 0; i < 40; i += 1) await Promise.resolve();
}

/** A promise that answers only when told to (a call whose answer never comes, until released). */
function held<T>() {
  let release: (value: T) => void = () => undefined;
  const promise = new Promise<T>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

function makeTracker(options: { flushTimeoutMs?: number } = {}) {
  const executor = new MemoryExecutor();
  const clock = createTestClock({ startMs: Date.UTC(2026, 0, 20, 17, 0, 0) });
  const logger = recordingLogger();
  let batch = 0;
  const tracker = new UnresolvedPlayerTracker({
    executor,
    sport: 'mlb',
    source: 'pitcher_strikeouts_predictor',
    env: {},
    clock,
    logger,
    createBatchId: () => `batch${++batch}`,
    ...options,
  });
  return { executor, clock, logger, tracker };
}

/** Starts a flush and records its result when it comes, so a test can see that it has not come. */
function started(tracker: UnresolvedPlayerTracker, ...args: Parameters<UnresolvedPlayerTracker['flush']>) {
  const state: { result?: FlushResult } = {};
  void tracker.flush(...args).then((result) => {
    state.result = result;
  });
  return state;
}

describe('flush deadline: a call that never answers ends at the deadline, losing nothing', () => {
  it('a check query that never answers ends the flush at flushTimeoutMs; the rows stay, and a later flush retries', async () => {
    const { executor, clock, logger, tracker } = makeTracker({ flushTimeoutMs: 45_000 });
    tracker.track('loganwebb', 'pitcher');
    executor.insertPlan.push({ kind: 'throw', error: googleServiceUnavailable(), applied: false });
    expect((await tracker.flush()).error).toBeDefined();
    clock.advance(30_000);

    const hung = held<never[]>();
    const realQuery = executor.query.bind(executor);
    executor.query = (() => hung.promise) as typeof realQuery;
    const flush = started(tracker);
    await settle();
    expect(flush.result).toBeUndefined();

    clock.advance(44_999);
    await settle();
    expect(flush.result).toBeUndefined();
    clock.advance(1);
    await settle();
    expect(flush.result).toMatchObject({ flushed: 0, retained: 1 });
    expect(flush.result?.error).toBeInstanceOf(OperationTimeoutError);
    expect(flush.result?.error?.message).toMatch(/45000 ms/);
    // No insert went out on an unanswered check: it could have written the row a second time.
    expect(executor.inserts).toHaveLength(1);
    expect(tracker.entries()).toEqual([expect.objectContaining({ playerLookup: 'loganwebb', count: 1 })]);
    expect(logger.entries.filter((e) => e.level === 'error').at(-1)).toMatchObject({
      message: expect.stringMatching(/entries kept for the next flush/),
      fields: expect.objectContaining({ retained: 1 }),
    });

    // The check answers again (here: refuses, so the row is re-sent): the next flush writes it once.
    executor.query = realQuery;
    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
    expect(executor.rowsInTable()).toHaveLength(1);
    // The abandoned query answering late changes nothing.
    hung.release([]);
    await settle();
    expect(tracker.size).toBe(0);
  });

  it('an insert that never answers ends the flush at the default deadline; its rows are kept, unsure, and re-sent under the same ids', async () => {
    const { executor, clock, tracker } = makeTracker();
    tracker.track('loganwebb', 'pitcher');
    tracker.track('gerritcole', 'pitcher');
    const hung = held<{ inserted: number; failed: [] }>();
    const realInsert = executor.insertRows.bind(executor);
    executor.insertRows = ((...args: Parameters<typeof realInsert>) => {
      executor.inserts.push({
        table: args[0],
        rows: [],
        ids: args[1].map((r, i) => args[2]!.insertId!(r, i)),
        options: {},
      });
      return hung.promise;
    }) as typeof realInsert;

    const flush = started(tracker);
    await settle();
    clock.advance(tracker.flushTimeoutMs - 1);
    await settle();
    expect(flush.result).toBeUndefined();
    clock.advance(1);
    await settle();
    expect(flush.result).toMatchObject({ flushed: 0, retained: 2 });
    expect(flush.result?.error?.code).toBe('OPERATION_TIMEOUT');
    expect(tracker.entries().map((e) => e.pendingCount)).toEqual([1, 1]);

    // Past the de-duplication window: the table is asked first (the hung insert may have landed).
    executor.insertRows = realInsert;
    await expect(tracker.flush()).resolves.toEqual({ flushed: 2, retained: 0 });
    expect(executor.queries).toHaveLength(1);
    expect(executor.inserts[1]?.ids).toEqual(executor.inserts[0]?.ids);
    // The abandoned insert answering late does not forget anything twice.
    hung.release({ inserted: 2, failed: [] });
    await settle();
    tracker.track('aaronjudge', 'batter');
    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
    expect(tracker.size).toBe(0);
  });

  it('a flush queued behind a hung one ends at its own deadline, and never runs beside it', async () => {
    const { executor, clock, tracker } = makeTracker({ flushTimeoutMs: 60_000 });
    tracker.track('loganwebb', 'pitcher');
    const hung = held<{ inserted: number; failed: [] }>();
    let inFlight = 0;
    let most = 0;
    const realInsert = executor.insertRows.bind(executor);
    executor.insertRows = (async (...args: Parameters<typeof realInsert>) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      try {
        if (executor.inserts.length === 0) {
          executor.inserts.push({ table: args[0], rows: [], ids: [], options: {} });
          return await hung.promise;
        }
        return await realInsert(...args);
      } finally {
        inFlight -= 1;
      }
    }) as typeof realInsert;

    const first = started(tracker);
    await settle();
    const second = started(tracker, { timeoutMs: 5_000 });
    clock.advance(5_000);
    await settle();
    expect(first.result).toBeUndefined();
    expect(second.result).toMatchObject({ flushed: 0, retained: 1 });
    expect(second.result?.error).toBeInstanceOf(OperationTimeoutError);
    expect(executor.inserts).toHaveLength(1);

    clock.advance(55_000);
    await settle();
    expect(first.result?.error).toBeInstanceOf(OperationTimeoutError);
    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
    expect(most).toBe(2); // the abandoned insert was still in flight when the next flush wrote
    hung.release({ inserted: 1, failed: [] });
    await settle();
    expect(tracker.size).toBe(0);
  });

  it("the caller's signal ends a flush at once with the signal's reason; nothing is dropped", async () => {
    const { executor, tracker } = makeTracker();
    tracker.track('loganwebb', 'pitcher');
    const realInsert = executor.insertRows.bind(executor);
    executor.insertRows = (() => new Promise(() => undefined)) as typeof realInsert;
    const controller = new AbortController();
    const flush = started(tracker, { signal: controller.signal });
    await settle();
    const reason = new Error('request cancelled');
    controller.abort(reason);
    await settle();
    expect(flush.result).toMatchObject({ flushed: 0, retained: 1 });
    expect(flush.result?.error).toBeInstanceOf(PipelineError);
    expect(flush.result?.error?.cause).toBe(reason);

    const aborted = AbortSignal.abort(new Error('already'));
    await expect(tracker.flush({ signal: aborted })).resolves.toMatchObject({ flushed: 0, retained: 1 });
    executor.insertRows = realInsert;
    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
  });

  it("SIGTERM with a hung insert: the task's time limit ends the flush, the report says timed out, a later flush writes", async () => {
    const { executor, tracker } = makeTracker();
    const target = new FakeProcess();
    const shutdownClock = createTestClock();
    const coordinator = createShutdownCoordinator({ process: target, clock: shutdownClock });
    tracker.track('loganwebb', 'pitcher');
    const realInsert = executor.insertRows.bind(executor);
    executor.insertRows = (() => new Promise(() => undefined)) as typeof realInsert;
    tracker.flushOnExit({ coordinator, name: 'mlb unresolved', timeoutMs: 3_000 });
    const report = coordinator.shutdown('SIGTERM');
    await settle();
    shutdownClock.advance(3_000);
    await expect(report).resolves.toMatchObject({ tasks: [{ name: 'mlb unresolved', status: 'timed_out' }] });
    expect(tracker.size).toBe(1);
    executor.insertRows = realInsert;
    // The flush the shutdown abandoned does not hold the next one.
    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, 1.5])(
    'refuses flushTimeoutMs %s (and the same per-call timeoutMs)',
    async (value) => {
      expect(() => makeTracker({ flushTimeoutMs: value })).toThrow(/flushTimeoutMs/);
      const { tracker } = makeTracker();
      expect(() => tracker.flush({ timeoutMs: value })).toThrow(/timeoutMs/);
    },
  );

  it('refuses an unknown flush option and a signal that is not an AbortSignal', () => {
    const { tracker } = makeTracker();
    expect(() => tracker.flush({ timeout: 5 } as never)).toThrow(/timeoutMs/);
    expect(() => tracker.flush({ signal: {} as AbortSignal })).toThrow(/signal/);
  });
});

describe('flush: an executor or clock that breaks its contract loses nothing', () => {
  it.each([
    ['no failed list', { inserted: 1 }],
    ['no answer at all', undefined],
    ['a failure that is not an object', { inserted: 0, failed: [null] }],
  ])(
    'an insert answered with %s keeps the rows as possibly written (asked for past the window)',
    async (_, answer) => {
      const { executor, clock, tracker } = makeTracker();
      tracker.track('loganwebb', 'pitcher');
      const realInsert = executor.insertRows.bind(executor);
      executor.insertRows = (async (...args: Parameters<typeof realInsert>) => {
        await realInsert(...args);
        return answer;
      }) as typeof realInsert;
      const result = await tracker.flush();
      expect(result).toMatchObject({ flushed: 0, retained: 1 });
      expect(result.error).toBeInstanceOf(PipelineError);
      executor.insertRows = realInsert;
      clock.advance(60_000);
      await tracker.flush();
      // The answer said nothing usable: the rows may be in the table, so the table is asked first.
      expect(executor.queries).toHaveLength(1);
    },
  );

  it('a clock whose schedule throws still bounds the flush (on a real timer) and the flush writes', async () => {
    const executor = new MemoryExecutor();
    const tracker = new UnresolvedPlayerTracker({
      executor,
      sport: 'mlb',
      source: 's',
      env: {},
      clock: {
        now: () => Date.UTC(2026, 0, 20),
        schedule: () => {
          throw new Error('clock broken');
        },
      },
    });
    tracker.track('loganwebb');
    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
  });
});
