import { setTimeout as wait } from 'node:timers/promises';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlertDeliveryError,
  type Clock,
  createAlertManager,
  HttpTooManyRequestsError,
  memoryRateLimitStore,
  SmtpError,
  sendGridChannel,
  silentLogger,
  slackChannel,
  type smtpChannel,
} from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import {
  type SendGridStandIn,
  type SlackStandIn,
  type SmtpStandIn,
  startSendGridStandIn,
  startSlackStandIn,
  startSmtpStandIn,
} from '../../../src/testing/index.js';
import { smtpTestChannel } from '../../helpers/smtp-channel.js';

let slack: SlackStandIn;
let sendgrid: SendGridStandIn;
let smtp: SmtpStandIn;

beforeAll(async () => {
  [slack, sendgrid, smtp] = await Promise.all([
    startSlackStandIn(),
    startSendGridStandIn({ apiKey: 'SG.right-key' }),
    startSmtpStandIn({ users: { alerts: 'smtp-pass' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([slack.close(), sendgrid.close(), smtp.close()]);
});

let n = 0;
const alert = (severity: 'error' | 'warning' = 'error') => ({
  key: `processor:phase2:case-${++n}`,
  severity,
  title: 'phase2_games: BigQuery insert failed',
  message: '3 rows were refused for good.',
  fields: { processor: 'phase2_games', failed_rows: 3 },
});

const email = (over: Partial<Parameters<typeof smtpChannel>[0]> = {}) => smtpTestChannel(smtp, over);

describe('Slack channel against the Slack stand-in', () => {
  it("a 429 with Retry-After is waited out (the manager's clock records the wait), then delivered once", async () => {
    slack.messages.length = 0;
    const clock = createTestClock({ startMs: Date.now() });
    slack.faults.add({ method: 'POST', times: 1, status: 429, headers: { 'retry-after': '7' } });
    const result = await createAlertManager({
      channels: [slackChannel({ webhookUrl: slack.webhookUrl })],
      logger: silentLogger,
      clock,
      deadlineMs: 20_000,
    }).send(alert('warning'));
    expect(result.channels[0]).toMatchObject({ channel: 'slack', status: 'sent', attempts: 2 });
    expect(Math.max(...clock.sleeps)).toBeGreaterThanOrEqual(7000);
    expect(slack.messages).toHaveLength(1);
    expect(slack.requests.at(-2)?.status).toBe(429);
  });

  it('one message a second: a stand-in that enforces the limit never answers 429', async () => {
    // A burst of 2 as Slack allows short bursts: unpaced, the third and fourth posts would be refused.
    const strict = await startSlackStandIn({ rateLimit: { perSecond: 1, burst: 2 } });
    try {
      const alerts = createAlertManager({
        channels: [slackChannel({ webhookUrl: strict.webhookUrl })],
        logger: silentLogger,
      });
      await Promise.all([1, 2, 3, 4].map(() => alerts.send(alert('warning'))));
      expect(strict.messages).toHaveLength(4);
      expect(strict.requests.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    } finally {
      await strict.close();
    }
  });

  it('a clock stepped back an hour does not hold Slack back for that hour (the pause is at most what was asked)', async () => {
    const base = createTestClock({ startMs: Date.now() });
    let offset = 0;
    const clock: Clock = {
      now: () => base.now() + offset,
      sleep: (ms, signal) => base.sleep(ms, signal),
      schedule: (ms, callback) => base.schedule(ms, callback),
    };
    const alerts = createAlertManager({
      channels: [slackChannel({ webhookUrl: slack.webhookUrl })],
      logger: silentLogger,
      clock,
    });
    slack.messages.length = 0;
    expect((await alerts.send(alert('warning'))).outcome).toBe('sent');
    offset = -3_600_000;
    expect((await alerts.send(alert('warning'))).outcome).toBe('sent');
    expect(slack.messages).toHaveLength(2);
    // The second post still waited its one second after the first, not an hour.
    expect(base.sleeps.filter((ms) => ms > 1000)).toEqual([]);
  });

  it('an alert far over every Slack limit is cut so that Slack accepts it', async () => {
    slack.messages.length = 0;
    const fields = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, 'x'.repeat(3000)]));
    const result = await createAlertManager({
      channels: [slackChannel({ webhookUrl: slack.webhookUrl })],
      logger: silentLogger,
    }).send({ ...alert(), title: 'T'.repeat(1000), message: '<b>'.repeat(10_000), fields });
    expect(result.outcome).toBe('sent');
    expect(slack.messages).toHaveLength(1);
  });

  it('Slack asking to wait past the deadline fails the channel with the wait it asked for', async () => {
    slack.faults.add({ method: 'POST', times: 1, status: 429, headers: { 'retry-after': '120' } });
    const error = await createAlertManager({
      channels: [slackChannel({ webhookUrl: slack.webhookUrl })],
      logger: silentLogger,
    })
      .send(alert('warning'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertDeliveryError);
    const failure = (error as AlertDeliveryError).result.channels[0]!.error;
    expect(failure).toBeInstanceOf(HttpTooManyRequestsError);
    expect((failure as HttpTooManyRequestsError).retryAfterMs).toBe(120_000);
    expect(JSON.stringify(error)).not.toContain('stand-in-webhook');
  });
});

describe('email channels against the SendGrid and SMTP stand-ins', () => {
  it('SendGrid: a 503 is retried and the mail accepted with 202', async () => {
    sendgrid.mails.length = 0;
    sendgrid.faults.add({ times: 1, status: 503 });
    const result = await createAlertManager({
      channels: [
        sendGridChannel({
          apiKey: 'SG.right-key',
          endpoint: sendgrid.endpoint,
          from: 'alerts@example.com',
          to: ['oncall@example.com'],
        }),
      ],
      logger: silentLogger,
    }).send(alert());
    expect(result.channels[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(sendgrid.mails).toHaveLength(1);
    expect(sendgrid.mails[0]).toMatchObject({
      to: ['oncall@example.com'],
      subject: '[production] ERROR: phase2_games: BigQuery insert failed',
    });
    expect(sendgrid.mails[0]!.content['text/plain']).toContain('failed_rows: 3');
  });

  it('a failing channel does not stop the others: a revoked SendGrid key fails alone, Slack still sends', async () => {
    slack.messages.length = 0;
    const result = await createAlertManager({
      channels: [
        slackChannel({ webhookUrl: slack.webhookUrl }),
        sendGridChannel({
          apiKey: 'SG.revoked',
          endpoint: sendgrid.endpoint,
          from: 'alerts@example.com',
          to: ['oncall@example.com'],
        }),
      ],
      logger: silentLogger,
    }).send(alert());
    expect(result.outcome).toBe('sent');
    expect(result.channels[1]).toMatchObject({ channel: 'email', status: 'failed', attempts: 1 });
    expect(result.channels[1]!.error?.code).toBe('UNAUTHORIZED');
    expect(result.detail).toMatch(
      /^sent to slack; email failed \(UNAUTHORIZED: SendGrid \(email\): HTTP 401 Unauthorized from POST http:\/\/127\.0\.0\.1:\d+\/v3\/mail\/send: /,
    );
    expect(JSON.stringify(result)).not.toContain('SG.revoked');
    expect(slack.messages).toHaveLength(1);
  });

  it('SMTP: STARTTLS and login, the message recorded with its envelope and subject', async () => {
    smtp.messages.length = 0;
    const result = await createAlertManager({ channels: [email()], logger: silentLogger }).send(alert());
    expect(result.channels[0]).toMatchObject({ channel: 'email', status: 'sent', attempts: 1 });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]).toMatchObject({
      from: 'alerts@example.com',
      to: ['oncall@example.com'],
      subject: '[production] ERROR: phase2_games: BigQuery insert failed',
      secure: true,
      user: 'alerts',
    });
  });

  it('SMTP: a server that drops the connection after DATA is retried on a new connection', async () => {
    smtp.messages.length = 0;
    const drop = smtp.faults.add({ step: 'data', times: 1, drop: true });
    const result = await createAlertManager({ channels: [email()], logger: silentLogger }).send(alert());
    expect(drop.hits).toBe(1);
    expect(result.channels[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(smtp.messages).toHaveLength(1);
  });

  it('SMTP: 4xx replies are retried, 5xx and a wrong password are not', async () => {
    smtp.messages.length = 0;
    smtp.faults.add({ step: 'mail', times: 1, reply: { code: 451, message: 'Try again later' } });
    const retried = await createAlertManager({ channels: [email()], logger: silentLogger }).send(alert());
    expect(retried.channels[0]).toMatchObject({ status: 'sent', attempts: 2 });

    smtp.faults.add({ step: 'rcpt', times: 1, reply: { code: 550, message: 'No such user' } });
    const refused = await createAlertManager({ channels: [email()], logger: silentLogger })
      .send(alert())
      .catch((e: unknown) => e);
    const refusal = (refused as AlertDeliveryError).result.channels[0]!;
    expect(refusal).toMatchObject({ status: 'failed', attempts: 1 });
    expect(refusal.error).toBeInstanceOf(SmtpError);
    expect((refusal.error as SmtpError).responseCode).toBe(550);

    const wrong = await createAlertManager({
      channels: [email({ password: 'wrong-pass' })],
      logger: silentLogger,
    })
      .send(alert())
      .catch((e: unknown) => e as AlertDeliveryError);
    const login = (wrong as AlertDeliveryError).result.channels[0]!;
    expect(login).toMatchObject({ status: 'failed', attempts: 1 });
    expect((login.error as SmtpError).responseCode).toBe(535);
    expect(JSON.stringify(wrong)).not.toContain('wrong-pass');
    expect(smtp.messages).toHaveLength(1);
  });

  it('SMTP: a server that echoes the login back (plain or base64) does not put the password in the error', async () => {
    const echoed = [
      'smtp-pass',
      Buffer.from('\0alerts\0smtp-pass').toString('base64'),
      Buffer.from('smtp-pass').toString('base64'),
    ];
    smtp.faults.add({
      step: 'auth',
      times: 1,
      reply: { code: 535, message: `Authentication failed for ${echoed.join(' / ')}` },
    });
    const error = await createAlertManager({ channels: [email()], logger: silentLogger })
      .send(alert())
      .catch((e: unknown) => e as AlertDeliveryError);
    expect(error).toBeInstanceOf(AlertDeliveryError);
    const failure = (error as AlertDeliveryError).result.channels[0]!.error;
    expect((failure as SmtpError).responseCode).toBe(535);
    const printed = `${inspect(error, { depth: 20, showHidden: true })}\n${JSON.stringify(error)}`;
    for (const secret of echoed) expect(printed).not.toContain(secret);
  });

  it('SMTP: a server without STARTTLS is refused by default, before the password crosses the wire', async () => {
    const plain = await startSmtpStandIn({ starttls: false });
    try {
      const error = await createAlertManager({
        channels: [email({ host: plain.host, port: plain.port })],
        logger: silentLogger,
      })
        .send(alert())
        .catch((e: unknown) => e as AlertDeliveryError);
      const channel = (error as AlertDeliveryError).result.channels[0]!;
      expect(channel).toMatchObject({ status: 'failed', attempts: 1 });
      expect(channel.error?.transient).toBe(false);
      expect(plain.messages).toHaveLength(0);
      expect(plain.sessions.every((s) => !s.steps.includes('auth'))).toBe(true);
    } finally {
      await plain.close();
    }
  });

  it('routing: error reaches Slack and email, warning only Slack; the log line is written for both', async () => {
    slack.messages.length = 0;
    smtp.messages.length = 0;
    const lines: string[] = [];
    const logger = {
      ...silentLogger,
      error: (m: string) => lines.push(`error ${m}`),
      warn: (m: string) => lines.push(`warn ${m}`),
    };
    const alerts = createAlertManager({
      channels: [slackChannel({ webhookUrl: slack.webhookUrl }), email()],
      store: memoryRateLimitStore(),
      logger,
    });
    await alerts.send(alert('error'));
    await alerts.send(alert('warning'));
    expect(slack.messages).toHaveLength(2);
    expect(smtp.messages).toHaveLength(1);
    expect(lines).toEqual([
      'error alert sent: phase2_games: BigQuery insert failed',
      'warn alert sent: phase2_games: BigQuery insert failed',
    ]);
  });
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
