import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AlertConfigError,
  AlertDeliveryError,
  type AlertMessage,
  type ChannelContext,
  createAlertManager,
  sendGridChannel,
  silentLogger,
  slackChannel,
} from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';

// Made-up secrets, put together at run time; each secret part holds `Zq7`, which nothing else holds.
const WEBHOOK = ['https://hooks.slack.com/services', 'T0AAAAAAA', 'B0BBBBBBB', 'Zq7WebhookSecretPart42'].join(
  '/',
);
const SENDGRID_KEY = ['SG', 'Zq7abcdEFGHijklMNOPqrs', 'Zq7uvWXyz0123456789-_abcdefghijklmnopqrstuvw'].join(
  '.',
);
/** A key of no known shape: only the exact-value scrub of the channel keeps it out of errors. */
const OPAQUE_KEY = 'plainZq7ApiKeyWithNoKnownShape';

const message: AlertMessage = {
  key: 'dlq:orders',
  source: 'dead_letters',
  severity: 'critical',
  title: 'dead letters',
  message: 'orders could not be processed',
  fields: {},
  recoveryCommands: [],
  environment: 'production',
  at: new Date('2026-12-01T10:00:00Z'),
};

function context(): ChannelContext {
  return {
    signal: new AbortController().signal,
    deadlineMs: 9000,
    clock: createTestClock(),
    countAttempt: () => undefined,
  };
}

function answering(status: number, body = '') {
  const requests: Array<{ url: string; init: RequestInit }> = [];
  const fetch = async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    return new Response(body, { status });
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

/** Everything a logger, an error reporter or a debugger could print of `value`. */
function printed(value: unknown): string {
  return `${inspect(value, { depth: 30, showHidden: true, getters: true })}\n${JSON.stringify(value)}`;
}

describe('slackChannel reads its webhook URL from a variable it names in errors', () => {
  it('reads SLACK_WEBHOOK_URL when no URL is given', async () => {
    const { fetch, requests } = answering(200, 'ok');
    await slackChannel({ env: { SLACK_WEBHOOK_URL: WEBHOOK }, fetch }).send(message, context());
    expect(requests.map((r) => r.url)).toEqual([WEBHOOK]);
  });

  it('reads the variable webhookUrlVariable names', async () => {
    const { fetch, requests } = answering(200, 'ok');
    const env = {
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T1/B1/other',
      SLACK_WEBHOOK_OPS: WEBHOOK,
    };
    await slackChannel({ webhookUrlVariable: 'SLACK_WEBHOOK_OPS', env, fetch }).send(message, context());
    expect(requests.map((r) => r.url)).toEqual([WEBHOOK]);
  });

  it('an unset or empty variable is an AlertConfigError naming it', () => {
    for (const env of [{}, { SLACK_WEBHOOK_OPS: '  ' }]) {
      const error = configError(() => slackChannel({ webhookUrlVariable: 'SLACK_WEBHOOK_OPS', env }));
      expect(error.field).toBe('env.SLACK_WEBHOOK_OPS');
      expect(error.message).toContain('SLACK_WEBHOOK_OPS is not set');
    }
    expect(configError(() => slackChannel({ env: {} })).field).toBe('env.SLACK_WEBHOOK_URL');
  });

  it('a malformed URL in the variable is named by the variable, never shown', () => {
    for (const url of [
      WEBHOOK.replace('https:', 'http:'),
      WEBHOOK.replace('https://', ''),
      'Zq7 not a url',
    ]) {
      const fromEnv = configError(() => slackChannel({ env: { SLACK_WEBHOOK_URL: url } }));
      expect(fromEnv.field).toBe('env.SLACK_WEBHOOK_URL');
      expect(fromEnv.message).toMatch(/^env\.SLACK_WEBHOOK_URL: expected an https:\/\/ URL/);
      expect(printed(fromEnv)).not.toContain('Zq7');
      // Given as a value, with the variable it came from: still named by the variable.
      const named = configError(() =>
        slackChannel({ webhookUrl: url, webhookUrlVariable: 'SLACK_WEBHOOK_URL' }),
      );
      expect(named.field).toBe('env.SLACK_WEBHOOK_URL');
      expect(printed(named)).not.toContain('Zq7');
      // Given as a value alone: named by the option, as before.
      expect(configError(() => slackChannel({ webhookUrl: url })).field).toBe('webhookUrl');
    }
  });

  it('webhookUrl given as undefined (an unset process.env.X!) is an error, not a fall back to SLACK_WEBHOOK_URL', () => {
    const error = configError(() =>
      slackChannel({ webhookUrl: undefined, env: { SLACK_WEBHOOK_URL: WEBHOOK } } as never),
    );
    expect(error.field).toBe('webhookUrl');
    expect(printed(error)).not.toContain('Zq7');
  });

  it('refuses a webhookUrlVariable that cannot be a variable name', () => {
    expect(configError(() => slackChannel({ webhookUrlVariable: 'SLACK WEBHOOK', env: {} })).field).toBe(
      'webhookUrlVariable',
    );
  });

  it('a webhook Slack no longer knows says which variable to check, and never the URL, at any depth', async () => {
    const { fetch } = answering(404, 'no_service');
    const channel = slackChannel({
      webhookUrlVariable: 'SLACK_WEBHOOK_OPS',
      env: { SLACK_WEBHOOK_OPS: WEBHOOK },
      fetch,
    });
    const error = (await channel.send(message, context()).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      'Slack webhook (slack): HTTP 404 Not Found from POST https://hooks.slack.com/services/[REDACTED]: no_service (check the webhook URL in SLACK_WEBHOOK_OPS)',
    );
    expect(printed(error)).not.toContain('Zq7');
    const delivery = await createAlertManager({ channels: [channel], logger: silentLogger })
      .send({ key: 'k', severity: 'warning', title: 't' })
      .catch((e: unknown) => e);
    expect(delivery).toBeInstanceOf(AlertDeliveryError);
    expect(printed(delivery)).not.toContain('Zq7');
    expect(printed((delivery as AlertDeliveryError).result)).toContain('SLACK_WEBHOOK_OPS');
  });
});

describe('sendGridChannel reads its API key from a variable it names in errors', () => {
  const addresses = { from: 'alerts@example.com', to: ['oncall@example.com'] };

  it('reads SENDGRID_API_KEY when no key is given', async () => {
    const { fetch, requests } = answering(202);
    await sendGridChannel({ ...addresses, env: { SENDGRID_API_KEY: OPAQUE_KEY }, fetch }).send(
      message,
      context(),
    );
    expect((requests[0]!.init.headers as Record<string, string>).authorization).toBe(`Bearer ${OPAQUE_KEY}`);
  });

  it('an unset variable, or an empty key given with its variable, is an AlertConfigError naming the variable', () => {
    expect(configError(() => sendGridChannel({ ...addresses, env: {} })).field).toBe('env.SENDGRID_API_KEY');
    const blank = configError(() =>
      sendGridChannel({ ...addresses, apiKey: ' ', apiKeyVariable: 'SG_ALERTS' }),
    );
    expect(blank.field).toBe('env.SG_ALERTS');
    expect(
      configError(() => sendGridChannel({ ...addresses, apiKey: undefined, env: {} } as never)).field,
    ).toBe('apiKey');
  });

  it.each([
    ['a key of SendGrid shape', SENDGRID_KEY],
    ['a key of no known shape', OPAQUE_KEY],
  ])(
    '%s refused with 401 (echoed back in the body): the error names the variable, never the key',
    async (_label, key) => {
      const { fetch } = answering(
        401,
        JSON.stringify({ errors: [{ message: `The key ${key} is revoked` }] }),
      );
      const channel = sendGridChannel({
        ...addresses,
        apiKeyVariable: 'SENDGRID_KEY_ALERTS',
        env: { SENDGRID_KEY_ALERTS: key },
        fetch,
      });
      const error = (await channel.send(message, context()).catch((e: unknown) => e)) as Error;
      expect(error.message).toContain('(check the API key in SENDGRID_KEY_ALERTS)');
      expect(printed(error)).not.toContain('Zq7');
      const delivery = await createAlertManager({ channels: [channel], logger: silentLogger })
        .send({ key: 'k', severity: 'warning', title: 't' })
        .catch((e: unknown) => e);
      expect(printed(delivery)).not.toContain('Zq7');
    },
  );

  it('without a variable, a refused key gets no hint: the message is as before', async () => {
    const { fetch } = answering(401);
    const error = (await sendGridChannel({ ...addresses, apiKey: OPAQUE_KEY, fetch })
      .send(message, context())
      .catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain('check the API key');
    expect(printed(error)).not.toContain('Zq7');
  });
});

describe('env: process.env itself', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  // Its prototype is not Object.prototype, and z.record refused it: "env: Invalid input: expected record".
  it('is taken by slackChannel, sendGridChannel and createAlertManager, as the default is', () => {
    vi.stubEnv('SLACK_WEBHOOK_URL', WEBHOOK);
    vi.stubEnv('SENDGRID_API_KEY', SENDGRID_KEY);
    vi.stubEnv('ENVIRONMENT', 'staging');
    const slack = slackChannel({ webhookUrlVariable: 'SLACK_WEBHOOK_URL', env: process.env });
    const email = sendGridChannel({
      apiKeyVariable: 'SENDGRID_API_KEY',
      env: process.env,
      from: 'alerts@example.com',
      to: ['oncall@example.com'],
    });
    expect(slack.name).toBe('slack');
    expect(email.name).toBe('email');
    expect(() =>
      createAlertManager({ channels: [slack], env: process.env, logger: silentLogger }),
    ).not.toThrow();
  });

  it('still refuses an env that is not an object of strings, naming it', () => {
    expect(() => slackChannel({ webhookUrlVariable: 'X', env: [] as never })).toThrow(AlertConfigError);
    expect(() => slackChannel({ webhookUrlVariable: 'X', env: { X: 42 } as never })).toThrow(/env/);
  });
});
