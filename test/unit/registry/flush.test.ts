import { describe, expect, it } from 'vitest';
import {
  CredentialsUnavailableError,
  PartialInsertError,
  PipelineError,
  ServiceUnavailableError,
} from '../../../src/errors/index.js';
import { UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import { fakeClock, googleServiceUnavailable, MemoryExecutor, recordingLogger } from './memory-executor.js';

function makeTracker() {
  const executor = new MemoryExecutor();
  const clock = fakeClock();
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
  });
  return { executor, clock, logger, tracker };
}

/** Sum of occurrence_count per lookup in the table. */
function countsInTable(executor: MemoryExecutor): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of executor.rowsInTable()) {
    const key = `${row.player_lookup}/${row.player_type}`;
    counts[key] = (counts[key] ?? 0) + (row.occurrence_count as number);
  }
  return counts;
}

describe('flush: writing', () => {
  it('does nothing when nothing is tracked', async () => {
    const { executor, tracker } = makeTracker();
    await expect(tracker.flush()).resolves.toEqual({ flushed: 0, retained: 0 });
    expect(executor.inserts).toHaveLength(0);
  });

  it("writes the original table's columns, one row per player, and forgets what was written", async () => {
    const { executor, clock, tracker } = makeTracker();
    const firstSeen = new Date(clock.now()).toISOString();
    tracker.track('loganwebb', 'pitcher');
    tracker.track('loganwebb', 'pitcher');
    clock.advance(1_000);
    tracker.track('aaronjudge', 'batter', 'batter_hits_predictor');
    clock.advance(1_000);
    const reportedAt = new Date(clock.now()).toISOString();

    const result = await tracker.flush();

    expect(result).toEqual({ flushed: 2, retained: 0 });
    expect(tracker.size).toBe(0);
    expect(executor.inserts).toHaveLength(1);
    expect(executor.inserts[0]?.table).toBe('nba-props-platform.mlb_reference.unresolved_players');
    expect(executor.inserts[0]?.rows).toEqual([
      {
        player_lookup: 'loganwebb',
        player_type: 'PITCHER',
        source: 'pitcher_strikeouts_predictor',
        first_seen: firstSeen,
        occurrence_count: 2,
        reported_at: reportedAt,
      },
      {
        player_lookup: 'aaronjudge',
        player_type: 'BATTER',
        source: 'batter_hits_predictor',
        first_seen: new Date(Date.parse(firstSeen) + 1_000).toISOString(),
        occurrence_count: 1,
        reported_at: reportedAt,
      },
    ]);
    // Explicit, distinct insert ids, so a re-send can be de-duplicated.
    expect(new Set(executor.inserts[0]?.ids).size).toBe(2);
    // A refused row must not hold back the others, and failures come back as data, not a throw.
    expect(executor.inserts[0]?.options).toMatchObject({ skipInvalidRows: true, throwOnFailure: false });
  });

  it("upper-cases the default 'unknown' type", async () => {
    const { executor, tracker } = makeTracker();
    tracker.track('mysteryman');
    await tracker.flush();
    expect(executor.inserts[0]?.rows[0]?.player_type).toBe('UNKNOWN');
  });

  it('keeps the Cloud Logging backup of the original: one warning per player', async () => {
    const { logger, tracker } = makeTracker();
    tracker.track('loganwebb', 'pitcher');
    tracker.track('gerritcole', 'pitcher');
    await tracker.flush();
    const warnings = logger.entries.filter((l) => l.level === 'warn' && l.message === 'unresolved player');
    expect(warnings.map((l) => l.fields?.player_lookup)).toEqual(['loganwebb', 'gerritcole']);
  });
});

describe('flush: failure keeps entries', () => {
  it('keeps every entry when the insert fails, resolves with the typed error, and logs it', async () => {
    const { executor, logger, tracker } = makeTracker();
    tracker.track('loganwebb', 'pitcher');
    tracker.track('gerritcole', 'pitcher');
    executor.insertPlan.push({ kind: 'throw', error: googleServiceUnavailable() });

    const result = await tracker.flush();

    expect(result.flushed).toBe(0);
    expect(result.retained).toBe(2);
    expect(result.error).toBeInstanceOf(ServiceUnavailableError);
    expect(tracker.entries().map((e) => [e.playerLookup, e.count])).toEqual([
      ['loganwebb', 1],
      ['gerritcole', 1],
    ]);
    const logged = logger.entries.find((l) => l.level === 'error');
    expect(logged?.fields?.error).toBe(result.error);
    expect(executor.rowsInTable()).toHaveLength(0);
  });

  it('lets the counts of kept entries keep growing while they wait', async () => {
    const { executor, tracker } = makeTracker();
    tracker.track('loganwebb', 'pitcher');
    executor.insertPlan.push({ kind: 'throw', error: googleServiceUnavailable() });
    await tracker.flush();

    tracker.track('loganwebb', 'pitcher');
    tracker.track('loganwebb', 'pitcher');

    expect(tracker.size).toBe(1);
    expect(tracker.entries()[0]).toMatchObject({ count: 3, pendingCount: 1 });
  });

  it('never rejects, whatever the executor throws', async () => {
    const { executor, tracker } = makeTracker();
    tracker.track('loganwebb');
    executor.insertPlan.push({ kind: 'throw', error: 'a string, not an Error' });
    const result = await tracker.flush();
    expect(result.error).toBeInstanceOf(PipelineError);
    expect(result.retained).toBe(1);
  });
});

describe('flush: a retry reuses its insert ids', () => {
  it('re-sends the same rows with the same ids after a failure whose insert did land', async () => {
    const { executor, tracker } = makeTracker();
    tracker.track('loganwebb', 'pitcher');
    tracker.track('loganwebb', 'pitcher');
    tracker.track('gerritcole', 'pitcher');
    // The insert is applied, but the answer is lost.
    executor.insertPlan.push({ kind: 'throw', error: googleServiceUnavailable(), applied: true });
    const failed = await tracker.flush();
    expect(failed.error).toBeDefined();

    // New misses arrive while the batch waits.
    tracker.track('loganwebb', 'pitcher');
    tracker.track('shoheiohtani', 'batter');

    const retried = await tracker.flush();

    expect(retried).toEqual({ flushed: 4, retained: 0 });
    const [first, second, third] = executor.inserts;
    // The retry re-sends the pending rows exactly as before: same rows, same ids.
    expect(second?.ids.slice(0, 2)).toEqual(first?.ids);
    expect(second?.rows.slice(0, 2)).toEqual(first?.rows);
    // A player with no row pending joins that request in a new batch; loganwebb's new miss waits
    // for its pending row to be written, then goes in the next batch.
    expect(second?.rows.slice(2).map((r) => [r.player_lookup, r.occurrence_count])).toEqual([
      ['shoheiohtani', 1],
    ]);
    expect(third?.rows.map((r) => [r.player_lookup, r.occurrence_count])).toEqual([['loganwebb', 1]]);
    const newIds = [...(second?.ids.slice(2) ?? []), ...(third?.ids ?? [])];
    expect(newIds.some((id) => first?.ids.includes(id))).toBe(false);
    // No row landed twice, and the table's counts add up to every tracked miss.
    expect(executor.rowsInTable()).toHaveLength(4);
    expect(countsInTable(executor)).toEqual({
      'loganwebb/PITCHER': 3,
      'gerritcole/PITCHER': 1,
      'shoheiohtani/BATTER': 1,
    });
  });

  it('keeps the batch frozen while misses arrive during the insert itself', async () => {
    const { executor, tracker } = makeTracker();
    tracker.track('loganwebb', 'pitcher');
    executor.insertPlan.push({ kind: 'throw', error: googleServiceUnavailable(), applied: true });
    executor.duringInsert = () => tracker.track('loganwebb', 'pitcher');
    await tracker.flush();
    executor.duringInsert = undefined;

    expect(tracker.entries()[0]).toMatchObject({ count: 2, pendingCount: 1 });
    await tracker.flush();

    expect(countsInTable(executor)).toEqual({ 'loganwebb/PITCHER': 2 });
    expect(executor.inserts[1]?.ids).toEqual(executor.inserts[0]?.ids);
  });

  it('a pending row keeps its id and content; a player tracked after it travels in the same request', async () => {
    const { executor, tracker } = makeTracker();
    tracker.track('loganwebb');
    executor.insertPlan.push(
      { kind: 'throw', error: googleServiceUnavailable() },
      { kind: 'throw', error: googleServiceUnavailable() },
    );
    await tracker.flush();
    tracker.track('loganwebb');
    tracker.track('gerritcole');
    await tracker.flush();

    expect(executor.inserts).toHaveLength(2);
    const [first, second] = executor.inserts;
    expect(second?.rows.map((r) => [r.player_lookup, r.occurrence_count])).toEqual([
      ['loganwebb', 1],
      ['gerritcole', 1],
    ]);
    expect(second?.ids[0]).toBe(first?.ids[0]);
    expect(second?.ids[1]).not.toBe(first?.ids[0]);
    expect(tracker.entries().map((e) => [e.playerLookup, e.count, e.pendingCount])).toEqual([
      ['loganwebb', 2, 1],
      ['gerritcole', 1, 1],
    ]);
  });

  it('serializes concurrent flushes so no row is sent by two of them', async () => {
    const { executor, tracker } = makeTracker();
    tracker.track('loganwebb');
    tracker.track('gerritcole');
    const [a, b] = await Promise.all([tracker.flush(), tracker.flush()]);
    expect(a.flushed + b.flushed).toBe(2);
    expect(executor.inserts).toHaveLength(1);
    expect(executor.rowsInTable()).toHaveLength(2);
  });
});

describe('flush: partial failure', () => {
  it('forgets the rows that were written and keeps only the rows reported failed', async () => {
    const { executor, tracker } = makeTracker();
    tracker.track('loganwebb', 'pitcher');
    tracker.track('gerritcole', 'pitcher');
    tracker.track('gerritcole', 'pitcher');
    tracker.track('aaronjudge', 'batter');
    executor.insertPlan.push({ kind: 'reject-rows', indexes: [1], reason: 'backendError' });

    const result = await tracker.flush();

    expect(result.flushed).toBe(2);
    expect(result.retained).toBe(1);
    expect(result.error).toBeInstanceOf(PartialInsertError);
    expect((result.error as PartialInsertError).failures.map((f) => f.index)).toEqual([1]);
    expect(tracker.entries()).toEqual([expect.objectContaining({ playerLookup: 'gerritcole', count: 2 })]);

    const retry = await tracker.flush();
    expect(retry).toEqual({ flushed: 1, retained: 0 });
    expect(executor.inserts[1]?.rows.map((r) => r.player_lookup)).toEqual(['gerritcole']);
    expect(executor.inserts[1]?.ids).toEqual([executor.inserts[0]?.ids[1]]);
    expect(countsInTable(executor)).toEqual({
      'loganwebb/PITCHER': 1,
      'gerritcole/PITCHER': 2,
      'aaronjudge/BATTER': 1,
    });
  });

  it('reads the failed rows of a PartialInsertError thrown by the executor', async () => {
    const { executor, tracker } = makeTracker();
    tracker.track('loganwebb');
    tracker.track('gerritcole');
    const partial = new PartialInsertError('1 row failed', {
      table: 't',
      inserted: 1,
      failures: [{ index: 0, row: {}, reasons: [{ reason: 'invalid', message: 'bad' }] }],
    });
    executor.insertPlan.push({ kind: 'throw', error: partial });

    const result = await tracker.flush();

    expect(result).toEqual({ flushed: 1, retained: 1, error: partial });
    expect(tracker.entries().map((e) => e.playerLookup)).toEqual(['loganwebb']);
  });

  it('keeps the whole batch when a reported failure cannot be matched to a row it sent', async () => {
    const sent: string[][] = [];
    const executor = {
      query: async () => [],
      insertRows: async <R>(
        _table: string,
        rows: R[],
        options?: { insertId?: (row: R, i: number) => string },
      ) => {
        sent.push(rows.map((row, i) => options?.insertId?.(row, i) ?? ''));
        return {
          inserted: rows.length - 1,
          failed: sent.length === 1 ? [{ index: 99, row: {}, insertId: 'not-ours', reasons: [] }] : [],
        };
      },
    };
    const tracker = new UnresolvedPlayerTracker({ executor, sport: 'mlb', source: 's', env: {} });
    tracker.track('loganwebb');
    tracker.track('gerritcole');

    const result = await tracker.flush();

    expect(result).toMatchObject({ flushed: 0, retained: 2 });
    expect(result.error).toBeInstanceOf(PartialInsertError);
    await tracker.flush();
    expect(sent[1]).toEqual(sent[0]);
  });

  it('logs the overflow at the next flush', async () => {
    const executor = new MemoryExecutor();
    const logger = recordingLogger();
    const tracker = new UnresolvedPlayerTracker({
      executor,
      sport: 'mlb',
      source: 's',
      env: {},
      maxEntries: 1,
      logger,
    });
    tracker.track('a');
    tracker.track('b');
    tracker.track('c');
    await tracker.flush();
    const warning = logger.entries.find((l) => l.message.startsWith('unresolved player tracker full'));
    expect(warning?.fields).toMatchObject({ dropped: 2, maxEntries: 1 });
  });
});

describe('flush: a re-send past the de-duplication window', () => {
  /** A flush whose insert fails with its outcome unknown, then `elapsedMs` until the next one. */
  async function lostThenRetriedAfter(elapsedMs: number) {
    const made = makeTracker();
    made.tracker.track('loganwebb', 'pitcher');
    made.executor.insertPlan.push({ kind: 'throw', error: googleServiceUnavailable(), applied: false });
    expect((await made.tracker.flush()).error).toBeDefined();
    made.clock.advance(elapsedMs);
    return made;
  }

  it('within 30 s of the lost send, re-sends under the same ids without asking the table', async () => {
    const { executor, tracker } = await lostThenRetriedAfter(29_999);
    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
    expect(executor.queries).toHaveLength(0);
    expect(executor.inserts[1]?.ids).toEqual(executor.inserts[0]?.ids);
  });

  it('from 30 s on, asks the table first; a query that fails means a re-send (never a loss) and a warning', async () => {
    const { executor, tracker, logger } = await lostThenRetriedAfter(30_000);
    executor.queryFailures.push(new Error('no bigquery.jobs.create permission'));
    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
    expect(executor.queries).toHaveLength(1);
    expect(executor.queries[0]?.sql).toMatch(/WHERE reported_at IN UNNEST\(@reported_at\)/);
    expect(executor.queries[0]?.params.reported_at).toEqual([new Date(Date.UTC(2026, 0, 20, 17, 0, 0))]);
    expect(executor.inserts[1]?.ids).toEqual(executor.inserts[0]?.ids);
    expect(logger.entries.filter((e) => e.level === 'warn').map((e) => e.message)).toContainEqual(
      expect.stringMatching(/could not check whether rows whose answer was lost were written/),
    );
  });

  it.each([
    ['no credentials', () => new CredentialsUnavailableError('the auth client threw')],
    ['connection refused', () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
  ])(
    'an error saying the last attempt was never sent (%s) still leaves its rows unsure: an earlier attempt may have written them',
    async (_, error) => {
      const { executor, tracker, clock } = makeTracker();
      // The table answers the landed-rows query from what it holds, as BigQuery would.
      executor.query = (async <T>(_sql: string, options?: { params?: Record<string, unknown> }) => {
        const times = ((options?.params?.reported_at as Date[] | undefined) ?? []).map((d) => d.getTime());
        return executor
          .rowsInTable()
          .filter((r) => times.includes(Date.parse(r.reported_at as string)))
          .map((r) => ({
            ...r,
            first_seen_ms: Date.parse(r.first_seen as string),
            reported_at_ms: Date.parse(r.reported_at as string),
          })) as T[];
      }) as typeof executor.query;
      tracker.track('loganwebb', 'pitcher');
      // The executor's first attempt wrote the row and lost the answer; its last was refused a
      // connection, and that is the error it reports.
      executor.insertPlan.push({ kind: 'throw', error: error(), applied: true });
      const failed = await tracker.flush();
      expect(failed).toMatchObject({ flushed: 0, retained: 1 });
      clock.advance(600_000);
      // Past BigQuery's de-duplication window: the table is asked, the row found, nothing re-sent.
      await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
      expect(executor.inserts).toHaveLength(1);
      expect(executor.rowsInTable()).toHaveLength(1);
    },
  );

  it('a row refused in an answer that did arrive is not marked unsure by a later healthy send', async () => {
    const { executor, tracker, clock } = makeTracker();
    tracker.track('loganwebb', 'pitcher');
    tracker.track('gerritcole', 'pitcher');
    executor.insertPlan.push({ kind: 'reject-rows', indexes: [1] });
    expect((await tracker.flush()).error).toBeInstanceOf(PartialInsertError);
    clock.advance(10_000);
    // Written within the window: nothing left to check, so no query ever runs for it.
    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
    clock.advance(600_000);
    tracker.track('aaronjudge', 'batter');
    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
    expect(executor.queries).toHaveLength(0);
  });
});
