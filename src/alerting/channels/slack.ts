import * as z from 'zod';
import { lazy } from '../../shared/lazy.js';
import { httpChannelFields, parseOptions, serviceUrl } from '../checks.js';
import type { AlertChannel } from './channel.js';
import { type AlertFetch, httpPost } from './http-post.js';
import { Pacer } from './pacer.js';
import { urlSecrets } from './secrets.js';
import { slackPayload } from './slack-payload.js';

/**
 * Options of {@link slackChannel}.
 *
 * @example
 * ```ts
 * import { createAlertManager, slackChannel, type SlackChannelOptions } from 'gcp-pipeline-resilience';
 * const slackFor = (team: string): SlackChannelOptions => ({
 *   webhookUrl: process.env[`SLACK_WEBHOOK_${team.toUpperCase()}`]!,
 *   username: `Pipeline Alerts (${team})`,
 *   iconEmoji: ':rotating_light:',
 * });
 * const alerts = createAlertManager({ channels: [slackChannel(slackFor('data'))] });
 * ```
 */
export interface SlackChannelOptions {
  /** The incoming webhook's URL (`https://hooks.slack.com/services/...`). A credential: never logged. */
  webhookUrl: string;
  /** The channel's name in routes and results. Default `'slack'`. */
  name?: string;
  /** Overrides the webhook's channel (honored by legacy webhooks only), e.g. `'#pipeline-alerts'`. */
  channel?: string;
  username?: string;
  /** e.g. `':rotating_light:'`. */
  iconEmoji?: string;
  /** Least time between two posts from this channel, ms. Default 1000 (Slack: one message a second). */
  minIntervalMs?: number;
  /** Per attempt, ms. Default 5000. */
  attemptTimeoutMs?: number;
  /** Calls including the first. Default 3. */
  maxAttempts?: number;
  /** Default `globalThis.fetch`. */
  fetch?: AlertFetch;
}

const schema = lazy(() =>
  z.strictObject({
    webhookUrl: serviceUrl(),
    channel: z.string().min(1).max(80).optional(),
    username: z.string().min(1).max(80).optional(),
    iconEmoji: z
      .string()
      .regex(/^:[a-z0-9_+-]+:$/, { message: 'expected an emoji code such as :rotating_light:' })
      .optional(),
    minIntervalMs: z.int().min(0).max(60_000).optional(),
    ...httpChannelFields(),
  }),
);

/**
 * What a 200 from a webhook says when it is not a delivery. Slack answers errors with 4xx and a text
 * code, but a proxy or a Slack-compatible service may answer 200 with the code (`invalid_payload`,
 * `no_service`) or JSON `{"ok": false, "error": ...}`. `ok`, an empty body and anything else (JSON
 * `{"ok": true}`, `{"success": true}`) are deliveries.
 */
function slackRefusal(body: string): string | undefined {
  const text = body.trim();
  if (text === '' || text === 'ok') return undefined;
  if (/^[a-z][a-z0-9_]{1,80}$/.test(text)) return text;
  if (text.startsWith('{')) {
    try {
      const json = JSON.parse(text) as { ok?: unknown; error?: unknown };
      if (json?.ok === false) return typeof json.error === 'string' ? json.error : 'ok: false';
    } catch {
      // Not JSON: not one of Slack's refusals.
    }
  }
  return undefined;
}

/**
 * A Slack incoming-webhook channel: one message per alert (color per level, title, text, up to 10
 * fields, recovery commands, a footer with the environment) as Block Kit blocks in a colored
 * attachment, cut to Slack's limits. Posts leave this channel one at a time, at least a second apart;
 * a 429's `Retry-After` holds every later post until it has passed. Network errors, 408, 429 and 5xx
 * are retried within the manager's deadline (a retried post that Slack had in fact received shows
 * twice: a duplicate is preferred to a lost alert). Checked now: a malformed URL is an
 * {@link AlertConfigError} that does not show the URL.
 *
 * @example
 * ```ts
 * import { createAlertManager, slackChannel } from 'gcp-pipeline-resilience';
 * const alerts = createAlertManager({
 *   channels: [slackChannel({ webhookUrl: process.env.SLACK_WEBHOOK_URL!, username: 'Pipeline Alerts' })],
 * });
 * ```
 */
export function slackChannel(options: SlackChannelOptions): AlertChannel {
  const o = parseOptions(schema(), options, '');
  const name = o.name ?? 'slack';
  const label = `Slack webhook (${name})`;
  const pacer = new Pacer(o.minIntervalMs ?? 1000, label);
  const fetchFn = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const secrets = urlSecrets(o.webhookUrl);
  return {
    name,
    async send(message, context) {
      const latestAt = context.clock.now() + context.deadlineMs;
      await httpPost(
        {
          url: o.webhookUrl,
          label,
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify(
            slackPayload(message, { channel: o.channel, username: o.username, iconEmoji: o.iconEmoji }),
          ),
          accepted: [200],
          refusal: slackRefusal,
          secrets,
          attemptTimeoutMs: o.attemptTimeoutMs ?? 5000,
          maxAttempts: o.maxAttempts ?? 3,
          fetch: fetchFn,
          beforeAttempt: (signal) => pacer.turn(context.clock, latestAt, signal),
          onAnswer: (status, retryAfterMs) => {
            if (status === 429) pacer.pause(context.clock, retryAfterMs ?? 1000);
          },
        },
        context,
      );
    },
  };
}
