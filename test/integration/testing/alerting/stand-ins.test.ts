import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SendGridStandIn,
  type SlackStandIn,
  startSendGridStandIn,
  startSlackStandIn,
} from '../../../../src/testing/index.js';

let slack: SlackStandIn;
let sendgrid: SendGridStandIn;

beforeAll(async () => {
  [slack, sendgrid] = await Promise.all([startSlackStandIn(), startSendGridStandIn({ apiKey: 'SG.ok' })]);
});
afterAll(async () => {
  await Promise.all([slack.close(), sendgrid.close()]);
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }).then(async (r) => [r.status, await r.text()] as const);

describe('the Slack webhook stand-in', () => {
  it("accepts a message within Slack's limits and refuses what Slack refuses", async () => {
    slack.messages.length = 0;
    expect(await post(slack.webhookUrl, { text: 'hello' })).toEqual([200, 'ok']);
    expect(await post(slack.webhookUrl, '{')).toEqual([400, 'invalid_payload']);
    expect(await post(slack.webhookUrl, { username: 'x' })).toEqual([400, 'no_text']);
    const header = (n: number) => ({ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(n) } });
    expect(await post(slack.webhookUrl, { blocks: [header(150)] })).toEqual([200, 'ok']);
    expect(await post(slack.webhookUrl, { blocks: [header(151)] })).toEqual([400, 'invalid_blocks']);
    const fields = (n: number) => Array.from({ length: n }, () => ({ type: 'mrkdwn', text: 'f' }));
    expect(
      await post(slack.webhookUrl, { attachments: [{ blocks: [{ type: 'section', fields: fields(11) }] }] }),
    ).toEqual([400, 'invalid_blocks']);
    expect(await post(`${slack.url}/not-a-webhook`, { text: 'x' })).toEqual([404, 'no_service']);
    expect(slack.messages.map((m) => m.payload.text ?? 'blocks')).toEqual(['hello', 'blocks']);
  });

  it('enforces its rate limit with 429 and Retry-After when asked to', async () => {
    const strict = await startSlackStandIn({ rateLimit: { perSecond: 1, burst: 1 } });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await post(strict.webhookUrl, { text: `m${i}` }))[0]);
      expect(statuses).toEqual([200, 429, 429]);
      expect(strict.requests[1]?.status).toBe(429);
    } finally {
      await strict.close();
    }
  });
});

describe('the SendGrid stand-in', () => {
  const mail = {
    personalizations: [{ to: [{ email: 'oncall@example.com' }] }],
    from: { email: 'alerts@example.com' },
    subject: 'Hi',
    content: [{ type: 'text/plain', value: 'Body' }],
  };

  it('answers 202 with a message id, 401 for a wrong key, 400 naming the field', async () => {
    sendgrid.mails.length = 0;
    expect((await post(sendgrid.endpoint, mail, { authorization: 'Bearer SG.ok' }))[0]).toBe(202);
    expect((await post(sendgrid.endpoint, mail, { authorization: 'Bearer SG.wrong' }))[0]).toBe(401);
    const [status, body] = await post(
      sendgrid.endpoint,
      { ...mail, personalizations: [{ to: [{ email: 'x' }] }] },
      {
        authorization: 'Bearer SG.ok',
      },
    );
    expect(status).toBe(400);
    expect(JSON.parse(body).errors[0].field).toBe('personalizations.0.to.0.email');
    expect(sendgrid.mails).toHaveLength(1);
    expect(sendgrid.mails[0]).toMatchObject({
      to: ['oncall@example.com'],
      subject: 'Hi',
      content: { 'text/plain': 'Body' },
    });
    expect(sendgrid.requests.at(0)?.status).toBe(202);
  });
  it('refuses an address listed twice in a personalization (any case), as SendGrid does', async () => {
    const [status, body] = await post(
      sendgrid.endpoint,
      {
        ...mail,
        personalizations: [{ to: [{ email: 'oncall@example.com' }, { email: 'OnCall@example.com' }] }],
      },
      { authorization: 'Bearer SG.ok' },
    );
    expect(status).toBe(400);
    expect(JSON.parse(body).errors[0]).toMatchObject({ field: 'personalizations.0.to' });
    expect(JSON.parse(body).errors[0].message).toContain('should be unique');
  });
});
