import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailContent } from '../../../src/alerting/channels/email-content.js';
import {
  type AlertChannel,
  type AlertMessage,
  createAlertManager,
  type Logger,
  sendGridChannel,
  slackChannel,
  slackPayload,
} from '../../../src/index.js';
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

/** Every credential below, each of which must reach no channel and no log line. */
const SECRETS = [
  'hunter2secret',
  'AKIAABCDEFGHIJKLMNOP',
  'ya29.a0AfH6SMBxyzxyzxyzxyzxyz',
  'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
  's3cr3tpassw0rd',
  'topsecretvalue1',
  'plain-looking-api-key-value',
  'rotated-4242-db-pass',
  'srcpassw0rd9',
];

const alert = (key: string) => ({
  key,
  severity: 'error' as const,
  // A source named after the request it watches, credentials and all.
  source: 'scraper https://bot:srcpassw0rd9@feeds.example.com/odds',
  title: 'failed GET https://user:hunter2secret@db.example.com/x?api_key=AKIAABCDEFGHIJKLMNOP',
  message:
    'Authorization: Bearer ya29.a0AfH6SMBxyzxyzxyzxyzxyz; token=ghp_abcdefghijklmnopqrstuvwxyz0123456789',
  fields: {
    dsn: 'postgres://admin:s3cr3tpassw0rd@10.0.0.1/db',
    query: 'password=topsecretvalue1',
    // Named as a credential: its value is one whatever it looks like.
    api_key: 'plain-looking-api-key-value',
    'DB-Password': 'rotated-4242-db-pass',
    rows: 3,
  },
  recoveryCommands: [
    'curl -H "Authorization: Bearer ya29.a0AfH6SMBxyzxyzxyzxyzxyz" https://api.example.com/retry',
  ],
});

function leaks(text: string): string[] {
  return SECRETS.filter((secret) => text.includes(secret));
}

describe('credentials in an alert reach no channel', () => {
  it('Slack, SendGrid, SMTP, a custom channel and the log line get the alert without them', async () => {
    slack.messages.length = 0;
    const custom: AlertMessage[] = [];
    const pager: AlertChannel = {
      name: 'pager',
      async send(message, context) {
        context.countAttempt();
        custom.push(message);
      },
    };
    const lines: unknown[] = [];
    const record = (message: string, fields?: unknown) => void lines.push([message, fields]);
    const logger: Logger = { debug: record, info: record, warn: record, error: record };
    const result = await createAlertManager({
      channels: [
        slackChannel({ webhookUrl: slack.webhookUrl }),
        sendGridChannel({
          apiKey: 'SG.right-key',
          from: 'alerts@example.com',
          to: ['oncall@example.com'],
          endpoint: sendgrid.endpoint,
        }),
        { ...smtpTestChannel(smtp), name: 'smtp' },
        pager,
      ],
      routes: { error: ['slack', 'email', 'smtp', 'pager'] },
      logger,
    }).send(alert('secrets:1'));
    expect(result.channels.map((c) => [c.channel, c.status])).toEqual([
      ['slack', 'sent'],
      ['email', 'sent'],
      ['smtp', 'sent'],
      ['pager', 'sent'],
      ['log', 'sent'],
    ]);
    expect(leaks(JSON.stringify(slack.messages))).toEqual([]);
    expect(leaks(JSON.stringify(sendgrid.mails))).toEqual([]);
    expect(leaks(JSON.stringify(smtp.messages))).toEqual([]);
    expect(leaks(JSON.stringify(custom))).toEqual([]);
    expect(leaks(JSON.stringify(lines))).toEqual([]);
    // What is not a credential is still there.
    const posted = JSON.stringify(slack.messages);
    expect(posted).toContain('db.example.com');
    expect(posted).toContain('[REDACTED]');
    expect(custom[0]?.fields.rows).toBe(3);
    expect(custom[0]?.fields.api_key).toBe('[REDACTED]');
  });

  it('a key built from a URL with credentials shows cleaned; the raw key still limits and correlates', async () => {
    slack.messages.length = 0;
    sendgrid.mails.length = 0;
    smtp.messages.length = 0;
    const lines: unknown[] = [];
    const record = (message: string, fields?: unknown) => void lines.push([message, fields]);
    const logger: Logger = { debug: record, info: record, warn: record, error: record };
    const manager = createAlertManager({
      channels: [
        slackChannel({ webhookUrl: slack.webhookUrl }),
        sendGridChannel({
          apiKey: 'SG.right-key',
          from: 'alerts@example.com',
          to: ['oncall@example.com'],
          endpoint: sendgrid.endpoint,
        }),
        { ...smtpTestChannel(smtp), name: 'smtp' },
      ],
      routes: { error: ['slack', 'email', 'smtp'] },
      rateLimits: { 'fetch:': { windowMinutes: 60 } },
      logger,
    });
    const key = (password: string) =>
      `fetch:https://user:${password}@db.example.com/x?api_key=AKIAABCDEFGHIJKLMNOP#Bearer ya29.a0AfH6SMBxyzxyzxyzxyzxyz`;
    const first = await manager.send({ key: key('hunter2secret'), severity: 'error', title: 'fetch failed' });
    expect(first).toMatchObject({ outcome: 'sent', key: key('hunter2secret') });
    expect(leaks(JSON.stringify(slack.messages))).toEqual([]);
    expect(leaks(JSON.stringify(sendgrid.mails))).toEqual([]);
    expect(leaks(JSON.stringify(smtp.messages))).toEqual([]);
    expect(leaks(JSON.stringify(lines))).toEqual([]);
    expect(JSON.stringify(slack.messages)).toContain(
      'key fetch:https://[REDACTED]@db.example.com/x?api_key=[REDACTED]',
    );
    // The limit and the dedup still count the raw key: the same key is held back, another is not.
    const again = await manager.send({ key: key('hunter2secret'), severity: 'error', title: 'fetch failed' });
    expect(again).toMatchObject({ outcome: 'suppressed', reason: 'rate_limited' });
    const other = await manager.send({
      key: key('s3cr3tpassw0rd'),
      severity: 'error',
      title: 'fetch failed',
    });
    expect(other.outcome).toBe('sent');
    expect(leaks(JSON.stringify(lines))).toEqual([]);
  });

  it('the payload builders clean what they are given directly, before any cut (no token start shows)', () => {
    const message: AlertMessage = {
      ...alert('secrets:2'),
      // The header's 150 and the subject's 200 characters end inside the token.
      title: `${'x'.repeat(120)} token=ghp_abcdefghijklmnopqrstuvwxyz0123456789 ${'y'.repeat(300)}`,
      source: 'application',
      environment: 'production',
      at: new Date(0),
    };
    const payload = JSON.stringify(slackPayload(message));
    const email = emailContent(message, 300);
    expect(leaks(payload)).toEqual([]);
    expect(leaks(JSON.stringify(email))).toEqual([]);
    expect(payload).not.toContain('ghp_abc');
    expect(email.subject).not.toContain('ghp_');
  });
});
