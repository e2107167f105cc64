import { describe, expect, it } from 'vitest';
import {
  type AlertMessage,
  type ChannelContext,
  sendGridChannel,
  slackChannel,
  slackPayload,
  smtpChannel,
} from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';

// slackPayload with an unknown severity used to throw `Cannot read properties of undefined (reading
// 'emoji')`, and slackPayload(null) `(reading 'severity')`; the email channels failed the same way.
function message(over: Record<string, unknown> = {}): AlertMessage {
  return {
    key: 'dlq:orders-dlq-sub',
    source: 'dead_letters',
    severity: 'critical',
    title: '4 messages in dead-letter queue orders-dlq-sub',
    message: 'Orders could not be processed.',
    fields: { messages: 4 },
    recoveryCommands: ['npx gpr dlq replay --from orders-dlq-sub --dry-run'],
    environment: 'production',
    at: new Date('2026-12-01T10:00:00Z'),
    ...over,
  } as AlertMessage;
}

const SEVERITIES = 'critical, error, warning, info, success';

describe('slackPayload refuses a message it cannot render, naming the field', () => {
  it.each([
    ['undefined', undefined, `message must be an AlertMessage object, got undefined`],
    ['null', null, `message must be an AlertMessage object, got null`],
    ['a string', 'x', `message must be an AlertMessage object, got a string ("x")`],
    ['an array', [], `message must be an AlertMessage object, got an array`],
  ])('message %s', (_, value, expected) => {
    expect(() => slackPayload(value as never)).toThrow(TypeError);
    expect(() => slackPayload(value as never)).toThrow(`slackPayload: ${expected}`);
  });

  it.each([
    [
      'an unknown severity',
      { severity: 'fatal' },
      `message.severity must be one of ${SEVERITIES}, got a string ("fatal")`,
    ],
    [
      'an inherited name as severity',
      { severity: 'toString' },
      `message.severity must be one of ${SEVERITIES}`,
    ],
    ['no severity', { severity: undefined }, `message.severity must be one of ${SEVERITIES}, got undefined`],
    ['no title', { title: undefined }, 'message.title must be a string, got undefined'],
    ['a numeric environment', { environment: 3 }, 'message.environment must be a string, got a number (3)'],
    ['null fields', { fields: null }, 'message.fields must be an object, got null'],
    [
      'a symbol field',
      { fields: { s: Symbol('s') } },
      'message.fields.s must be a string, a number or a boolean, got a symbol',
    ],
    [
      'commands not an array',
      { recoveryCommands: 'ls' },
      'message.recoveryCommands must be an array of strings, got a string ("ls")',
    ],
    [
      'a numeric command',
      { recoveryCommands: ['ls', 7] },
      'message.recoveryCommands[1] must be a string, got a number (7)',
    ],
    ['at a string', { at: '2026-12-01' }, 'message.at must be a valid Date, got a string ("2026-12-01")'],
    ['at an invalid Date', { at: new Date(Number.NaN) }, 'message.at must be a valid Date, got an object'],
  ])('%s', (_, over, expected) => {
    expect(() => slackPayload(message(over))).toThrow(TypeError);
    expect(() => slackPayload(message(over))).toThrow(`slackPayload: ${expected}`);
  });

  it('refuses options that are not SlackPayloadOptions', () => {
    expect(() => slackPayload(message(), null as never)).toThrow(
      'slackPayload: options must be an object, got null',
    );
    expect(() => slackPayload(message(), { icon: ':x:' } as never)).toThrow(
      "slackPayload: unknown option 'icon'",
    );
    expect(() => slackPayload(message(), { username: 7 } as never)).toThrow(
      'slackPayload: option username must be a string, got a number (7)',
    );
  });

  it('renders every severity of a complete message', () => {
    for (const severity of ['critical', 'error', 'warning', 'info', 'success']) {
      expect(slackPayload(message({ severity })).attachments).toHaveLength(1);
    }
  });
});

describe('the channels refuse such a message before any call', () => {
  const ctx: ChannelContext = {
    signal: new AbortController().signal,
    deadlineMs: 9000,
    clock: createTestClock(),
    countAttempt: () => undefined,
  };
  let calls = 0;
  const fetch = async () => {
    calls++;
    return new Response('', { status: 200 });
  };
  const mail = { from: 'alerts@example.com', to: ['oncall@example.com'] };

  it.each([
    [
      'slackChannel',
      () => slackChannel({ webhookUrl: 'https://hooks.slack.com/services/T0/B0/fake', fetch }),
      'slackPayload',
    ],
    [
      'sendGridChannel',
      () => sendGridChannel({ ...mail, apiKey: 'SG.fake-test-key', fetch }),
      'sendGridChannel: send',
    ],
    ['smtpChannel', () => smtpChannel({ ...mail, host: 'smtp.example.com' }), 'smtpChannel: send'],
  ])('%s: rejects with a TypeError naming the severity', async (_, make, where) => {
    const error = await make()
      .send(message({ severity: 'fatal' }), ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(
      `${where}: message.severity must be one of ${SEVERITIES}, got a string ("fatal")`,
    );
    expect(calls).toBe(0);
  });
});
