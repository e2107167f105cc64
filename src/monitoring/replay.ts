import type { v1 } from '@google-cloud/pubsub';
import type { ConfigEnv } from '../config/index.js';
import { NotFoundError, PipelineError, toPipelineError } from '../errors/index.js';
import { type Logger, silentLogger } from '../logging/index.js';
import type { Clock } from '../retry/clock.js';
import { scheduleOn } from '../retry/schedule.js';
import { isThenable } from '../shared/is-thenable.js';
import { safeLogger } from '../shared/safe-logger.js';
import { defaultShutdownCoordinator, type ShutdownCoordinator } from '../shutdown/index.js';
import { shutdownOption } from '../shutdown/option.js';
import type { MessagePublisher } from '../validation/index.js';
import {
  booleanAt,
  integerAt,
  objectAt,
  refuseUnknownKeys,
  resourceIdOrPathAt,
  resourceProject,
  sportConfigAt,
} from './checks.js';
import { ClientSet, type MonitorClients } from './clients.js';
import { copyKeyOf, sourceMessageIdOf } from './dead-letters/copies.js';
import { acknowledge, extend, type PulledMessage, pullBatch, release } from './dead-letters/pull.js';
import { type DeadLetterSample, replayCountOf, toSample } from './dead-letters/sample.js';
import { MonitorConfigError } from './errors.js';
import { mapLimit } from './map-limit.js';
import { replayMessage } from './replay-attributes.js';

/**
 * Options of {@link replayDeadLetters}.
 *
 * @example
 * ```ts
 * import { replayDeadLetters, type ReplayOptions } from 'gcp-pipeline-resilience';
 * const retryExhausted = (from: string, to: string): ReplayOptions => ({
 *   from,
 *   to,
 *   filter: (m) => m.deadLetterReason === 'max_delivery_attempts',
 *   max: 500,
 *   dryRun: true,
 * });
 * const result = await replayDeadLetters(retryExhausted('nba-phase2-raw-complete-dlq-sub', 'nba-phase2-raw-complete'));
 * ```
 */
export interface ReplayOptions {
  /** The dead-letter subscription to drain (id, or full name in the project). */
  from: string;
  /** The topic to republish to, normally the one the failed consumer reads (id or full name). */
  to: string;
  /** Default: the sport config's project (`GCP_PROJECT_ID`, ...). */
  projectId?: string;
  /**
   * Replay only messages for which this returns true; the others stay in the DLQ. A filter that
   * throws counts as false; so does one that returns a promise (an `async` filter: logged at error).
   * It is given each message's sample, the bounded view a report shows: the first 200 characters of
   * the data (`dataBytes` is the whole size), at most 30 attributes (`attributesOmitted`), each cut
   * at 200 (`attributesCut`), credentials replaced by `[REDACTED]`. A filter on what lies past
   * that view answers on part of the message; the message itself is republished whole. A run that
   * ends with `unseenMayRemain` has filtered part of the DLQ only.
   */
  filter?: (message: DeadLetterSample) => boolean;
  /** Replay at most this many messages (default: all). */
  max?: number;
  /** Messages replayed this many times already stay in the DLQ and are reported. Default 3. */
  maxReplays?: number;
  /**
   * List what would be replayed; publish and acknowledge nothing. Not done on a subscription with a
   * dead-letter policy of its own (each message pulled counts a delivery attempt there): the run
   * ends `failed` with `DRY_RUN_NOT_SAFE`.
   */
  dryRun?: boolean;
  /** Messages per Pull. Default 100. */
  batchSize?: number;
  /**
   * The lease the run takes on each pulled message (ModifyAckDeadline), so that it is neither
   * redelivered while it is being republished nor while the run holds it out of the way. Messages
   * the run leaves in the DLQ are handed back at its end; after a crash they return when this
   * lease expires. 10-600 s, default 60.
   */
  holdSeconds?: number;
  /** The environment the sport config reads for the default project. Default `process.env`. */
  env?: ConfigEnv;
}

/**
 * One step of a replay, for progress output.
 *
 * @example
 * ```ts
 * import type { ReplayEvent } from 'gcp-pipeline-resilience';
 * const onEvent = (event: ReplayEvent) => {
 *   if (event.type === 'published') console.log(`${event.messageId} -> ${event.newMessageId}`);
 * };
 * ```
 */
export type ReplayEvent =
  | { type: 'pulled'; count: number }
  | { type: 'published'; messageId: string; newMessageId: string }
  | { type: 'acked'; messageIds: string[] }
  | { type: 'held'; messageId: string; why: 'filtered' | 'exhausted' | 'dry_run' | 'over_max' }
  | { type: 'duplicate'; messageId: string; duplicateOf: string; acked: boolean };

/**
 * What runs a replay: the clients (or a publisher of your own) and the run's controls.
 *
 * @example
 * ```ts
 * import { replayDeadLetters, type ReplayRunOptions } from 'gcp-pipeline-resilience';
 * const run: ReplayRunOptions = { signal: AbortSignal.timeout(60_000), onEvent: (e) => console.log(e.type) };
 * await replayDeadLetters({ from: 'nba-phase2-raw-complete-dlq-sub', to: 'nba-phase2-raw-complete' }, run);
 * ```
 */
export interface ReplayRunOptions {
  clients?: MonitorClients;
  /** Where to publish; default: `clients.pubsub.topic(to)`. */
  publisher?: MessagePublisher;
  /** Stops the run: no more pulls or publishes; what was published is still acknowledged, the rest handed back. */
  signal?: AbortSignal;
  /**
   * The shutdown the run joins: SIGTERM (or SIGINT) stops it as `signal` does (no more pulls or
   * publishes), and the process exits only after the run has acknowledged what it published and
   * handed back what it held. Default: the process-wide coordinator; `false` joins none.
   */
  shutdown?: ShutdownCoordinator | false;
  /** Called for every step; an `onEvent` that throws is logged and ignored. */
  onEvent?: (event: ReplayEvent) => void;
  logger?: Logger;
  /**
   * Times the renewal of the leases of the messages being republished (its `schedule`). Default
   * the real clock. For tests (with a stand-in whose ack deadlines are scaled, a clock scaled alike).
   */
  clock?: Pick<Clock, 'schedule'>;
}

/**
 * A dead-lettered message the run found to be another copy of a message it chose for replay (the
 * same `source_message_id` and `source_subscription`, the same data): one source message
 * dead-lettered twice. Only one copy is republished.
 *
 * @example
 * ```ts
 * import { replayDeadLetters, type ReplayDuplicate } from 'gcp-pipeline-resilience';
 * const describe = (d: ReplayDuplicate) =>
 *   `${d.messageId} is a copy of ${d.duplicateOf} (source ${d.sourceMessageId}): ${d.acked ? 'acknowledged' : 'left in the DLQ'}`;
 * const result = await replayDeadLetters({ from: 'orders-dlq-sub', to: 'orders' });
 * for (const d of result.duplicates) console.log(describe(d));
 * ```
 */
export interface ReplayDuplicate {
  /** The copy's id in the DLQ. */
  messageId: string;
  /** The DLQ id of the copy the run chose for replay. */
  duplicateOf: string;
  /**
   * The id of the message that failed (`source_message_id`), as a sample shows it: credentials
   * replaced by `[REDACTED]`, at most 200 characters (anyone publishing to the DLQ topic sets it).
   */
  sourceMessageId: string;
  /**
   * True when the copy was acknowledged (it left the DLQ) because `duplicateOf` was republished.
   * False when it is still in the DLQ: a dry run, `duplicateOf` was not republished (its publish
   * failed, or the run stopped first), or the acknowledgement failed (`error`).
   */
  acked: boolean;
  /** Why an acknowledgement of the copy failed. */
  error?: PipelineError;
}

/**
 * What a replay did. Every message it saw is in exactly one of `replayed`, `wouldReplay`,
 * `exhausted`, `failed`, `duplicates` or the `skipped` count; messages in anything but `replayed`
 * and the acknowledged `duplicates` are still in the DLQ.
 *
 * @example
 * ```ts
 * import { replayDeadLetters } from 'gcp-pipeline-resilience';
 * const result = await replayDeadLetters({ from: 'orders-dlq-sub', to: 'orders' });
 * console.log(result.replayed.length, result.exhausted.length, result.failed.length);
 * ```
 */
export interface ReplayResult {
  from: string;
  to: string;
  projectId: string;
  dryRun: boolean;
  /** Republished, then acknowledged in the DLQ. */
  replayed: Array<{ messageId: string; newMessageId: string; replayCount: number }>;
  /** Dry run: what would have been republished. */
  wouldReplay: DeadLetterSample[];
  /** Replayed `maxReplays` times already: left in the DLQ. */
  exhausted: DeadLetterSample[];
  /**
   * Left in the DLQ without being tried: not matching `filter`, over `max`, or pulled when the run was
   * stopped (`signal`, or the target topic found missing).
   */
  skipped: number;
  /**
   * `publish`: not republished, left in the DLQ. `ack`: republished but still in the DLQ, so a later
   * run republishes it again (consumers can de-duplicate on `replayed_message_id`).
   */
  failed: Array<{ messageId: string; stage: 'publish' | 'ack'; error: PipelineError }>;
  /**
   * Copies of one source message (dead-lettered more than once) found in this run: one copy is
   * republished, the others are acknowledged once it was, never republished. Dry run: listed, left.
   */
  duplicates: ReplayDuplicate[];
  /**
   * Messages seen again after this run republished them, or acknowledged them as duplicates (an ack
   * was lost): acknowledged, not republished twice.
   */
  reacknowledged: number;
  /**
   * Why the run ended: the DLQ had nothing more for it (`empty`: a Pull returned nothing, or three
   * Pulls in a row returned only messages this run had already seen, whose leases ran out; in that
   * second case, with a `filter` over a large DLQ, messages it never saw may remain), `max` was reached, `signal` aborted it (or
   * the process began to shut down: SIGTERM), or it
   * `failed` (`error` says why): a Pull failed after the run had started (a first Pull that fails
   * rejects instead), or a publish found the target topic missing (`NotFoundError` from the run's own
   * publisher, not from a `publisher` you pass): every later publish would fail the same way, so the
   * run stops at once and leaves the rest in the DLQ.
   */
  stoppedBy: 'empty' | 'max' | 'aborted' | 'failed';
  /**
   * Set when the run ended `empty` because three Pulls in a row brought only messages it had already
   * seen (their leases ran out while it held them), not because a Pull came back empty. Pub/Sub does
   * not deliver unseen messages first, so the DLQ may still hold messages this run never saw, and
   * that its `filter` never looked at: what it replayed and skipped covers part of the DLQ only. Run
   * the replay again for the rest.
   */
  unseenMayRemain?: true;
  /**
   * What ended the run when `stoppedBy` is `'failed'`: a Pull failure, the target topic missing, or a
   * dry run refused (`DRY_RUN_NOT_SAFE`).
   */
  error?: PipelineError;
  /** Set when handing held messages back failed: they return when their lease expires. */
  releaseError?: PipelineError;
}

const KEYS = [
  'from',
  'to',
  'projectId',
  'filter',
  'max',
  'maxReplays',
  'dryRun',
  'batchSize',
  'holdSeconds',
  'env',
] as const;

/** The checked options of a replay. */
export interface ResolvedReplayOptions {
  projectId: string;
  from: string;
  to: string;
  filter: ((message: DeadLetterSample) => boolean) | undefined;
  max: number;
  maxReplays: number;
  dryRun: boolean;
  batchSize: number;
  holdSeconds: number;
}

/** Checks replay options (throws {@link MonitorConfigError}) and fills in the defaults. */
export function resolveReplayOptions(value: unknown, projectIdFallback?: string): ResolvedReplayOptions {
  const raw = objectAt(value, 'options');
  refuseUnknownKeys(raw, KEYS, '');
  const projectId =
    raw.projectId === undefined
      ? (projectIdFallback ?? sportConfigAt(undefined, raw.env, (key) => key).projectId)
      : resourceProject(raw.projectId, 'projectId');
  if (raw.filter !== undefined && typeof raw.filter !== 'function') {
    throw new MonitorConfigError('filter', 'expected a function (message) => boolean');
  }
  const max = raw.max === undefined ? Number.POSITIVE_INFINITY : integerAt(raw.max, 'max', 1, 1);
  const batchSize = integerAt(raw.batchSize, 'batchSize', 1, 100);
  if (batchSize > 1000) throw new MonitorConfigError('batchSize', `at most 1000, got ${batchSize}`);
  const holdSeconds = integerAt(raw.holdSeconds, 'holdSeconds', 10, 60);
  if (holdSeconds > 600) throw new MonitorConfigError('holdSeconds', `at most 600, got ${holdSeconds}`);
  return {
    projectId,
    from: resourceIdOrPathAt(raw.from, 'from', 'subscription', projectId),
    to: resourceIdOrPathAt(raw.to, 'to', 'topic', projectId),
    filter: raw.filter as ResolvedReplayOptions['filter'],
    max,
    maxReplays: integerAt(raw.maxReplays, 'maxReplays', 1, 3),
    dryRun: booleanAt(raw.dryRun, 'dryRun', false),
    batchSize,
    holdSeconds,
  };
}

/** One replay run's state. */
class ReplayRun {
  readonly result: ReplayResult;
  /** What happened to each DLQ message id this run saw. */
  readonly #seen = new Map<string, 'held' | 'published' | 'failed' | 'duplicate'>();
  /** The DLQ id of the copy chosen for replay of each source message, by `copyKeyOf`. */
  readonly #chosen = new Map<string, string>();
  /** The current ack id of every message the run leaves in the DLQ. */
  readonly #held = new Map<string, string>();
  /**
   * The ack ids of the batch being handled that still need their lease (not acknowledged or handed
   * back yet): renewed every half lease while the batch's publishes and acks run.
   */
  readonly #leased = new Set<string>();
  /** What each republished message became. */
  readonly #published = new Map<string, { newMessageId: string; replayCount: number }>();
  #counted = 0;
  /** Set when a publish answered that the target topic does not exist: no later publish can succeed. */
  #targetMissing: PipelineError | undefined;
  #warnedAsyncFilter = false;
  /** Aborted when the process shuts down (see `ReplayRunOptions.shutdown`). */
  readonly #shutdown = new AbortController();
  /** The caller's logger, made unable to throw into the run (a throw between a publish and its ack would misreport it). */
  readonly logger: Logger;

  constructor(
    readonly options: ResolvedReplayOptions,
    readonly subscriber: v1.SubscriberClient,
    readonly publisher: MessagePublisher,
    readonly run: ReplayRunOptions,
  ) {
    this.logger = run.logger === undefined ? silentLogger : safeLogger(run.logger);
    this.result = {
      from: options.from,
      to: options.to,
      projectId: options.projectId,
      dryRun: options.dryRun,
      replayed: [],
      wouldReplay: [],
      exhausted: [],
      skipped: 0,
      failed: [],
      duplicates: [],
      reacknowledged: 0,
      stoppedBy: 'empty',
    };
  }

  get path(): string {
    return `projects/${this.options.projectId}/subscriptions/${this.options.from}`;
  }

  emit(event: ReplayEvent): void {
    try {
      this.run.onEvent?.(event);
    } catch (error) {
      this.logger.warn('replay onEvent threw; ignoring it', { error });
    }
  }

  /** True once `signal` aborted or the process began to shut down: nothing more is pulled or published. */
  get #stopped(): boolean {
    return this.run.signal?.aborted === true || this.#shutdown.signal.aborted;
  }

  /** Stops the run at its next step (the shutdown's task). */
  stop(): void {
    this.#shutdown.abort();
  }

  async execute(): Promise<ReplayResult> {
    // Batches that held only messages this run had already seen (their leases expired): after a
    // few in a row the subscription holds nothing new for this run.
    let stale = 0;
    try {
      for (;;) {
        if (this.#stopped) {
          this.result.stoppedBy = 'aborted';
          break;
        }
        if (this.#counted >= this.options.max) {
          this.result.stoppedBy = 'max';
          break;
        }
        let batch: PulledMessage[];
        try {
          // No more than `max` can still take: the rest would be handed back, one delivery attempt
          // each on a DLQ subscription with a dead-letter policy of its own.
          const room = this.options.max - this.#counted;
          batch = await pullBatch(this.subscriber, this.path, Math.min(this.options.batchSize, room));
        } catch (caught) {
          // Nothing done yet: the caller gets the error itself. Otherwise the run so far is reported.
          if (this.#seen.size === 0) throw toPipelineError(caught);
          this.result.stoppedBy = 'failed';
          this.result.error = toPipelineError(caught);
          break;
        }
        this.emit({ type: 'pulled', count: batch.length });
        if (batch.length === 0) break;
        stale = (await this.#handle(batch)) ? 0 : stale + 1;
        if (this.#targetMissing !== undefined) {
          this.result.stoppedBy = 'failed';
          this.result.error = this.#targetMissing;
          break;
        }
        if (stale >= 3) {
          this.result.unseenMayRemain = true;
          break;
        }
      }
    } finally {
      await this.#releaseHeld();
    }
    return this.result;
  }

  /** Handles one batch; resolves to whether it made progress (a new message, or a pending ack done). */
  async #handle(batch: PulledMessage[]): Promise<boolean> {
    const toPublish: PulledMessage[] = [];
    const again: PulledMessage[] = [];
    const newlyHeld: string[] = [];
    const copies: Array<{ message: PulledMessage; duplicateOf: string }> = [];
    let fresh = 0;
    for (const message of batch) {
      const seen = this.#seen.get(message.messageId);
      if (seen === 'published' || seen === 'duplicate') {
        again.push(message);
        continue;
      }
      if (seen !== undefined) {
        // Held or failed earlier in this run and delivered again: keep its newest lease, count it once.
        this.#held.set(message.messageId, message.ackId);
        newlyHeld.push(message.ackId);
        continue;
      }
      fresh += 1;
      const why = this.#classify(message);
      if (typeof why === 'object') {
        copies.push({ message, duplicateOf: why.duplicateOf });
      } else if (why === 'replay') {
        toPublish.push(message);
        this.#counted += 1;
      } else {
        this.#hold(message, why);
        newlyHeld.push(message.ackId);
      }
    }
    const reacknowledged = again.length > 0 && (await this.#ackAgain(again));
    // One lease for the whole batch, long enough for its publishes (with the client's retries) and
    // acks: an ack after an expired lease may be ignored by Pub/Sub, leaving a republished message in
    // the DLQ, and a held message would come back while the run still needs it out of the way.
    const leased = [...newlyHeld, ...toPublish.map((m) => m.ackId), ...copies.map((c) => c.message.ackId)];
    if (leased.length > 0) {
      await extend(this.subscriber, this.path, leased, this.options.holdSeconds).catch(() => {
        // Not fatal: an expired lease only means the message may be pulled again (and recognized).
      });
    }
    // A publish may take longer than the lease (the client's retries through an outage): renewed
    // meanwhile, or the DLQ message would be redelivered, to another run or consumer of the DLQ that
    // republishes it again, and this run's ack would come too late to count.
    for (const ackId of leased) this.#leased.add(ackId);
    const stopRenewing = this.#renewLeases();
    try {
      await this.#publishAndAck(toPublish);
      await this.#settleCopies(copies);
    } finally {
      stopRenewing();
      this.#leased.clear();
    }
    return fresh > 0 || reacknowledged;
  }

  /**
   * Renews the leases in `#leased` every half `holdSeconds` until the returned function is called.
   * A renewal that fails is logged and the next one tried: an expired lease only risks a second
   * copy, which carries the same `replayed_message_id`.
   */
  #renewLeases(): () => void {
    const periodMs = (this.options.holdSeconds * 1000) / 2;
    let stopped = false;
    let cancel = (): void => {};
    // A `clock.schedule` that throws ends the renewals (logged), never the run: the renewal runs
    // from a timer, where a throw would be an unhandled rejection.
    const next = (): void => {
      try {
        cancel = scheduleOn(this.run.clock, periodMs, () => void renew(), true);
      } catch (error) {
        this.logger.warn('replay could not schedule the renewal of its leases; they may expire', {
          from: this.options.from,
          error,
        });
      }
    };
    const renew = async (): Promise<void> => {
      if (stopped) return;
      const ackIds = [...this.#leased];
      if (ackIds.length > 0) {
        try {
          await extend(this.subscriber, this.path, ackIds, this.options.holdSeconds);
        } catch (error) {
          this.logger.warn('replay could not renew the leases of the messages it is republishing', {
            from: this.options.from,
            messages: ackIds.length,
            error,
          });
        }
      }
      if (!stopped) next();
    };
    next();
    return () => {
      stopped = true;
      cancel();
    };
  }

  /** The ack ids no longer need a lease: acknowledged or handed back. */
  #unlease(ackIds: readonly string[]): void {
    for (const ackId of ackIds) this.#leased.delete(ackId);
  }

  #classify(
    message: PulledMessage,
  ): 'replay' | 'filtered' | 'exhausted' | 'dry_run' | 'over_max' | { duplicateOf: string } {
    const sample = toSample(message);
    if (this.options.filter) {
      let matches = false;
      try {
        const answer: unknown = this.options.filter(sample);
        if (isThenable(answer)) this.#asyncFilter(answer);
        matches = answer === true;
      } catch (error) {
        this.logger.warn('replay filter threw; the message stays in the DLQ', {
          messageId: message.messageId,
          error,
        });
      }
      if (!matches) return 'filtered';
    }
    if (sample.replayCount >= this.options.maxReplays) return 'exhausted';
    // A copy of a message already chosen for replay is settled with that one, whatever `max` says:
    // acknowledging a duplicate replays nothing.
    const key = copyKeyOf(message);
    const chosen = key === undefined ? undefined : this.#chosen.get(key);
    if (chosen !== undefined) return { duplicateOf: chosen };
    if (this.#counted >= this.options.max) return 'over_max';
    if (key !== undefined) this.#chosen.set(key, message.messageId);
    if (this.options.dryRun) {
      this.#counted += 1;
      return 'dry_run';
    }
    return 'replay';
  }

  /**
   * Settles the copies of messages chosen for replay, after the chosen ones' publishes: a copy whose
   * original was republished is acknowledged (it would only be replayed a second time); any other
   * copy stays in the DLQ with its original (dry run, failed publish, run stopped first).
   */
  async #settleCopies(copies: Array<{ message: PulledMessage; duplicateOf: string }>): Promise<void> {
    if (copies.length === 0) return;
    const { logger } = this;
    const toAck: Array<{ message: PulledMessage; entry: ReplayDuplicate }> = [];
    for (const { message, duplicateOf } of copies) {
      const entry: ReplayDuplicate = {
        messageId: message.messageId,
        duplicateOf,
        sourceMessageId: sourceMessageIdOf(message),
        acked: false,
      };
      this.result.duplicates.push(entry);
      if (this.#seen.get(duplicateOf) === 'published') {
        toAck.push({ message, entry });
        continue;
      }
      this.#seen.set(message.messageId, 'held');
      this.#held.set(message.messageId, message.ackId);
      logger.warn('replay found a second copy of a message it did not republish; both stay in the DLQ', {
        messageId: message.messageId,
        duplicateOf,
        sourceMessageId: entry.sourceMessageId,
      });
      this.emit({ type: 'duplicate', messageId: message.messageId, duplicateOf, acked: false });
    }
    if (toAck.length === 0) return;
    try {
      await acknowledge(
        this.subscriber,
        this.path,
        toAck.map((c) => c.message.ackId),
      );
    } catch (caught) {
      const error = toPipelineError(caught);
      for (const { message, entry } of toAck) {
        entry.error = error;
        // Pulled again, it is acknowledged without a publish (see `#ackAgain`).
        this.#seen.set(message.messageId, 'duplicate');
      }
      logger.warn('replay could not acknowledge duplicate copies; they are acknowledged when seen again', {
        messageIds: toAck.map((c) => c.message.messageId),
        error,
      });
      await release(
        this.subscriber,
        this.path,
        toAck.map((c) => c.message.ackId),
      ).catch(() => undefined);
      return;
    }
    this.#unlease(toAck.map((c) => c.message.ackId));
    for (const { message, entry } of toAck) {
      entry.acked = true;
      this.#seen.set(message.messageId, 'duplicate');
      logger.info('replay acknowledged a duplicate copy of a message it republished', {
        messageId: message.messageId,
        duplicateOf: entry.duplicateOf,
        sourceMessageId: entry.sourceMessageId,
      });
      this.emit({
        type: 'duplicate',
        messageId: message.messageId,
        duplicateOf: entry.duplicateOf,
        acked: true,
      });
    }
  }

  /**
   * A filter that answered with a promise (an `async` filter) selects nothing: the run cannot wait
   * for it per message. Said once per run, loudly, and its rejection is caught (unhandled, it would
   * end the process).
   */
  #asyncFilter(answer: PromiseLike<unknown>): void {
    Promise.resolve(answer).catch(() => undefined);
    if (this.#warnedAsyncFilter) return;
    this.#warnedAsyncFilter = true;
    this.logger.error(
      'replay filter returned a promise: a filter must answer true or false at once; no message it answered that way is replayed',
      { from: this.options.from },
    );
  }

  #hold(message: PulledMessage, why: 'filtered' | 'exhausted' | 'dry_run' | 'over_max'): void {
    this.#seen.set(message.messageId, 'held');
    this.#held.set(message.messageId, message.ackId);
    if (why === 'exhausted') this.result.exhausted.push(toSample(message));
    else if (why === 'dry_run') this.result.wouldReplay.push(toSample(message));
    else this.result.skipped += 1;
    this.emit({ type: 'held', messageId: message.messageId, why });
  }

  /** Acknowledges messages this run republished already; resolves to whether that worked. */
  async #ackAgain(messages: PulledMessage[]): Promise<boolean> {
    try {
      await acknowledge(
        this.subscriber,
        this.path,
        messages.map((m) => m.ackId),
      );
    } catch {
      // Left leased: republished once in this run already; a later run acknowledges it.
      return false;
    }
    this.result.reacknowledged += messages.length;
    for (const { messageId } of messages) {
      const copy = this.result.duplicates.find((d) => d.messageId === messageId && !d.acked);
      if (copy !== undefined) {
        copy.acked = true;
        delete copy.error;
        continue;
      }
      // Its first ack had failed: now it is out of the DLQ, a completed replay.
      const index = this.result.failed.findIndex((f) => f.messageId === messageId && f.stage === 'ack');
      const published = this.#published.get(messageId);
      if (index >= 0 && published) {
        this.result.failed.splice(index, 1);
        this.result.replayed.push({ messageId, ...published });
      }
    }
    return true;
  }

  async #publishAndAck(messages: PulledMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const published = await mapLimit(messages, 16, async (message) => {
      if (this.#stopped || this.#targetMissing !== undefined) {
        this.#seen.set(message.messageId, 'held');
        this.#held.set(message.messageId, message.ackId);
        this.#counted -= 1;
        this.result.skipped += 1;
        return undefined;
      }
      let orderingKey: string | undefined;
      try {
        const republished = replayMessage(
          message.attributes,
          this.options.from,
          message.messageId,
          message.orderingKey,
        );
        orderingKey = republished.orderingKey;
        const newMessageId = await this.publisher.publishMessage({ data: message.data, ...republished });
        this.#seen.set(message.messageId, 'published');
        this.#published.set(message.messageId, {
          newMessageId,
          replayCount: replayCountOf(message.attributes) + 1,
        });
        this.emit({ type: 'published', messageId: message.messageId, newMessageId });
        return { message, newMessageId };
      } catch (caught) {
        this.#seen.set(message.messageId, 'failed');
        this.#held.set(message.messageId, message.ackId);
        const error = toPipelineError(caught);
        // The Pub/Sub client pauses an ordering key after a failed publish (every later message with
        // it would be refused): this one stays in the DLQ, the others with its key may still go.
        if (orderingKey !== undefined) resumePublishing(this.publisher, orderingKey);
        // From the run's own publisher, the topic of `to`, NOT_FOUND can only mean that topic. A
        // publisher of the caller's may mean anything by it: its failures stay per message.
        if (error instanceof NotFoundError && this.run.publisher === undefined) this.#targetMissing ??= error;
        this.result.failed.push({ messageId: message.messageId, stage: 'publish', error });
        return undefined;
      }
    });
    const done = published.filter((p) => p !== undefined);
    if (done.length === 0) return;
    // Acknowledged only after its publish succeeded: a crash before this line leaves it in the DLQ.
    try {
      await acknowledge(
        this.subscriber,
        this.path,
        done.map((p) => p.message.ackId),
      );
      this.#unlease(done.map((p) => p.message.ackId));
      for (const { message } of done) {
        this.result.replayed.push({
          messageId: message.messageId,
          ...this.#published.get(message.messageId)!,
        });
      }
      this.emit({ type: 'acked', messageIds: done.map((p) => p.message.messageId) });
    } catch (caught) {
      const error = toPipelineError(caught);
      for (const { message } of done) {
        this.result.failed.push({ messageId: message.messageId, stage: 'ack', error });
      }
      // Handed straight back so that this run pulls them again and acknowledges them without
      // republishing; if that fails too, their leases expire and a later run does it.
      this.#unlease(done.map((p) => p.message.ackId));
      await release(
        this.subscriber,
        this.path,
        done.map((p) => p.message.ackId),
      ).catch(() => undefined);
    }
  }

  async #releaseHeld(): Promise<void> {
    if (this.#held.size === 0) return;
    try {
      await release(this.subscriber, this.path, [...this.#held.values()]);
    } catch (caught) {
      this.result.releaseError = toPipelineError(caught);
    }
  }
}

/**
 * Moves dead-lettered messages back to the topic they came from: pulls them from the DLQ
 * subscription, republishes each with its data and its attributes (minus the dead-letter ones, plus
 * `replayed_from`, `replay_count` and `replayed_message_id`) and acknowledges it only after the
 * publish succeeded. At least once, never lost: a run stopped at any point leaves every message
 * either still in the DLQ or republished (or both, when it stopped between a publish and its ack);
 * within one run no message is republished after its acknowledgement. A copy can still come from a
 * publish whose answer was lost (Pub/Sub stored it, the client did not hear so and sent it again):
 * every copy carries the same `replayed_message_id`, for consumers to de-duplicate on. Messages replayed `maxReplays` times already (3)
 * stay in the DLQ and are reported, so a message that keeps failing cannot loop for ever.
 *
 * Messages the run leaves in the DLQ (filtered, exhausted, over `max`, dry run, failed) are held
 * while it runs so that it does not see them again, then handed back at once.
 *
 * @example
 * ```ts
 * import { replayDeadLetters } from 'gcp-pipeline-resilience';
 *
 * const preview = await replayDeadLetters({ from: 'nba-phase2-raw-complete-dlq-sub', to: 'nba-phase2-raw-complete', dryRun: true });
 * console.log(`${preview.wouldReplay.length} would be replayed, ${preview.exhausted.length} replayed too often`);
 * const result = await replayDeadLetters({ from: 'nba-phase2-raw-complete-dlq-sub', to: 'nba-phase2-raw-complete' });
 * if (result.failed.length > 0) process.exitCode = 1;
 * ```
 */
export async function replayDeadLetters(
  options: ReplayOptions,
  run: ReplayRunOptions = {},
): Promise<ReplayResult> {
  const resolved = resolveReplayOptions(options);
  const clients = new ClientSet(run.clients ?? {}, resolved.projectId);
  try {
    return await runReplay(resolved, clients, run);
  } finally {
    await clients.close();
  }
}

/** Runs a replay on checked options with the given clients (the monitor's entry). */
export async function runReplay(
  resolved: ResolvedReplayOptions,
  clients: ClientSet,
  run: ReplayRunOptions,
): Promise<ReplayResult> {
  const shutdown = shutdownOption(run.shutdown, 'replayDeadLetters');
  const subscriber = await clients.subscriber();
  const ownPolicy = await refuseLoop(subscriber, resolved);
  // Ordering on, so that a message that had an ordering key is republished with it.
  const publisher = run.publisher ?? (await clients.pubsub()).topic(resolved.to, { messageOrdering: true });
  const replay = new ReplayRun(resolved, subscriber, publisher, run);
  if (ownPolicy !== undefined) {
    // Every message a run pulls and hands back counts one delivery attempt there, and Pub/Sub
    // forwards it after maxDeliveryAttempts: a dry run hands back all it pulls, so a few of them
    // moved the DLQ's messages on (to a topic perhaps without a subscription, where they are lost).
    const forwarding = `${resolved.from} has a dead-letter policy of its own (to ${ownPolicy.topic} after ${ownPolicy.maxDeliveryAttempts} delivery attempts)`;
    if (resolved.dryRun) {
      replay.result.stoppedBy = 'failed';
      replay.result.error = new PipelineError(
        `dry run refused: ${forwarding}, and each message a dry run pulls counts one attempt, so dry runs would move them out of the DLQ; read the count with checkDeadLetters (gpr dlq status) instead`,
        { code: 'DRY_RUN_NOT_SAFE', transient: false },
      );
      return replay.result;
    }
    replay.logger.warn(
      `replay: ${forwarding}; each message this run leaves in it (filtered, exhausted, over max, failed) counts one more attempt`,
      {
        from: resolved.from,
        deadLetterTopic: ownPolicy.topic,
        maxDeliveryAttempts: ownPolicy.maxDeliveryAttempts,
      },
    );
  }
  if (resolved.dryRun && run.publisher === undefined) {
    // A dry run publishes nothing, so nothing else would notice that the target topic is missing.
    const missing = await missingTopic(publisher, resolved);
    if (missing !== undefined) {
      replay.result.stoppedBy = 'failed';
      replay.result.error = missing;
      return replay.result;
    }
  }
  if (shutdown === false) return replay.execute();
  const running = replay.execute();
  const leave = (shutdown ?? defaultShutdownCoordinator()).onShutdown(
    () => {
      replay.stop();
      return running.then(
        () => undefined,
        () => undefined,
      );
    },
    { name: `replayDeadLetters ${resolved.from}: a run in flight` },
  );
  try {
    return await running;
  } finally {
    leave();
  }
}

/** Lets a publisher (a `Topic` of `@google-cloud/pubsub`) publish with `key` again after a failure. */
function resumePublishing(publisher: MessagePublisher, key: string): void {
  const resume = (publisher as { resumePublishing?: unknown }).resumePublishing;
  if (typeof resume !== 'function') return;
  try {
    (resume as (key: string) => void).call(publisher, key);
  } catch {
    // A publisher of the caller's that cannot resume: its later publishes with the key fail alone.
  }
}

/** Pub/Sub's NOT_FOUND, said of what was missing (its own message names only a resource). */
function renamed(error: NotFoundError, message: string): NotFoundError {
  return new NotFoundError(message, { cause: error, httpStatus: error.httpStatus, grpcCode: error.grpcCode });
}

/**
 * Looks the run's own target topic up (GetTopic) and resolves to a `NotFoundError` naming it when
 * Pub/Sub says it does not exist. Best effort: a client without `getMetadata`, or a lookup refused
 * for another reason (no `pubsub.topics.get` permission), is not an answer, and the run goes on.
 */
async function missingTopic(
  publisher: MessagePublisher,
  resolved: ResolvedReplayOptions,
): Promise<NotFoundError | undefined> {
  const lookup = (publisher as { getMetadata?: unknown }).getMetadata;
  if (typeof lookup !== 'function') return undefined;
  try {
    await (lookup as () => Promise<unknown>).call(publisher);
    return undefined;
  } catch (caught) {
    const error = toPipelineError(caught);
    if (!(error instanceof NotFoundError)) return undefined;
    return renamed(
      error,
      `replay target topic projects/${resolved.projectId}/topics/${resolved.to} does not exist: nothing can be replayed into it`,
    );
  }
}

/**
 * Refuses a replay from a subscription that does not exist (naming it as the source: a dry run into a
 * missing topic would otherwise blame only the topic), and one into the topic the dead-letter
 * subscription itself reads: every message would come straight back (until `maxReplays` stopped it).
 * Resolves to the subscription's own dead-letter policy, when it has one. Best effort: without
 * `subscriptions.get` permission the checks are skipped (and no policy is seen).
 */
async function refuseLoop(
  subscriber: v1.SubscriberClient,
  resolved: ResolvedReplayOptions,
): Promise<{ topic: string; maxDeliveryAttempts: number } | undefined> {
  const subscription = `projects/${resolved.projectId}/subscriptions/${resolved.from}`;
  let found:
    | {
        topic?: string | null;
        deadLetterPolicy?: { deadLetterTopic?: string | null; maxDeliveryAttempts?: number | null } | null;
      }
    | undefined;
  try {
    [found] = await subscriber.getSubscription({ subscription });
  } catch (caught) {
    const error = toPipelineError(caught);
    if (!(error instanceof NotFoundError)) return undefined;
    throw renamed(error, `the subscription to replay from, ${subscription}, does not exist`);
  }
  if (found?.topic === `projects/${resolved.projectId}/topics/${resolved.to}`) {
    throw new MonitorConfigError(
      'to',
      `${resolved.to} is the topic ${resolved.from} reads: the replay would send every message back into the DLQ`,
    );
  }
  const policy = found?.deadLetterPolicy;
  // Pub/Sub's default when the policy leaves the attempts at 0.
  return policy?.deadLetterTopic
    ? { topic: policy.deadLetterTopic, maxDeliveryAttempts: policy.maxDeliveryAttempts || 5 }
    : undefined;
}
