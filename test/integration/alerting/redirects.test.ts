import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlertChannel,
  AlertDeliveryError,
  createAlertManager,
  memoryRateLimitStore,
  sendGridChannel,
  silentLogger,
  slackChannel,
} from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/index.js';

const KEY = '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';
const HOOK_PATH = '/services/T0SECRET/B0SECRET/hookTokenXyz123';
const TARGET_QUERY = '?sig=targetSecretQuery';

interface Seen {
  url: string;
  authorization: string | undefined;
  body: string;
}

/** Two loopback servers on two ports (two origins): `first` answers 307 to `other`, which records. */
let first: Server;
let other: Server;
let firstOrigin: string;
let otherOrigin: string;
let status = 307;
/** When set, what `first` answers as its `Location` instead of the `other` URL. */
let location: string | undefined;
const seenByOther: Seen[] = [];

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  other = createServer((request, response) => {
    void bodyOf(request).then((body) => {
      seenByOther.push({ url: request.url ?? '', authorization: request.headers.authorization, body });
      response.writeHead(request.url?.startsWith('/v3') === true ? 202 : 200).end('ok');
    });
  });
  otherOrigin = await listen(other);
  first = createServer((request, response) => {
    void bodyOf(request).then(() => {
      const target = request.url?.startsWith('/v3') === true ? '/v3/mail/send' : '/hook';
      response.writeHead(status, { location: location ?? `${otherOrigin}${target}${TARGET_QUERY}` }).end();
    });
  });
  firstOrigin = await listen(first);
});

afterAll(async () => {
  await Promise.all([first, other].map((s) => new Promise((resolve) => s.close(resolve))));
});

beforeEach(() => {
  seenByOther.length = 0;
  location = undefined;
});

async function failure(channel: AlertChannel): Promise<AlertDeliveryError> {
  const error = await createAlertManager({
    channels: [channel],
    store: memoryRateLimitStore(),
    logger: silentLogger,
    shutdown: false,
    clock: createTestClock({ startMs: Date.now() }),
  })
    .send({ key: `redirect:${Math.random()}`, severity: 'error', title: 'phase2: insert failed' })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AlertDeliveryError);
  return error as AlertDeliveryError;
}

describe.each([307, 308, 302])('an alert answered %i to another origin', (code) => {
  beforeEach(() => {
    status = code;
  });

  it('Slack: not sent there; a failed delivery naming the status and the target origin, not the hook path or query', async () => {
    const error = await failure(slackChannel({ webhookUrl: `${firstOrigin}${HOOK_PATH}`, minIntervalMs: 0 }));
    expect(seenByOther).toEqual([]);
    const channel = error.result.channels[0]!;
    expect(channel).toMatchObject({ status: 'failed', attempts: 1 });
    expect(channel.error?.message).toContain(`HTTP ${code}`);
    expect(channel.error?.message).toContain(otherOrigin);
    const printed = `${inspect(error, { depth: 20, showHidden: true })}\n${JSON.stringify(error)}`;
    for (const secret of ['T0SECRET', 'B0SECRET', 'hookTokenXyz123', 'targetSecretQuery', '/hook']) {
      expect(printed).not.toContain(secret);
    }
  });

  it('SendGrid: neither the mail nor the key is sent there', async () => {
    const error = await failure(
      sendGridChannel({
        apiKey: KEY,
        endpoint: `${firstOrigin}/v3/mail/send`,
        from: 'alerts@example.com',
        to: ['oncall@example.com'],
      }),
    );
    expect(seenByOther).toEqual([]);
    const channel = error.result.channels[0]!;
    expect(channel).toMatchObject({ status: 'failed', attempts: 1 });
    expect(channel.error?.message).toContain(`HTTP ${code}`);
    expect(channel.error?.message).toContain(otherOrigin);
    const printed = `${inspect(error, { depth: 20, showHidden: true })}\n${JSON.stringify(error)}`;
    expect(printed).not.toContain(KEY);
    expect(printed).not.toContain('targetSecretQuery');
  });
});

describe('a redirect on the same origin', () => {
  it('is not followed either, and names only the origin of a relative or invalid Location', async () => {
    status = 307;
    location = `/hook${TARGET_QUERY}`;
    const slack = () => slackChannel({ webhookUrl: `${firstOrigin}${HOOK_PATH}`, minIntervalMs: 0 });
    let message = (await failure(slack())).result.channels[0]?.error?.message ?? '';
    expect(message).toContain(`HTTP 307 to ${firstOrigin},`);
    expect(message).not.toContain('targetSecretQuery');
    location = 'http://[not-a-url/hookTokenXyz123';
    message = (await failure(slack())).result.channels[0]?.error?.message ?? '';
    expect(message).toMatch(/HTTP 307, expected 200/);
    expect(message).not.toContain('hookTokenXyz123');
  });
});
