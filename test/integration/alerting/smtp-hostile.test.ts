import { setTimeout as wait } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertDeliveryError, createAlertManager, silentLogger, smtpChannel } from '../../../src/index.js';
import { type SmtpStandIn, startSmtpStandIn } from '../../../src/testing/index.js';

let smtp: SmtpStandIn;

beforeAll(async () => {
  smtp = await startSmtpStandIn({ users: { alerts: 'smtp-pass' } });
});

afterAll(async () => {
  await smtp.close();
});

const email = () =>
  smtpChannel({
    host: smtp.host,
    port: smtp.port,
    user: 'alerts',
    password: async () => 'smtp-pass',
    tls: smtp.clientTls,
    from: 'alerts@example.com',
    to: ['oncall@example.com'],
  });

/** Resolves once a session of the stand-in has reached `step` (the stand-in records each step). */
async function reached(step: 'data' | 'rcpt'): Promise<void> {
  for (let i = 0; i < 500 && !smtp.sessions.some((s) => s.steps.includes(step)); i += 1) await wait(10);
}

describe('SMTP channel against a hostile server', () => {
  it('a server that hangs after DATA: a shutdown mid-send ends the send at once, reported, not retried', async () => {
    smtp.messages.length = 0;
    smtp.sessions.length = 0;
    const hang = smtp.faults.add({ step: 'data', times: 1, delayMs: 60_000 });
    const stop = new AbortController();
    const alerts = createAlertManager({ channels: [email()], logger: silentLogger, shutdown: false });
    const sending = alerts
      .send({ key: 'smtp:hang', severity: 'error', title: 'phase2: insert failed' }, { signal: stop.signal })
      .catch((e: unknown) => e);
    await reached('data');
    stop.abort(new Error('SIGTERM received'));
    const error = await sending;
    expect(error).toBeInstanceOf(AlertDeliveryError);
    const channel = (error as AlertDeliveryError).result.channels[0]!;
    expect(channel).toMatchObject({ channel: 'email', status: 'failed', attempts: 1 });
    expect(channel.error?.message).toMatch(/SIGTERM received/);
    expect(smtp.messages).toHaveLength(0);
    hang.remove();
  });

  it('a server that closes the connection at its greeting, every time: failed after the attempts, no password in the error', async () => {
    smtp.sessions.length = 0;
    smtp.faults.add({ step: 'connect', times: 3, drop: true });
    const error = await createAlertManager({ channels: [email()], logger: silentLogger, shutdown: false })
      .send({ key: 'smtp:drop', severity: 'error', title: 'phase2: insert failed' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertDeliveryError);
    const channel = (error as AlertDeliveryError).result.channels[0]!;
    expect(channel).toMatchObject({ status: 'failed', attempts: 3 });
    expect(channel.error?.transient).toBe(true);
    expect(JSON.stringify(error)).not.toContain('smtp-pass');
  });
});
