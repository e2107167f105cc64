import { brandClass } from '../../errors/brand.js';
import { PipelineError, redactSecrets } from '../../errors/index.js';
import { quoteValue } from '../../errors/redact.js';

/** Nodemailer's codes for a connection that failed or broke: worth another attempt on a new connection. */
const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
]);

/** An SMTP reply line: a three-digit code, then a space, a hyphen or nothing (RFC 5321 4.2). */
const SMTP_REPLY = /^[2-5]\d\d(?:[ -]|\r?$)/;
/** How much of a reply that is not SMTP an error shows. */
const REPLY_SHOWN = 80;

/**
 * An SMTP send failed: the server refused a command (`responseCode` 4xx: try again later, transient;
 * 5xx: refused for good), the connection broke or timed out (transient), TLS or authentication failed
 * (not transient). Code `'SMTP_ERROR'`. The message never holds the password.
 *
 * @example
 * ```ts
 * import { SmtpError } from 'gcp-pipeline-resilience';
 * const err = new SmtpError('Message failed: 451 4.3.0 try again later', { responseCode: 451, smtpCode: 'EMESSAGE' });
 * err.transient; // true
 * ```
 */
export class SmtpError extends PipelineError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(SmtpError, 'SmtpError');

  /** The server's reply code (`451`, `550`, `535`), when it answered. */
  readonly responseCode?: number;
  /** Nodemailer's code: `'ECONNECTION'`, `'ETIMEDOUT'`, `'EAUTH'`, `'ETLS'`, `'EENVELOPE'`, `'EMESSAGE'`, ... */
  readonly smtpCode?: string;
  /** The command in flight (`'DATA'`, `'AUTH PLAIN'`), when known. */
  readonly command?: string;

  constructor(
    message: string,
    details: { responseCode?: number; smtpCode?: string; command?: string; transient?: boolean } = {},
  ) {
    const { responseCode, smtpCode } = details;
    const transient =
      details.transient ??
      (responseCode !== undefined
        ? (responseCode >= 400 && responseCode < 500) || responseCode === 503
        : smtpCode !== undefined && CONNECTION_CODES.has(smtpCode));
    super(redactSecrets(message), { code: 'SMTP_ERROR', transient });
    this.responseCode = responseCode;
    this.smtpCode = smtpCode;
    this.command = details.command;
  }

  /**
   * The typed view of what nodemailer threw. A server reply that does not start with a three-digit
   * code is not SMTP (a wrong port, a proxy, a broken server): said so, and not transient.
   */
  static from(thrown: unknown): SmtpError {
    const e = (thrown ?? {}) as {
      message?: unknown;
      code?: unknown;
      responseCode?: unknown;
      command?: unknown;
      response?: unknown;
    };
    const message = typeof e.message === 'string' ? e.message : String(thrown);
    const command = typeof e.command === 'string' ? e.command : undefined;
    if (typeof e.response === 'string' && !SMTP_REPLY.test(e.response.split('\n', 1)[0]!)) {
      return new SmtpError(
        `SMTP send failed: the server's answer to ${command ?? 'the connection'} is not an SMTP reply (no three-digit code): ${quoteValue(e.response, REPLY_SHOWN)}`,
        {
          transient: false,
          ...(typeof e.code === 'string' ? { smtpCode: e.code } : {}),
          ...(command === undefined ? {} : { command }),
        },
      );
    }
    return new SmtpError(`SMTP send failed: ${message}`, {
      ...(typeof e.responseCode === 'number' ? { responseCode: e.responseCode } : {}),
      ...(typeof e.code === 'string' ? { smtpCode: e.code } : {}),
      ...(typeof e.command === 'string' ? { command: e.command } : {}),
    });
  }
}
