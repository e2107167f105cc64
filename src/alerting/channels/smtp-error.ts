import { brandClass } from '../../errors/brand.js';
import { PipelineError, redactSecrets } from '../../errors/index.js';

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

  /** The typed view of what nodemailer threw. */
  static from(thrown: unknown): SmtpError {
    const e = (thrown ?? {}) as {
      message?: unknown;
      code?: unknown;
      responseCode?: unknown;
      command?: unknown;
    };
    const message = typeof e.message === 'string' ? e.message : String(thrown);
    return new SmtpError(`SMTP send failed: ${message}`, {
      ...(typeof e.responseCode === 'number' ? { responseCode: e.responseCode } : {}),
      ...(typeof e.code === 'string' ? { smtpCode: e.code } : {}),
      ...(typeof e.command === 'string' ? { command: e.command } : {}),
    });
  }
}
