import { type AlertChannel, smtpChannel } from '../../src/index.js';
import type { SmtpStandIn } from '../../src/testing/index.js';

/** The SMTP password of the `alerts` account the SMTP channel tests' stand-ins are started with. */
export const SMTP_TEST_PASSWORD = 'smtp-pass';

/** The email channel the SMTP tests send through: `alerts` logged in over STARTTLS to `smtp`. */
export function smtpTestChannel(
  smtp: SmtpStandIn,
  over: Partial<Parameters<typeof smtpChannel>[0]> = {},
): AlertChannel {
  return smtpChannel({
    host: smtp.host,
    port: smtp.port,
    user: 'alerts',
    password: async () => SMTP_TEST_PASSWORD,
    tls: smtp.clientTls,
    from: 'alerts@example.com',
    to: ['oncall@example.com'],
    ...over,
  });
}
