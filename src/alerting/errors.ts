import { brandClass } from '../errors/brand.js';
import { PipelineError } from '../errors/index.js';
import type { AlertResult } from './result.js';

/**
 * The alert manager or one of its channels is configured wrongly (a malformed webhook URL, a
 * recipient that is not an address, a missing credential, an unknown option), or an alert given to
 * `send` is malformed (no key, an unknown severity). Thrown at construction, or by `send` before
 * anything is sent. Code `'ALERT_CONFIG'`, never transient. `field` is the path of the offending value.
 *
 * @example
 * ```ts
 * import { AlertConfigError, slackChannel } from 'gcp-pipeline-resilience';
 * try {
 *   slackChannel({ webhookUrl: 'hooks.slack.com/services/T0/B0/x' });
 * } catch (err) {
 *   if (err instanceof AlertConfigError) console.error(err.field, err.message);
 *   // webhookUrl  webhookUrl: expected an https:// URL ...
 * }
 * ```
 */
export class AlertConfigError extends PipelineError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    AlertConfigError,
    'AlertConfigError',
  );

  /** The path of the offending value, e.g. `'email.to[1]'` or `'alert.severity'`. */
  readonly field: string;

  constructor(field: string, problem: string, options: { cause?: unknown } = {}) {
    super(`${field}: ${problem}`, { code: 'ALERT_CONFIG', transient: false, ...options });
    this.field = field;
  }
}

/**
 * No channel the alert was routed to delivered it: every one failed (or none could be tried before
 * the deadline). The structured log line was still written. `result` says which channel failed and
 * why (`result.channels[i].error`), and what the rate limit did. Code `'ALERT_NOT_DELIVERED'`,
 * transient when at least one channel's failure was transient.
 *
 * @example
 * ```ts
 * import { AlertDeliveryError, createAlertManager, slackChannel } from 'gcp-pipeline-resilience';
 * const alerts = createAlertManager({ channels: [slackChannel({ webhookUrl: process.env.SLACK_WEBHOOK_URL! })] });
 * try {
 *   await alerts.send({ key: 'orders:load', severity: 'error', title: 'Orders load failed' });
 * } catch (err) {
 *   if (err instanceof AlertDeliveryError) {
 *     for (const c of err.result.channels) console.error(c.channel, c.status, c.error?.message);
 *   }
 * }
 * ```
 */
export class AlertDeliveryError extends PipelineError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    AlertDeliveryError,
    'AlertDeliveryError',
  );

  /** What happened, channel by channel. */
  readonly result: AlertResult;

  constructor(message: string, result: AlertResult) {
    const transient = result.channels.some((c) => c.status === 'failed' && c.error?.transient === true);
    super(message, { code: 'ALERT_NOT_DELIVERED', transient });
    this.result = result;
  }
}
