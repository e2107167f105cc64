import * as z from 'zod';
import type { ConfigEnv } from '../../config/index.js';
import { lazy } from '../../shared/lazy.js';
import { envRecord, httpChannelFields, parseOptions, serviceUrl } from '../checks.js';
import { AlertConfigError } from '../errors.js';
import type { AlertChannel } from './channel.js';
import { secretSource, VARIABLE_NAME } from './env-secret.js';
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
 * // One webhook per team, each in its own variable: errors name the variable, never the URL.
 * const slackFor = (team: string): SlackChannelOptions => ({
 *   webhookUrlVariable: `SLACK_WEBHOOK_${team.toUpperCase()}`,
 *   username: `Pipeline Alerts (${team})`,
 *   iconEmoji: ':rotating_light:',
 * });
 * const alerts = createAlertManager({ channels: [slackChannel(slackFor('data'))] });
 * ```
 */
export interface SlackChannelOptions {
  /**
   * The incoming webhook's URL (`https://hooks.slack.com/services/...`). A credential: never logged.
   * Leave it out to read it from the environment variable `webhookUrlVariable`.
   */
  webhookUrl?: string;
  /**
   * The environment variable that holds the webhook URL, read once when the channel is made if
   * `webhookUrl` is not given. Errors (a malformed URL, the variable unset, a webhook Slack no longer
   * knows) name the variable, never the URL. With `webhookUrl` given it only names where that came
   * from. Default `'SLACK_WEBHOOK_URL'`.
   *
   * @example
   * ```ts
   * import { slackChannel } from 'gcp-pipeline-resilience';
   * const oncall = slackChannel({ webhookUrlVariable: 'SLACK_WEBHOOK_ONCALL', name: 'oncall' });
   * // unset: AlertConfigError "env.SLACK_WEBHOOK_ONCALL: the environment variable SLACK_WEBHOOK_ONCALL is not set ..."
   * ```
   */
  webhookUrlVariable?: string;
  /** Where `webhookUrlVariable` is read. Default `process.env`. */
  env?: ConfigEnv;
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
    // Checked below, against the setting it came from: an error then names the variable.
    webhookUrl: z.string().optional(),
    webhookUrlVariable: z
      .string()
      .regex(VARIABLE_NAME, {
        message: 'expected the name of an environment variable such as SLACK_WEBHOOK_URL',
      })
      .optional(),
    env: envRecord().optional(),
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
 * twice: a duplicate is preferred to a lost alert). The URL is `webhookUrl`, or the value of the
 * environment variable `webhookUrlVariable` (default `SLACK_WEBHOOK_URL`). Checked now: a malformed
 * URL or an unset variable is an {@link AlertConfigError} that names the variable (or `webhookUrl`)
 * and does not show the URL; a webhook Slack refuses (403, 404, 410) says which variable to check.
 *
 * @example
 * ```ts
 * import { createAlertManager, slackChannel } from 'gcp-pipeline-resilience';
 * const alerts = createAlertManager({
 *   // The URL is read from SLACK_WEBHOOK_URL.
 *   channels: [slackChannel({ username: 'Pipeline Alerts' })],
 * });
 * ```
 */
export function slackChannel(options: SlackChannelOptions = {}): AlertChannel {
  const o = parseOptions(schema(), options, '');
  const source = secretSource(
    options,
    'webhookUrl',
    o.webhookUrl,
    o.webhookUrlVariable,
    'SLACK_WEBHOOK_URL',
    o.env,
  );
  const webhookUrl = checkedUrl(source.value, source.field);
  const name = o.name ?? 'slack';
  const label = `Slack webhook (${name})`;
  const pacer = new Pacer(o.minIntervalMs ?? 1000, label);
  const fetchFn = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const secrets = urlSecrets(webhookUrl);
  const hint =
    source.variable === undefined
      ? undefined
      : { statuses: [403, 404, 410], text: `check the webhook URL in ${source.variable}` };
  return {
    name,
    async send(message, context) {
      const latestAt = context.clock.now() + context.deadlineMs;
      await httpPost(
        {
          url: webhookUrl,
          label,
          hint,
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

/** `url` if it is one a channel may post to, else an {@link AlertConfigError} at `field` that does not show it. */
function checkedUrl(url: string, field: string): string {
  const checked = serviceUrl().safeParse(url);
  if (!checked.success) throw new AlertConfigError(field, checked.error.issues[0]?.message ?? 'invalid URL');
  return checked.data;
}
