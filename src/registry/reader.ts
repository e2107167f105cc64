import { type ConfigEnv, getSportConfig } from '../config/index.js';
import { checkProjectId, parseQualifiedTableName } from '../config/table-name.js';
import { PlayerNotFoundError, toPipelineError } from '../errors/index.js';
import { type Logger, silentLogger } from '../logging/index.js';
import { abortReason } from '../retry/clock.js';
import { type Clock, systemClock } from '../retry/index.js';
import { checkOptions, OPTION_ALIASES, readOptions } from '../shared/check-options.js';
import { safeLogger } from '../shared/safe-logger.js';
import { untilAborted } from '../shared/until-aborted.js';
import { callDeadline, checkTimeoutMs } from './call-deadline.js';
import type { FlushOnExitOptions } from './exit-hook.js';
import { lookupKeyOf, MAX_PLAYER_TEXT_LENGTH, normalizePlayerType, preview } from './normalize.js';
import { notAString } from './not-a-string.js';
import { batchLookupSql, singleLookupSql } from './queries.js';
import { UnresolvedPlayerTracker } from './tracker.js';
import { TtlCache } from './ttl-cache.js';
import type { RegistryExecutor } from './types.js';

/**
 * Options of {@link PlayerRegistryReader}.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, PlayerRegistryReader, type PlayerRegistryReaderOptions } from 'gcp-pipeline-resilience';
 * const forPredictor = (source: string): PlayerRegistryReaderOptions => ({
 *   executor: new BigQueryExecutor(),
 *   sport: 'mlb',
 *   source,
 *   cacheTtlMs: 600_000,
 * });
 * const reader = new PlayerRegistryReader(forPredictor('batter_hits_predictor'));
 * ```
 */
export interface PlayerRegistryReaderOptions {
  executor: RegistryExecutor;
  /** `'nba'` or `'mlb'`: picks `{sport}_reference.{sport}_players_registry`. */
  sport: string;
  /** Who is asking: the `source` of the unresolved players this reader records. */
  source: string;
  /** How long an answer (a hit or a miss) is reused. Default 300000 (5 minutes). 0 disables. */
  cacheTtlMs?: number;
  /** Most cached answers (an integer >= 0, or Infinity); the oldest go first. Default 100000. */
  maxCacheEntries?: number;
  /** Most lookups per batch query; a longer batch is split. Default 10000. */
  maxLookupsPerQuery?: number;
  /** Where misses are recorded; the reader makes its own when absent. */
  tracker?: UnresolvedPlayerTracker;
  /**
   * The `flushOnExit` option of the tracker the reader makes (a `TypeError` with `tracker`).
   * Default `true`: while it holds misses it flushes them when the process shuts down.
   */
  flushOnExit?: boolean | FlushOnExitOptions;
  /** Fully qualified registry table; default `{project}.{sport}_reference.{sport}_players_registry`. */
  table?: string;
  /** Project of the default tables; default from the sport config (GCP_PROJECT_ID, ...).; checked by Google's project-id rule (an `InvalidResourceNameError` otherwise). */
  projectId?: string;
  /** Environment for the sport config; `process.env` by default. */
  env?: ConfigEnv;
  /** Time for the cache's TTL; `schedule` times each registry query. */
  clock?: Pick<Clock, 'now' | 'schedule'>;
  logger?: Logger;
  /**
   * How long one registry query may go unanswered, ms, before its lookups reject with an
   * `OperationTimeoutError` (neither cached nor tracked; the next lookup asks again). Default
   * 120 000: past the executor's own 60 s per request, a bound on a call that hangs, so that no
   * player's lookups wait on it for ever (concurrent lookups of a player share its query).
   */
  queryTimeoutMs?: number;
}

/**
 * Options of a lookup.
 *
 * @example
 * ```ts
 * import { PlayerRegistryReader, type LookupOptions } from 'gcp-pipeline-resilience';
 * declare const reader: PlayerRegistryReader;
 * const pitcherOrNull: LookupOptions = { playerType: 'pitcher', required: false };
 * const id = await reader.getUniversalId('Logan Webb', pitcherOrNull); // null for an unknown pitcher
 * ```
 */
export interface LookupOptions {
  /** `'pitcher'`, `'batter'`, ... in any case; matched against the upper-case `player_type` column. */
  playerType?: string;
  /**
   * Throw `PlayerNotFoundError` for a miss. Default true for one lookup, false for a batch (a miss is
   * `null`).
   */
  required?: boolean;
  /**
   * Stops waiting when it aborts: the lookup rejects at once with `signal.reason` and its registry
   * query is aborted too (through the executor's `retry.signal`), unless another lookup of the same
   * player without an aborted signal still waits on that shared query. An abandoned lookup is neither
   * cached nor tracked.
   */
  signal?: AbortSignal;
}

/** A registry query that concurrent lookups of one player share, and how many of them still wait. */
interface SharedLookup {
  readonly promise: Promise<string | null>;
  readonly controller: AbortController;
  waiters: number;
  settled: boolean;
}

/**
 * Counters of a reader since it was created (`reader.stats`), e.g. for a cache hit rate.
 *
 * @example
 * ```ts
 * import type { RegistryReaderStats } from 'gcp-pipeline-resilience';
 * const hitRate = (s: RegistryReaderStats) => (s.lookups ? s.cacheHits / s.lookups : 0);
 * ```
 */
export interface RegistryReaderStats {
  lookups: number;
  cacheHits: number;
  cacheMisses: number;
  notFound: number;
  queries: number;
}

/**
 * Resolves player lookups to universal player ids from the sport's players registry, with a TTL
 * cache of hits and misses, batched queries and every miss recorded in an
 * {@link UnresolvedPlayerTracker}. Queries are parameterised. A failing query rejects with its typed
 * error, never "not found" (an outage must not look like an unknown player), and its lookups are
 * neither cached nor tracked.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, PlayerRegistryReader } from 'gcp-pipeline-resilience';
 *
 * const reader = new PlayerRegistryReader({
 *   executor: new BigQueryExecutor(),
 *   sport: 'mlb',
 *   source: 'pitcher_strikeouts_predictor',
 * });
 * const id = await reader.getUniversalId('Logan Webb', { playerType: 'pitcher' }); // throws if unknown
 * const ids = await reader.getUniversalIdsBatch(['loganwebb', 'gerritcole']);       // Map, null = unknown
 * await reader.tracker.flush();
 * ```
 */
export class PlayerRegistryReader {
  /** Fully qualified registry table. */
  readonly table: string;
  /** Where this reader records misses. */
  readonly tracker: UnresolvedPlayerTracker;

  readonly #executor: RegistryExecutor;
  readonly #source: string;
  readonly #logger: Logger;
  readonly #cache: TtlCache<string | null>;
  readonly #maxLookupsPerQuery: number;
  readonly #queryTimeoutMs: number;
  readonly #clock: Pick<Clock, 'now' | 'schedule'>;
  readonly #inflight = new Map<string, SharedLookup>();
  /**
   * Bumped by `clearCache`: an answer to a query sent before the bump may predate the change the
   * caller cleared the cache for, so it is returned to its waiters but not cached.
   */
  #generation = 0;
  readonly #stats: RegistryReaderStats = {
    lookups: 0,
    cacheHits: 0,
    cacheMisses: 0,
    notFound: 0,
    queries: 0,
  };

  constructor(given: PlayerRegistryReaderOptions) {
    // Each option is read once: a getter is not asked again later, and one that throws is a TypeError now.
    const options = readOptions('new PlayerRegistryReader', given);
    checkOptions(
      'new PlayerRegistryReader',
      options,
      {
        executor: 'object',
        sport: 'string',
        source: 'string',
        cacheTtlMs: 'number',
        maxCacheEntries: 'number',
        maxLookupsPerQuery: 'number',
        tracker: 'object',
        flushOnExit: ['boolean', 'object'],
        table: 'string',
        projectId: 'string',
        env: 'object',
        clock: 'object',
        logger: 'object',
        queryTimeoutMs: 'number',
      },
      OPTION_ALIASES,
    );
    if (options.tracker !== undefined && options.flushOnExit !== undefined) {
      // The reader does not make a tracker then: an opt-out given here would be dropped unseen.
      throw new TypeError(
        'new PlayerRegistryReader: options tracker and flushOnExit exclude each other; give flushOnExit to the tracker',
      );
    }
    const queryTimeoutMs = options.queryTimeoutMs ?? 120_000;
    checkTimeoutMs('new PlayerRegistryReader: option queryTimeoutMs', queryTimeoutMs);
    const config = getSportConfig(options.sport, options.env);
    // Checked even beside \`table\` (the reader hands it to its tracker): a bad id is a mistake either way.
    if (options.projectId !== undefined)
      checkProjectId(options.projectId, 'new PlayerRegistryReader: option projectId');
    const projectId = options.projectId ?? config.projectId;
    const table = options.table ?? `${projectId}.${config.referenceDataset}.${config.sport}_players_registry`;
    parseQualifiedTableName(table, 'a registry table');
    const cacheTtlMs = options.cacheTtlMs ?? 300_000;
    if (!(cacheTtlMs >= 0)) throw new RangeError(`cacheTtlMs must be >= 0, got ${cacheTtlMs}`);
    const maxCacheEntries = options.maxCacheEntries ?? 100_000;
    // NaN would turn the bound off without a word (`size > NaN` is never true): memory without limit.
    if (
      !(Number.isInteger(maxCacheEntries) && maxCacheEntries >= 0) &&
      maxCacheEntries !== Number.POSITIVE_INFINITY
    ) {
      throw new RangeError(`maxCacheEntries must be an integer >= 0 or Infinity, got ${maxCacheEntries}`);
    }
    const maxLookups = options.maxLookupsPerQuery ?? 10_000;
    if (!Number.isInteger(maxLookups) || maxLookups < 1) {
      throw new RangeError(`maxLookupsPerQuery must be a positive integer, got ${maxLookups}`);
    }
    const clock = options.clock ?? systemClock;
    this.table = table;
    this.#executor = options.executor;
    this.#source = options.source;
    this.#logger = options.logger === undefined ? silentLogger : safeLogger(options.logger);
    this.#cache = new TtlCache(cacheTtlMs, maxCacheEntries, clock);
    this.#maxLookupsPerQuery = maxLookups;
    this.#queryTimeoutMs = queryTimeoutMs;
    this.#clock = clock;
    this.tracker =
      options.tracker ??
      new UnresolvedPlayerTracker({
        executor: options.executor,
        sport: config.sport,
        source: options.source,
        ...(options.projectId === undefined ? {} : { projectId: options.projectId }),
        ...(options.env === undefined ? {} : { env: options.env }),
        ...(options.flushOnExit === undefined ? {} : { flushOnExit: options.flushOnExit }),
        clock,
        logger: this.#logger,
      });
  }

  /** A copy of the counters. */
  get stats(): RegistryReaderStats {
    return { ...this.#stats };
  }

  /**
   * The universal id of one player. The lookup is normalized first (`'Logan Webb'` → `'loganwebb'`).
   * A miss is recorded in the tracker and throws {@link PlayerNotFoundError} unless
   * `required: false`, which resolves `null` instead.
   *
   * @example
   * ```ts
   * import { PlayerRegistryReader } from 'gcp-pipeline-resilience';
   * declare const reader: PlayerRegistryReader;
   * const id = await reader.getUniversalId('loganwebb', { playerType: 'pitcher' });
   * const maybe = await reader.getUniversalId('someone', { required: false }); // string | null
   * ```
   */
  getUniversalId(lookup: string, options?: LookupOptions & { required?: true }): Promise<string>;
  getUniversalId(lookup: string, options: LookupOptions & { required: false }): Promise<string | null>;
  getUniversalId(lookup: string, options?: LookupOptions): Promise<string | null>;
  async getUniversalId(lookup: string, given: LookupOptions = {}): Promise<string | null> {
    // The checked copy: a getter answered the check once and is not asked again.
    const options = checkLookupOptions('getUniversalId', given);
    if (typeof lookup !== 'string') throw notAString('getUniversalId: lookup', lookup);
    const signal = options.signal;
    if (signal?.aborted) throw abortReason(signal);
    const required = options.required ?? true;
    const type = typeFilter(options.playerType);
    // Undefined for a name longer than any player's: a miss, never read, cached or queried.
    const normalized = lookupKeyOf(lookup);
    this.#stats.lookups += 1;

    let id: string | null;
    const cached = normalized === undefined ? undefined : this.#cache.get(cacheKey(normalized, type));
    if (cached !== undefined) {
      this.#stats.cacheHits += 1;
      id = cached.value;
    } else {
      this.#stats.cacheMisses += 1;
      id = normalized === undefined ? null : await this.#lookupOne(normalized, type, signal);
    }
    if (id === null) this.#miss(lookup, normalized, options.playerType, required);
    return id;
  }

  /**
   * The universal ids of many players: cached answers first, then ONE query for all the rest
   * (`IN UNNEST(@player_lookups)`; split only past `maxLookupsPerQuery`). The map is keyed by the
   * lookups as given; `null` marks a miss. With `required: true` every miss is still recorded, then
   * the first one throws {@link PlayerNotFoundError}.
   *
   * @example
   * ```ts
   * import { PlayerRegistryReader } from 'gcp-pipeline-resilience';
   * declare const reader: PlayerRegistryReader;
   * const ids = await reader.getUniversalIdsBatch(['loganwebb', 'Gerrit Cole'], { playerType: 'pitcher' });
   * ids.get('Gerrit Cole'); // 'mlb_000123' or null
   * ```
   */
  async getUniversalIdsBatch(
    lookups: readonly string[],
    given: LookupOptions = {},
  ): Promise<Map<string, string | null>> {
    const options = checkLookupOptions('getUniversalIdsBatch', given);
    // A string is iterable too: each of its characters would be looked up and tracked as a player.
    if (!Array.isArray(lookups)) {
      throw notAString('getUniversalIdsBatch: lookups', lookups, 'an array of strings');
    }
    for (const [index, lookup] of lookups.entries()) {
      if (typeof lookup !== 'string') throw notAString(`getUniversalIdsBatch: lookups[${index}]`, lookup);
    }
    const signal = options.signal;
    if (signal?.aborted) throw abortReason(signal);
    const required = options.required ?? false;
    const type = typeFilter(options.playerType);
    const answers = new Map<string, string | null>();
    const toQuery: string[] = [];
    const queued = new Set<string>();

    for (const lookup of lookups) {
      const normalized = lookupKeyOf(lookup);
      this.#stats.lookups += 1;
      if (normalized === undefined) {
        this.#stats.cacheMisses += 1;
        continue;
      }
      if (answers.has(normalized) || queued.has(normalized)) {
        this.#stats.cacheHits += 1;
        continue;
      }
      const cached = this.#cache.get(cacheKey(normalized, type));
      if (cached !== undefined) {
        this.#stats.cacheHits += 1;
        answers.set(normalized, cached.value);
      } else if (unlookable(normalized, type)) {
        this.#stats.cacheMisses += 1;
        answers.set(normalized, null);
      } else {
        this.#stats.cacheMisses += 1;
        toQuery.push(normalized);
        queued.add(normalized);
      }
    }

    for (let start = 0; start < toQuery.length; start += this.#maxLookupsPerQuery) {
      const chunk = toQuery.slice(start, start + this.#maxLookupsPerQuery);
      const generation = this.#generation;
      const found = await this.#lookupMany(chunk, type, signal);
      for (const normalized of chunk) {
        const id = found.get(normalized) ?? null;
        if (generation === this.#generation) this.#cache.set(cacheKey(normalized, type), id);
        answers.set(normalized, id);
      }
    }

    const result = new Map<string, string | null>();
    let firstMiss: string | undefined;
    for (const lookup of lookups) {
      const normalized = lookupKeyOf(lookup);
      const id = normalized === undefined ? null : (answers.get(normalized) ?? null);
      result.set(lookup, id);
      if (id === null) {
        this.#miss(lookup, normalized, options.playerType, false);
        firstMiss ??= lookup;
      }
    }
    if (required && firstMiss !== undefined) {
      throw notFound(firstMiss, lookupKeyOf(firstMiss), options.playerType);
    }
    return result;
  }

  /**
   * Forgets every cached answer (hits and misses). Queries already in flight still answer the lookups
   * waiting on them, but a lookup from now on asks afresh, and their answers are not cached.
   *
   * @example
   * ```ts
   * import { PlayerRegistryReader } from 'gcp-pipeline-resilience';
   * declare const reader: PlayerRegistryReader;
   * reader.clearCache(); // e.g. after the registry was rebuilt
   * ```
   */
  clearCache(): void {
    this.#generation += 1;
    this.#cache.clear();
    this.#inflight.clear();
  }

  #miss(
    lookup: string,
    normalized: string | undefined,
    playerType: string | undefined,
    required: boolean,
  ): void {
    this.#stats.notFound += 1;
    // The name as asked for: the tracker normalizes it the same way, and a name it cannot key (大谷翔平)
    // is then logged as it was, not as the empty lookup it normalizes to.
    this.tracker.track(lookup, playerType ?? 'unknown', this.#source);
    if (required) throw notFound(lookup, normalized, playerType);
  }

  async #lookupOne(
    normalized: string,
    type: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<string | null> {
    if (unlookable(normalized, type)) return null;
    const key = cacheKey(normalized, type);
    // Concurrent lookups of the same player share one query; it has its own stop signal, aborted
    // only when every lookup waiting on it has left (one caller's abort must not fail the others).
    let shared = this.#inflight.get(key);
    if (shared === undefined) {
      const controller = new AbortController();
      const entry: SharedLookup = {
        controller,
        waiters: 0,
        settled: false,
        promise: this.#queryOne(normalized, type, controller.signal).finally(() => {
          entry.settled = true;
          if (this.#inflight.get(key) === entry) this.#inflight.delete(key);
        }),
      };
      // Every waiter may leave before it settles: its rejection then has no one to reach.
      entry.promise.catch(() => undefined);
      this.#inflight.set(key, entry);
      shared = entry;
    }
    shared.waiters += 1;
    try {
      return await untilAborted(shared.promise, signal);
    } finally {
      shared.waiters -= 1;
      if (shared.waiters === 0 && !shared.settled && signal?.aborted) {
        // The last waiter left: stop the query, and let the next lookup start afresh.
        if (this.#inflight.get(key) === shared) this.#inflight.delete(key);
        shared.controller.abort(abortReason(signal));
      }
    }
  }

  async #queryOne(normalized: string, type: string | undefined, signal: AbortSignal): Promise<string | null> {
    const params: Record<string, unknown> = { player_lookup: normalized };
    if (type !== undefined) params.player_type = type.toUpperCase();
    const generation = this.#generation;
    const rows = await this.#run<{ universal_player_id: string | null }>(
      singleLookupSql(this.table, type !== undefined),
      params,
      signal,
    );
    const id = rows[0]?.universal_player_id ?? null;
    if (generation === this.#generation) this.#cache.set(cacheKey(normalized, type), id);
    return id;
  }

  async #lookupMany(
    normalized: string[],
    type: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Map<string, string>> {
    const params: Record<string, unknown> = { player_lookups: normalized };
    if (type !== undefined) params.player_type = type.toUpperCase();
    const rows = await this.#run<{ player_lookup: string; universal_player_id: string | null }>(
      batchLookupSql(this.table, type !== undefined),
      params,
      signal,
    );
    const found = new Map<string, string>();
    for (const row of rows) {
      // Rows come latest first within a lookup: keep the first.
      if (row.universal_player_id != null && !found.has(row.player_lookup)) {
        found.set(row.player_lookup, row.universal_player_id);
      }
    }
    return found;
  }

  async #run<T>(sql: string, params: Record<string, unknown>, signal: AbortSignal | undefined): Promise<T[]> {
    this.#stats.queries += 1;
    const deadline = callDeadline(
      this.#clock,
      this.#queryTimeoutMs,
      signal,
      `player registry query (${this.table})`,
    );
    try {
      // The executor may ignore the signal (any implementation of the interface): the wait ends anyway.
      const rows: unknown = await untilAborted(
        this.#executor.query<T>(sql, { params, retry: { signal: deadline.signal } }),
        deadline.signal,
      );
      // Read as rows, another answer is no row: every player "not found", cached and tracked as such.
      if (!Array.isArray(rows)) {
        throw new TypeError('registry query answered without a list of rows');
      }
      return rows as T[];
    } catch (thrown) {
      // The caller's own abort is its reason, untouched, and no failure of the registry.
      if (signal?.aborted && thrown === abortReason(signal)) throw thrown;
      const error = toPipelineError(thrown);
      this.#logger.error('player registry query failed', { table: this.table, error });
      throw error;
    } finally {
      deadline.end();
    }
  }
}

/**
 * A lookup no registry row can have: empty after normalization, or its type longer than any real one
 * (a scraped page in a type field, which would be sent as a query parameter and cached for the TTL).
 * It is a miss without a query. (A name longer than that never gets here: `lookupKeyOf`, and
 * normalizing never lengthens a name.)
 */
function unlookable(normalized: string, type: string | undefined): boolean {
  return normalized === '' || (type !== undefined && type.length > MAX_PLAYER_TEXT_LENGTH);
}

/** The options as checked, each read once. */
function checkLookupOptions(where: string, options: LookupOptions): LookupOptions {
  return checkOptions(
    where,
    options,
    { playerType: 'string', required: 'boolean', signal: 'signal' },
    OPTION_ALIASES,
  );
}

function typeFilter(playerType: string | undefined): string | undefined {
  const trimmed = playerType?.trim().toLowerCase();
  return trimmed ? normalizePlayerType(trimmed) : undefined;
}

/**
 * The cache's key of a question: the lookup alone without a type filter, the lookup and the type
 * with one. A type is any non-empty text ('any' included), so no spelling of it may stand for
 * "no filter"; a normalized lookup holds no NUL, so the first NUL ends it.
 */
function cacheKey(normalized: string, type: string | undefined): string {
  return type === undefined ? normalized : `${normalized}\u0000${type}`;
}

/** `normalized`: undefined for a name longer than any player's (its `lookup` is then `''`). */
function notFound(
  lookup: string,
  normalized: string | undefined,
  playerType: string | undefined,
): PlayerNotFoundError {
  const typed = playerType ? ` (${preview(playerType)})` : '';
  // A name too long to be looked up: the message's preview of it already gives its length.
  const as =
    normalized === undefined || lookup === normalized
      ? ''
      : ` (looked up as ${JSON.stringify(preview(normalized))})`;
  return new PlayerNotFoundError(
    `Player ${JSON.stringify(preview(lookup))}${typed}${as} is not in the registry`,
    {
      lookup: normalized ?? '',
      ...(playerType === undefined ? {} : { playerType }),
    },
  );
}
