import type { AlertSink, Finding } from '../alerting/index.js';
import type { ConfigEnv, SportConfig } from '../config/index.js';
import { OperationTimeoutError, PipelineError, toPipelineError } from '../errors/index.js';
import { redactedStart } from '../errors/redact.js';
import { type Logger, silentLogger } from '../logging/index.js';
import { describeValue } from '../shared/check-options.js';
import { safeLogger } from '../shared/safe-logger.js';
import { untilAborted } from '../shared/until-aborted.js';
import {
  integerAt,
  objectAt,
  refuseUnknownKeys,
  resourceIdOrPathAt,
  resourceProject,
  sportConfigAt,
} from './checks.js';
import { ClientSet, type MonitorClients } from './clients.js';
import type { DeadLetterSubscription } from './dead-letter-config.js';
import { type DeadLetterCheckResult, runDeadLetterCheck } from './dead-letters/check.js';
import {
  type DeadLetterCheckOptions,
  type ResolvedDeadLetterOptions,
  resolveDeadLetterOptions,
} from './dead-letters/options.js';
import { MonitorConfigError } from './errors.js';
import { checkFailedFinding } from './findings.js';
import {
  type LoggingCheckOptions,
  type LoggingCheckResult,
  type ResolvedLoggingOptions,
  resolveLoggingOptions,
  runLoggingCheck,
} from './logging-check.js';
import {
  type ReplayOptions,
  type ReplayResult,
  type ReplayRunOptions,
  resolveReplayOptions,
  runReplay,
} from './replay.js';
import {
  type CheckOutcome,
  isBlindSpot,
  type MonitorReport,
  type NotificationRecord,
  withJson,
} from './report.js';

/**
 * Options of {@link createMonitor}. Everything is checked when the monitor is created: a mistake is a
 * {@link MonitorConfigError} before any call to Google.
 *
 * @example
 * ```ts
 * import { createMonitor, type MonitorOptions } from 'gcp-pipeline-resilience';
 * const options: MonitorOptions = {
 *   sport: 'nba',
 *   deadLetters: { threshold: 0, sampleSize: 3 },
 *   logging: { lookbackMinutes: 15, threshold: 5 },
 * };
 * const monitor = createMonitor(options);
 * ```
 */
export interface MonitorOptions {
  /** Default: the sport config's (`GCP_PROJECT_ID`, `GOOGLE_CLOUD_PROJECT`, `nba-props-platform`). */
  projectId?: string;
  /** Whose default dead-letter subscriptions to watch. Default: `SPORT` / `nba`. */
  sport?: string;
  /** The dead-letter check; `false` turns it off. */
  deadLetters?: DeadLetterCheckOptions | false;
  /** The Cloud Logging check; `false` turns it off. */
  logging?: LoggingCheckOptions | false;
  clients?: MonitorClients;
  /** Receives each finding of a run (not in a dry run). */
  alertSink?: AlertSink;
  /**
   * A `send` that has not settled after this long counts as failed (the run goes on). Default 10 000
   * ms; longer than the sink's `deadlineMs` when it has one (an alert manager's: 9000).
   */
  alertTimeoutMs?: number;
  /** Findings are also logged here (error for `critical`/`error`, warn otherwise). Default: silent. */
  logger?: Logger;
  /** The clock (for tests). Default `() => new Date()`. */
  now?: () => Date;
  /** The environment the sport config reads. Default `process.env`. */
  env?: ConfigEnv;
}

/**
 * Options of one {@link Monitor.run}.
 *
 * @example
 * ```ts
 * import { createMonitor, type MonitorRunOptions } from 'gcp-pipeline-resilience';
 * const monitor = createMonitor({ sport: 'nba' });
 * const quick: MonitorRunOptions = { dryRun: true, includeLogging: false }; // dead letters only, nothing sent
 * const report = await monitor.run(quick);
 * ```
 */
export interface MonitorRunOptions {
  /** Send nothing; the report's `notifications` say what would have been sent. Default false. */
  dryRun?: boolean;
  /** Run the logging check (when configured). Default true. */
  includeLogging?: boolean;
  /** Run the dead-letter check (when configured). Default true. */
  includeDeadLetters?: boolean;
  signal?: AbortSignal;
}

/**
 * A replay through the monitor: `to` defaults to the `sourceTopic` of the configured subscription.
 *
 * @example
 * ```ts
 * import { createMonitor, type MonitorReplayOptions } from 'gcp-pipeline-resilience';
 * const monitor = createMonitor({ sport: 'nba' });
 * const preview = (from: string): MonitorReplayOptions => ({ from, dryRun: true });
 * const result = await monitor.replay(preview('nba-phase2-raw-complete-dlq-sub'));
 * ```
 */
export type MonitorReplayOptions = Omit<ReplayOptions, 'to' | 'projectId' | 'env'> & { to?: string };

/**
 * The DLQ monitor, its Cloud Logging check and its replay, on one configuration and one set of clients.
 *
 * @example
 * ```ts
 * import { createMonitor } from 'gcp-pipeline-resilience';
 * const monitor = createMonitor({ sport: 'nba' });
 * const report = await monitor.run();
 * if (report.status !== 'healthy') console.log(report.findings.map((f) => f.title));
 * await monitor.close();
 * ```
 */
export interface Monitor {
  readonly projectId: string;
  /** The subscriptions the dead-letter check watches (empty when it is off). */
  readonly deadLetterSubscriptions: readonly DeadLetterSubscription[];
  /**
   * Runs the checks, sends (or, in a dry run, lists) the findings, and reports. Never rejects for a
   * failed check; rejects with a `MonitorConfigError` when both checks are off or excluded (nothing
   * would be looked at, and `healthy` would be a lie).
   */
  run(options?: MonitorRunOptions): Promise<MonitorReport>;
  checkDeadLetters(options?: { signal?: AbortSignal }): Promise<DeadLetterCheckResult>;
  checkLoggingErrors(options?: { signal?: AbortSignal }): Promise<LoggingCheckResult>;
  replay(options: MonitorReplayOptions, run?: Omit<ReplayRunOptions, 'clients'>): Promise<ReplayResult>;
  /** Closes the clients the monitor created (not those it was given). */
  close(): Promise<void>;
}

const KEYS = [
  'projectId',
  'sport',
  'deadLetters',
  'logging',
  'clients',
  'alertSink',
  'alertTimeoutMs',
  'logger',
  'now',
  'env',
] as const;

function resolveProject(raw: Record<string, unknown>): { projectId: string; sport: SportConfig } {
  const sport = sportConfigAt(raw.sport, raw.env, (key) => key);
  const projectId =
    raw.projectId === undefined ? sport.projectId : resourceProject(raw.projectId, 'projectId');
  return { projectId, sport };
}

/**
 * `sink.send(finding)`, or an {@link OperationTimeoutError} once `timeoutMs` has passed. The run's
 * signal is handed to the sink (an alert manager cuts its channels and records what it delivered),
 * but not raced here: the run waits for the sink's answer so that a delivery is recorded, not cut off.
 */
async function sendWithin(
  sink: AlertSink,
  finding: Finding,
  timeoutMs: number,
  signal: AbortSignal | undefined,
) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new OperationTimeoutError(`alert sink did not answer within ${timeoutMs} ms`, { timeoutMs })),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([sink.send(finding, signal ? { signal } : {}), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Longest delivery detail kept in a notification. */
const DETAIL_MAX_CHARS = 2000;

function describeAnswer(answer: unknown): string {
  try {
    return redactedStart(JSON.stringify(answer) ?? String(answer), 200);
  } catch {
    return Object.prototype.toString.call(answer);
  }
}

/**
 * What a sink's answer says: nothing (sent), or `{ outcome: 'sent' | 'suppressed', detail? }`. Any
 * other answer is an error: counted as sent or held back, an answer nobody understood would hide an
 * alert that may not have gone out. A detail that is not text is left out; a detail goes on to the
 * report and logs, so its credentials are removed, and a long one is cut.
 */
function readDelivery(answer: unknown): { outcome: 'sent' | 'suppressed'; detail?: string } | undefined {
  if (answer === undefined || answer === null) return undefined;
  const outcome = (answer as { outcome?: unknown } | undefined)?.outcome;
  if (typeof answer !== 'object' || (outcome !== 'sent' && outcome !== 'suppressed')) {
    throw new PipelineError(
      `the alert sink answered ${describeAnswer(answer)}: expected nothing or { outcome: 'sent' | 'suppressed' }`,
      { code: 'ALERT_SINK_ANSWER' },
    );
  }
  const detail = (answer as { detail?: unknown }).detail;
  return typeof detail === 'string' && detail !== ''
    ? { outcome, detail: redactedStart(detail, DETAIL_MAX_CHARS) }
    : { outcome };
}

async function notify(
  findings: Finding[],
  sink: AlertSink | undefined,
  dryRun: boolean,
  logger: Logger,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<NotificationRecord[]> {
  const records: NotificationRecord[] = [];
  for (const finding of findings) {
    const record: NotificationRecord = {
      key: finding.key,
      severity: finding.severity,
      title: finding.title,
      outcome: dryRun ? 'would_send' : sink ? 'sent' : 'no_sink',
    };
    if (!dryRun && sink && signal?.aborted) {
      // Stopped (a shutdown's drain ran out): the findings not yet sent are said, never dropped.
      record.outcome = 'not_sent';
      record.detail = 'the run was stopped before this alert was sent';
      records.push(record);
      continue;
    }
    if (!dryRun) {
      const log =
        finding.severity === 'critical' || finding.severity === 'error' ? logger.error : logger.warn;
      log.call(logger, finding.title, {
        key: finding.key,
        severity: finding.severity,
        fields: finding.fields,
      });
    }
    if (!dryRun && sink) {
      try {
        const delivery = readDelivery(await sendWithin(sink, finding, timeoutMs, signal));
        if (delivery) {
          record.outcome = delivery.outcome;
          if (delivery.detail) record.detail = delivery.detail;
        }
      } catch (caught) {
        record.outcome = 'failed';
        record.error = toPipelineError(caught);
      }
    }
    records.push(record);
  }
  return records;
}

/**
 * One check's outcome. An abort ends the wait at once (a gRPC call in flight does not listen to the
 * signal, and would hold the run for up to `callTimeoutMs`) and rejects with the signal's reason.
 */
async function attempt<T>(run: () => Promise<T>, signal: AbortSignal | undefined): Promise<CheckOutcome<T>> {
  try {
    return { status: 'ok', result: await untilAborted(run(), signal) };
  } catch (caught) {
    signal?.throwIfAborted();
    return { status: 'failed', error: toPipelineError(caught) };
  }
}

/**
 * Creates the monitor: checks the whole configuration now (a {@link MonitorConfigError} names the
 * bad option), and talks to Google only when a check runs. Defaults: the six `nba` dead-letter
 * subscriptions, alert above 0 messages; the BigQuery, Firestore and GCS log categories plus this
 * library's own errors, above 5 entries in 15 minutes.
 *
 * @example
 * ```ts
 * import { createMonitor } from 'gcp-pipeline-resilience';
 * const monitor = createMonitor({
 *   sport: 'nba',
 *   alertSink: { send: async (finding) => console.log(finding.severity, finding.title) },
 * });
 * const report = await monitor.run({ dryRun: process.env.DRY_RUN === '1' });
 * console.log(JSON.stringify(report));
 * ```
 */
export function createMonitor(options: MonitorOptions = {}): Monitor {
  const raw = objectAt(options, 'options');
  refuseUnknownKeys(raw, KEYS, '');
  const { projectId, sport } = resolveProject(raw);
  if (raw.alertSink !== undefined && typeof (raw.alertSink as AlertSink)?.send !== 'function') {
    throw new MonitorConfigError('alertSink', 'expected an object with a send(finding) method');
  }
  if (raw.now !== undefined && typeof raw.now !== 'function')
    throw new MonitorConfigError('now', 'expected a function');
  if (raw.clients !== undefined) objectAt(raw.clients, 'clients');
  const alertTimeoutMs = integerAt(raw.alertTimeoutMs, 'alertTimeoutMs', 1, 10_000);
  const sinkDeadlineMs = (raw.alertSink as AlertSink | undefined)?.deadlineMs;
  if (typeof sinkDeadlineMs === 'number' && alertTimeoutMs <= sinkDeadlineMs) {
    throw new MonitorConfigError(
      'alertTimeoutMs',
      `${alertTimeoutMs} ms must be longer than the alert sink's deadlineMs (${sinkDeadlineMs}): the run would report as failed an alert the sink was still delivering`,
    );
  }
  const deadLetters: ResolvedDeadLetterOptions | undefined =
    options.deadLetters === false
      ? undefined
      : resolveDeadLetterOptions(
          { sport: sport.sport, env: options.env, ...options.deadLetters },
          'deadLetters',
          projectId,
        );
  const logging: ResolvedLoggingOptions | undefined =
    options.logging === false
      ? undefined
      : resolveLoggingOptions({ env: options.env, ...options.logging }, 'logging', projectId);
  const clients = new ClientSet(options.clients ?? {}, projectId);
  const now = checkedClock(options.now);
  // A logger that throws (EPIPE on a closed stdout) must not stop the findings reaching the sink.
  const logger = safeLogger(options.logger ?? silentLogger);

  const checkDeadLetters = async (run: { signal?: AbortSignal } = {}) => {
    if (!deadLetters) throw new MonitorConfigError('deadLetters', 'the dead-letter check is turned off');
    return runDeadLetterCheck(deadLetters, clients, now(), run.signal);
  };
  const checkLoggingErrors = async (run: { signal?: AbortSignal } = {}) => {
    if (!logging) throw new MonitorConfigError('logging', 'the logging check is turned off');
    return runLoggingCheck(logging, clients, now(), run.signal);
  };

  return {
    projectId,
    deadLetterSubscriptions: deadLetters?.subscriptions ?? [],
    checkDeadLetters,
    checkLoggingErrors,

    async run(runOptions = {}) {
      const { signal } = runOptions;
      const dryRun = runOptions.dryRun === true;
      const checkedAt = now();
      const skip = (reason: string) => ({ status: 'skipped' as const, reason });
      // A run that looks at nothing must not answer `healthy`: that is a configuration mistake.
      if (
        (!deadLetters || runOptions.includeDeadLetters === false) &&
        (!logging || runOptions.includeLogging === false)
      ) {
        throw new MonitorConfigError(
          'run',
          'nothing to check: the dead-letter and logging checks are both turned off or excluded from this run, so no report could say the pipeline is healthy',
        );
      }
      const [deadLetterOutcome, loggingOutcome] = await Promise.all([
        !deadLetters
          ? skip('not configured')
          : runOptions.includeDeadLetters === false
            ? skip('excluded from this run')
            : attempt(() => runDeadLetterCheck(deadLetters, clients, checkedAt, signal), signal),
        !logging
          ? skip('not configured')
          : runOptions.includeLogging === false
            ? skip('excluded from this run')
            : attempt(() => runLoggingCheck(logging, clients, checkedAt, signal), signal),
      ]);
      const findings: Finding[] = [];
      const failed: string[] = [];
      const collect = (check: string, outcome: CheckOutcome<{ findings: Finding[] }>) => {
        if (outcome.status === 'ok') findings.push(...outcome.result.findings);
        if (outcome.status === 'failed') findings.push(checkFailedFinding(check, outcome.error));
      };
      collect('dead_letters', deadLetterOutcome);
      collect('logging', loggingOutcome);
      for (const finding of findings) {
        if (isBlindSpot(finding)) failed.push(finding.key.slice('check_failed:'.length));
      }
      const notifications = await notify(findings, options.alertSink, dryRun, logger, alertTimeoutMs, signal);
      const degraded = failed.length > 0;
      const errorsFound = findings.some((f) => !isBlindSpot(f) && f.key !== 'check_failed:monitoring');
      const report: MonitorReport = {
        status: degraded ? 'degraded' : errorsFound ? 'errors_found' : 'healthy',
        errorsFound,
        degraded,
        checkedAt: checkedAt.toISOString(),
        projectId,
        dryRun,
        deadLetters: deadLetterOutcome,
        logging: loggingOutcome,
        findings,
        notifications,
        summary: {
          dlqMessages: deadLetterOutcome.status === 'ok' ? deadLetterOutcome.result.totalMessages : 0,
          loggingErrors: loggingOutcome.status === 'ok' ? loggingOutcome.result.totalErrors : 0,
          failed,
          alertsSent: notifications.filter((n) => n.outcome === 'sent').length,
          alertsSuppressed: notifications.filter((n) => n.outcome === 'suppressed').length,
          alertsFailed: notifications.filter((n) => n.outcome === 'failed').length,
          alertsNotSent: notifications.filter((n) => n.outcome === 'not_sent').length,
        },
      };
      return withJson(report);
    },

    async replay(replayOptions, run = {}) {
      // `from` is checked first (an id, or a path in this project) and looked up by its id: an error
      // about it names `from`, never the `to` the caller may not have given.
      const from = resourceIdOrPathAt(replayOptions?.from, 'from', 'subscription', projectId);
      const configured = deadLetters?.subscriptions.find((s) => s.subscription === from);
      const to = replayOptions.to ?? configured?.sourceTopic;
      if (to === undefined) {
        if (configured) {
          throw new MonitorConfigError(
            'to',
            `no sourceTopic is configured for ${from}: say where to replay to`,
          );
        }
        const watched = (deadLetters?.subscriptions ?? []).map((s) => s.subscription).join(', ') || 'none';
        throw new MonitorConfigError(
          'from',
          `${JSON.stringify(from)} is not a watched dead-letter subscription (configured: ${watched}): check the name, or give \`to\``,
        );
      }
      const resolved = resolveReplayOptions({ ...replayOptions, to, projectId });
      return runReplay(resolved, clients, { logger, ...run });
    },

    close: () => clients.close(),
  };
}

/**
 * The extras of a one-off check: clients, an abort signal and a clock.
 *
 * @example
 * ```ts
 * import { checkDeadLetters, type CheckRunOptions } from 'gcp-pipeline-resilience';
 * const within = (ms: number): CheckRunOptions => ({ signal: AbortSignal.timeout(ms) });
 * const result = await checkDeadLetters({ sport: 'nba', ...within(30_000) });
 * ```
 */
export interface CheckRunOptions {
  clients?: MonitorClients;
  signal?: AbortSignal;
  now?: () => Date;
}

/**
 * How many messages wait in each dead-letter subscription, how old the oldest is, a sample of them
 * and why they were dead-lettered. Counts come from Cloud Monitoring
 * (`subscription/num_undelivered_messages`, `oldest_unacked_message_age`, and
 * `dead_letter_message_count` on configured source subscriptions); a subscription Monitoring has no
 * data for is peeked at instead (Pull, then ModifyAckDeadline 0: nothing is acknowledged, see
 * docs/decisions/monitoring.md for what a peek changes). A missing subscription is `not_found`, an
 * unreadable one `failed`; neither stops the others. Options are checked first
 * ({@link MonitorConfigError}).
 *
 * @example
 * ```ts
 * import { checkDeadLetters } from 'gcp-pipeline-resilience';
 * const result = await checkDeadLetters({ sport: 'nba', sampleSize: 3 });
 * for (const s of result.subscriptions) {
 *   console.log(s.subscription, s.status, s.messages, s.reasons);
 * }
 * ```
 */
export async function checkDeadLetters(
  options: DeadLetterCheckOptions & CheckRunOptions = {},
): Promise<DeadLetterCheckResult> {
  const { clients, signal, now, ...config } = options;
  const resolved = resolveDeadLetterOptions(config, '');
  return runWithOwnClients(
    resolved.projectId,
    { clients, signal, now },
    runDeadLetterCheck.bind(null, resolved),
  );
}

/**
 * Counts error entries in Cloud Logging per category over a lookback window (default: the
 * BigQuery, Firestore and GCS categories plus this library's own errors, 15 minutes,
 * severity ERROR and up, Cloud Run and Cloud Functions). Every filter is written with explicit
 * parentheses; counts page through all matching entries (up to `maxEntries`), not the first 50. A
 * category whose query fails is `failed` and the others still run.
 *
 * @example
 * ```ts
 * import { checkLoggingErrors } from 'gcp-pipeline-resilience';
 * const result = await checkLoggingErrors({ lookbackMinutes: 60, threshold: 0 });
 * for (const c of result.categories) console.log(c.category, c.count, c.samples[0]?.payload);
 * ```
 */
export async function checkLoggingErrors(
  options: LoggingCheckOptions & CheckRunOptions = {},
): Promise<LoggingCheckResult> {
  const { clients, signal, now, ...config } = options;
  const resolved = resolveLoggingOptions(config, '');
  return runWithOwnClients(
    resolved.projectId,
    { clients, signal, now },
    runLoggingCheck.bind(null, resolved),
  );
}

/**
 * `now`, checked at each reading: an invalid `Date` (or not a `Date`) made every window, filter and
 * timestamp a bare `RangeError` (or `TypeError`) deep in a check; now it is a
 * {@link MonitorConfigError} on `now`, before any call.
 */
function checkedClock(now: (() => Date) | undefined): () => Date {
  if (now === undefined) return () => new Date();
  return () => {
    const date: unknown = now();
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
      throw new MonitorConfigError(
        'now',
        `expected now() to answer a valid Date, got ${describeValue(date)}`,
      );
    }
    return date;
  };
}

/** Runs one check with its own clients (closing those it creates), at `now()`. */
async function runWithOwnClients<T>(
  projectId: string,
  run: CheckRunOptions,
  check: (clients: ClientSet, now: Date, signal?: AbortSignal) => Promise<T>,
): Promise<T> {
  const clients = new ClientSet(run.clients ?? {}, projectId);
  try {
    return await check(clients, checkedClock(run.now)(), run.signal);
  } finally {
    await clients.close();
  }
}
