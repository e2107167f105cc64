/**
 * The whole demo pipeline as one function: set up tables and topics, publish, handle, process,
 * flush, then count what landed. `examples/demo.ts` is its command line; the integration test calls
 * it directly.
 */
import { BigQuery } from '@google-cloud/bigquery';
import { type Message, PubSub, type Subscription, type Topic } from '@google-cloud/pubsub';
import {
  BigQueryExecutor,
  cloudLoggingLogger,
  GoogleApiError,
  getSportConfig,
  type HandlingResult,
  NetworkError,
  type PipelineError,
  PlayerRegistryReader,
  type RegistryReaderStats,
  type RetryInfo,
  UnresolvedPlayerTracker,
  unresolvedPlayersTableDdl,
} from '../src/index.js';
import {
  type BigQueryStandIn,
  type LoggingStandIn,
  type MonitoringStandIn,
  mulberry32,
  type PubSubStandIn,
  type SlackStandIn,
  type StorageStandIn,
  startBigQueryStandIn,
  startLoggingStandIn,
  startMonitoringStandIn,
  startPubSubStandIn,
  startSlackStandIn,
  startStorageStandIn,
} from '../src/testing/index.js';
import { analyticsKey, completionPayloads, malformedMessages, rawLines, registryRows } from './demo-data.js';
import { armFaults, disarmFaults, tallyFaults } from './demo-faults.js';
import { type DemoMonitorSummary, runDemoMonitor } from './demo-monitor.js';
import { type TableCheck, verifyTables } from './demo-verify.js';
import { subscribePhaseTransition } from './phase-transition-handler.js';
import { createGameDateProcessor } from './processor.js';
import { publishCompletion, publishRaw } from './scraper-publish.js';

/** Options of {@link runDemoPipeline}. */
export interface DemoOptions {
  /** Seed of the fault plan and of the retry jitter. Default 1. */
  seed?: number;
  /** Run against this Google Cloud project (Application Default Credentials) instead of the stand-ins. */
  projectId?: string;
  /** Prefix of the datasets, topics and subscriptions the demo creates. Default `''` on the stand-ins, `gpr_demo_<time>_` on Google Cloud. */
  prefix?: string;
  /** Google Cloud only: keep the demo's datasets and topics instead of deleting them at the end. */
  keep?: boolean;
  /** BigQuery location (Google Cloud). Default `'US'`. */
  location?: string;
  /** Progress lines (one per step or message). Default: none. */
  log?: (line: string) => void;
  /** Give up waiting for the messages after this long. Default 60 000 ms. */
  timeoutMs?: number;
  /**
   * How the processor writes its analytics rows: `'storage'` (default) through the Storage Write API
   * in atomic mode, `'insert-all'` through the legacy streaming insertAll with insert ids.
   */
  writer?: 'storage' | 'insert-all';
  /**
   * Stand-ins only: adds fault rules ahead of the default plan (so they are consulted first). Tests
   * use it to break the pipeline on purpose and check that the counts show it.
   */
  extraFaults?: (standIns: { bigquery: BigQueryStandIn; pubsub: PubSubStandIn }) => void;
  /**
   * Stops the run between two steps (SIGTERM, Ctrl-C): it rejects with a {@link DemoInterrupted} that
   * says what had been done, after the usual cleanup (stand-ins closed; on Google Cloud the demo's
   * datasets, topics and subscriptions deleted unless `keep`).
   */
  signal?: AbortSignal;
}

/**
 * The run was stopped through `signal` before it finished. `done` lists what it had done by then, one
 * short phrase per step, in order (`'setup: 4 tables, 2 topics'`, `'published 6 of 11 messages'`, ...).
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * process.once('SIGTERM', () => stop.abort());
 * await runDemoPipeline({ signal: stop.signal }).catch((e) => {
 *   if (e instanceof DemoInterrupted) console.error(`stopped after: ${e.done.join('; ')}`);
 * });
 * ```
 */
export class DemoInterrupted extends Error {
  constructor(readonly done: readonly string[]) {
    super(`demo interrupted; done: ${done.length > 0 ? done.join('; ') : 'nothing yet'}`);
    this.name = 'DemoInterrupted';
  }
}

/** Per-message bookkeeping of the run. */
export interface MessageCounts {
  /** Messages the scraper published (valid, re-sent and malformed). */
  published: number;
  /** Published through `publishValidated`. */
  valid: number;
  /** Published raw, malformed on purpose. */
  invalid: number;
  /** Distinct messages the processor finished (acked). */
  processed: number;
  /** Distinct source messages that reached the dead-letter subscription. */
  deadLettered: number;
  /** Distinct messages the dead-letter topic received (one per dead-lettered source unless one was dead-lettered twice). */
  deadLetterMessages: number;
  /** Deliveries nacked for a redelivery (transient failures). */
  redeliveries: number;
}

/** What {@link runDemoPipeline} resolves to. `ok` is the demo's exit condition. */
export interface DemoSummary {
  mode: 'stand-ins' | 'google-cloud';
  seed: number;
  messages: MessageCounts;
  /** Message ids, to check that exactly the malformed ones were dead-lettered. */
  ids: { valid: string[]; invalid: string[]; processed: string[]; deadLettered: string[] };
  /**
   * Stand-ins only: the source message ids of everything the dead-letter topic received, read from
   * the Pub/Sub stand-in itself (independent of the dead-letter subscription).
   */
  deadLetterTopicSources?: string[];
  /** Dead-letter reasons by message id (the `dead_letter_reason` attribute). */
  deadLetterReasons: Record<string, string>;
  tables: TableCheck[];
  /** Rows found in the output tables (analytics + unresolved_players). */
  rowsWritten: number;
  duplicates: number;
  lost: number;
  retries: { bigquery: number; pubsubPublish: number; total: number };
  faults: { byKind: Record<string, number>; total: number };
  /** `player_lookup|TYPE` -> misses the tracker held before the flush. */
  trackedUnresolved: Record<string, number>;
  /** `player_lookup|TYPE` -> SUM(occurrence_count) found in the table afterwards. */
  writtenUnresolved: Record<string, number>;
  flushAttempts: number;
  /** The registry reader's counters (lookups, cache hits, queries, misses). */
  registry: RegistryReaderStats;
  executorStats: { calls: number; attempts: number; retries: number };
  /** Stand-ins only: what the monitor saw and sent afterwards (its dead-letter count must equal `deadLetterMessages`). */
  monitor?: DemoMonitorSummary;
  durationMs: number;
  /**
   * duplicates = 0, lost = 0, every message processed or dead-lettered, the monitor counted every dead
   * letter, its alerts reached Slack once, and a second run in the same window sent none.
   */
  ok: boolean;
}

interface Environment {
  projectId: string;
  bigquery: BigQuery;
  pubsub: PubSub;
  standIns?: {
    bigquery: BigQueryStandIn;
    pubsub: PubSubStandIn;
    monitoring: MonitoringStandIn;
    logging: LoggingStandIn;
    /** Where the monitor's alerts go, and the bucket their shared rate limits live in. */
    slack: SlackStandIn;
    storage: StorageStandIn;
  };
  close(): Promise<void>;
}

/** The Cloud Storage bucket of the alert manager's shared rate limits (stand-ins only). */
const ALERT_BUCKET = 'demo-alert-state';

async function openEnvironment(projectId: string, options: DemoOptions): Promise<Environment> {
  if (options.projectId !== undefined) {
    const bigquery = new BigQuery({ projectId, location: options.location ?? 'US' });
    const pubsub = new PubSub({ projectId });
    return { projectId, bigquery, pubsub, close: () => pubsub.close() };
  }
  const bq = await startBigQueryStandIn({ projectId });
  const started: Array<{ close(): Promise<void> }> = [bq];
  const closeAll = async () => {
    for (const standIn of started.reverse()) await standIn.close();
  };
  try {
    const ps = await startPubSubStandIn({ projectId });
    started.push(ps);
    const monitoring = await startMonitoringStandIn({ pubsub: ps, projectId });
    started.push(monitoring);
    const logging = await startLoggingStandIn({ projectId });
    started.push(logging);
    const slack = await startSlackStandIn();
    started.push(slack);
    const storage = await startStorageStandIn({ projectId, buckets: [ALERT_BUCKET] });
    started.push(storage);
    return {
      projectId,
      bigquery: bq.client(),
      pubsub: ps.client(),
      standIns: { bigquery: bq, pubsub: ps, monitoring, logging, slack, storage },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** `SERVICE_UNAVAILABLE backendError`, `NETWORK_ERROR ECONNRESET`: code and the most useful detail. */
function describeError(error: PipelineError): string {
  const detail =
    error instanceof GoogleApiError
      ? error.reason
      : error instanceof NetworkError
        ? error.systemCode
        : undefined;
  return detail ? `${error.code} ${detail}` : error.code;
}

/** Resolves when `condition()` holds (polled), or false after `timeoutMs`. */
export async function until(
  condition: () => boolean,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline || signal?.aborted) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/**
 * Runs the demo pipeline end to end and returns what it counted. On the stand-ins (the default) it
 * injects BigQuery 503s, 403 rateLimitExceeded, connection resets before and after the request is
 * applied, a failed job, rows refused as `stopped`, and Pub/Sub UNAVAILABLE on Publish. With
 * `projectId` it runs the same steps against Google Cloud, with no faults.
 *
 * @example
 * ```ts
 * const summary = await runDemoPipeline({ seed: 7, log: console.log });
 * if (!summary.ok) process.exitCode = 1;
 * ```
 */
export async function runDemoPipeline(options: DemoOptions = {}): Promise<DemoSummary> {
  const started = Date.now();
  const seed = options.seed ?? 1;
  const log = (line: string) =>
    options.log?.(`[${((Date.now() - started) / 1000).toFixed(2).padStart(6)}s] ${line}`);
  const cloud = options.projectId !== undefined;
  const projectId = options.projectId ?? 'demo-project';
  const prefix = options.prefix ?? (cloud ? `gpr_demo_${Date.now()}_` : '');
  // Names first: a bad prefix fails here, before anything is started.
  const config = getSportConfig('mlb', { GCP_PROJECT_ID: projectId });
  const datasets = {
    raw: `${prefix}${config.rawDataset}`,
    analytics: `${prefix}${config.analyticsDataset}`,
    reference: `${prefix}${config.referenceDataset}`,
  };
  const tables = {
    raw: config.table(datasets.raw, 'player_game_lines'),
    analytics: config.table(datasets.analytics, 'player_game_summary'),
    registry: config.table(datasets.reference, 'mlb_players_registry'),
    unresolved: config.table(datasets.reference, 'unresolved_players'),
  };
  const topicPrefix = prefix.replaceAll('_', '-');
  const names = {
    topic: `${topicPrefix}${config.topic('phase2-raw-complete')}`,
    deadLetter: `${topicPrefix}${config.topic('phase2-raw-complete-dlq')}`,
  };

  const env = await openEnvironment(projectId, options);
  // On the stand-ins the library's structured logs go where Cloud Run would send them: Cloud Logging.
  const logSink = env.standIns?.logging.lineWriter({ serviceName: 'mlb-phase2-to-phase3' });
  const logger = logSink ? cloudLoggingLogger({ write: logSink.write, minSeverity: 'INFO' }) : undefined;
  const executor = new BigQueryExecutor({
    client: env.bigquery,
    ...(env.standIns ? { writeClient: env.standIns.bigquery.writeClient() } : {}),
    projectId: env.projectId,
    location: options.location ?? 'US',
    retry: {
      ...(logger ? { logger } : {}),
      attemptTimeoutMs: 30_000,
      maxAttempts: 6,
      baseDelayMs: cloud ? 200 : 25,
      maxDelayMs: cloud ? 5_000 : 400,
      random: mulberry32(seed),
      onRetry: (info: RetryInfo) =>
        log(
          `retry      ${describeError(info.error)}: attempt ${info.attempt + 1} in ${Math.round(info.delayMs)} ms`,
        ),
    },
  });

  const subscriptions: Subscription[] = [];
  const topics: Topic[] = [];
  let stopHandler: (() => Promise<void>) | undefined;
  // What the run has done so far, for an interruption to report; `doing` adds the step in progress.
  const done: string[] = [];
  let doing: () => string | undefined = () => undefined;
  const checkpoint = () => {
    if (options.signal?.aborted) {
      const current = doing();
      throw new DemoInterrupted(current === undefined ? done : [...done, current]);
    }
  };
  try {
    checkpoint();
    // ---- setup (no faults yet) ----
    for (const dataset of Object.values(datasets)) {
      await executor.query(`CREATE SCHEMA IF NOT EXISTS \`${env.projectId}.${dataset}\``);
    }
    await executor.query(
      `CREATE TABLE IF NOT EXISTS \`${tables.raw}\` (game_date DATE NOT NULL, game_id STRING NOT NULL, player_name STRING NOT NULL, player_type STRING NOT NULL, strikeouts INT64, hits INT64)`,
    );
    await executor.query(
      `CREATE TABLE IF NOT EXISTS \`${tables.analytics}\` (game_date DATE NOT NULL, game_id STRING NOT NULL, player_lookup STRING NOT NULL, player_type STRING NOT NULL, universal_player_id STRING, strikeouts INT64, hits INT64, processed_by STRING)`,
    );
    await executor.query(
      `CREATE TABLE IF NOT EXISTS \`${tables.registry}\` (player_lookup STRING NOT NULL, universal_player_id STRING, player_type STRING NOT NULL, processed_at TIMESTAMP NOT NULL)`,
    );
    await executor.query(unresolvedPlayersTableDdl(tables.unresolved));
    const lines = rawLines();
    const registry = registryRows();
    await executor.loadRows(tables.raw, lines);
    await executor.loadRows(tables.registry, registry);
    log(
      `setup      ${Object.keys(tables).length} tables in ${Object.keys(datasets).length} datasets; loaded ${lines.length} raw lines, ${registry.length} registry rows`,
    );
    done.push(`setup: ${Object.keys(tables).length} tables, ${lines.length + registry.length} rows loaded`);
    checkpoint();

    const [topic] = await env.pubsub.createTopic(names.topic);
    const [deadLetterTopic] = await env.pubsub.createTopic(names.deadLetter);
    topics.push(topic, deadLetterTopic);
    await topic.createSubscription(`${names.topic}-sub`, {
      ackDeadlineSeconds: 30,
      deadLetterPolicy: { deadLetterTopic: deadLetterTopic.name, maxDeliveryAttempts: 5 },
    });
    // `-sub` keeps the dead letters for the monitor; the demo watches them arrive on `-tap`.
    await deadLetterTopic.createSubscription(`${names.deadLetter}-sub`);
    await deadLetterTopic.createSubscription(`${names.deadLetter}-tap`);
    log(`setup      topics ${names.topic}, ${names.deadLetter} (+ subscriptions)`);
    done.push('setup: 2 topics, 3 subscriptions');
    checkpoint();

    if (env.standIns) {
      options.extraFaults?.(env.standIns);
      armFaults(env.standIns.bigquery, env.standIns.pubsub, seed);
      log(
        `faults     armed (seed ${seed}): ${env.standIns.bigquery.faults.rules.length} BigQuery rules, Publish UNAVAILABLE x2`,
      );
    }

    // ---- consumers ----
    const deadLettered = new Map<string, string>();
    const deadLetterMessageIds = new Set<string>();
    const deadLetterSub = env.pubsub.subscription(`${names.deadLetter}-tap`);
    subscriptions.push(deadLetterSub);
    deadLetterSub.on('message', (message: Message) => {
      const source = message.attributes.source_message_id ?? message.id;
      const reason = message.attributes.dead_letter_reason ?? 'unknown';
      if (!deadLettered.has(source)) log(`dead-letter id=${source} reason=${reason}`);
      deadLettered.set(source, reason);
      deadLetterMessageIds.add(message.id);
      message.ack();
    });

    const source = 'mlb_player_game_processor';
    const tracker = new UnresolvedPlayerTracker({ executor, sport: 'mlb', source, table: tables.unresolved });
    const reader = new PlayerRegistryReader({
      executor,
      sport: 'mlb',
      source,
      table: tables.registry,
      tracker,
    });
    const processGameDate = createGameDateProcessor({
      executor,
      reader,
      rawTable: tables.raw,
      analyticsTable: tables.analytics,
      writer: options.writer ?? 'storage',
    });

    const processed = new Set<string>();
    let redeliveries = 0;
    const subscription = env.pubsub.subscription(`${names.topic}-sub`, {
      // One message at a time keeps the request order, hence the seeded faults, reproducible.
      flowControl: { maxMessages: 1, allowExcessMessages: false },
    });
    subscriptions.push(subscription);
    stopHandler = subscribePhaseTransition(subscription, {
      deadLetterTopic,
      maxDeliveryAttempts: 5,
      ...(logger ? { logger } : {}),
      process: async (message, meta) => {
        const result = await processGameDate(message);
        log(
          `processed  id=${meta.messageId} ${message.game_date}: read ${result.read}, wrote ${result.written}, unresolved ${result.unresolved}`,
        );
      },
      onOutcome: (message: Message, result: HandlingResult) => {
        if (result.outcome === 'processed') processed.add(message.id);
        else if (!result.ack) {
          redeliveries += 1;
          log(
            `nack       id=${message.id} (${result.error?.code ?? result.outcome}): Pub/Sub will redeliver`,
          );
        }
      },
    });

    // ---- the scraper ----
    const ids = { valid: [] as string[], invalid: [] as string[] };
    const payloads = completionPayloads(lines);
    const malformed = malformedMessages();
    const plan: Array<
      | { kind: 'valid'; payload: (typeof payloads)[number]; note: string }
      | { kind: 'invalid'; data: Buffer; note: string }
    > = [];
    payloads.forEach((payload, i) => {
      plan.push({ kind: 'valid', payload, note: payload.game_date });
      const bad = malformed[i];
      if (bad) plan.push({ kind: 'invalid', data: bad.data, note: bad.label });
    });
    // At-least-once delivery upstream: the scraper re-sends one completion.
    const resent = payloads[0]!;
    plan.push({ kind: 'valid', payload: resent, note: `${resent.game_date} (re-sent)` });
    const handled = () =>
      `${processed.size} processed, ${deadLettered.size} dead-lettered, ${redeliveries} redelivered so far`;
    doing = () =>
      `published ${ids.valid.length + ids.invalid.length} of ${plan.length} messages; ${handled()}`;
    for (const [n, item] of plan.entries()) {
      checkpoint();
      if (item.kind === 'valid') {
        const id = await publishCompletion(topic, item.payload);
        ids.valid.push(id);
        log(`publish    #${n + 1} id=${id} valid   ${item.note}`);
      } else {
        const id = await publishRaw(topic, item.data);
        ids.invalid.push(id);
        log(`publish    #${n + 1} id=${id} invalid ${item.note}`);
      }
    }

    // ---- wait for every message to be processed or dead-lettered ----
    const all = [...ids.valid, ...ids.invalid];
    const settled = await until(
      () => all.every((id) => processed.has(id) || deadLettered.has(id)),
      options.timeoutMs ?? 60_000,
      options.signal,
    );
    checkpoint();
    if (!settled) log('timeout    some messages were neither processed nor dead-lettered');
    await stopHandler();
    stopHandler = undefined;
    done.push(`published ${all.length} messages; ${handled()}`);
    doing = () => undefined;

    // ---- flush the unresolved players (a failed flush keeps its entries: try again) ----
    const trackedUnresolved: Record<string, number> = {};
    for (const entry of tracker.entries()) {
      trackedUnresolved[`${entry.playerLookup}|${entry.playerType.toUpperCase()}`] = entry.count;
    }
    let flushAttempts = 0;
    for (; flushAttempts < 5; ) {
      flushAttempts += 1;
      const result = await tracker.flush();
      log(
        `flush      unresolved players: wrote ${result.flushed}, kept ${result.retained}${result.error ? ` (${result.error.code})` : ''}`,
      );
      if (!result.error && result.retained === 0) break;
      checkpoint();
    }
    done.push(`unresolved players flushed in ${flushAttempts} attempt(s)`);
    checkpoint();

    const registryStats = reader.stats;
    log(
      `registry   ${registryStats.lookups} lookups, ${registryStats.cacheHits} cache hits, ${registryStats.queries} queries, ${registryStats.notFound} misses tracked`,
    );
    if (env.standIns) disarmFaults(env.standIns.bigquery, env.standIns.pubsub);
    // Let a late dead-letter delivery land before counting.
    await until(() => ids.invalid.every((id) => deadLettered.has(id)), 2_000);

    checkpoint();
    // ---- count what landed ----
    const verified = await verifyTables(executor, {
      tables,
      lines,
      registry,
      expectedAnalyticsKeys: new Set(lines.map(analyticsKey)),
      trackedUnresolved,
    });
    const faults = env.standIns
      ? tallyFaults(env.standIns.bigquery, env.standIns.pubsub)
      : { byKind: {}, total: 0, publishRetries: 0 };
    const stats = executor.stats;
    const messages: MessageCounts = {
      published: all.length,
      valid: ids.valid.length,
      invalid: ids.invalid.length,
      processed: processed.size,
      deadLettered: deadLettered.size,
      deadLetterMessages: deadLetterMessageIds.size,
      redeliveries,
    };
    const everyMessageHandled = all.every((id) => processed.has(id) || deadLettered.has(id));

    done.push(
      `tables counted: ${verified.rowsWritten} rows, ${verified.duplicates} duplicates, ${verified.lost} lost`,
    );
    checkpoint();
    // ---- the monitor, as Cloud Scheduler would run it on two fresh instances in one window ----
    let monitor: DemoMonitorSummary | undefined;
    let slackMessages = 0;
    if (env.standIns && logSink) {
      await logSink.flush();
      const { slack, storage } = env.standIns;
      monitor = await runDemoMonitor({
        projectId: env.projectId,
        clients: {
          pubsub: env.pubsub,
          monitoring: env.standIns.monitoring.client(),
          logging: env.standIns.logging.client(),
        },
        deadLetterSubscription: `${names.deadLetter}-sub`,
        sourceTopic: names.topic,
        sourceSubscription: `${names.topic}-sub`,
        alerting: {
          webhookUrl: slack.webhookUrl,
          storage: () => storage.client(),
          bucket: ALERT_BUCKET,
          // The alert manager's structured line, shortened for the console.
          logger: cloudLoggingLogger({ write: (line) => log(`alert log  ${line.slice(0, 150)}…`) }),
        },
      });
      slackMessages = slack.messages.length;
      log(
        `monitor    ${monitor.status}: ${monitor.dlqMessages} dead letters, ${monitor.loggingErrors} logged errors, ${monitor.replayable} replayable (${monitor.findings.join(', ')})`,
      );
      for (const line of monitor.notifications) log(`alerts     ${line}`);
      log(`alerts     Slack stand-in received ${slackMessages} message(s)`);
    }
    // Every dead letter counted; the first run's alerts (one per finding) reached Slack; the second run,
    // another instance in the same window, held every one of them back through the shared store.
    const monitorOk =
      monitor === undefined ||
      (monitor.dlqMessages === deadLetterMessageIds.size &&
        monitor.alertsSent === monitor.findings.length &&
        slackMessages === monitor.alertsSent &&
        monitor.secondRunSent === 0 &&
        monitor.alertsSuppressed === monitor.findings.length);
    const summary: DemoSummary = {
      mode: cloud ? 'google-cloud' : 'stand-ins',
      seed,
      messages,
      ids: { ...ids, processed: [...processed], deadLettered: [...deadLettered.keys()] },
      deadLetterReasons: Object.fromEntries(deadLettered),
      ...(env.standIns
        ? {
            deadLetterTopicSources: env.standIns.pubsub
              .published(names.deadLetter)
              .map((m) => m.attributes.source_message_id ?? ''),
          }
        : {}),
      tables: verified.tables,
      rowsWritten: verified.rowsWritten,
      duplicates: verified.duplicates,
      lost: verified.lost,
      retries: {
        bigquery: stats.retries,
        pubsubPublish: faults.publishRetries,
        total: stats.retries + faults.publishRetries,
      },
      faults: { byKind: faults.byKind, total: faults.total },
      trackedUnresolved,
      writtenUnresolved: verified.writtenUnresolved,
      flushAttempts,
      registry: reader.stats,
      executorStats: stats,
      ...(monitor ? { monitor } : {}),
      durationMs: Date.now() - started,
      ok: verified.duplicates === 0 && verified.lost === 0 && everyMessageHandled && monitorOk,
    };
    return summary;
  } finally {
    if (stopHandler) await stopHandler().catch(() => undefined);
    await Promise.allSettled(subscriptions.map((s) => s.close()));
    if (cloud && !options.keep) {
      await Promise.allSettled(subscriptions.map((s) => s.delete()));
      await Promise.allSettled(topics.map((t) => t.delete()));
      for (const dataset of Object.values(datasets)) {
        await executor
          .query(`DROP SCHEMA IF EXISTS \`${env.projectId}.${dataset}\` CASCADE`)
          .catch(() => undefined);
      }
    }
    await env.close();
  }
}
