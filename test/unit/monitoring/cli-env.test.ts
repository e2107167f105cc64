import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/index.js';

/** `gpr <argv>` with `env`, and what it wrote to stderr. No client is given: none may be made. */
async function gpr(argv: string[], env: Record<string, string>) {
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: () => undefined,
    stderr: (line) => err.push(line),
    env: { GCP_PROJECT_ID: 'test-project', ...env },
  });
  return { code, err: err.join('\n') };
}

describe('gpr with a malformed emulator variable', () => {
  it.each([
    ['GPR_MONITORING_EMULATOR_HOST', 'localhost'],
    ['GPR_MONITORING_EMULATOR_HOST', '   '],
    ['GPR_LOGGING_EMULATOR_HOST', 'localhost:99999'],
    ['GPR_LOGGING_EMULATOR_HOST', 'localhost:0'],
    ['PUBSUB_EMULATOR_HOST', 'http://localhost:8085'],
    ['PUBSUB_EMULATOR_HOST', 'local host:8085'],
  ])('%s=%j is a usage error (exit 2) naming the variable, before any call', async (name, value) => {
    for (const argv of [
      ['dlq', 'status'],
      ['logging', 'errors'],
      ['check', '--dry-run'],
    ]) {
      const { code, err } = await gpr(argv, { [name]: value });
      expect(code).toBe(2);
      expect(err).toContain(`${name} must be host:port`);
      expect(err).toContain(JSON.stringify(value));
    }
  });
});

describe('gpr never echoes a key set in the wrong variable', () => {
  // Made-up keys in the shapes of real ones, put together at run time; each secret part holds `Zq7`.
  const SENDGRID_KEY = ['SG', 'Zq7abcdEFGHijklMNOPqrs', 'Zq7uvWXyz0123456789-_abcdefghijklmnopqrstuvw'].join(
    '.',
  );
  const SLACK_TOKEN = ['xoxb', '17653672481', '19874698323', 'pdFZKVeTuE8sk7oOcZq7bqgy'].join('-');
  const WEBHOOK = 'https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/Zq7WebhookSecretPart42';
  /** No known shape: only its first 32 characters may show, and its secret part is past them. */
  const OPAQUE = `a1b2c3d4e5f60718293a4b5c6d7e8f90${'Zq7f'.repeat(8)}`;

  it.each([
    [['serve'], { PORT: SENDGRID_KEY }, 'PORT must be a port number'],
    [['serve'], { PORT: OPAQUE }, 'PORT must be a port number'],
    [['serve'], { PORT: '0', GPR_DRAIN_MS: WEBHOOK }, 'GPR_DRAIN_MS must be a whole number'],
    [
      ['dlq', 'status'],
      { GPR_MONITORING_EMULATOR_HOST: SLACK_TOKEN },
      'GPR_MONITORING_EMULATOR_HOST must be host:port',
    ],
    [
      ['dlq', 'status'],
      { PUBSUB_EMULATOR_HOST: `${OPAQUE}:99999` },
      'PUBSUB_EMULATOR_HOST must be host:port',
    ],
    [['dlq', 'status'], { GCP_PROJECT_ID: WEBHOOK }, 'from GCP_PROJECT_ID'],
    [['dlq', 'status'], { SPORT: SENDGRID_KEY }, 'from the SPORT environment variable'],
  ])('gpr %j with %j: exit 2, the variable named, the key not shown', async (argv, env, said) => {
    const { code, err } = await gpr(argv, env);
    expect(code).toBe(2);
    expect(err).toContain(said);
    expect(err).not.toContain('Zq7');
  });

  it('nor a key given where an option value belongs', async () => {
    for (const argv of [
      ['serve', '--port', SENDGRID_KEY],
      ['dlq', 'status', '--threshold', SLACK_TOKEN],
      ['dlq', 'status', '--project', WEBHOOK],
    ]) {
      const { code, err } = await gpr(argv, {});
      expect(code).toBe(2);
      expect(err).not.toContain('Zq7');
    }
  });

  it('a short malformed value is still shown whole', async () => {
    const { err } = await gpr(['serve'], { PORT: 'eighty' });
    expect(err).toBe('gpr: PORT must be a port number from 0 to 65535, got "eighty"');
  });
});

describe('gpr names the alert variable that is wrong, never its value', () => {
  const KEY = ['SG', 'Zq7abcdEFGHijklMNOPqrs', 'Zq7uvWXyz0123456789-_abcdefghijklmnopqrstuvw'].join('.');
  const email = {
    SENDGRID_API_KEY: KEY,
    ALERT_EMAIL_FROM: 'alerts@example.com',
    ALERT_EMAIL_TO: 'oncall@example.com',
  };

  it.each([
    [{ ...email, ALERT_EMAIL_FROM: 'alerts' }, /^gpr: ALERT_EMAIL_FROM: expected an email address/],
    [
      { ...email, ALERT_EMAIL_TO: 'oncall@example.com, nobody' },
      /^gpr: ALERT_EMAIL_TO: expected an email address/,
    ],
    [
      { SLACK_WEBHOOK_URL: 'http://hooks.slack.com/services/T0/B0/Zq7secret' },
      /^gpr: SLACK_WEBHOOK_URL: expected an https:\/\/ URL/,
    ],
  ])('%j', async (env, said) => {
    const { code, err } = await gpr(['check', '--dry-run'], env);
    expect(code).toBe(2);
    expect(err).toMatch(said);
    expect(err).not.toContain('Zq7');
  });
});
