import * as z from 'zod';
import { lazy } from '../../shared/lazy.js';
import { credential, httpChannelFields, parseOptions, recipients, sender, serviceUrl } from '../checks.js';
import type { AlertChannel } from './channel.js';
import { type Credential, readCredential } from './credential.js';
import { emailContent } from './email-content.js';
import { type AlertFetch, httpPost } from './http-post.js';

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
  /** The API key, or a function that fetches it (read at each send). A credential: never logged. */
  apiKey: Credential;
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
    apiKey: credential(),
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
 * and 5xx are retried within the manager's deadline. The key is read at each send, so a rotated key is used
 * at once. Checked now: a malformed address or a missing key is an {@link AlertConfigError}.
 *
 * @example
 * ```ts
 * import { createAlertManager, sendGridChannel, slackChannel } from 'gcp-pipeline-resilience';
 * const alerts = createAlertManager({
 *   channels: [
 *     slackChannel({ webhookUrl: process.env.SLACK_WEBHOOK_URL! }),
 *     sendGridChannel({ apiKey: process.env.SENDGRID_API_KEY!, from: 'alerts@example.com', to: ['oncall@example.com'] }),
 *   ],
 * });
 * ```
 */
export function sendGridChannel(options: SendGridChannelOptions): AlertChannel {
  const o = parseOptions(schema(), options, '');
  const name = o.name ?? 'email';
  const from = typeof o.from === 'string' ? { email: o.from } : o.from;
  const fetchFn = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
  return {
    name,
    async send(message, context) {
      const key = await readCredential(o.apiKey, 'SendGrid apiKey');
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
          attemptTimeoutMs: o.attemptTimeoutMs ?? 5000,
          maxAttempts: o.maxAttempts ?? 3,
          fetch: fetchFn,
        },
        context,
      );
    },
  };
}
