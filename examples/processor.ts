/**
 * Example: a phase-3 processor that turns one game date of raw lines into analytics rows.
 *
 * 1. Reads the raw lines of the date with a parameterised query (never SQL built from the message).
 * 2. Resolves players to universal ids through the registry: one batch query per player type, cached;
 *    every miss is recorded by the reader's `UnresolvedPlayerTracker` (flushed later, not lost).
 * 3. Writes the analytics rows, by default through the Storage Write API in atomic mode: every row
 *    of the date becomes visible at once or none does, so "is this date written?" has a yes/no
 *    answer and a redelivered message or a scraper re-send skips a date that is already there.
 *    Deliveries of the same date are serialized in the process (Pub/Sub may deliver a re-send while
 *    the original is still running); across instances, take a lock per date or use `insert-all`.
 *    With `writer: 'insert-all'` it streams them with insertAll and a deterministic insert id per
 *    row (date, game, player), so a retried insert or a re-send within BigQuery's de-duplication
 *    window cannot write a row twice.
 *
 * Every BigQuery call goes through the executor: one retry layer with typed errors, failed jobs re-run
 * under new job ids, rows refused as `stopped` re-sent alone. What is still failing after the retries
 * is thrown, so the message handler nacks it (transient) or dead-letters it (permanent).
 *
 * @example
 * ```ts
 * const executor = new BigQueryExecutor({ projectId: 'my-project' });
 * const reader = new PlayerRegistryReader({ executor, sport: 'mlb', source: 'mlb_player_game_processor' });
 * const processGameDate = createGameDateProcessor({
 *   executor,
 *   reader,
 *   rawTable: 'my-project.mlb_raw.player_game_lines',
 *   analyticsTable: 'my-project.mlb_analytics.player_game_summary',
 * });
 * const { read, written, unresolved } = await processGameDate({ game_date: '2026-04-01' });
 * ```
 */
import { type BigQueryExecutor, normalizePlayerLookup, type PlayerRegistryReader } from '../src/index.js';

/** One analytics row (`mlb_analytics.player_game_summary`). */
export interface AnalyticsRow {
  game_date: string;
  game_id: string;
  player_lookup: string;
  player_type: string;
  /** `null` when the registry does not know the player (the tracker has it). */
  universal_player_id: string | null;
  strikeouts: number;
  hits: number;
  processed_by: string;
}

/** Options of {@link createGameDateProcessor}. */
export interface GameDateProcessorOptions {
  executor: BigQueryExecutor;
  reader: PlayerRegistryReader;
  /** `project.dataset.table` of the raw lines. */
  rawTable: string;
  /** `project.dataset.table` of the analytics rows. */
  analyticsTable: string;
  /** Written in `processed_by`. */
  name?: string;
  /** `'storage'` (default): `writeRows` in atomic mode; `'insert-all'`: `insertRows` with insert ids. */
  writer?: 'storage' | 'insert-all';
}

/** What one run did. */
export interface GameDateResult {
  read: number;
  written: number;
  unresolved: number;
}

interface RawLineRow {
  game_id: string;
  player_name: string;
  player_type: string;
  strikeouts: number;
  hits: number;
}

/**
 * Builds the processor function for one game date.
 *
 * @example
 * ```ts
 * const run = createGameDateProcessor({ executor, reader, rawTable, analyticsTable });
 * await run({ game_date: '2026-04-01' });
 * ```
 */
export function createGameDateProcessor(options: GameDateProcessorOptions) {
  const { executor, reader, rawTable, analyticsTable } = options;
  const name = options.name ?? 'mlb_player_game_processor';
  const writer = options.writer ?? 'storage';
  /** The run in progress per game date: a second delivery of a date waits for the first. */
  const running = new Map<string, Promise<unknown>>();

  const writeRows = async (gameDate: string, rows: AnalyticsRow[]): Promise<number> => {
    if (writer === 'insert-all') {
      // By default a refused row rejects with PartialInsertError: rows still `stopped` after the
      // executor's retries make it transient, so Pub/Sub redelivers (the insert ids make the re-run
      // harmless); rows refused as invalid make it permanent, and the handler dead-letters the message.
      const { inserted } = await executor.insertRows(analyticsTable, rows, {
        insertId: (row) => `${row.game_date}:${row.game_id}:${row.player_lookup}`,
      });
      return inserted;
    }
    // Atomic writes leave a date either whole or absent, so this check is exact.
    const [present] = await executor.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM \`${analyticsTable}\` WHERE game_date = @game_date`,
      { params: { game_date: gameDate }, types: { game_date: 'DATE' } },
    );
    if (Number(present?.n ?? 0) > 0) return 0;
    // A row that does not fit rejects with RowError (permanent: dead-lettered) and writes nothing;
    // a failure that outlasts the retries writes nothing either, and the redelivery writes it all.
    const { written } = await executor.writeRows(analyticsTable, rows);
    return written;
  };

  const processOnce = async (message: { game_date: string }): Promise<GameDateResult> => {
    const lines = await executor.query<RawLineRow>(
      `SELECT game_id, player_name, player_type, strikeouts, hits
       FROM \`${rawTable}\`
       WHERE game_date = @game_date
       ORDER BY game_id, player_name`,
      { params: { game_date: message.game_date }, types: { game_date: 'DATE' } },
    );

    const ids = new Map<string, string | null>();
    for (const type of ['PITCHER', 'BATTER']) {
      const names = lines.filter((l) => l.player_type === type).map((l) => l.player_name);
      if (names.length === 0) continue;
      const found = await reader.getUniversalIdsBatch(names, { playerType: type.toLowerCase() });
      for (const [lookup, id] of found) ids.set(`${type}|${lookup}`, id);
    }

    const rows: AnalyticsRow[] = lines.map((line) => ({
      game_date: message.game_date,
      game_id: line.game_id,
      player_lookup: normalizePlayerLookup(line.player_name),
      player_type: line.player_type,
      universal_player_id: ids.get(`${line.player_type}|${line.player_name}`) ?? null,
      strikeouts: Number(line.strikeouts),
      hits: Number(line.hits),
      processed_by: name,
    }));

    const written = await writeRows(message.game_date, rows);
    return {
      read: lines.length,
      written,
      unresolved: rows.filter((r) => r.universal_player_id === null).length,
    };
  };

  return async function processGameDate(message: { game_date: string }): Promise<GameDateResult> {
    const before = running.get(message.game_date) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(() => processOnce(message));
    running.set(message.game_date, run);
    try {
      return await run;
    } finally {
      if (running.get(message.game_date) === run) running.delete(message.game_date);
    }
  };
}
