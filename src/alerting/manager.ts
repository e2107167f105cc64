import * as z from 'zod';
import { OperationTimeoutError, type PipelineError, toPipelineError } from '../errors/index.js';
import { redactedStart, removeSecrets } from '../errors/redact.js';
import { cloudLoggingLogger, type Logger } from '../logging/index.js';
import { type Clock, systemClock } from '../retry/index.js';
import { scheduleOn } from '../retry/schedule.js';
import { onAbort } from '../shared/abort-fanout.js';
import { lazy } from '../shared/lazy.js';
import { randomUUID } from '../shared/node-crypto.js';
import { safeLogger } from '../shared/safe-logger.js';
import { untilAborted } from '../shared/until-aborted.js';
import { whileInFlight } from '../shutdown/in-flight.js';
import { defaultShutdownCoordinator } from '../shutdown/index.js';
import type { AlertChannel, AlertMessage, ChannelContext } from './channels/channel.js';
import { cutText } from './channels/cut.js';
import { withoutSecrets } from './channels/message-secrets.js';
import { parseOptions } from './checks.js';
import { AlertDeliveryError } from './errors.js';
import type { AlertSeverity, AlertSink } from './finding.js';
import { ALERT_SEVERITIES } from './levels.js';
import { type AlertManagerOptions, resolveManagerOptions } from './options.js';
import { type ClaimResult, RateLimiter } from './rate-limit/limiter.js';
import { memoryRateLimitStore } from './rate-limit/memory-store.js';
import { OwnDeliveries } from './rate-limit/own-deliveries.js';
import { ruleFor } from './rate-limit/rules.js';
import type { WindowRule } from './rate-limit/state.js';
import { UnrecordedDeliveries } from './rate-limit/unrecorded.js';
import type { AlertResult, ChannelOutcome } from './result.js';

/**
 * An alert for {@link AlertManager.send}. A monitor `Finding` is one; for your own alerts only `key`,
 * `severity` and `title` are needed.
 *
 * @example
 * ```ts
 * import { createAlertManager, type AlertInput } from 'gcp-pipeline-resilience';
 * const alerts = createAlertManager();
 * const insertFailed = (processor: string, failedRows: number): AlertInput => ({
 *   key: `processor:${processor}:bigquery_insert`,
 *   severity: 'error',
 *   title: `${processor}: BigQuery insert failed`,
 *   message: `${failedRows} rows were refused for good (invalid).`,
 *   fields: { processor, failed_rows: failedRows },
 * });
 * await alerts.send(insertFailed('phase2_games', 3));
 * ```
 */
export interface AlertInput {
  /** What the rate limit counts: the same key for the same condition (`processor:<name>:<error type>`). */
  key: string;
  severity: AlertSeverity;
  title: string;
  message?: string;
  /** Shown as Slack fields (up to 10) and an email table. */
  fields?: Record<string, string | number | boolean>;
  recoveryCommands?: string[];
  /** Who raised it. Default `'application'`. */
  source?: string;
}

/**
 * Options of one {@link AlertManager.send}.
 *
 * @example
 * ```ts
 * import { createAlertManager, type SendOptions } from 'gcp-pipeline-resilience';
 * const alerts = createAlertManager();
 * const manualRun: SendOptions = { force: true }; // an operator asked: pass the rate limit (still recorded)
 * await alerts.send({ key: 'manual:backfill', severity: 'info', title: 'Backfill finished' }, manualRun);
 * ```
 */
export interface SendOptions {
  /** Send even if the rate limit is reached (the delivery is still recorded). Backfill mode still applies. */
  force?: boolean;
  /**
   * Cuts the channels short when it aborts (a shutdown's drain ran out), as the deadline does: a
   * channel that already took the alert is still recorded in the store, a claim no channel used is
   * released, and the send resolves or rejects as usual.
   */
  signal?: AbortSignal;
}

/**
 * Sends alerts to its channels and writes one structured log line per alert, within limits shared
 * through its store. An {@link AlertSink}: give it to `createMonitor({ alertSink })`.
 *
 * @example
 * ```ts
 * import { createAlertManager, createMonitor } from 'gcp-pipeline-resilience';
 * const alerts = createAlertManager();
 * const monitor = createMonitor({ alertSink: alerts });
 * ```
 */
export interface AlertManager extends AlertSink {
  /**
   * Sends `alert` to the channels its severity routes to, unless the rate limit or backfill mode holds
   * it back. Resolves with what happened (`sent` if at least one channel took it); rejects with an
   * {@link AlertDeliveryError} when every routed channel failed, and with an {@link AlertConfigError}
   * for a malformed alert. Never rejects because the rate-limit store is down: it sends and says so.
   */
  send(alert: AlertInput, options?: SendOptions): Promise<AlertResult>;
  /** The configured channels' names, in order (the log line is not one of them). */
  readonly channels: readonly string[];
  /** The store's name (`'memory'`, `'gcs'`, ...). */
  readonly store: string;
  /** The bound of one `send`, recording included (`deadlineMs`). */
  readonly deadlineMs: number;
}

const alertSchema = lazy(() =>
  z.object({
    key: z.string().min(1).max(512),
    severity: z.enum(ALERT_SEVERITIES as [AlertSeverity, ...AlertSeverity[]]),
    title: z.string().trim().min(1),
    message: z.string().optional(),
    fields: z
      .record(
        z.string(),
        z.union([z.string(), z.number(), z.boolean()], {
          message: 'expected a string, a finite number or a boolean',
        }),
      )
      .optional(),
    recoveryCommands: z.array(z.string()).optional(),
    source: z.string().optional(),
  }),
);

/** Longest text of an alert kept in the log line. */
const LOG_TEXT_MAX = 2000;

/**
 * The most fields, the longest field name and value, and the longest `source` the log line keeps.
 * Cloud Logging refuses an entry over 256 KB, and the line is the alert of last resort: with these
 * bounds it stays under about 40 KB whatever the alert holds.
 */
const LOG_FIELDS_MAX = 30;
const LOG_FIELD_NAME_MAX = 100;
const LOG_FIELD_VALUE_MAX = 500;
const LOG_SOURCE_MAX = 200;

/**
 * The alert's fields as the log line shows them: bounded, credentials removed (a log is no place for
 * them, and a field can quote a failed request), and how many were left out.
 */
function loggedFields(fields: AlertMessage['fields']): {
  fields: Record<string, string | number | boolean>;
  fields_omitted?: number;
} {
  const entries = Object.entries(fields);
  const shown: Record<string, string | number | boolean> = {};
  for (const [name, value] of entries.slice(0, LOG_FIELDS_MAX)) {
    shown[cutText(name, LOG_FIELD_NAME_MAX)] =
      typeof value === 'string' ? redactedStart(value, LOG_FIELD_VALUE_MAX) : value;
  }
  const omitted = entries.length - Object.keys(shown).length;
  return omitted > 0 ? { fields: shown, fields_omitted: omitted } : { fields: shown };
}

function windowText(rule: WindowRule): string {
  const minutes = rule.windowMs / 60_000;
  return `${rule.max} per ${Number.isInteger(minutes) ? minutes : minutes.toFixed(1)} min`;
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}

function errorText(error: PipelineError | undefined): string {
  return error ? `${error.code}: ${error.message}` : 'unknown error';
}

/** The outcomes of channels that could not be called: each routed one failed with `error`. */
function notRun(
  channels: readonly AlertChannel[],
  routed: readonly string[],
  severity: AlertSeverity,
  error: unknown,
): ChannelOutcome[] {
  const failure = toPipelineError(error);
  return channels.map((channel) =>
    routed.includes(channel.name)
      ? { channel: channel.name, status: 'failed', attempts: 0, error: failure }
      : { channel: channel.name, status: 'skipped', attempts: 0, detail: `not routed for ${severity}` },
  );
}

function describe(
  result: Omit<AlertResult, 'detail'>,
  rule: WindowRule,
  store: string,
  forced: boolean,
): string {
  if (result.outcome === 'suppressed') {
    if (result.reason === 'backfill') return 'suppressed: backfill mode holds back everything but critical';
    if (result.reason === 'in_flight')
      return `suppressed: another instance is sending it now (${windowText(rule)})`;
    const next = result.window?.nextAllowedAt ? `; next allowed at ${result.window.nextAllowedAt}` : '';
    if (result.rateLimit === 'unavailable') {
      return (
        `suppressed: rate-limit store ${store} unavailable (${errorText(result.rateLimitError)}) and this ` +
        `instance already sent it ${times(result.window?.sent ?? 0)} in the window (${windowText(rule)})${next}`
      );
    }
    return `suppressed: rate limited, ${result.window?.sent ?? 0} sent in the window (${windowText(rule)})${next}`;
  }
  const parts: string[] = [];
  const routed = result.channels.filter((c) => c.channel !== 'log' && c.status !== 'skipped');
  const sent = routed.filter((c) => c.status === 'sent').map((c) => c.channel);
  parts.push(
    sent.length > 0
      ? `sent to ${sent.join(', ')}`
      : routed.length === 0
        ? 'logged only (no channel routed)'
        : 'not delivered',
  );
  for (const c of routed.filter((c) => c.status === 'failed'))
    parts.push(`${c.channel} failed (${errorText(c.error)})`);
  if (result.rateLimit === 'unavailable') {
    parts.push(
      `rate-limit store ${store} unavailable (${errorText(result.rateLimitError)}): ` +
        // Without the store, a send that is not forced is still held to this instance's own window.
        (forced
          ? 'forced, sent without a limit'
          : `sent within this instance's own limit (${windowText(rule)})`),
    );
  } else if (result.rateLimit === 'forced') {
    parts.push('forced past the rate limit');
  }
  if (result.recorded === false) parts.push(`delivery not recorded (${errorText(result.rateLimitError)})`);
  return parts.join('; ');
}

/**
 * Creates an alert manager. Options are checked now ({@link AlertConfigError} names the field).
 *
 * - **Routing**: `critical` and `error` go to email and Slack, `warning`, `info` and
 *   `success` to Slack; every alert also becomes one structured log line (error, warn or info), so a
 *   log-based alert policy still fires when every channel is down.
 * - **Rate limits shared by every instance**: before sending, an instance claims a slot of the key's
 *   window in `store` with compare-and-set; the slot is recorded as a delivery once a channel took the
 *   alert, or released at once if none did. With 100 instances racing, one sends and 99 report
 *   `in_flight` or `limited`. A claim left by a crashed instance frees itself after `claimLeaseMs`.
 *   A store that cannot answer within `storeTimeoutMs` does not stop the alert: it is sent and the
 *   result says `rateLimit: 'unavailable'` (a duplicate is preferred to a missed alert). Each
 *   instance still sends a key at most the rule's maximum per window meanwhile (it counts its own
 *   deliveries): an outage of the store multiplies the limit by the number of instances instead of
 *   lifting it.
 * - **Failures**: channels are independent (one failing does not stop the others); when every routed
 *   channel failed, `send` rejects with {@link AlertDeliveryError} saying which and why.
 * - `force` passes the rate limit; `backfillMode` holds back everything that is not `critical`.
 *
 * @example
 * ```ts
 * import { createAlertManager, gcsRateLimitStore, sendGridChannel, slackChannel } from 'gcp-pipeline-resilience';
 * import { Storage } from '@google-cloud/storage';
 *
 * const alerts = createAlertManager({
 *   channels: [
 *     slackChannel({ webhookUrl: process.env.SLACK_WEBHOOK_URL! }),
 *     sendGridChannel({ apiKey: process.env.SENDGRID_API_KEY!, from: 'alerts@example.com', to: ['oncall@example.com'] }),
 *   ],
 *   store: gcsRateLimitStore({ storage: new Storage(), bucket: 'my-project-alert-state' }),
 * });
 * const result = await alerts.send({
 *   key: 'processor:phase2_games:bigquery_insert',
 *   severity: 'error',
 *   title: 'phase2_games: BigQuery insert failed',
 *   fields: { failed_rows: 3 },
 * });
 * console.log(result.outcome, result.detail); // 'sent', 'sent to slack, email'
 * ```
 */
export function createAlertManager(options: AlertManagerOptions = {}): AlertManager {
  const o = resolveManagerOptions(options);
  const store = o.store ?? memoryRateLimitStore();
  const clock: Clock = o.clock ?? systemClock;
  const now = o.now ?? Date.now;
  // A logger that throws or rejects must not turn a delivered alert into a failed send.
  const logger: Logger = safeLogger(o.logger ?? cloudLoggingLogger());
  const limiter = new RateLimiter({
    store,
    leaseMs: o.claimLeaseMs,
    storeTimeoutMs: o.storeTimeoutMs,
    now,
    clock,
    newClaimId: randomUUID,
  });
  // What this instance delivered: the limit it still keeps when the store cannot answer.
  const ownDeliveries = new OwnDeliveries();
  // What it delivered while the store could not be asked: written back once the store answers again.
  const unrecorded = new UnrecordedDeliveries();

  /** Writes back the outage deliveries of every key but `except`, within `budgetMs`. Never rejects. */
  const writeBackOthers = async (except: string, budgetMs: number): Promise<void> => {
    await Promise.all(
      unrecorded.keys(now(), except).map(async ({ key, rule, times }) => {
        const problem = await limiter.writeBack(key, times, rule, budgetMs);
        if (problem === undefined) unrecorded.written(key, times);
        else {
          const shown = removeSecrets(key);
          logger.warn(
            `alert deliveries of ${shown} made while the rate-limit store was down not yet recorded`,
            { key: shown, deliveries: times.length, error: problem },
          );
        }
      }),
    );
  };

  const writeLogLine = (
    message: AlertMessage,
    result: Omit<AlertResult, 'detail'> & { detail: string },
  ): void => {
    const failed =
      result.channels.every((c) => c.channel === 'log' || c.status !== 'sent') &&
      result.channels.some((c) => c.status === 'failed');
    const urgent = message.severity === 'critical' || message.severity === 'error';
    const level: keyof Logger =
      result.outcome === 'suppressed'
        ? 'info'
        : urgent || failed
          ? 'error'
          : message.severity === 'warning'
            ? 'warn'
            : 'info';
    const channels: Record<string, string> = {};
    for (const c of result.channels) {
      if (c.channel !== 'log')
        channels[c.channel] = c.status === 'failed' ? `failed: ${errorText(c.error)}` : c.status;
    }
    logger[level](
      `alert ${failed ? 'not delivered' : result.outcome}: ${redactedStart(message.title, LOG_TEXT_MAX)}`,
      {
        alert: {
          key: message.key,
          severity: message.severity,
          source: redactedStart(message.source, LOG_SOURCE_MAX),
          title: redactedStart(message.title, LOG_TEXT_MAX),
          message: redactedStart(message.message, LOG_TEXT_MAX),
          ...loggedFields(message.fields),
          environment: message.environment,
          outcome: failed ? 'failed' : result.outcome,
          ...(result.reason ? { reason: result.reason } : {}),
          rate_limit: result.rateLimit,
          ...(result.recorded === undefined ? {} : { recorded: result.recorded }),
          channels,
          detail: result.detail,
        },
      },
    );
  };

  const runChannels = async (
    message: AlertMessage,
    routed: string[],
    deadlineAt: number,
    signal: AbortSignal,
  ) => {
    return Promise.all(
      o.channels.map(async (channel): Promise<ChannelOutcome> => {
        if (!routed.includes(channel.name)) {
          return {
            channel: channel.name,
            status: 'skipped',
            attempts: 0,
            detail: `not routed for ${message.severity}`,
          };
        }
        let attempts = 0;
        const context: ChannelContext = {
          signal,
          deadlineMs: Math.max(0, deadlineAt - clock.now()),
          clock,
          countAttempt: () => {
            attempts++;
          },
        };
        try {
          await untilAborted(channel.send(message, context), signal);
          return { channel: channel.name, status: 'sent', attempts };
        } catch (error) {
          return { channel: channel.name, status: 'failed', attempts, error: toPipelineError(error) };
        }
      }),
    );
  };

  const deliver = async (input: AlertInput, sendOptions: SendOptions): Promise<AlertResult> => {
    const alert = parseOptions(alertSchema(), input, 'alert');
    const force = sendOptions.force === true;
    // Channels (custom ones included) and the log line get the alert without its credentials.
    const message: AlertMessage = withoutSecrets({
      key: alert.key,
      source: alert.source ?? 'application',
      severity: alert.severity,
      title: alert.title,
      message: alert.message ?? '',
      fields: alert.fields ?? {},
      recoveryCommands: alert.recoveryCommands ?? [],
      environment: o.environment,
      at: new Date(now()),
    });
    const rule = ruleFor(o.rateLimits, alert.key);
    const base = { key: alert.key, severity: alert.severity };
    const finish = (partial: Omit<AlertResult, 'detail'>): AlertResult => {
      const result: AlertResult = { ...partial, detail: describe(partial, rule, store.name, force) };
      writeLogLine(message, result);
      return result;
    };
    const logOutcome: ChannelOutcome = { channel: 'log', status: 'sent', attempts: 1 };

    if (o.backfillMode === true && alert.severity !== 'critical') {
      return finish({
        ...base,
        outcome: 'suppressed',
        reason: 'backfill',
        rateLimit: 'not_checked',
        channels: [logOutcome],
      });
    }

    const startedAt = clock.now();
    const deadlineAt = startedAt + o.deadlineMs;
    const afterClaim = async (claim: ClaimResult): Promise<AlertResult> => {
      const window = (sent: number, nextAllowedAt?: number) => ({
        sent,
        max: rule.max,
        windowMs: rule.windowMs,
        ...(nextAllowedAt === undefined ? {} : { nextAllowedAt: new Date(nextAllowedAt).toISOString() }),
      });
      if (claim.decision === 'limited' || claim.decision === 'in_flight') {
        return finish({
          ...base,
          outcome: 'suppressed',
          reason: claim.decision === 'limited' ? 'rate_limited' : 'in_flight',
          rateLimit: claim.decision,
          window: window(claim.sent, claim.decision === 'limited' ? claim.nextAllowedAt : undefined),
          channels: [logOutcome],
        });
      }
      // The slot this send took in the instance's own window, while the store cannot answer.
      let reservedAt: number | undefined;
      if (claim.decision === 'unavailable' && !force) {
        // Without the store's word, this instance still sends at most the rule's maximum per window:
        // a store outage makes the limit per instance, not absent. Nothing is lost: it sent this
        // alert itself, within the window. The slot is taken before the channels run, so that sends
        // of one key running at once cannot all pass.
        const at = now();
        const full = ownDeliveries.reserve(alert.key, rule, at);
        if (full === undefined) reservedAt = at;
        if (full !== undefined) {
          return finish({
            ...base,
            outcome: 'suppressed',
            reason: 'rate_limited',
            rateLimit: 'unavailable',
            rateLimitError: claim.error,
            window: window(full.sent, full.nextAllowedAt),
            channels: [logOutcome],
          });
        }
      }
      const claimed = claim.decision === 'allowed' || claim.decision === 'forced' ? claim : undefined;
      // The end of the deadline is kept to record the delivery: the channels are cut before it (even
      // one that ignores the deadline it was given), so the whole send, recording included, ends
      // within deadlineMs, and therefore within the claim's lease (claimLeaseMs >= deadlineMs).
      const reserve = claimed ? o.storeTimeoutMs : 0;
      const channelsEnd = deadlineAt - reserve;
      const controller = new AbortController();
      // The cut's cancel never throws (a `schedule` that returned a timer handle). A `schedule` that
      // throws leaves the channels without a bound: none is called, each routed one fails with the
      // clock's error, and the claim is released below like any send that reached no channel.
      let cancelCut: () => void = () => undefined;
      let clockError: unknown;
      try {
        cancelCut = scheduleOn(clock, Math.max(0, channelsEnd - clock.now()), () =>
          controller.abort(
            new OperationTimeoutError(
              `alert ${message.key} was not sent within its ${o.deadlineMs} ms deadline` +
                (reserve > 0 ? ` (the last ${reserve} ms are kept to record the delivery)` : ''),
              { timeoutMs: o.deadlineMs },
            ),
          ),
        );
      } catch (error) {
        clockError = error;
      }
      const caller = sendOptions.signal;
      // Through the fan-out: a run's signal shared by all its sends holds one listener, not one each.
      let leaveCaller = (): void => {};
      if (caller?.aborted) controller.abort(caller.reason);
      else if (caller !== undefined) leaveCaller = onAbort(caller, () => controller.abort(caller.reason));
      let channels: ChannelOutcome[];
      try {
        channels =
          clockError === undefined
            ? await runChannels(message, o.routes[alert.severity], channelsEnd, controller.signal)
            : notRun(o.channels, o.routes[alert.severity], alert.severity, clockError);
      } catch (error) {
        if (reservedAt !== undefined) ownDeliveries.release(alert.key, reservedAt);
        throw error;
      } finally {
        cancelCut();
        leaveCaller();
      }
      const routed = o.routes[alert.severity];
      const delivered = routed.length === 0 || channels.some((c) => c.status === 'sent');
      let deliveredAt = reservedAt;
      if (reservedAt !== undefined) {
        if (!delivered) ownDeliveries.release(alert.key, reservedAt);
      } else if (delivered) {
        deliveredAt = now();
        ownDeliveries.record(alert.key, rule, deliveredAt);
      }
      // Sent without the store's word: written back to it once it answers again.
      if (claim.decision === 'unavailable' && delivered && deliveredAt !== undefined) {
        unrecorded.add(alert.key, rule, deliveredAt);
      }
      const partial: Omit<AlertResult, 'detail'> = {
        ...base,
        outcome: 'sent',
        rateLimit: claim.decision,
        ...(claim.decision === 'unavailable' ? { rateLimitError: claim.error } : {}),
        ...(claimed ? { window: window(claimed.sent) } : {}),
        channels: [...channels, logOutcome],
      };
      if (claimed) {
        const left = Math.max(0, Math.min(o.storeTimeoutMs, deadlineAt - clock.now()));
        const problem = delivered
          ? await limiter.confirm(alert.key, claimed.claimId, now(), rule, left)
          : await limiter.release(alert.key, claimed.claimId, rule, left);
        if (delivered) partial.recorded = problem === undefined;
        if (problem && delivered) partial.rateLimitError = problem;
      }
      const result = finish(partial);
      if (!delivered) {
        throw new AlertDeliveryError(`alert ${message.key} was not delivered: ${result.detail}`, result);
      }
      return result;
    };

    const outageDeliveries = unrecorded.of(alert.key, now());
    const claim: ClaimResult = await limiter.claim(alert.key, rule, force, undefined, outageDeliveries);
    if (claim.decision === 'unavailable') return afterClaim(claim);
    // The store answers (again): this key's outage deliveries went in with the claim; the other
    // keys' are written back while this send goes on, and waited for before it resolves.
    unrecorded.written(alert.key, outageDeliveries);
    const writingBack = writeBackOthers(
      alert.key,
      Math.max(0, Math.min(o.storeTimeoutMs, deadlineAt - clock.now())),
    );
    try {
      return await afterClaim(claim);
    } finally {
      await writingBack;
    }
  };

  const shutdown = o.shutdown === false ? undefined : (o.shutdown ?? defaultShutdownCoordinator());
  // While a send is in flight it is a shutdown task: SIGTERM waits for it to be delivered, recorded
  // (or its claim released) and logged, instead of leaving a claim that holds the alert for a lease.
  const send = async (input: AlertInput, sendOptions: SendOptions = {}): Promise<AlertResult> => {
    if (shutdown === undefined) return deliver(input, sendOptions);
    return whileInFlight(shutdown, 'alert manager: a send in flight', () => deliver(input, sendOptions));
  };

  return {
    send,
    channels: o.channels.map((c) => c.name),
    store: store.name,
    deadlineMs: o.deadlineMs,
  };
}
