import type { PipelineError } from '../errors/index.js';
import type { AlertDelivery, AlertSeverity } from './finding.js';

/**
 * What the shared rate limit decided for one alert:
 * - `allowed`: this instance claimed a slot of the window and sent;
 * - `limited`: the window is full (`rateLimit.sent` deliveries already recorded), nothing sent;
 * - `in_flight`: another instance holds the last free slot and is sending right now, nothing sent;
 * - `forced`: `force: true` skipped the check (the delivery is still recorded);
 * - `unavailable`: the store could not be read or written in time: sent anyway (a duplicate is better
 *   than a missed alert), `rateLimitError` says why; unless this instance itself already sent the key
 *   the rule's maximum times in the window: then `suppressed` with reason `rate_limited`;
 * - `not_checked`: nothing was sent for another reason (backfill mode), so the store was not asked.
 *
 * @example
 * ```ts
 * import { createAlertManager, type RateLimitDecision } from 'gcp-pipeline-resilience';
 * const alerts = createAlertManager();
 * const storeWasDown = (d: RateLimitDecision) => d === 'unavailable'; // sent anyway: a duplicate is possible
 * const result = await alerts.send({ key: 'dlq:orders-dlq-sub', severity: 'critical', title: '4 dead letters' });
 * if (storeWasDown(result.rateLimit)) console.warn('rate-limit store unavailable', result.rateLimitError?.code);
 * ```
 */
export type RateLimitDecision =
  | 'allowed'
  | 'limited'
  | 'in_flight'
  | 'forced'
  | 'unavailable'
  | 'not_checked';

/**
 * One channel's part in a send: `sent`, `failed` (with the typed error of its last attempt), or
 * `skipped` (routed but not configured, or not routed at this severity: `detail` says which).
 *
 * @example
 * ```ts
 * import { createAlertManager, type ChannelOutcome } from 'gcp-pipeline-resilience';
 * const alerts = createAlertManager();
 * const result = await alerts.send({ key: 'dlq:orders-dlq-sub', severity: 'critical', title: '4 dead letters' });
 * const failed: ChannelOutcome[] = result.channels.filter((c) => c.status === 'failed');
 * for (const c of failed) console.error(`${c.channel} failed after ${c.attempts} attempts: ${c.error?.code}`);
 * ```
 */
export interface ChannelOutcome {
  /** `'slack'`, `'email'`, `'log'`, or a custom channel's name. */
  channel: string;
  status: 'sent' | 'failed' | 'skipped';
  /** Calls made (retries included); 0 when skipped. */
  attempts: number;
  error?: PipelineError;
  detail?: string;
}

/**
 * What `AlertManager.send` did with one alert. `outcome` is `sent` when at least one channel took it
 * (the others may have failed: see `channels`) and `suppressed` when the rate limit or backfill mode
 * held it back; when every channel failed, `send` rejects with an `AlertDeliveryError` carrying this
 * result instead. `detail` says it all in one line, for the monitor's report.
 *
 * @example
 * ```ts
 * import { createAlertManager, slackChannel } from 'gcp-pipeline-resilience';
 * const alerts = createAlertManager({ channels: [slackChannel({ webhookUrl: process.env.SLACK_WEBHOOK_URL! })] });
 * const result = await alerts.send({ key: 'orders:load', severity: 'warning', title: 'Orders load is slow' });
 * if (result.rateLimit === 'unavailable') console.warn('rate-limit store down:', result.rateLimitError?.message);
 * console.log(result.outcome, result.detail);
 * ```
 */
export interface AlertResult extends AlertDelivery {
  outcome: 'sent' | 'suppressed';
  key: string;
  severity: AlertSeverity;
  /** Why nothing was sent, when `outcome` is `suppressed`. */
  reason?: 'rate_limited' | 'in_flight' | 'backfill';
  rateLimit: RateLimitDecision;
  /** Why the store could not be used (`rateLimit: 'unavailable'`), or why a delivery could not be recorded. */
  rateLimitError?: PipelineError;
  /**
   * Whether the delivery was recorded in the store (`true`), or could not be, so the slot it claimed
   * frees itself when its lease runs out (`false`; another instance may then send it again).
   * Absent when nothing was claimed.
   */
  recorded?: boolean;
  /** Deliveries recorded in the window before this one, and the window's maximum. */
  window?: { sent: number; max: number; windowMs: number; nextAllowedAt?: string };
  /** Every channel, in the order configured; the log line last. */
  channels: ChannelOutcome[];
  /** One line: what was sent where, what failed and why, what the rate limit did. */
  detail: string;
}
