import * as z from 'zod';
import { retry } from '../../retry/index.js';
import { lazy } from '../../shared/lazy.js';
import type { NodeBuffer } from '../../shared/node-types.js';
import { untilAborted } from '../../shared/until-aborted.js';
import { channelName, credential, parseOptions, positiveInt, recipients, sender } from '../checks.js';
import { AlertConfigError } from '../errors.js';
import type { AlertChannel } from './channel.js';
import { type Credential, readCredential } from './credential.js';
import { emailContent } from './email-content.js';
import { checkAlertMessage } from './message-check.js';
import { smtpPasswordSecrets, withoutSecrets } from './secrets.js';
import type { EmailSender } from './sendgrid.js';
import { SmtpError } from './smtp-error.js';

/**
 * Options of {@link smtpChannel}.
 *
 * @example
 * ```ts
 * import { createAlertManager, smtpChannel, type SmtpChannelOptions } from 'gcp-pipeline-resilience';
 * const relay: Omit<SmtpChannelOptions, 'to'> = {
 *   host: 'smtp-relay.brevo.com',
 *   user: 'alerts@example.com',
 *   password: () => process.env.SMTP_PASSWORD ?? '',
 *   from: 'alerts@example.com',
 * };
 * const alerts = createAlertManager({ channels: [smtpChannel({ ...relay, to: ['oncall@example.com'] })] });
 * ```
 */
export interface SmtpChannelOptions {
  host: string;
  /** Default 587 (submission with STARTTLS). */
  port?: number;
  /** TLS from the first byte (port 465). Default: `port === 465`. */
  secure?: boolean;
  /**
   * Refuse to send unless the connection is encrypted (STARTTLS on a plain port). Default `true`:
   * the password and the alert never cross the network in clear. `false` only for a relay you trust.
   */
  requireTLS?: boolean;
  /** Login name; `password` is then required. */
  user?: string;
  /** The password, or a function that fetches it (Secret Manager), read at each send. Never logged. */
  password?: Credential;
  from: EmailSender;
  to: string[];
  /** The channel's name in routes and results. Default `'email'`. */
  name?: string;
  /** Certificates to trust (a private CA), the name to check, or `rejectUnauthorized: false` for a test server. */
  tls?: {
    ca?: string | NodeBuffer | Array<string | NodeBuffer>;
    servername?: string;
    rejectUnauthorized?: boolean;
  };
  /** Size limit of each body (text and HTML), bytes. Default 100 000. */
  maxBodyBytes?: number;
  /** Connection, greeting and socket timeout of each attempt, ms. Default 10 000. */
  attemptTimeoutMs?: number;
  /** Calls including the first. Default 3. */
  maxAttempts?: number;
}

const schema = lazy(() =>
  z.strictObject({
    host: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[A-Za-z0-9.:[\]-]+$/, { message: 'expected a host name or address' }),
    port: z.int().min(1).max(65_535).optional(),
    secure: z.boolean().optional(),
    requireTLS: z.boolean().optional(),
    user: z.string().min(1).optional(),
    password: credential().optional(),
    from: sender(),
    to: recipients(),
    name: channelName().optional(),
    tls: z
      .strictObject({
        ca: z
          .union([z.string(), z.instanceof(Buffer), z.array(z.union([z.string(), z.instanceof(Buffer)]))])
          .optional(),
        servername: z.string().min(1).optional(),
        rejectUnauthorized: z.boolean().optional(),
      })
      .optional(),
    maxBodyBytes: z.int().min(1000).max(20_000_000).optional(),
    attemptTimeoutMs: positiveInt(120_000).optional(),
    maxAttempts: positiveInt(10).optional(),
  }),
);

type Nodemailer = typeof import('nodemailer');

let nodemailer: Promise<Nodemailer> | undefined;

/** Loads the optional peer on first use. */
function loadNodemailer(): Promise<Nodemailer> {
  nodemailer ??= import('nodemailer').catch((error: unknown) => {
    nodemailer = undefined;
    throw new SmtpError('smtpChannel needs the optional peer dependency nodemailer: npm install nodemailer', {
      transient: false,
      smtpCode: error instanceof Error ? 'EMODULE' : undefined,
    });
  });
  return nodemailer;
}

/**
 * Email through an SMTP server with nodemailer (an optional peer): STARTTLS required by default, login
 * with a password read at each send from a value or a callback (e.g. Secret Manager), one message to
 * every recipient with a text and an HTML part cut to `maxBodyBytes`. Each attempt opens its own
 * connection with connection, greeting and socket timeouts; a dropped connection, a timeout and 4xx
 * replies are retried within the manager's deadline, 5xx replies and TLS or login failures are not.
 * A connection that dropped after the server took the message may deliver it twice. Checked now: a
 * malformed address, a user without a password, a bad port is an {@link AlertConfigError}.
 *
 * @example
 * ```ts
 * import { createAlertManager, smtpChannel } from 'gcp-pipeline-resilience';
 * const alerts = createAlertManager({
 *   channels: [
 *     smtpChannel({
 *       host: process.env.SMTP_HOST!,
 *       user: process.env.SMTP_USER,
 *       password: async () => process.env.SMTP_PASSWORD ?? '',
 *       from: 'alerts@example.com',
 *       to: ['oncall@example.com'],
 *     }),
 *   ],
 * });
 * ```
 */
export function smtpChannel(options: SmtpChannelOptions): AlertChannel {
  const o = parseOptions(schema(), options, '');
  if (o.user !== undefined && o.password === undefined) {
    throw new AlertConfigError('password', 'required with user (a value or a function returning it)');
  }
  if (o.password !== undefined && o.user === undefined) {
    throw new AlertConfigError('user', 'required with password');
  }
  const name = o.name ?? 'email';
  const port = o.port ?? 587;
  const secure = o.secure ?? port === 465;
  const timeout = o.attemptTimeoutMs ?? 10_000;
  return {
    name,
    async send(message, context) {
      checkAlertMessage('smtpChannel: send', message);
      const mailer = await loadNodemailer();
      const content = emailContent(message, o.maxBodyBytes);
      await retry(
        async ({ signal }) => {
          context.countAttempt();
          const pass =
            o.password === undefined ? undefined : await readCredential(o.password, 'SMTP password');
          // Given up while the password was read: no dialogue is started for an attempt that ended.
          if (signal.aborted) throw signal.reason;
          const transport = mailer.createTransport({
            host: o.host,
            port,
            secure,
            requireTLS: !secure && o.requireTLS !== false,
            ...(o.user === undefined ? {} : { auth: { user: o.user, pass } }),
            connectionTimeout: timeout,
            greetingTimeout: timeout,
            socketTimeout: timeout,
            disableFileAccess: true,
            disableUrlAccess: true,
            ...(o.tls === undefined ? {} : { tls: o.tls }),
          });
          try {
            // nodemailer 10 ends the dialogue on the signal itself; the shared race also bounds an
            // older peer (>= 6.9) that ignores it, with one listener per signal (see abort-fanout.ts).
            await untilAborted(
              transport.sendMail({
                from:
                  typeof o.from === 'string' ? o.from : { address: o.from.email, name: o.from.name ?? '' },
                to: o.to,
                subject: content.subject,
                text: content.text,
                html: content.html,
                signal,
              }),
              signal,
            );
          } catch (error) {
            if (signal.aborted) throw signal.reason;
            // A server may echo the login back in its reply: the password never reaches the error.
            const secrets = pass === undefined ? [] : smtpPasswordSecrets(o.user ?? '', pass);
            throw withoutSecrets(SmtpError.from(error), secrets);
          } finally {
            transport.close();
          }
        },
        {
          name: `SMTP (${name})`,
          maxAttempts: o.maxAttempts ?? 3,
          baseDelayMs: 500,
          maxDelayMs: 4000,
          deadlineMs: context.deadlineMs,
          signal: context.signal,
          clock: context.clock,
        },
      );
    },
  };
}
