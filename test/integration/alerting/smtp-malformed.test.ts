import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AlertDeliveryError,
  createAlertManager,
  SmtpError,
  silentLogger,
  type smtpChannel,
} from '../../../src/index.js';
import { type SmtpFaultRule, type SmtpStandIn, startSmtpStandIn } from '../../../src/testing/index.js';
import { smtpTestChannel } from '../../helpers/smtp-channel.js';

let smtp: SmtpStandIn;
beforeAll(async () => {
  smtp = await startSmtpStandIn({ users: { alerts: 'smtp-pass' } });
});
afterAll(async () => {
  await smtp.close();
});
beforeEach(() => {
  smtp.faults.clear();
  smtp.messages.length = 0;
});

const email = (over: Partial<Parameters<typeof smtpChannel>[0]> = {}) => smtpTestChannel(smtp, over);

let n = 0;
/** Sends one alert through the email channel alone; resolves to the channel's outcome. */
async function send(over: Partial<Parameters<typeof smtpChannel>[0]> = {}) {
  const outcome = await createAlertManager({ channels: [email(over)], logger: silentLogger, shutdown: false })
    .send({ key: `smtp:malformed:${++n}`, severity: 'error', title: 'phase2: insert failed' })
    .catch((e: unknown) => e);
  if (outcome instanceof AlertDeliveryError) return outcome.result.channels[0]!;
  return (outcome as { channels: Array<{ status: string; attempts: number; error?: Error }> }).channels[0]!;
}

describe('SMTP channel against a server whose replies are malformed (stand-in rawReply faults)', () => {
  it.each<[string, SmtpFaultRule]>([
    ['a greeting that is not SMTP', { step: 'connect', rawReply: { text: 'SSH-2.0-OpenSSH_9.6\r\n' } }],
    ['a non-SMTP line after DATA', { step: 'data', rawReply: { text: 'HTTP/1.1 400 Bad Request\r\n' } }],
  ])(
    '%s: failed at once (not retried) with an SmtpError that says the reply is not SMTP; nothing reported delivered',
    async (_what, rule) => {
      const fault = smtp.faults.add({ ...rule, times: 3 });
      const channel = await send();
      expect(fault.hits).toBe(1);
      expect(channel).toMatchObject({ status: 'failed', attempts: 1 });
      expect(channel.error).toBeInstanceOf(SmtpError);
      expect(channel.error?.message).toMatch(/not an SMTP reply/);
      expect((channel.error as SmtpError).transient).toBe(false);
      expect(smtp.messages).toHaveLength(0);
    },
  );

  it('a non-SMTP reply to MAIL FROM, then a close: nodemailer (which pipelines MAIL and RCPT) reports the broken connection; not delivered', async () => {
    smtp.faults.add({ step: 'mail', times: 1, rawReply: { text: 'OK sure\r\n' } });
    const channel = await send({ maxAttempts: 1 });
    expect(channel).toMatchObject({ status: 'failed', attempts: 1 });
    expect(channel.error).toBeInstanceOf(SmtpError);
    expect((channel.error as SmtpError).smtpCode).toBe('ECONNECTION');
    expect(smtp.messages).toHaveLength(0);
  });

  it('a multi-line reply cut off by a close: a broken connection, retried on a new one, delivered once', async () => {
    const cut = smtp.faults.add({ step: 'rcpt', times: 1, rawReply: { text: '250-2.1.5 first line\r\n' } });
    const channel = await send();
    expect(cut.hits).toBe(1);
    expect(channel).toMatchObject({ status: 'sent', attempts: 2 });
    expect(smtp.messages).toHaveLength(1);
  });

  it('a reply cut mid-line after DATA, then a close: failed (one attempt allowed), transient, not delivered', async () => {
    smtp.faults.add({ step: 'data', times: 1, rawReply: { text: '25' } });
    const channel = await send({ maxAttempts: 1 });
    expect(channel).toMatchObject({ status: 'failed', attempts: 1 });
    expect(channel.error).toBeInstanceOf(SmtpError);
    expect((channel.error as SmtpError).transient).toBe(true);
    expect(smtp.messages).toHaveLength(0);
  });

  it('a multi-line reply that never ends: the attempt ends at its timeout with an SmtpError, nothing delivered', async () => {
    smtp.faults.add({
      step: 'data',
      times: 1,
      rawReply: { text: '250-2.0.0 queued\r\n', afterwards: 'hang' },
    });
    const channel = await send({ maxAttempts: 1, attemptTimeoutMs: 300 });
    expect(channel).toMatchObject({ status: 'failed', attempts: 1 });
    expect(channel.error).toBeInstanceOf(SmtpError);
    expect((channel.error as SmtpError).smtpCode).toBe('ETIMEDOUT');
    expect(smtp.messages).toHaveLength(0);
  });

  it('the stand-in refuses a rawReply rule without text, or with an unknown afterwards', () => {
    expect(() => smtp.faults.add({ step: 'data', rawReply: { text: '' } })).toThrow(/rawReply\.text/);
    expect(() =>
      smtp.faults.add({ step: 'data', rawReply: { text: 'x', afterwards: 'later' as 'hang' } }),
    ).toThrow(/rawReply\.afterwards/);
    expect(() =>
      smtp.faults.add({ step: 'data', rawReply: { text: 'x' }, drop: true } as unknown as SmtpFaultRule),
    ).toThrow(/exactly one/);
  });
});
