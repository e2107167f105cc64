import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { NetworkError } from '../../../src/errors/index.js';
import { UnresolvedPlayerTracker, unresolvedPlayersTableDdl } from '../../../src/registry/index.js';
import type { RetryOptions } from '../../../src/retry/index.js';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../src/testing/bigquery/index.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

const PROJECT = 'test-project';
const INSERT_ALL = /\/insertAll$/;
/** One attempt per request: the retry is the next flush's, minutes later. */
const oneAttempt: RetryOptions = { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 5 };

// BigQuery drops a re-sent insert id only within its de-duplication window ("at least one minute").
// A window already past when the next request comes (-1 ms) stands for a retry minutes later: the
// stand-in has forgotten every insert id by then, as BigQuery would have.
let forgetful: BigQueryStandIn;
let tableCount = 0;

beforeAll(async () => {
  forgetful = await startBigQueryStandIn({ projectId: PROJECT, insertIdWindowMs: -1 });
  await forgetful.client().createDataset('mlb_reference');
});
afterAll(() => forgetful.close());

function executor(): BigQueryExecutor {
  return new BigQueryExecutor({ client: forgetful.client(), retry: oneAttempt });
}

async function setUp() {
  tableCount += 1;
  const table = `${PROJECT}.mlb_reference.unresolved_players_${tableCount}`;
  await executor().query(unresolvedPlayersTableDdl(table));
  let now = Date.parse('2026-06-01T12:00:00Z');
  const logger = recordingLogger();
  const tracker = new UnresolvedPlayerTracker({
    executor: executor(),
    sport: 'mlb',
    source: 'pitcher_strikeouts_predictor',
    table,
    env: {},
    logger,
    clock: { now: () => now },
  });
  const advance = (ms: number) => {
    now += ms;
  };
  const counts = async () => {
    const rows = await forgetful.run(`SELECT player_lookup, occurrence_count FROM \`${table}\``);
    const byPlayer: Record<string, number> = {};
    for (const row of rows) {
      byPlayer[String(row.player_lookup)] =
        (byPlayer[String(row.player_lookup)] ?? 0) + Number(row.occurrence_count);
    }
    return { rows: rows.length, byPlayer };
  };
  return { table, tracker, advance, counts, logger };
}

describe('a flush retried after BigQuery forgot the insert ids of a lost answer', () => {
  it('writes no duplicate: rows that did land are found and not sent again', async () => {
    const { tracker, advance, counts } = await setUp();
    tracker.track('loganwebb', 'pitcher');
    tracker.track('loganwebb', 'pitcher');
    tracker.track('gerritcole', 'pitcher');
    forgetful.faults.add({ path: INSERT_ALL, reset: 'after', times: 1 });

    const lost = await tracker.flush();
    expect(lost.flushed).toBe(0);
    expect(lost.error).toBeInstanceOf(NetworkError);
    expect((await counts()).rows).toBe(2);

    // The next flush, five minutes later, with one new miss of a player already written.
    advance(5 * 60_000);
    tracker.track('loganwebb', 'pitcher');
    const retried = await tracker.flush();

    expect(retried).toEqual({ flushed: 3, retained: 0 });
    expect(await counts()).toEqual({ rows: 3, byPlayer: { loganwebb: 3, gerritcole: 1 } });
  });

  it('loses nothing: rows that did not land are sent again', async () => {
    const { tracker, advance, counts } = await setUp();
    tracker.track('loganwebb', 'pitcher');
    tracker.track('gerritcole', 'pitcher');
    forgetful.faults.add({ path: INSERT_ALL, reset: true, times: 1 });

    expect((await tracker.flush()).error).toBeInstanceOf(NetworkError);
    expect((await counts()).rows).toBe(0);

    advance(5 * 60_000);
    await expect(tracker.flush()).resolves.toEqual({ flushed: 2, retained: 0 });
    expect(await counts()).toEqual({ rows: 2, byPlayer: { loganwebb: 1, gerritcole: 1 } });
  });

  it('a clock stepped back since the lost answer cannot tell the window either: the rows are looked for', async () => {
    const { tracker, advance, counts } = await setUp();
    tracker.track('loganwebb', 'pitcher');
    forgetful.faults.add({ path: INSERT_ALL, reset: 'after', times: 1 });
    expect((await tracker.flush()).error).toBeInstanceOf(NetworkError);

    advance(-3_600_000);
    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
    expect(await counts()).toEqual({ rows: 1, byPlayer: { loganwebb: 1 } });
  });

  it('when the rows cannot be looked for, they are sent again (a possible duplicate, never a loss), with a warning', async () => {
    const { tracker, advance, counts, logger } = await setUp();
    tracker.track('loganwebb', 'pitcher');
    forgetful.faults.add({ path: INSERT_ALL, reset: true, times: 1 });
    expect((await tracker.flush()).error).toBeInstanceOf(NetworkError);

    advance(5 * 60_000);
    forgetful.faults.add({
      path: /\/(queries|jobs)$/,
      times: 1,
      error: { status: 403, reason: 'accessDenied' },
    });
    await expect(tracker.flush()).resolves.toEqual({ flushed: 1, retained: 0 });
    expect(await counts()).toEqual({ rows: 1, byPlayer: { loganwebb: 1 } });
    expect(logger.entries.some((e) => e.level === 'warn' && /could not check/.test(e.message))).toBe(true);
  });
});
