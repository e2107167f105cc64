import type { Clock } from '../../retry/index.js';
import type { Finding } from '../finding.js';

/**
 * An alert as the channels receive it: a complete {@link Finding} (defaults filled in), stamped with
 * the environment and the time of sending.
 *
 * @example
 * ```ts
 * import { createAlertManager, type AlertChannel, type AlertMessage } from 'gcp-pipeline-resilience';
 * const toTeams = (message: AlertMessage) => ({ title: message.title, text: `${message.message} (${message.environment})` });
 * const teams: AlertChannel = {
 *   name: 'teams',
 *   async send(message) {
 *     await fetch(process.env.TEAMS_WEBHOOK_URL!, { method: 'POST', body: JSON.stringify(toTeams(message)) });
 *   },
 * };
 * const alerts = createAlertManager({ channels: [teams] });
 * ```
 */
export interface AlertMessage extends Finding {
  /** `ENVIRONMENT`, default `production`: shown in Slack's footer and the email subject. */
  environment: string;
  at: Date;
}

/**
 * What a channel's `send` is given besides the message.
 *
 * @example
 * ```ts
 * import type { ChannelContext } from 'gcp-pipeline-resilience';
 * function remaining(context: ChannelContext): number {
 *   return context.deadlineMs;
 * }
 * ```
 */
export interface ChannelContext {
  /** Aborts when the manager's deadline passes: pass it on to every call. */
  signal: AbortSignal;
  /** What is left of the manager's deadline, ms, when `send` is called. */
  deadlineMs: number;
  clock: Clock;
  /** Call once per attempt (first call and each retry), so the result can count them. */
  countAttempt(): void;
}

/**
 * A way to deliver an alert: {@link slackChannel}, {@link sendGridChannel}, {@link smtpChannel}, or
 * your own (PagerDuty, Teams, a Pub/Sub topic). `send` resolves when the alert was accepted and
 * rejects (preferably with a `PipelineError`) when it was not; it should honor `context.signal` and
 * bound its own retries by `context.deadlineMs`.
 *
 * @example
 * ```ts
 * import { createAlertManager, type AlertChannel } from 'gcp-pipeline-resilience';
 * const pager: AlertChannel = {
 *   name: 'pager',
 *   async send(message, context) {
 *     context.countAttempt();
 *     const response = await fetch('https://pager.example.com/v1/events', {
 *       method: 'POST',
 *       body: JSON.stringify({ summary: message.title, severity: message.severity }),
 *       signal: context.signal,
 *     });
 *     if (!response.ok) throw new Error(`pager answered ${response.status}`);
 *   },
 * };
 * const alerts = createAlertManager({ channels: [pager], routes: { critical: ['pager'] } });
 * ```
 */
export interface AlertChannel {
  /** Unique among a manager's channels; routes name it. `'log'` is reserved. */
  readonly name: string;
  send(message: AlertMessage, context: ChannelContext): Promise<void>;
}
