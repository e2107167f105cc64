import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { withoutSecrets } from '../../../src/alerting/channels/message-secrets.js';
import { scrubCause } from '../../../src/errors/scrub.js';
import { cloudLoggingLogger, type PinoLike, pinoLogger } from '../../../src/logging/index.js';

// Built at run time, obviously fake: a credential-shaped value no text pattern recognizes by itself.
const SECRET = ['Zq7', 'fake', 'field', 'name', 'value'].join('q');

/**
 * Names the log fields' rule and the cause scrubber's rule used to decide differently: the first
 * four were redacted in logs only, the rest dropped from causes (and alerts) only.
 */
const DISPUTED = [
  'pageToken',
  'nextPageToken',
  'expiredToken',
  'dbPwd',
  'signature',
  'webhookUrl',
  'webhook_url',
  'x-apisports-key',
  'x-goog-api-key',
  'x-api-key',
  'sig',
  'auth',
  'client-secret-value',
  'passwordHash',
];

/** Names that say what a credential is (a count, a kind, a place, a name): kept by every rule. */
const HARMLESS = ['tokenCount', 'token_type', 'token_uri', 'secretName', 'private_key_id', 'tokenExpiresAt'];

function loggedLine(name: string): string {
  const lines: string[] = [];
  cloudLoggingLogger({ write: (line) => lines.push(line) }).warn('m', { [name]: SECRET });
  return lines.join('\n');
}

function pinoObject(name: string): string {
  const seen: object[] = [];
  const record = (object: object): void => {
    seen.push(object);
  };
  const target: PinoLike = { debug: record, info: record, warn: record, error: record };
  pinoLogger(target).warn('m', { nested: { [name]: SECRET } });
  return JSON.stringify(seen);
}

function keptInCause(name: string): string {
  const thrown = Object.assign(new Error('failed'), { body: { [name]: SECRET } });
  return inspect(scrubCause(thrown), { depth: 8 });
}

function alertField(name: string): unknown {
  const message = {
    key: 'k',
    source: 's',
    title: 't',
    message: 'm',
    severity: 'warning',
    environment: 'test',
    fields: { [name]: SECRET },
    recoveryCommands: [],
  } as unknown as Parameters<typeof withoutSecrets>[0];
  return withoutSecrets(message).fields[name];
}

describe('one rule decides which field names hold a credential, for logs, causes and alerts', () => {
  it.each(DISPUTED)('%s: redacted by both loggers, dropped from a cause and an alert', (name) => {
    expect(loggedLine(name)).not.toContain(SECRET);
    expect(pinoObject(name)).not.toContain(SECRET);
    expect(keptInCause(name)).not.toContain(SECRET);
    expect(alertField(name)).toBe('[REDACTED]');
  });

  it.each(HARMLESS)('%s: kept by both loggers, in a cause and in an alert', (name) => {
    expect(loggedLine(name)).toContain(SECRET);
    expect(pinoObject(name)).toContain(SECRET);
    expect(keptInCause(name)).toContain(SECRET);
    expect(alertField(name)).toBe(SECRET);
  });
});
