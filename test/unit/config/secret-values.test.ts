import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  createMonitor,
  getSportConfig,
  InvalidResourceNameError,
  MonitorConfigError,
  UnknownSportError,
} from '../../../src/index.js';

// Made-up keys in the shapes of real ones, put together at run time; each secret part holds `Zq7`.
const SENDGRID_KEY = ['SG', 'Zq7abcdEFGHijklMNOPqrs', 'Zq7uvWXyz0123456789-_abcdefghijklmnopqrstuvw'].join(
  '.',
);
const SLACK_TOKEN = ['xoxb', '17653672481', '19874698323', 'pdFZKVeTuE8sk7oOcZq7bqgy'].join('-');
const WEBHOOK = 'https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/Zq7WebhookSecretPart42';
/** A secret of no known shape: 64 hex characters. Only its first 32 may show. */
const OPAQUE = `a1b2c3d4e5f60718293a4b5c6d7e8f90${'Zq7f'.repeat(8)}`;

/** Everything a logger, an error reporter or a debugger could print of `value`. */
function printed(value: unknown): string {
  return `${inspect(value, { depth: 30, showHidden: true, getters: true })}\n${JSON.stringify(value)}\n${String(value)}`;
}

function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('configuration errors never echo a key set in an environment variable', () => {
  it.each([
    ['a SendGrid API key', SENDGRID_KEY],
    ['a Slack token', SLACK_TOKEN],
    ['a Slack webhook URL', WEBHOOK],
    ['a secret of no known shape', OPAQUE],
  ])('SPORT holding %s: the error names SPORT, shows at most 32 characters, never the key', (_label, key) => {
    const error = thrownBy(() => getSportConfig(undefined, { SPORT: key }));
    expect(error).toBeInstanceOf(UnknownSportError);
    expect(error.message).toContain('(from the SPORT environment variable)');
    expect(printed(error)).not.toContain('Zq7');
    const quoted = /Unknown sport "([^"]*)"/.exec(error.message)?.[1] ?? '';
    expect([...quoted.replace('[REDACTED]', '')].length).toBeLessThanOrEqual(33);
    expect((error as UnknownSportError).sport).not.toContain('Zq7');
  });

  it('SPORT holding a short typo is still shown whole: the message stays useful', () => {
    const error = thrownBy(() => getSportConfig(undefined, { SPORT: 'basketbal' }));
    expect(error.message).toBe(
      'Unknown sport "basketbal": expected one of nba, mlb (from the SPORT environment variable)',
    );
    expect((error as UnknownSportError).sport).toBe('basketbal');
  });

  it.each([
    ['GCP_PROJECT_ID', SENDGRID_KEY],
    ['GCP_PROJECT_ID', WEBHOOK],
    ['GOOGLE_CLOUD_PROJECT', SLACK_TOKEN],
    ['GOOGLE_CLOUD_PROJECT', `my project ${OPAQUE}`],
  ])('%s holding a key: the error names the variable, never the key', (variable, key) => {
    const error = thrownBy(() => getSportConfig('mlb', { [variable]: key }));
    expect(error).toBeInstanceOf(InvalidResourceNameError);
    expect(error.message).toContain(`(from ${variable})`);
    expect(printed(error)).not.toContain('Zq7');
    expect((error as InvalidResourceNameError).value).not.toContain('Zq7');
  });

  it('a key given as the argument is not echoed either (a caller passing a request field, say)', () => {
    for (const key of [SENDGRID_KEY, SLACK_TOKEN, WEBHOOK]) {
      const error = thrownBy(() => getSportConfig(key, {}));
      expect(printed(error)).not.toContain('Zq7');
      const table = thrownBy(() => getSportConfig('mlb', {}).table('mlb_raw', `games.${key}`));
      expect(printed(table)).not.toContain('Zq7');
    }
  });

  it('nor does the monitor, which wraps the error (and keeps it as cause)', () => {
    for (const env of [{ SPORT: SENDGRID_KEY }, { SPORT: OPAQUE }, { GCP_PROJECT_ID: WEBHOOK }]) {
      const error = thrownBy(() => createMonitor({ env }));
      expect(error).toBeInstanceOf(MonitorConfigError);
      expect(printed(error)).not.toContain('Zq7');
      expect(printed(error.cause)).not.toContain('Zq7');
    }
  });
});
