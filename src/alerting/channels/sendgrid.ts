import * as z from 'zod';
import type { ConfigEnv } from '../../config/index.js';
import { lazy } from '../../shared/lazy.js';
import {
  credential,
  envRecord,
  httpChannelFields,
  parseOptions,
  recipients,
  sender,
  serviceUrl,
} from '../checks.js';
import { AlertConfigError } from '../errors.js';
import type { AlertChannel } from './channel.js';
import { type Credential, readCredential } from './credential.js';
import { emailContent } from './email-content.js';
import { secretSource, VARIABLE_NAME } from './env-secret.js';
import { type AlertFetch, httpPost } from './http-post.js';
import { checkAlertMessage } from './message-check.js';

/**
 * A sender: an address, or an address and a display name.
 *
 * @example
 * ```ts
 * import { sendGridChannel, type EmailSender } from 'gcp-pipeline-resilience';
 * const sender = (env: string): EmailSender => ({ email: 'alerts@example.com', name: `Pipeline Alerts (${env})` });
 * const email = sendGridChannel({ apiKey: process.env.SENDGRID_API_KEY!, from: sender('staging'), to: ['oncall@example.com'] });
 * ```
 */
export type EmailSender = string | { email: string; name?: string };

/**
 * Options of {@link sendGridChannel}.
 *
 * @example
 * ```ts
 * import { createAlertManager, sendGridChannel, type SendGridChannelOptions } from 'gcp-pipeline-resilience';
 * function oncallEmail(to: string[]): SendGridChannelOptions {
 *   return { apiKey: () => process.env.SENDGRID_API_KEY ?? '', from: 'alerts@example.com', to };
 * }
 * const alerts = createAlertManager({ channels: [sendGridChannel(oncallEmail(['oncall@example.com']))] });
 * ```
 */
export interface SendGridChannelOptions {
  /**
   * The API key, or a function that fetches it (read at each send). A credential: never logged.
   * Leave it out to read it from the environment variable `apiKeyVariable`.
   */
  apiKey?: Credential;
  /**
   * The environment variable that holds the API key, read once when the channel is made if `apiKey`
   * is not given. Errors (the variable unset or empty, a key SendGrid refuses with 401 or 403) name
   * the variable, never the key. With `apiKey` given it only names where that came from. Default
   * `'SENDGRID_API_KEY'`.
   *
   * @example
   * ```ts
   * import { sendGridChannel } from 'gcp-pipeline-resilience';
   * const email = sendGridChannel({ apiKeyVariable: 'SENDGRID_KEY_ALERTS', from: 'alerts@example.com', to: ['oncall@example.com'] });
   * // a revoked key: "SendGrid (email): HTTP 401 ... (check the API key in SENDGRID_KEY_ALERTS)"
   * ```
   */
  apiKeyVariable?: string;
  /** Where `apiKeyVariable` is read. Default `process.env`. */
  env?: ConfigEnv;
  from: EmailSender;
  to: string[];
  /** The channel's name in routes and results. Default `'email'`. */
  name?: string;
  /** Default `'https://api.sendgrid.com/v3/mail/send'`. */
  endpoint?: string;
  /** Size limit of each body (text and HTML), bytes. Default 100 000. */
  maxBodyBytes?: number;
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
    apiKey: z.unknown().optional(),
    apiKeyVariable: z
      .string()
      .regex(VARIABLE_NAME, {
        message: 'expected the name of an environment variable such as SENDGRID_API_KEY',
      })
      .optional(),
    env: envRecord().optional(),
    from: sender(),
    to: recipients(),
    endpoint: serviceUrl().optional(),
    maxBodyBytes: z.int().min(1000).max(20_000_000).optional(),
    ...httpChannelFields(),
  }),
);

/**
 * Email through SendGrid's v3 API (`POST /v3/mail/send`, accepted with 202): one message to every
 * recipient, with a text and an HTML part, cut to `maxBodyBytes`. Each attempt has a timeout, so a
 * hung API cannot hold the alert past the manager's deadline; network errors, 408, 429 (after `Retry-After`)
 * and 5xx are retried within the manager's deadline. The key is `apiKey` (a function is called at each
 * send, so a rotated key is used at once) or the value of the environment variable `apiKeyVariable`
 * (default `SENDGRID_API_KEY`). Checked now: a malformed address, a missing key or an unset variable
 * is an {@link AlertConfigError}; errors about the key name its variable (or `apiKey`), never the key.
 *
 * @example
 * ```ts
 * import { createAlertManager, sendGridChannel, slackChannel } from 'gcp-pipeline-resilience';
 * const alerts = createAlertManager({
 *   channels: [
 *     slackChannel({ webhookUrlVariable: 'SLACK_WEBHOOK_URL' }),
 *     // The key is read from SENDGRID_API_KEY.
 *     sendGridChannel({ from: 'alerts@example.com', to: ['oncall@example.com'] }),
 *   ],
 * });
 * ```
 */
export function sendGridChannel(options: SendGridChannelOptions): AlertChannel {
  const o = parseOptions(schema(), options, '');
  const source = secretSource(options, 'apiKey', o.apiKey, o.apiKeyVariable, 'SENDGRID_API_KEY', o.env);
  const apiKey = checkedKey(source.value, source.field);
  const what = source.variable === undefined ? 'SendGrid apiKey' : `SendGrid API key (${source.variable})`;
  const hint =
    source.variable === undefined
      ? undefined
      : { statuses: [401, 403], text: `check the API key in ${source.variable}` };
  const name = o.name ?? 'email';
  const from = typeof o.from === 'string' ? { email: o.from } : o.from;
  const fetchFn = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
  return {
    name,
    async send(message, context) {
      checkAlertMessage('sendGridChannel: send', message);
      const key = await readCredential(apiKey, what);
      const content = emailContent(message, o.maxBodyBytes);
      await httpPost(
        {
          url: o.endpoint ?? 'https://api.sendgrid.com/v3/mail/send',
          label: `SendGrid (${name})`,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            personalizations: [{ to: o.to.map((email) => ({ email })) }],
            from,
            subject: content.subject,
            content: [
              { type: 'text/plain', value: content.text },
              { type: 'text/html', value: content.html },
            ],
          }),
          accepted: [202],
          secrets: [key],
          hint,
          attemptTimeoutMs: o.attemptTimeoutMs ?? 5000,
          maxAttempts: o.maxAttempts ?? 3,
          fetch: fetchFn,
        },
        context,
      );
    },
  };
}

/** `key` if it can be a credential, else an {@link AlertConfigError} at `field` (which never shows it). */
function checkedKey(key: unknown, field: string): Credential {
  const checked = credential().safeParse(key);
  if (!checked.success) throw new AlertConfigError(field, checked.error.issues[0]?.message ?? 'invalid key');
  return checked.data;
}
