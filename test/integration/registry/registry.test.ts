import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryExecutor, type BigQueryExecutorOptions } from '../../../src/bigquery/index.js';
import {
  ForbiddenError,
  InternalServerError,
  NetworkError,
  PartialInsertError,
  PlayerNotFoundError,
} from '../../../src/errors/index.js';
import {
  PlayerRegistryReader,
  type RegistryExecutor,
  UnresolvedPlayerTracker,
  unresolvedPlayersTableDdl,
} from '../../../src/registry/index.js';
import type { RetryOptions } from '../../../src/retry/index.js';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../src/testing/bigquery/index.js';

const PROJECT = 'test-project';
const REGISTRY = `${PROJECT}.mlb_reference.mlb_players_registry`;
/** Tiny real delays: the executor's own retry loop, not the test, retries. */
const fastRetry: RetryOptions = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };
const INSERT_ALL = /\/insertAll$/;

let standIn: BigQueryStandIn;
let tableCount = 0;

function executor(options: BigQueryExecutorOptions = {}): BigQueryExecutor {
  return new BigQueryExecutor({ client: standIn.client(), retry: fastRetry, ...options });
}

/** A fresh unresolved_players table, created with the shipped DDL. */
async function freshUnresolvedTable(): Promise<string> {
  tableCount += 1;
  const table = `${PROJECT}.mlb_reference.unresolved_players_${tableCount}`;
  await executor().query(unresolvedPlayersTableDdl(table));
  return table;
}

function makeTracker(bq: RegistryExecutor, table: string) {
  return new UnresolvedPlayerTracker({
    executor: bq,
    sport: 'mlb',
    source: 'pitcher_strikeouts_predictor',
    table,
    env: {},
    // These tests flush themselves and leave failed rows behind on purpose; the stand-in is closed
    // before the worker exits, so a flush at exit could only fail.
    flushOnExit: false,
  });
}

async function rowsOf(table: string) {
  return standIn.run(
    `SELECT player_lookup, player_type, source, first_seen, occurrence_count, reported_at FROM \`${table}\` ORDER BY player_lookup, reported_at`,
  );
}

/** occurrence_count summed per player, and the number of rows. */
async function countsOf(table: string): Promise<{ rows: number; counts: Record<string, number> }> {
  const rows = await rowsOf(table);
  const counts: Record<string, number> = {};
  for (const row of rows) {
    const key = `${row.player_lookup}/${row.player_type}`;
    counts[key] = (counts[key] ?? 0) + Number(row.occurrence_count);
  }
  return { rows: rows.length, counts };
}

function insertAllRequests(since: number) {
  return standIn.requests.slice(since).filter((r) => r.method === 'POST' && INSERT_ALL.test(r.path));
}

function insertIdsOf(request: { body: unknown }): string[] {
  const body = request.body as { rows?: Array<{ insertId?: string }> };
  return (body.rows ?? []).map((r) => r.insertId ?? '');
}

beforeAll(async () => {
  standIn = await startBigQueryStandIn({ projectId: PROJECT });
  await standIn.client().createDataset('mlb_reference');
  await standIn.run(
    `CREATE TABLE \`${REGISTRY}\` (player_lookup STRING, universal_player_id STRING, player_type STRING, processed_at TIMESTAMP)`,
  );
  await standIn.run(
    `INSERT INTO \`${REGISTRY}\` (player_lookup, universal_player_id, player_type, processed_at) VALUES
      ('loganwebb', 'mlb_webb_old', 'PITCHER', TIMESTAMP '2025-04-01 00:00:00+00'),
      ('loganwebb', 'mlb_webb', 'PITCHER', TIMESTAMP '2025-09-01 00:00:00+00'),
      ('gerritcole', 'mlb_cole', 'PITCHER', TIMESTAMP '2025-09-01 00:00:00+00'),
      ('aaronjudge', 'mlb_judge', 'BATTER', TIMESTAMP '2025-09-01 00:00:00+00'),
      ('pendingguy', NULL, 'BATTER', TIMESTAMP '2025-09-01 00:00:00+00')`,
  );
});
afterAll(() => standIn.close());
afterEach(() => standIn.faults.clear());

describe('PlayerRegistryReader against the BigQuery stand-in', () => {
  function makeReader(bq: RegistryExecutor = executor()) {
    return new PlayerRegistryReader({
      executor: bq,
      sport: 'mlb',
      source: 'pitcher_strikeouts_predictor',
      env: { GCP_PROJECT_ID: PROJECT },
      // The misses of these tests are looked at, never flushed (see makeTracker).
      flushOnExit: false,
    });
  }

  it('a lookup whose query hangs rejects at once when its signal aborts, and no request follows', async () => {
    const reader = makeReader();
    standIn.faults.add({ method: 'POST', path: /\/queries$/, hang: true });
    const before = standIn.requests.length;
    const controller = new AbortController();
    const lookup = reader.getUniversalId('gerritcole', { signal: controller.signal });
    let settled = false;
    const outcome = lookup
      .catch((error: unknown) => error)
      .finally(() => {
        settled = true;
      });
    while (standIn.requests.length === before && !settled) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(settled).toBe(false);
    const reason = new Error('request cancelled');
    const abortedAt = performance.now();
    controller.abort(reason);
    expect(await outcome).toBe(reason);
    expect(performance.now() - abortedAt).toBeLessThan(1_000);
    const sent = standIn.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(standIn.requests.length).toBe(sent);
    expect(reader.tracker.size).toBe(0);
    standIn.faults.clear();
    await expect(reader.getUniversalId('gerritcole')).resolves.toBe('mlb_cole');
  });

  it('resolves a lookup to its latest universal id, with and without a type', async () => {
    const reader = makeReader();
    expect(reader.table).toBe(REGISTRY);
    await expect(reader.getUniversalId('Logan Webb')).resolves.toBe('mlb_webb');
    await expect(reader.getUniversalId('aaronjudge', { playerType: 'batter' })).resolves.toBe('mlb_judge');
    await expect(
      reader.getUniversalId('aaronjudge', { playerType: 'pitcher', required: false }),
    ).resolves.toBeNull();
  });

  it('treats a hostile player type as data', async () => {
    const reader = makeReader();
    await expect(
      reader.getUniversalId('loganwebb', { playerType: "x' OR '1'='1", required: false }),
    ).resolves.toBeNull();
  });

  it('throws PlayerNotFoundError for a missing or id-less player and records the misses', async () => {
    const reader = makeReader();
    await expect(reader.getUniversalId('shoheiohtani')).rejects.toBeInstanceOf(PlayerNotFoundError);
    await expect(reader.getUniversalId('pendingguy', { required: false })).resolves.toBeNull();
    expect(reader.tracker.entries().map((e) => e.playerLookup)).toEqual(['shoheiohtani', 'pendingguy']);
  });

  it('answers a batch with one query for all its misses', async () => {
    const reader = makeReader();
    await reader.getUniversalId('gerritcole');
    const since = standIn.requests.length;
    const ids = await reader.getUniversalIdsBatch(['Logan Webb', 'gerritcole', 'aaronjudge', 'nobody']);
    expect([...ids]).toEqual([
      ['Logan Webb', 'mlb_webb'],
      ['gerritcole', 'mlb_cole'],
      ['aaronjudge', 'mlb_judge'],
      ['nobody', null],
    ]);
    const queries = standIn.requests
      .slice(since)
      .filter((r) => r.method === 'POST' && /\/(queries|jobs)$/.test(r.path));
    expect(queries).toHaveLength(1);
    expect(JSON.stringify(queries[0]?.body)).toContain('IN UNNEST(@player_lookups)');
  });

  it('surfaces a failing registry query as its typed error, never as "not found"', async () => {
    const reader = makeReader();
    const fault = standIn.faults.add({
      sql: /mlb_players_registry/,
      error: { status: 403, reason: 'accessDenied' },
    });
    const error = await reader.getUniversalId('loganwebb', { required: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).not.toBeInstanceOf(PlayerNotFoundError);
    expect(fault.hits).toBe(1);
    expect(reader.tracker.size).toBe(0);

    standIn.faults.clear();
    await expect(reader.getUniversalId('loganwebb')).resolves.toBe('mlb_webb');
  });

  it('surfaces transient failures after the executor retried them', async () => {
    const reader = makeReader(executor({ retry: { ...fastRetry, maxAttempts: 2 } }));
    const fault = standIn.faults.add({
      sql: /mlb_players_registry/,
      error: { status: 503, reason: 'backendError' },
    });
    // backendError is an InternalServerError whatever status carried it (bigquery job-error-class.test.ts).
    await expect(reader.getUniversalIdsBatch(['loganwebb'])).rejects.toBeInstanceOf(InternalServerError);
    expect(fault.hits).toBe(2);
    expect(reader.tracker.size).toBe(0);
  });
});

describe('the unresolved_players DDL on the stand-in', () => {
  it('creates a table partitioned by DATE(reported_at), clustered, with a 90-day partition expiry', async () => {
    const table = await freshUnresolvedTable();
    const [metadata] = await standIn
      .client()
      .dataset('mlb_reference')
      .table(table.split('.').pop()!)
      .getMetadata();
    expect(metadata.timePartitioning).toMatchObject({
      type: 'DAY',
      field: 'reported_at',
      expirationMs: String(90 * 86_400_000),
    });
    expect(metadata.clustering).toEqual({ fields: ['player_lookup', 'player_type', 'source'] });
    expect(metadata.schema.fields.map((f: { name: string; mode: string }) => `${f.name}:${f.mode}`)).toEqual([
      'player_lookup:REQUIRED',
      'player_type:REQUIRED',
      'source:REQUIRED',
      'first_seen:REQUIRED',
      'occurrence_count:REQUIRED',
      'reported_at:REQUIRED',
    ]);
  });
});

describe('UnresolvedPlayerTracker.flush against the BigQuery stand-in', () => {
  it("writes rows whose counts match what was tracked, in the original table's columns", async () => {
    const table = await freshUnresolvedTable();
    const tracker = makeTracker(executor(), table);
    for (let i = 0; i < 3; i += 1) tracker.track('loganwebb', 'pitcher');
    tracker.track('aaronjudge', 'batter', 'batter_hits_predictor');
    tracker.track('mysteryman');

    const result = await tracker.flush();

    expect(result).toEqual({ flushed: 3, retained: 0 });
    const rows = await rowsOf(table);
    expect(rows.map((r) => [r.player_lookup, r.player_type, r.source, Number(r.occurrence_count)])).toEqual([
      ['aaronjudge', 'BATTER', 'batter_hits_predictor', 1],
      ['loganwebb', 'PITCHER', 'pitcher_strikeouts_predictor', 3],
      ['mysteryman', 'UNKNOWN', 'pitcher_strikeouts_predictor', 1],
    ]);
    expect(rows.every((r) => r.first_seen instanceof Date && r.reported_at instanceof Date)).toBe(true);
    expect(new Set(rows.map((r) => (r.reported_at as Date).getTime())).size).toBe(1);
  });

  it('writes no duplicate when an applied insert loses its answer and the flush is retried', async () => {
    const table = await freshUnresolvedTable();
    // One attempt per insert: the retry is the flush's, not the executor's.
    const tracker = makeTracker(executor({ retry: { ...fastRetry, maxAttempts: 1 } }), table);
    tracker.track('loganwebb', 'pitcher');
    tracker.track('loganwebb', 'pitcher');
    tracker.track('gerritcole', 'pitcher');
    const since = standIn.requests.length;
    standIn.faults.add({ path: INSERT_ALL, reset: 'after', times: 1 });

    const failed = await tracker.flush();

    expect(failed.flushed).toBe(0);
    expect(failed.retained).toBe(2);
    expect(failed.error).toBeInstanceOf(NetworkError);
    // The rows did land; the tracker cannot know, so it kept them.
    expect((await countsOf(table)).rows).toBe(2);

    tracker.track('loganwebb', 'pitcher');
    const retried = await tracker.flush();

    expect(retried).toEqual({ flushed: 3, retained: 0 });
    const requests = insertAllRequests(since);
    expect(requests).toHaveLength(3);
    expect(insertIdsOf(requests[1]!)).toEqual(insertIdsOf(requests[0]!));
    expect(await countsOf(table)).toEqual({
      rows: 3,
      counts: { 'gerritcole/PITCHER': 1, 'loganwebb/PITCHER': 3 },
    });
  });

  it("writes no duplicate when the executor's own retry re-sends the lost insert", async () => {
    const table = await freshUnresolvedTable();
    const tracker = makeTracker(executor(), table);
    tracker.track('loganwebb', 'pitcher');
    tracker.track('gerritcole', 'pitcher');
    const since = standIn.requests.length;
    standIn.faults.add({ path: INSERT_ALL, reset: 'after', times: 1 });

    await expect(tracker.flush()).resolves.toEqual({ flushed: 2, retained: 0 });

    expect(insertAllRequests(since)).toHaveLength(2);
    expect(await countsOf(table)).toEqual({
      rows: 2,
      counts: { 'gerritcole/PITCHER': 1, 'loganwebb/PITCHER': 1 },
    });
  });

  it('keeps every entry when the insert fails with a permanent error, and writes them later', async () => {
    const table = await freshUnresolvedTable();
    const tracker = makeTracker(executor(), table);
    tracker.track('loganwebb', 'pitcher');
    tracker.track('gerritcole', 'pitcher');
    const since = standIn.requests.length;
    standIn.faults.add({ path: INSERT_ALL, error: { status: 403, reason: 'accessDenied' } });

    const failed = await tracker.flush();

    expect(failed.error).toBeInstanceOf(ForbiddenError);
    expect(failed).toMatchObject({ flushed: 0, retained: 2 });
    // Permanent: not retried by the executor.
    expect(insertAllRequests(since)).toHaveLength(1);
    expect(tracker.entries().map((e) => [e.playerLookup, e.count])).toEqual([
      ['loganwebb', 1],
      ['gerritcole', 1],
    ]);
    expect((await countsOf(table)).rows).toBe(0);

    standIn.faults.clear();
    tracker.track('loganwebb', 'pitcher');
    await expect(tracker.flush()).resolves.toEqual({ flushed: 3, retained: 0 });
    expect(await countsOf(table)).toEqual({
      rows: 3,
      counts: { 'gerritcole/PITCHER': 1, 'loganwebb/PITCHER': 2 },
    });
  });

  it('keeps only the row BigQuery refused and writes it, once, on the next flush', async () => {
    const table = await freshUnresolvedTable();
    const tracker = makeTracker(executor(), table);
    tracker.track('loganwebb', 'pitcher');
    tracker.track('gerritcole', 'pitcher');
    tracker.track('gerritcole', 'pitcher');
    tracker.track('aaronjudge', 'batter');
    standIn.faults.add({ path: INSERT_ALL, times: 1, insertErrors: { invalid: [1] } });

    const partial = await tracker.flush();

    expect(partial.flushed).toBe(2);
    expect(partial.retained).toBe(1);
    expect(partial.error).toBeInstanceOf(PartialInsertError);
    expect(tracker.entries()).toEqual([expect.objectContaining({ playerLookup: 'gerritcole', count: 2 })]);

    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
    expect(await countsOf(table)).toEqual({
      rows: 3,
      counts: { 'aaronjudge/BATTER': 1, 'gerritcole/PITCHER': 2, 'loganwebb/PITCHER': 1 },
    });
  });

  it('a player type or source that has no UTF-8 form is not tracked, so it cannot wedge every later flush', async () => {
    const table = await freshUnresolvedTable();
    const tracker = makeTracker(executor(), table);
    // Half of an emoji (a lone surrogate): BigQuery cannot hold it, and encodeRow refuses the row.
    expect(tracker.track('loganwebb', 'pitcher\uD83D')).toBe(false);
    expect(tracker.track('gerritcole', 'pitcher', 'predictor\uDC00')).toBe(false);
    expect(tracker.track('aaronjudge', 'batter')).toBe(true);

    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
    tracker.track('shoheiohtani', 'batter');
    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
    expect((await countsOf(table)).counts).toEqual({ 'aaronjudge/BATTER': 1, 'shoheiohtani/BATTER': 1 });
    expect(
      () => new UnresolvedPlayerTracker({ executor: executor(), sport: 'mlb', source: 'x\uD800', env: {} }),
    ).toThrow(/source has a lone surrogate/);
  });

  it('a clock stepped back, or one reading that is not a time, holds back no player and writes first_seen <= reported_at', async () => {
    const table = await freshUnresolvedTable();
    let now = Date.parse('2026-06-01T12:00:00Z');
    const tracker = new UnresolvedPlayerTracker({
      executor: executor(),
      sport: 'mlb',
      source: 'pitcher_strikeouts_predictor',
      table,
      env: {},
      clock: { now: () => now },
    });
    tracker.track('loganwebb', 'pitcher');
    now = Number.NaN;
    tracker.track('aaronjudge', 'batter');
    // NTP steps the clock back an hour before the flush.
    now = Date.parse('2026-06-01T11:00:00Z');
    tracker.track('shoheiohtani', 'batter');
    expect(await tracker.flush()).toEqual({ flushed: 3, retained: 0 });
    const rows = await rowsOf(table);
    expect(rows.map((r) => r.player_lookup)).toEqual(['aaronjudge', 'loganwebb', 'shoheiohtani']);
    for (const row of rows) {
      expect(Date.parse(String(row.first_seen))).toBeLessThanOrEqual(Date.parse(String(row.reported_at)));
    }
    expect(tracker.size).toBe(0);
  });
});
