import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { emailContent } from '../../../src/alerting/channels/email-content.js';
import {
  AlertConfigError,
  AlertDeliveryError,
  type AlertFetch,
  type AlertMessage,
  type ChannelContext,
  createAlertManager,
  HttpError,
  HttpTooManyRequestsError,
  SLACK_LIMITS,
  sendGridChannel,
  silentLogger,
  slackChannel,
  slackPayload,
  smtpChannel,
} from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';

const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/s3cr3tT0kenValue';

function message(over: Partial<AlertMessage> = {}): AlertMessage {
  return {
    key: 'dlq:orders-dlq-sub',
    source: 'dead_letters',
    severity: 'critical',
    title: '4 messages in dead-letter queue orders-dlq-sub',
    message: 'Orders <phase2> & friends could not be processed.',
    fields: { messages: 4, subscription: 'orders-dlq-sub' },
    recoveryCommands: ['npx gpr dlq replay --from orders-dlq-sub --dry-run'],
    environment: 'production',
    at: new Date('2026-12-01T10:00:00Z'),
    ...over,
  };
}

function context(clock = createTestClock(), deadlineMs = 9000) {
  let attempts = 0;
  const ctx: ChannelContext = {
    signal: new AbortController().signal,
    deadlineMs,
    clock,
    countAttempt: () => {
      attempts++;
    },
  };
  return { ctx, clock, attempts: () => attempts };
}

/** A fetch that answers from a list and records the requests. */
function scriptedFetch(answers: Array<{ status: number; body?: string; headers?: Record<string, string> }>) {
  const requests: Array<{ url: string; init: RequestInit }> = [];
  const fetch = async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    const a = answers[Math.min(requests.length - 1, answers.length - 1)]!;
    return new Response(a.body ?? '', { status: a.status, headers: a.headers });
  };
  return { fetch, requests };
}

function configError(make: () => unknown): AlertConfigError {
  try {
    make();
  } catch (e) {
    expect(e).toBeInstanceOf(AlertConfigError);
    return e as AlertConfigError;
  }
  throw new Error('expected an AlertConfigError');
}

describe('slackPayload', () => {
  it("is the original's message: color per level, title, text, fields, footer with the environment", () => {
    const p = slackPayload(message(), {
      username: 'Pipeline Alerts',
      iconEmoji: ':rotating_light:',
      channel: '#alerts',
    });
    expect(p).toMatchObject({
      username: 'Pipeline Alerts',
      icon_emoji: ':rotating_light:',
      channel: '#alerts',
    });
    expect(p.text).toBe('🚨 [production] CRITICAL: 4 messages in dead-letter queue orders-dlq-sub');
    const [attachment] = p.attachments;
    expect(attachment!.color).toBe('#FF0000');
    expect(attachment!.blocks.map((b) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'context',
    ]);
    expect(JSON.stringify(attachment!.blocks[1])).toContain('Orders &lt;phase2&gt; &amp; friends');
    expect(JSON.stringify(attachment!.blocks.at(-1))).toContain('Environment: production');
    expect(slackPayload(message({ severity: 'warning' })).attachments[0]!.color).toBe('#FFA500');
    expect(slackPayload(message({ severity: 'success' })).attachments[0]!.color).toBe('#00FF00');
  });

  it("cuts every text to Slack's limits and shows at most 10 fields", () => {
    const fields = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`field_${i}`, 'v'.repeat(5000)]));
    const p = slackPayload(
      message({
        title: 'T'.repeat(500),
        message: '<&>'.repeat(5000),
        fields,
        recoveryCommands: ['x'.repeat(9000)],
      }),
    );
    type Text = { text: string };
    const blocks = p.attachments[0]!.blocks as unknown as Array<{ text: Text; fields: Text[] }>;
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(blocks[0]!.text.text.length).toBe(SLACK_LIMITS.headerText);
    expect(blocks[1]!.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(blocks[1]!.text.text).not.toMatch(/&(a|am|l|g)?…$/); // never cut inside an entity
    expect(blocks[2]!.fields).toHaveLength(SLACK_LIMITS.sectionFields);
    for (const f of blocks[2]!.fields) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    expect(blocks[2]!.fields[9]!.text).toBe(
      '+6 more fields: field_9, field_10, field_11, field_12, field_13, field_14',
    );
    expect(blocks[3]!.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(p.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  });

  it('never cuts a character in half', () => {
    const p = slackPayload(message({ title: '😀'.repeat(200) }));
    const header = (p.attachments[0]!.blocks[0] as { text: { text: string } }).text.text;
    expect(header.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    // A lone surrogate would show as U+FFFD once encoded.
    expect(Buffer.from(header, 'utf8').toString('utf8')).toBe(header);
  });
});

describe('emailContent', () => {
  it('a one-line subject (nothing can be injected into the headers) and bodies cut to the size limit', () => {
    const content = emailContent(
      message({ title: 'bad\r\nBcc: everyone@example.com', message: 'é'.repeat(200_000) }),
      10_000,
    );
    expect(content.subject).toBe('[production] CRITICAL: bad Bcc: everyone@example.com');
    expect(Buffer.byteLength(content.text)).toBeLessThanOrEqual(10_000);
    expect(content.text).toContain('(cut: the full text has');
    expect(Buffer.byteLength(content.html)).toBeLessThanOrEqual(10_000);
    expect(content.html.startsWith('<pre>') && content.html.endsWith('</pre>')).toBe(true);
    const small = emailContent(message());
    expect(small.html).toContain('Orders &lt;phase2&gt; &amp; friends');
    expect(small.text).toContain('messages: 4');
  });
});

describe('slackChannel', () => {
  it('refuses a malformed webhook URL without showing it', () => {
    for (const url of [
      'hooks.slack.com/services/T/B/secretpart',
      'http://hooks.slack.com/services/T/B/secretpart',
      '',
    ]) {
      const e = configError(() => slackChannel({ webhookUrl: url }));
      expect(e.field).toBe('webhookUrl');
      expect(e.message).not.toContain('secretpart');
    }
    expect(configError(() => slackChannel({ webhookUrl: WEBHOOK, iconEmoji: 'fire' })).field).toBe(
      'iconEmoji',
    );
    expect(configError(() => slackChannel({ webhookUrl: WEBHOOK, webhook: 1 } as never)).field).toBe(
      'webhook',
    );
  });

  it("waits out a 429's Retry-After before retrying, then holds later posts a second apart", async () => {
    const { fetch, requests } = scriptedFetch([
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '3' } },
      { status: 200, body: 'ok' },
    ]);
    const channel = slackChannel({ webhookUrl: WEBHOOK, fetch });
    const { ctx, clock, attempts } = context();
    await channel.send(message(), ctx);
    expect(attempts()).toBe(2);
    expect(clock.sleeps.some((ms) => ms >= 3000)).toBe(true);
    const before = clock.sleeps.length;
    await channel.send(message(), ctx);
    expect(clock.sleeps.slice(before)).toEqual([1000]);
    expect(requests).toHaveLength(3);
    expect(JSON.parse(String(requests[0]!.init.body)).attachments[0].color).toBe('#FF0000');
  });

  it('after a 429, no post leaves the channel before Retry-After has passed (even a new alert)', async () => {
    const { fetch, requests } = scriptedFetch([
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '4' } },
      { status: 200, body: 'ok' },
    ]);
    const channel = slackChannel({ webhookUrl: WEBHOOK, fetch, maxAttempts: 1 });
    const { ctx, clock } = context();
    await expect(channel.send(message(), ctx)).rejects.toBeInstanceOf(HttpTooManyRequestsError);
    await channel.send(message(), ctx);
    expect(clock.sleeps).toEqual([4000]);
    expect(requests).toHaveLength(2);
  });

  it('gives up at once when Slack asks to wait past the deadline, without naming the URL', async () => {
    const { fetch, requests } = scriptedFetch([
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '30' } },
    ]);
    const channel = slackChannel({ webhookUrl: WEBHOOK, fetch });
    const error = await channel.send(message(), context().ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpTooManyRequestsError);
    expect((error as HttpTooManyRequestsError).retryAfterMs).toBe(30_000);
    expect(String((error as Error).message)).not.toContain('s3cr3t');
    expect(requests).toHaveLength(1);
  });

  it("a 200 whose body is a Slack error code is a failure, not a delivery; 'ok' and JSON ok:true are", async () => {
    for (const body of ['invalid_payload', 'no_service', '{"ok":false,"error":"invalid_blocks"}']) {
      const { fetch, requests } = scriptedFetch([{ status: 200, body }]);
      const error = await slackChannel({ webhookUrl: WEBHOOK, fetch })
        .send(message(), context().ctx)
        .catch((e: unknown) => e);
      expect(error, body).toBeInstanceOf(HttpError);
      expect((error as HttpError).transient).toBe(false);
      expect((error as Error).message).toContain(body.startsWith('{') ? 'invalid_blocks' : body);
      expect(requests).toHaveLength(1);
    }
    for (const body of ['ok', '{"ok":true}', '']) {
      const { fetch } = scriptedFetch([{ status: 200, body }]);
      await expect(slackChannel({ webhookUrl: WEBHOOK, fetch }).send(message(), context().ctx)).resolves.toBe(
        undefined,
      );
    }
  });

  it('a Retry-After of years (or garbage) holds the channel for at most five minutes', async () => {
    const { fetch, requests } = scriptedFetch([
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '99999999' } },
      { status: 200, body: 'ok' },
    ]);
    const channel = slackChannel({ webhookUrl: WEBHOOK, fetch, maxAttempts: 1 });
    const { ctx, clock } = context();
    await expect(channel.send(message(), ctx)).rejects.toBeInstanceOf(HttpTooManyRequestsError);
    clock.advance(5 * 60_000);
    await expect(channel.send(message(), ctx)).resolves.toBe(undefined);
    expect(requests).toHaveLength(2);

    const garbage = scriptedFetch([
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '-5' } },
      { status: 200, body: 'ok' },
    ]);
    const other = slackChannel({ webhookUrl: WEBHOOK, fetch: garbage.fetch, maxAttempts: 1 });
    const second = context();
    await expect(other.send(message(), second.ctx)).rejects.toBeInstanceOf(HttpTooManyRequestsError);
    await other.send(message(), second.ctx);
    // A Retry-After that is not a number of seconds or a date counts as Slack's usual second.
    expect(second.clock.sleeps).toEqual([1000]);
  });

  it('does not retry a 4xx that will not change (a revoked webhook)', async () => {
    const { fetch, requests } = scriptedFetch([{ status: 404, body: 'no_service' }]);
    const error = await slackChannel({ webhookUrl: WEBHOOK, fetch })
      .send(message(), context().ctx)
      .catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe(
      'Slack webhook (slack): HTTP 404 Not Found from POST https://hooks.slack.com/services/[REDACTED]: no_service',
    );
    expect(requests).toHaveLength(1);
  });
});

describe('sendGridChannel', () => {
  const options = {
    apiKey: 'SG.key',
    from: 'alerts@example.com',
    to: ['oncall@example.com', 'lead@example.com'],
  };

  it('posts one v3 mail/send with both parts and counts 202 as sent', async () => {
    const { fetch, requests } = scriptedFetch([{ status: 503 }, { status: 202 }]);
    const { ctx, attempts } = context();
    await sendGridChannel({ ...options, apiKey: async () => 'SG.rotated', fetch }).send(message(), ctx);
    expect(attempts()).toBe(2);
    const { url, init } = requests[1]!;
    expect(url).toBe('https://api.sendgrid.com/v3/mail/send');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer SG.rotated');
    const body = JSON.parse(String(init.body));
    expect(body.personalizations[0].to).toEqual([
      { email: 'oncall@example.com' },
      { email: 'lead@example.com' },
    ]);
    expect(body.from).toEqual({ email: 'alerts@example.com' });
    expect(body.content.map((c: { type: string }) => c.type)).toEqual(['text/plain', 'text/html']);
  });

  it('refuses a bad recipient, a missing key and a bad sender, naming the field', () => {
    expect(configError(() => sendGridChannel({ ...options, to: ['oncall'] })).field).toBe('to[0]');
    expect(configError(() => sendGridChannel({ ...options, to: [] })).field).toBe('to');
    expect(configError(() => sendGridChannel({ ...options, apiKey: '' })).field).toBe('apiKey');
    expect(configError(() => sendGridChannel({ ...options, apiKey: undefined as never })).field).toBe(
      'apiKey',
    );
    expect(configError(() => sendGridChannel({ ...options, from: { email: 'x' } })).field).toMatch(/^from/);
  });

  it('refuses a recipient listed twice (SendGrid refuses every mail that does, so every alert would fail)', () => {
    const twice = configError(() =>
      sendGridChannel({ ...options, to: ['oncall@example.com', 'lead@example.com', 'OnCall@Example.com'] }),
    );
    expect(twice.field).toBe('to[2]');
    expect(twice.message).toContain('oncall@example.com');
    expect(
      configError(() =>
        smtpChannel({
          host: 'smtp.example.com',
          from: 'a@example.com',
          to: ['b@example.com', 'b@example.com'],
        }),
      ).field,
    ).toBe('to[1]');
  });

  it('a key callback that fails is a typed error that does not leak the key', async () => {
    const { fetch, requests } = scriptedFetch([{ status: 202 }]);
    const channel = sendGridChannel({
      ...options,
      apiKey: () => {
        throw new Error('permission denied for token=abc123');
      },
      fetch,
    });
    const error = (await channel.send(message(), context().ctx).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('the SendGrid apiKey callback failed: permission denied for token=[REDACTED]');
    expect(requests).toHaveLength(0);
  });
});

describe('smtpChannel', () => {
  const options = { host: 'smtp.example.com', from: 'alerts@example.com', to: ['oncall@example.com'] };
  it('refuses a user without a password, a password without a user, a bad port or host', () => {
    expect(configError(() => smtpChannel({ ...options, user: 'alerts' })).field).toBe('password');
    expect(configError(() => smtpChannel({ ...options, password: 'x' })).field).toBe('user');
    expect(configError(() => smtpChannel({ ...options, port: 70_000 })).field).toBe('port');
    expect(configError(() => smtpChannel({ ...options, host: 'smtp example com' })).field).toBe('host');
    expect(smtpChannel({ ...options, user: 'alerts', password: () => 'p' }).name).toBe('email');
  });
});

describe('options of the alerting layer: unknown keys and incomplete objects', () => {
  it('an unknown key is refused with the closest known one, and reported before the field it misspells', () => {
    const typo = configError(() => slackChannel({ webhookURL: WEBHOOK } as never));
    expect(typo.field).toBe('webhookURL');
    expect(typo.message).toContain("did you mean 'webhookUrl'?");
    const retries = configError(() => slackChannel({ webhookUrl: WEBHOOK, maxAttempt: 3 } as never));
    expect(retries.message).toContain("did you mean 'maxAttempts'?");
    const nested = configError(() =>
      smtpChannel({
        host: 'smtp.example.com',
        from: 'alerts@example.com',
        to: ['oncall@example.com'],
        tls: { rejectUnauthorised: false } as never,
      }),
    );
    expect(nested.field).toBe('tls.rejectUnauthorised');
    expect(nested.message).toContain("did you mean 'rejectUnauthorized'?");
    const far = configError(() =>
      sendGridChannel({ apiKey: 'k', from: 'a@example.com', to: ['b@example.com'], zzz: 1 } as never),
    );
    expect(far.message).toContain('known options are apiKey, apiKeyVariable, env, from, to');
    expect(far.message).not.toContain('did you mean');
  });

  it('a manager option misspelt is refused with a hint', () => {
    const e = configError(() => createAlertManager({ chanels: [] } as never));
    expect(e.field).toBe('chanels');
    expect(e.message).toContain("did you mean 'channels'?");
  });

  it('a logger or clock missing a method is refused at construction, not when an alert is sent', () => {
    const onlyError = { error: () => {} };
    expect(configError(() => createAlertManager({ logger: onlyError as never })).field).toBe('logger');
    const noNow = { sleep: async () => {} };
    expect(configError(() => createAlertManager({ clock: noNow as never })).field).toBe('clock');
  });

  it('an alert field that is not a string, number or boolean says what is expected', async () => {
    const alerts = createAlertManager({ logger: { debug() {}, info() {}, warn() {}, error() {} } });
    const error = await alerts
      .send({ key: 'k', severity: 'error', title: 't', fields: { rows: undefined as never } })
      .catch((e: unknown) => e as AlertConfigError);
    expect(error).toBeInstanceOf(AlertConfigError);
    expect((error as AlertConfigError).field).toBe('alert.fields.rows');
    expect((error as AlertConfigError).message).toContain('expected a string, a finite number or a boolean');
  });
});

describe('secrets of the channels never appear in an error, at any depth', () => {
  /** Everything a logger or an error reporter could print of `value`. */
  function printed(value: unknown): string {
    return `${inspect(value, { depth: 20, showHidden: true })}\n${JSON.stringify(value)}`;
  }

  const webhooks = [
    'https://hooks.slack.com/services/T000/B000/s3cr3tT0kenValue',
    'https://hooks.slack.com/triggers/T0123ABC/4567890123/s3cr3tT0kenValue',
    'https://chat.example.com/hooks/s3cr3tT0kenValue',
  ];
  const failures: Array<[string, AlertFetch]> = [
    ['404', async () => new Response('no_service', { status: 404 })],
    ['500', async () => new Response('oops', { status: 500 })],
    [
      'a network error naming the URL',
      async (url) => {
        throw new TypeError('fetch failed', {
          cause: new Error(`connect ECONNREFUSED while posting to ${url}`),
        });
      },
    ],
  ];

  for (const webhookUrl of webhooks) {
    for (const [what, fetch] of failures) {
      it(`Slack webhook ${new URL(webhookUrl).pathname.split('/')[1]}: ${what}`, async () => {
        const channel = slackChannel({ webhookUrl, fetch, maxAttempts: 1 });
        const error = await channel.send(message(), context().ctx).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        expect(printed(error)).not.toContain('s3cr3tT0kenValue');
        const delivery = await createAlertManager({ channels: [channel], logger: silentLogger })
          .send({ key: 'k', severity: 'warning', title: 't' })
          .catch((e: unknown) => e);
        expect(delivery).toBeInstanceOf(AlertDeliveryError);
        expect(printed(delivery)).not.toContain('s3cr3tT0kenValue');
        expect(printed((delivery as AlertDeliveryError).result)).not.toContain('s3cr3tT0kenValue');
      });
    }
  }

  it('SendGrid: a key the server echoes back without "Bearer"', async () => {
    const fetch: AlertFetch = async () =>
      new Response(JSON.stringify({ errors: [{ message: 'key SG.abc123.def456secret is revoked' }] }), {
        status: 401,
      });
    const channel = sendGridChannel({
      apiKey: 'SG.abc123.def456secret',
      from: 'alerts@example.com',
      to: ['oncall@example.com'],
      fetch,
    });
    const error = await channel.send(message(), context().ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(printed(error)).not.toContain('def456secret');
  });
});
