import { type ConfigEnv, getSportConfig } from '../config/index.js';
import { checkProjectId, parseQualifiedTableName } from '../config/table-name.js';
import { PartialInsertError, PipelineError, type RowFailure, toPipelineError } from '../errors/index.js';
import { type Logger, silentLogger } from '../logging/index.js';
import { type Clock, systemClock } from '../retry/index.js';
import { checkOptions, OPTION_ALIASES, readOptions } from '../shared/check-options.js';
import { randomUUID } from '../shared/node-crypto.js';
import { safeLogger } from '../shared/safe-logger.js';
import { untilAborted } from '../shared/until-aborted.js';
import { defaultShutdownCoordinator } from '../shutdown/index.js';
import { type CallDeadline, callDeadline, checkTimeoutMs } from './call-deadline.js';
import { UNRESOLVED_PLAYERS_TABLE } from './ddl.js';
import type { FlushOnExitOptions } from './exit-hook.js';
import { findLandedRows, landedKey } from './landed-rows.js';
import { MAX_PLAYER_TEXT_LENGTH, normalizePlayerLookup, normalizePlayerType, preview } from './normalize.js';
import { notAString } from './not-a-string.js';
import type { RegistryExecutor } from './types.js';

/**
 * One row of the unresolved-players table, exactly as written. Timestamps are ISO 8601 with `Z`, so
 * no reader has to guess their time zone.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, type UnresolvedPlayerRow } from 'gcp-pipeline-resilience';
 * // Read back what the tracker wrote, typed as it wrote it.
 * const bq = new BigQueryExecutor();
 * const rows = await bq.query<UnresolvedPlayerRow>(
 *   'SELECT * FROM mlb_reference.unresolved_players WHERE reported_at > @since ORDER BY occurrence_count DESC',
 *   { params: { since: new Date(Date.now() - 86_400_000) } },
 * );
 * rows[0]?.player_lookup;
 * ```
 */
export interface UnresolvedPlayerRow {
  player_lookup: string;
  player_type: string;
  source: string;
  first_seen: string;
  occurrence_count: number;
  reported_at: string;
}

/**
 * A tracked unresolved player as `entries()` shows it. `count` is every miss not yet written: the
 * part in a batch awaiting a retried flush plus the misses that arrived since.
 *
 * @example
 * ```ts
 * import type { UnresolvedPlayer } from 'gcp-pipeline-resilience';
 * const show = (p: UnresolvedPlayer) => `${p.playerLookup} (${p.playerType}) x${p.count}`;
 * ```
 */
export interface UnresolvedPlayer {
  /** Normalized lookup (`normalizePlayerLookup`). */
  readonly playerLookup: string;
  /** Lower-case type (`normalizePlayerType`); written upper-cased. */
  readonly playerType: string;
  /** The source of the first miss. */
  readonly source: string;
  readonly firstSeen: Date;
  readonly count: number;
  /** Misses already in a batch that a failed flush left pending (written first, with the same ids). */
  readonly pendingCount: number;
}

/**
 * What `flush()` resolves to. It never rejects: a failure is `error` (typed, also logged).
 *
 * @example
 * ```ts
 * import type { FlushResult } from 'gcp-pipeline-resilience';
 * const report = (r: FlushResult) => (r.error ? `kept ${r.retained}: ${r.error.code}` : `wrote ${r.flushed}`);
 * ```
 */
export interface FlushResult {
  /**
   * Rows written by this call, including rows an earlier call sent whose answer was lost and which
   * this call found in the table.
   */
  flushed: number;
  /** Players still held after it (they will be written by a later flush). */
  retained: number;
  /**
   * Misses of new players `track` refused since the last flush that reported them, because
   * `maxEntries` players were held; absent when none. They are lost: `error` says so too.
   */
  dropped?: number;
  /**
   * Why some or all rows were not written (or, coded `UNRESOLVED_PLAYERS_DROPPED`, why misses were
   * never recorded: see `dropped`); absent when every miss was written.
   */
  error?: PipelineError;
}

/**
 * Options of one {@link UnresolvedPlayerTracker.flush} call.
 *
 * @example
 * ```ts
 * import type { FlushOptions, UnresolvedPlayerTracker } from 'gcp-pipeline-resilience';
 * declare const tracker: UnresolvedPlayerTracker;
 * // At the end of a Cloud Functions invocation: at most 10 s, and stop if the request is cancelled.
 * const options: FlushOptions = { timeoutMs: 10_000, signal: AbortSignal.timeout(15_000) };
 * const { error } = await tracker.flush(options);
 * ```
 */
export interface FlushOptions {
  /**
   * Stops waiting when it aborts: the flush resolves at once with the signal's reason as `error`, and
   * every row not known to be written stays for a later flush.
   */
  signal?: AbortSignal;
  /**
   * This call's limit, ms, from the call (waiting for an earlier flush included); default the
   * tracker's `flushTimeoutMs`. Past it the flush resolves with an `OperationTimeoutError`, keeping
   * every row not known to be written.
   */
  timeoutMs?: number;
}

/**
 * Options of {@link UnresolvedPlayerTracker}.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, UnresolvedPlayerTracker, type UnresolvedPlayerTrackerOptions } from 'gcp-pipeline-resilience';
 * const forProcessor = (source: string): UnresolvedPlayerTrackerOptions => ({
 *   executor: new BigQueryExecutor(),
 *   sport: 'mlb',
 *   source,
 * });
 * const tracker = new UnresolvedPlayerTracker(forProcessor('mlb_game_processor'));
 * ```
 */
export interface UnresolvedPlayerTrackerOptions {
  executor: RegistryExecutor;
  /** `'nba'` or `'mlb'`: picks the reference dataset of the default table. */
  sport: string;
  /** The default `source` column: the processor or predictor doing the lookups. */
  source: string;
  /** Fully qualified `project.dataset.table`; default `{project}.{sport}_reference.unresolved_players`. */
  table?: string;
  /** Project of the default table; default from the sport config (GCP_PROJECT_ID, ...).; checked by Google's project-id rule (an `InvalidResourceNameError` otherwise). */
  projectId?: string;
  /** Environment for the sport config; `process.env` by default. */
  env?: ConfigEnv;
  /** Most distinct (lookup, type) pairs held at once; further new pairs are counted in `overflowCount`. */
  maxEntries?: number;
  /** Time for `first_seen`, `reported_at` and the de-duplication window; `schedule` times each flush. */
  clock?: Pick<Clock, 'now' | 'schedule'>;
  logger?: Logger;
  /**
   * How long one flush may take, ms, before it stops waiting for BigQuery (a query or insert that
   * never answers) and resolves with an `OperationTimeoutError`, keeping every row not known to be
   * written. Default 120 000: past the executor's own 60 s per request, a bound on the rare call that
   * hangs, so that no flush holds the next one (or shutdown) for ever.
   */
  flushTimeoutMs?: number;
  /**
   * Makes the id shared by a batch's insert ids (`<id>:<row>`); a random UUID by default. It must
   * differ for every batch, also across restarts: BigQuery drops a row whose insert id it saw in the
   * last minute or so. A repeat within the process, or an id too long for the 128-character insert
   * id, fails that flush (its entries are kept).
   */
  createBatchId?: () => string;
  /**
   * Whether the tracker flushes by itself when the process shuts down (SIGTERM, SIGINT, or the event
   * loop running empty) while it holds rows. Default `true`: from the first recorded miss until a
   * flush leaves it empty, it is joined to the process-wide shutdown coordinator, so misses of a
   * function that never flushed reach the table at shutdown instead of dying with the process. An
   * object joins with those options (a coordinator of your own, this flush's limit, its name).
   * `false` opts out: rows held when the process ends are then lost unless you flush them yourself.
   */
  flushOnExit?: boolean | FlushOnExitOptions;
}

/** The options `flushOnExit` accepts, checked where they are given. */
const FLUSH_ON_EXIT_SPEC = { coordinator: 'object', timeoutMs: 'number', name: 'string' } as const;

/** The default of `flushTimeoutMs`. */
const DEFAULT_FLUSH_TIMEOUT_MS = 120_000;

/** BigQuery's limit on an insert id. */
const MAX_INSERT_ID_LENGTH = 128;
/** Batch ids remembered to refuse a repeat: far more flushes than fit in BigQuery's de-duplication window. */
const REMEMBERED_BATCH_IDS = 1_024;
/** Adds `value` to the latest `REMEMBERED_BATCH_IDS` of `set`, forgetting the oldest past them. */
function remember<T>(set: Set<T>, value: T): void {
  set.add(value);
  if (set.size > REMEMBERED_BATCH_IDS) set.delete(set.values().next().value as T);
}

/**
 * How far behind the previous batch's reported_at a reading may be and still be replaced by the next
 * millisecond after it (two flushes in one ms, a small step back); further, the clock is followed.
 */
const PIN_REPORTED_AT_MS = 1_000;

/**
 * How long after a send whose answer was lost a re-send under the same insert ids is trusted to be
 * de-duplicated by BigQuery (which promises "at least one minute" from the first insert); half of
 * it, for the request's own duration and clock error. Later, the table is asked first.
 */
const DEDUP_TRUST_MS = 30_000;

/** A letter or digit of any script: a lookup holding one names someone, even if it normalizes to nothing. */
const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** A lone UTF-16 surrogate (half of an emoji cut in two): text with no UTF-8 form. */
const LONE_SURROGATE = /\p{Surrogate}/u;

function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** A clear TypeError for an argument of `track` that is not a string (`absent`: undefined and null are fine). */
function checkArgument(name: string, value: unknown, absent: boolean): void {
  if (typeof value === 'string' || (absent && (value === undefined || value === null))) return;
  throw notAString(`track: ${name}`, value);
}

/** The range of epoch ms a Date can hold. */
const MAX_DATE_MS = 8.64e15;

/**
 * The `first_seen` of a row reported at `reportedAtMs`: the first miss's clock reading, but never
 * after the report (a clock stepped back between the two) and never a reading that is not a time
 * (the report's time stands in for it).
 */
function firstSeenOf(firstSeenMs: number, reportedAtMs: number): number {
  if (!Number.isFinite(firstSeenMs) || Math.abs(firstSeenMs) > MAX_DATE_MS) return reportedAtMs;
  return Math.min(firstSeenMs, reportedAtMs);
}

interface Accumulating {
  source: string;
  firstSeenMs: number;
  count: number;
}

interface PendingRow {
  insertId: string;
  row: UnresolvedPlayerRow;
  /**
   * Clock reading before the first send whose outcome is unknown (a lost answer, a failure that
   * may have come after the write): the row may be in the table already.
   */
  unsureSinceMs?: number;
}

/**
 * The key of a player's slot in `#slots`: its normalized lookup and its type as written (upper case).
 * Types that differ in lower case but are written alike ('ß' and 'ss', 'ı' and 'i') are one slot: as
 * two, they made rows alike but for their insert ids, and the landed one stood for the other when the
 * table was asked which rows landed, which was then forgotten unwritten.
 */
function slotKey(lookup: string, type: string): string {
  return `${lookup}\u0000${type.toUpperCase()}`;
}

/** Whether a re-send of `pending` at `nowMs` may fall outside BigQuery's de-duplication window. */
function pastDedupWindow(pending: PendingRow, nowMs: number): boolean {
  if (pending.unsureSinceMs === undefined) return false;
  const elapsed = nowMs - pending.unsureSinceMs;
  // A clock stepped back (or a reading that is not a time) cannot tell: the table is asked.
  return !(elapsed >= 0 && elapsed < DEDUP_TRUST_MS);
}

// One slot per (lookup, type). `pending` is a row frozen at snapshot time with a fixed insert id; it
// is re-sent byte for byte until it is written. `current` collects the misses that arrived after it.
interface Slot {
  lookup: string;
  type: string;
  pending?: PendingRow;
  current?: Accumulating;
}

/**
 * Collects the players a registry could not resolve, deduplicated by (normalized lookup, player
 * type) with a count, the first-seen time and the source, and writes them to the unresolved-players
 * table with {@link UnresolvedPlayerTracker.flush}.
 *
 * A failed flush loses nothing: entries stay until BigQuery has them, and a retried flush re-sends
 * the same rows with the same insert ids, so an insert whose answer was lost is not written twice.
 * Past BigQuery's de-duplication window (30 s after such a send, to be safe) the tracker first asks
 * the table which of those rows it holds and sends only the others. Memory is bounded by
 * `maxEntries`. While it holds rows it is joined to the process's shutdown (option `flushOnExit`,
 * default `true`), so a SIGTERM flushes what no code flushed.
 *
 * @example
 * ```ts
 * import { BigQueryExecutor, UnresolvedPlayerTracker } from 'gcp-pipeline-resilience';
 *
 * const tracker = new UnresolvedPlayerTracker({
 *   executor: new BigQueryExecutor(),
 *   sport: 'mlb',
 *   source: 'pitcher_strikeouts_predictor',
 * });
 * tracker.track('Logan Webb', 'pitcher'); // from now until a flush empties it, SIGTERM flushes it
 * const { flushed, retained, error } = await tracker.flush();
 * ```
 */
export class UnresolvedPlayerTracker {
  /** Fully qualified table the rows go to. */
  readonly table: string;
  /** The cap on distinct players held. */
  readonly maxEntries: number;
  /** How long one flush may take by default, ms (`flushTimeoutMs`). */
  readonly flushTimeoutMs: number;

  readonly #executor: RegistryExecutor;
  readonly #source: string;
  readonly #clock: Pick<Clock, 'now' | 'schedule'>;
  readonly #logger: Logger;
  readonly #createBatchId: () => string;
  readonly #slots = new Map<string, Slot>();
  #pendingRows = 0;
  /** The reported_at of the latest batch, ms: the next batch's is later unless the clock stepped back. */
  #lastReportedAtMs: number | undefined;
  /** The reported_at of the latest batches, ms, oldest first: a new batch takes none of them. */
  readonly #usedReportedAt = new Set<number>();
  #overflowCount = 0;
  #overflowReported = 0;
  /** The latest batch ids, oldest first (a Set keeps insertion order). */
  readonly #usedBatchIds = new Set<string>();
  /** Settles when every flush called so far has finished: the next one waits for it. */
  #flushing: Promise<unknown> = Promise.resolve();
  /** The deadlines of the flushes called (not by a shutdown) and not yet finished: a shutdown cuts them. */
  readonly #running = new Set<CallDeadline>();
  #unhookExit: (() => void) | undefined;
  /** Who joined the shutdown: the tracker itself while it holds rows, or a `flushOnExit()` call. */
  #exitJoinedBy: 'tracker' | 'call' | undefined;
  /** The options the tracker joins with by itself; undefined when `flushOnExit: false`. */
  readonly #autoExit: FlushOnExitOptions | undefined;

  constructor(given: UnresolvedPlayerTrackerOptions) {
    // Each option is read once: a getter is not asked again later, and one that throws is a TypeError now.
    const options = readOptions('new UnresolvedPlayerTracker', given);
    checkOptions(
      'new UnresolvedPlayerTracker',
      options,
      {
        executor: 'object',
        sport: 'string',
        source: 'string',
        table: 'string',
        projectId: 'string',
        env: 'object',
        maxEntries: 'number',
        clock: 'object',
        logger: 'object',
        createBatchId: 'function',
        flushTimeoutMs: 'number',
        flushOnExit: ['boolean', 'object'],
      },
      OPTION_ALIASES,
    );
    if (typeof options.flushOnExit === 'object') {
      // Read once too: the tracker joins with this copy later.
      options.flushOnExit = readOptions(
        'new UnresolvedPlayerTracker: option flushOnExit',
        options.flushOnExit,
      );
      checkOptions(
        'new UnresolvedPlayerTracker: option flushOnExit',
        options.flushOnExit,
        FLUSH_ON_EXIT_SPEC,
        OPTION_ALIASES,
      );
      // Checked now: the tracker joins later, inside `track`, which must not throw for it.
      const { timeoutMs } = options.flushOnExit;
      if (timeoutMs !== undefined) {
        checkTimeoutMs('new UnresolvedPlayerTracker: option flushOnExit.timeoutMs', timeoutMs);
      }
    }
    if (hasLoneSurrogate(options.source)) {
      throw new TypeError(
        'new UnresolvedPlayerTracker: option source has a lone surrogate (text with no UTF-8 form, which BigQuery cannot hold)',
      );
    }
    if (options.source.length > MAX_PLAYER_TEXT_LENGTH) {
      throw new TypeError(
        `new UnresolvedPlayerTracker: option source is ${options.source.length} characters long; at most ${MAX_PLAYER_TEXT_LENGTH}`,
      );
    }
    const maxEntries = options.maxEntries ?? 10_000;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    }
    const flushTimeoutMs = options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
    checkTimeoutMs('new UnresolvedPlayerTracker: option flushTimeoutMs', flushTimeoutMs);
    const config = getSportConfig(options.sport, options.env);
    // Checked even beside \`table\` (the reader hands it to its tracker): a bad id is a mistake either way.
    if (options.projectId !== undefined)
      checkProjectId(options.projectId, 'new UnresolvedPlayerTracker: option projectId');
    const projectId = options.projectId ?? config.projectId;
    this.table = options.table ?? `${projectId}.${config.referenceDataset}.${UNRESOLVED_PLAYERS_TABLE}`;
    // Checked now: a name that is not a table would fail every flush, and one with a backtick would
    // break out of its quoting.
    parseQualifiedTableName(this.table, 'an unresolved-players table');
    this.maxEntries = maxEntries;
    this.flushTimeoutMs = flushTimeoutMs;
    this.#executor = options.executor;
    this.#source = options.source;
    this.#clock = options.clock ?? systemClock;
    // Every log call is isolated: a logger that throws (EPIPE on stdout) must not fail a flush.
    this.#logger = safeLogger(options.logger ?? silentLogger);
    this.#createBatchId = options.createBatchId ?? randomUUID;
    const exit = options.flushOnExit ?? true;
    // An object is already the constructor's own copy (read once above).
    this.#autoExit = exit === false ? undefined : exit === true ? {} : exit;
  }

  /** Distinct players held (written ones are gone; pending and new ones count once). */
  get size(): number {
    return this.#slots.size;
  }

  /** Misses of new players refused because `maxEntries` were already held (since construction). */
  get overflowCount(): number {
    return this.#overflowCount;
  }

  /**
   * Records one miss. Returns false when it was not recorded: a lookup, type or source longer than
   * 1024 characters as given (not read further; a warning), an empty normalized lookup (a warning
   * when the name had letters or digits of another script, `大谷翔平`), a type or source with a lone
   * surrogate (text with no UTF-8 form, which BigQuery cannot hold), or a new player while
   * `maxEntries` are held (then `overflowCount` grows).
   *
   * @example
   * ```ts
   * import { UnresolvedPlayerTracker } from 'gcp-pipeline-resilience';
   * declare const tracker: UnresolvedPlayerTracker;
   * tracker.track('loganwebb', 'pitcher');
   * tracker.track('LoganWebb', 'PITCHER'); // same player: count 2
   * tracker.track('loganwebb');            // type 'unknown': another entry
   * ```
   */
  track(lookup: string, playerType = 'unknown', source?: string): boolean {
    checkArgument('lookup', lookup, false);
    checkArgument('playerType', playerType, true);
    checkArgument('source', source, true);
    // Checked as given, before anything is normalized: a longer text is not read (a 3 MB page of
    // punctuation around a name would be lower-cased and decomposed whole, then held as that name).
    if (
      [lookup, playerType, source].some(
        (text) => typeof text === 'string' && text.length > MAX_PLAYER_TEXT_LENGTH,
      )
    ) {
      // Held until the next flush, it would cost its size for each player (maxEntries bounds how
      // many, not how large); no real name, type or source comes near the limit.
      this.#logger.warn('unresolved player not tracked: its lookup, type or source is too long', {
        lookup: preview(lookup),
        ...(typeof playerType === 'string' ? { playerType: preview(playerType) } : {}),
        ...(source === undefined ? {} : { source: preview(source) }),
        maxLength: MAX_PLAYER_TEXT_LENGTH,
      });
      return false;
    }
    const normalizedLookup = normalizePlayerLookup(lookup);
    if (normalizedLookup === '') {
      if (HAS_LETTER_OR_DIGIT.test(lookup)) {
        // A real name (大谷翔平, Дмитрий) that the lookup key, Latin letters and digits, cannot spell:
        // not tracked (it would have no key), but never silently.
        this.#logger.warn(
          "unresolved player not tracked: its name has no letter or digit the registry's lookup key can hold (a-z, 0-9 after removing accents)",
          { lookup: preview(lookup) },
        );
      } else {
        this.#logger.debug('unresolved player ignored: empty lookup after normalization', {
          lookup: preview(lookup),
        });
      }
      return false;
    }
    const type = normalizePlayerType(playerType);
    if (hasLoneSurrogate(type) || (source !== undefined && hasLoneSurrogate(source))) {
      // BigQuery cannot hold it and the executor refuses such a row: tracked, it would fail every
      // later flush of the whole batch, so it is refused here, where the caller sees `false`.
      this.#logger.warn('unresolved player not tracked: its type or source has no UTF-8 form', {
        lookup: normalizedLookup,
      });
      return false;
    }
    const key = slotKey(normalizedLookup, type);
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      if (this.#slots.size >= this.maxEntries) {
        this.#overflowCount += 1;
        return false;
      }
      slot = { lookup: normalizedLookup, type };
      this.#slots.set(key, slot);
    }
    if (slot.current) {
      slot.current.count += 1;
    } else {
      slot.current = { source: source ?? this.#source, firstSeenMs: this.#readClock(), count: 1 };
    }
    if (this.#unhookExit === undefined) this.#joinExitWhileHolding();
    return true;
  }

  /**
   * The clock's reading for a first miss, NaN when reading it throws: the miss is recorded all the
   * same (a throw here escaped with a slot made and no count in it), and a reading that is not a
   * time gets the report's time as `first_seen` (`firstSeenOf`).
   */
  #readClock(): number {
    try {
      return this.#clock.now();
    } catch {
      return Number.NaN;
    }
  }

  /** Joins the shutdown by itself (unless `flushOnExit: false`): it now holds a row to lose. */
  #joinExitWhileHolding(): void {
    if (this.#autoExit === undefined) return;
    try {
      this.#joinExit(this.#autoExit, 'tracker');
    } catch (error) {
      // A coordinator of the caller's that throws must not fail `track`; the miss is recorded.
      this.#logger.error('unresolved players tracker could not join the shutdown; flush it yourself', {
        table: this.table,
        error: toPipelineError(error),
      });
    }
  }

  /** Leaves a shutdown it joined by itself once nothing is held: an empty tracker has nothing to lose. */
  #leaveExitIfEmpty(): void {
    if (this.#exitJoinedBy === 'tracker' && this.size === 0) this.#unhookExit?.();
  }

  /**
   * A snapshot of what is held, oldest first.
   *
   * @example
   * ```ts
   * import { UnresolvedPlayerTracker } from 'gcp-pipeline-resilience';
   * declare const tracker: UnresolvedPlayerTracker;
   * for (const p of tracker.entries()) console.log(p.playerLookup, p.playerType, p.count);
   * ```
   */
  entries(): UnresolvedPlayer[] {
    const out: UnresolvedPlayer[] = [];
    for (const slot of this.#slots.values()) {
      const pendingCount = slot.pending?.row.occurrence_count ?? 0;
      const firstSeen = slot.pending ? Date.parse(slot.pending.row.first_seen) : slot.current!.firstSeenMs;
      out.push(
        Object.freeze({
          playerLookup: slot.lookup,
          playerType: slot.type,
          source: slot.pending?.row.source ?? slot.current!.source,
          firstSeen: new Date(firstSeen),
          count: pendingCount + (slot.current?.count ?? 0),
          pendingCount,
        }),
      );
    }
    return out;
  }

  /**
   * Writes what is held to {@link UnresolvedPlayerTracker.table} through the executor's streaming
   * insert and forgets exactly the rows BigQuery accepted. Never rejects.
   *
   * A batch is frozen before it is sent (fixed counts, fixed insert ids, one `reported_at`). If any
   * of it is not written, the next flush re-sends the unwritten rows unchanged, so a retry after a
   * lost answer is de-duplicated by BigQuery (from 30 s after the lost answer, rows the table already
   * holds are not sent again); a player's later misses wait for its pending row, other
   * players travel with it (a row refused for good holds back no one else). Calls are serialized.
   *
   * A flush ends by its deadline (`timeoutMs`, default the tracker's `flushTimeoutMs`) or its
   * `signal`, even while BigQuery has not answered: the rows whose insert did not answer are kept
   * and treated as possibly written (a later flush re-sends them under the same insert ids, or asks
   * the table first), so nothing is lost and the next flush is not held. Only bad options throw
   * (a `TypeError` or `RangeError`, before anything runs).
   *
   * @example
   * ```ts
   * import { UnresolvedPlayerTracker } from 'gcp-pipeline-resilience';
   * declare const tracker: UnresolvedPlayerTracker;
   * const result = await tracker.flush();
   * if (result.error) console.warn(`kept ${result.retained} for the next flush`, result.error.code);
   * ```
   */
  flush(options: FlushOptions = {}): Promise<FlushResult> {
    return this.#flush(options, true);
  }

  /** `cuttable`: a flush the shutdown's own flush may cut short (any but a shutdown's). */
  #flush(given: FlushOptions, cuttable: boolean): Promise<FlushResult> {
    // The checked copy: a getter answered the check once and is not asked again.
    const options = checkOptions('flush', given, { signal: 'signal', timeoutMs: 'number' }, OPTION_ALIASES);
    const timeoutMs = options.timeoutMs ?? this.flushTimeoutMs;
    checkTimeoutMs('flush: option timeoutMs', timeoutMs);
    // From the call: time spent waiting for an earlier flush counts, so a caller's limit holds.
    const deadline = callDeadline(
      this.#clock,
      timeoutMs,
      options.signal,
      `unresolved players flush (${this.table})`,
    );
    const previous = this.#flushing;
    if (cuttable) this.#running.add(deadline);
    const run = this.#flushAfter(previous, deadline.signal)
      .finally(() => {
        deadline.end();
        this.#running.delete(deadline);
      })
      .then((result) => {
        this.#leaveExitIfEmpty();
        return result;
      });
    // A flush that stopped waiting for the one before it must not let the next run beside that one;
    // settled either way, so that nothing one flush does can fail the flushes queued after it. Its
    // value is dropped: held, each link would keep every earlier flush's result (errors included).
    this.#flushing = Promise.allSettled([previous, run]).then(() => undefined);
    return run;
  }

  /** Waits for the earlier flushes (until `signal` aborts), then flushes. Never rejects. */
  async #flushAfter(previous: Promise<unknown>, signal: AbortSignal): Promise<FlushResult> {
    try {
      await untilAborted(previous, signal);
      return await this.#flushNow(signal);
    } catch (thrown) {
      // Anything unexpected (and a deadline passed while waiting) becomes the result's `error`.
      const error = toPipelineError(thrown);
      this.#logger.error('unresolved players flush failed; entries kept for the next flush', {
        table: this.table,
        retained: this.size,
        error,
      });
      return { flushed: 0, retained: this.size, error };
    }
  }

  /**
   * Flushes once when the process shuts down (SIGTERM, Cloud Run's shutdown signal; SIGINT; or the
   * event loop running empty), by joining the process-wide shutdown coordinator (`onShutdown`). Every
   * tracker (and any other component) of the process joins the same one, so the process exits only
   * when all of their flushes have finished or the total limit (8 s) has passed. A flush that leaves
   * rows unwritten is a `failed` task in the shutdown report, with the flush's error. Idempotent: a
   * second call returns the same unhook function.
   *
   * A tracker already joins by itself while it holds rows (the `flushOnExit` option, default `true`).
   * Call this to stay joined whether or not it holds any, or to join with options of your own (they
   * replace the tracker's). A flush of yours still running when the shutdown starts (its insert
   * hanging) is cut short, its result's error coded `FLUSH_SUPERSEDED`: the shutdown's flush sends
   * its rows again under the same insert ids, with everything tracked since. After `unhook()` a later miss joins again by itself, unless the tracker
   * was made with `flushOnExit: false`.
   *
   * @example
   * ```ts
   * import { createShutdownCoordinator, type UnresolvedPlayerTracker } from 'gcp-pipeline-resilience';
   * declare const tracker: UnresolvedPlayerTracker;
   * // A service whose platform allows 30 s after SIGTERM: this flush may take 20 of them.
   * const unhook = tracker.flushOnExit({ coordinator: createShutdownCoordinator({ timeoutMs: 25_000 }), timeoutMs: 20_000 });
   * // ... later, if the tracker is retired early:
   * unhook();
   * ```
   */
  flushOnExit(options: FlushOnExitOptions = {}): () => void {
    if (this.#unhookExit && this.#exitJoinedBy === 'call') return this.#unhookExit;
    const checked: FlushOnExitOptions = checkOptions(
      'flushOnExit',
      options,
      FLUSH_ON_EXIT_SPEC,
      OPTION_ALIASES,
    );
    // Joined by itself while holding rows: the call's options (and its staying) replace that.
    this.#unhookExit?.();
    return this.#joinExit(checked, 'call');
  }

  #joinExit(options: FlushOnExitOptions, by: 'tracker' | 'call'): () => void {
    const coordinator = options.coordinator ?? defaultShutdownCoordinator();
    // Declared before joining: a coordinator may run the task before `onShutdown` returns (ours
    // starts a task joined during a running shutdown on the next microtask; another might not).
    let unhook: (() => void) | undefined;
    let started = false;
    /** Forgets this join, if it is still the tracker's: the tracker may join again. */
    const forget = (): void => {
      if (unhook !== undefined && this.#unhookExit === unhook) {
        this.#unhookExit = undefined;
        this.#exitJoinedBy = undefined;
      }
    };
    const leave = coordinator.onShutdown(
      async (context) => {
        started = true;
        // It runs once; after that the tracker may join again (e.g. a script that keeps going, or
        // a miss recorded while this flush runs: it joins the running shutdown with a task of its own).
        forget();
        // A flush already running (a periodic one whose insert hangs) would hold this one past the
        // shutdown's limit, and the misses tracked since it began would never be sent. It is cut
        // now, as its deadline would: its rows stay pending as possibly written, and this flush
        // sends them again under the same insert ids (BigQuery drops the copy), with the rest.
        for (const running of this.#running) {
          running.abort(
            new PipelineError('unresolved players flush cut short: the shutdown flushes now', {
              code: 'FLUSH_SUPERSEDED',
              transient: true,
            }),
          );
        }
        // The task's signal aborts when its time is up: the flush then ends, keeping its rows.
        const result = await this.#flush(
          context?.signal === undefined ? {} : { signal: context.signal },
          false,
        );
        // flush() reports instead of rejecting; the shutdown report must not call rows that were
        // not written "completed", so its error becomes the task's failure.
        if (result.error) throw result.error;
      },
      {
        name: options.name ?? `unresolved players (${this.table})`,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      },
    );
    if (coordinator.state === 'done') {
      // A coordinator that ran its shutdown and does not run tasks joined after it (ours runs them
      // at once, and is `running` here): nothing will flush these rows at exit.
      this.#logger.error(
        'unresolved players tracker joined a finished shutdown that will not flush it: call flush() yourself',
        { table: this.table, held: this.size },
      );
    }
    unhook = (): void => {
      try {
        leave();
      } catch (error) {
        // A coordinator of the caller's whose leave function throws: after a flush that emptied the
        // tracker, a throw here rejected that flush and every flush queued behind it.
        this.#logger.error('unresolved players tracker could not leave the shutdown', {
          table: this.table,
          error: toPipelineError(error),
        });
      }
      // Even when leaving threw: a tracker that believed itself joined would never join again, and
      // its later misses would have no flush at shutdown; joining twice costs one empty flush.
      forget();
    };
    // A task that already ran must not leave the tracker believing it is joined: it would not join
    // again, and the misses recorded from now on would have no flush at shutdown.
    if (!started) {
      this.#unhookExit = unhook;
      this.#exitJoinedBy = by;
    }
    return unhook;
  }

  async #flushNow(signal: AbortSignal): Promise<FlushResult> {
    const lost = this.#reportOverflow();
    let flushed = 0;
    // Each round freezes the new misses of players with no row pending and sends every pending row:
    // an older batch's unwritten rows (unchanged, same ids) with the new ones, so a row refused for
    // good never holds back players tracked after it. Round 2 sends what was tracked during round
    // 1, so one healthy flush writes everything tracked before it was called.
    for (let round = 0; round < 2; round += 1) {
      let outcome: { written: number; error?: PipelineError };
      try {
        // Past the deadline nothing more is sent (a round may have written rows already).
        if (signal.aborted) throw signal.reason;
        this.#snapshot();
        if (this.#pendingRows === 0) break;
        outcome = await this.#sendPending(signal);
      } catch (thrown) {
        // A callback that threw (createBatchId, the clock, a synchronous executor): nothing moved
        // that was not written, so every entry is still held.
        outcome = { written: 0, error: toPipelineError(thrown) };
      }
      flushed += outcome.written;
      if (outcome.error) {
        this.#logger.error('unresolved players flush failed; entries kept for the next flush', {
          table: this.table,
          flushed,
          retained: this.size,
          pendingRows: this.#pendingRows,
          error: outcome.error,
        });
        return { flushed, retained: this.size, ...lost, error: outcome.error };
      }
    }
    if (flushed > 0) this.#logger.info('unresolved players flushed', { table: this.table, flushed });
    return { flushed, retained: this.size, ...lost };
  }

  #snapshot(): boolean {
    let anything = false;
    for (const slot of this.#slots.values()) {
      if (slot.current && !slot.pending) {
        anything = true;
        break;
      }
    }
    if (!anything) return false;
    // Everything that calls out (the id maker, the clock) runs before any entry moves, so a throw
    // here leaves every entry where it was, for the next flush.
    const batchId: unknown = this.#createBatchId();
    if (typeof batchId !== 'string' || batchId === '') {
      throw new TypeError(`createBatchId must return a non-empty string, got ${String(batchId)}`);
    }
    // Insert ids are `${batchId}:${index}` and BigQuery takes at most 128 characters.
    if (batchId.length + 1 + String(this.#slots.size).length > MAX_INSERT_ID_LENGTH) {
      throw new TypeError(
        `createBatchId returned ${batchId.length} characters; with ":<row>" the insert id must fit in ${MAX_INSERT_ID_LENGTH}`,
      );
    }
    // A repeated id gives this batch the insert ids of an earlier one: BigQuery would drop its rows
    // as duplicates (within its de-duplication window), silently.
    if (this.#usedBatchIds.has(batchId)) {
      throw new TypeError(
        `createBatchId returned ${JSON.stringify(batchId)} again; BigQuery would drop the batch as a duplicate of the earlier one`,
      );
    }
    remember(this.#usedBatchIds, batchId);
    // Whole milliseconds, as the text keeps them: a clock reading fractions (performance.now()) would
    // otherwise give two batches of one millisecond readings that differ and the same reported_at.
    let reportedAtMs = Math.floor(this.#clock.now());
    // Each batch gets a reported_at of its own, even when the clock stands still or steps back: a row
    // is told apart from an identical row of an earlier batch by it alone when the table is asked
    // which rows landed (the same would be forgotten unwritten). Within a second of the previous
    // batch it follows that one; further back the clock is followed again (pinned past one reading
    // two years ahead, every later batch went to a partition streaming refuses), and only a reading
    // a recent batch had is moved on.
    const last = this.#lastReportedAtMs;
    if (last !== undefined && reportedAtMs <= last && last - reportedAtMs < PIN_REPORTED_AT_MS) {
      reportedAtMs = last + 1;
    }
    while (this.#usedReportedAt.has(reportedAtMs)) reportedAtMs += 1;
    // A reading that is not a time throws here, before any entry moved.
    const reportedAt = new Date(reportedAtMs).toISOString();
    this.#lastReportedAtMs = reportedAtMs;
    remember(this.#usedReportedAt, reportedAtMs);
    // Every row is built before any entry moves: nothing below can leave the batch half frozen.
    const frozen: Array<{ slot: Slot; row: UnresolvedPlayerRow }> = [];
    for (const slot of this.#slots.values()) {
      const current = slot.current;
      // A player with a row still pending keeps collecting: its next row follows that one.
      if (!current || slot.pending) continue;
      frozen.push({
        slot,
        row: {
          player_lookup: slot.lookup,
          player_type: slot.type.toUpperCase(),
          source: current.source,
          first_seen: new Date(firstSeenOf(current.firstSeenMs, reportedAtMs)).toISOString(),
          occurrence_count: current.count,
          reported_at: reportedAt,
        },
      });
    }
    for (const [index, { slot, row }] of frozen.entries()) {
      slot.pending = { insertId: `${batchId}:${index}`, row };
      slot.current = undefined;
    }
    this.#pendingRows += frozen.length;
    // A log line per player, once per batch (not per retry): a backup in Cloud Logging of what the
    // table should receive.
    for (const { row } of frozen) this.#logger.warn('unresolved player', { ...row });
    return frozen.length > 0;
  }

  async #sendPending(signal: AbortSignal): Promise<{ written: number; error?: PipelineError }> {
    let batch: Array<Slot & { pending: PendingRow }> = [];
    for (const slot of this.#slots.values()) {
      if (slot.pending) batch.push(slot as Slot & { pending: PendingRow });
    }
    // Read before anything is sent: the earliest time any row of this send can have been written.
    const sentAtMs = this.#clock.now();
    let written = 0;
    const landed = await this.#landedEarlier(batch, sentAtMs, signal);
    if (landed.size > 0) {
      for (const slot of landed) this.#forget(slot);
      written = landed.size;
      batch = batch.filter((slot) => !landed.has(slot));
      if (batch.length === 0) return { written };
    }
    const rows = batch.map((slot) => slot.pending.row);
    const idOfRow = new Map<UnresolvedPlayerRow, string>(
      batch.map((slot) => [slot.pending.row, slot.pending.insertId]),
    );
    const ids = batch.map((slot) => slot.pending.insertId);

    let failures: RowFailure[];
    let error: PipelineError | undefined;
    try {
      // An insert that outlives the deadline is abandoned, not cancelled: it may still land, so its
      // rows are kept as unsure below (a re-send reuses their ids, or asks the table first).
      const result = await untilAborted(
        this.#executor.insertRows(this.table, rows, {
          insertId: (row, index) => idOfRow.get(row) ?? ids[index]!,
          // One refused row must not hold back the others: they are written, it stays pending.
          skipInvalidRows: true,
          throwOnFailure: false,
          retry: { signal },
        }),
        signal,
      );
      // An answer that does not list the failed rows says nothing about what was written: the
      // rows are treated as after a lost answer (below), never as written or as not written.
      if (!Array.isArray((result as { failed?: unknown } | undefined)?.failed)) {
        throw new TypeError('the executor answered insertRows without a list of failed rows');
      }
      failures = result.failed;
    } catch (thrown) {
      error = toPipelineError(thrown);
      // Nothing is known to be written unless the executor says which rows failed.
      if (!(error instanceof PartialInsertError)) {
        // Even an error saying the request was never sent (no connection, no credentials) leaves
        // them unsure: it tells of the executor's last attempt only, and an earlier one (its answer
        // lost) may have written them; re-sent past the de-duplication window they would be twice.
        this.#markUnsure(batch, sentAtMs);
        return { written, error };
      }
      failures = error.failures;
    }

    const knownIds = new Set(ids);
    const failedIds = new Set<string>();
    for (const failure of failures as ReadonlyArray<RowFailure | null | undefined>) {
      const id =
        typeof failure === 'object' && failure !== null
          ? (failure.insertId ?? ids[failure.index])
          : undefined;
      if (id === undefined || !knownIds.has(id)) {
        // A failure we cannot place: keep the whole batch (its ids make the re-send harmless).
        for (const each of ids) failedIds.add(each);
        break;
      }
      failedIds.add(id);
    }
    const kept: Array<Slot & { pending: PendingRow }> = [];
    for (const slot of batch) {
      if (failedIds.has(slot.pending.insertId)) {
        kept.push(slot);
        continue;
      }
      this.#forget(slot);
      written += 1;
    }
    this.#markUnsure(kept, sentAtMs);
    if (failedIds.size > 0 && error === undefined) {
      error = new PartialInsertError(
        `${failedIds.size} of ${rows.length} unresolved-player rows were not written`,
        {
          table: this.table,
          inserted: written,
          failures,
        },
      );
    }
    return error ? { written, error } : { written };
  }

  /**
   * The rows of `batch` an earlier send may have written whose re-send BigQuery may no longer
   * de-duplicate (its window is about a minute): those the table already holds. They are not sent
   * again, which would write them twice. When the table cannot be asked (no permission to query, an
   * outage), the rows are sent again under their insert ids: a possible duplicate, never a loss.
   */
  async #landedEarlier(
    batch: ReadonlyArray<Slot & { pending: PendingRow }>,
    nowMs: number,
    signal: AbortSignal,
  ) {
    const landed = new Set<Slot & { pending: PendingRow }>();
    const unsure = batch.filter((slot) => pastDedupWindow(slot.pending, nowMs));
    if (unsure.length === 0) return landed;
    let found: Set<string>;
    try {
      found = await findLandedRows(
        this.#executor,
        this.table,
        unsure.map((slot) => slot.pending.row),
        signal,
      );
    } catch (thrown) {
      // The flush's time is up: nothing is sent without the answer (the rows stay unsure, and a
      // later flush asks again). Sending now could write a row the table already holds.
      if (signal.aborted) throw thrown;
      this.#logger.warn(
        'unresolved players: could not check whether rows whose answer was lost were written; sending them again (a duplicate is possible)',
        { table: this.table, rows: unsure.length, error: toPipelineError(thrown) },
      );
      return landed;
    }
    for (const slot of unsure) {
      if (found.has(landedKey(slot.pending.row))) landed.add(slot);
      // Not in the table: the send below is a first send again.
      else delete slot.pending.unsureSinceMs;
    }
    return landed;
  }

  /** Rows sent at `sentAtMs` and not known to be written: they may be in the table. */
  #markUnsure(slots: ReadonlyArray<Slot & { pending: PendingRow }>, sentAtMs: number): void {
    for (const slot of slots) slot.pending.unsureSinceMs ??= sentAtMs;
  }

  /** A pending row BigQuery holds: the slot goes unless misses arrived since. */
  #forget(slot: Slot): void {
    delete slot.pending;
    this.#pendingRows -= 1;
    if (!slot.current) this.#slots.delete(slotKey(slot.lookup, slot.type));
  }

  /**
   * The misses refused since the last report, for the flush result: a count and the error saying they
   * are lost (a warning line alone let a flush that wrote the rest look like a success). Empty when none.
   */
  #reportOverflow(): { dropped?: number; error?: PipelineError } {
    const dropped = this.#overflowCount - this.#overflowReported;
    if (dropped === 0) return {};
    this.#overflowReported = this.#overflowCount;
    const error = new PipelineError(
      `unresolved player tracker full (maxEntries ${this.maxEntries}): ${dropped} misses of new players were not recorded`,
      { code: 'UNRESOLVED_PLAYERS_DROPPED', transient: false },
    );
    this.#logger.error(error.message, { dropped, maxEntries: this.maxEntries, table: this.table });
    return { dropped, error };
  }
}
