import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/index.js';

/** Runs `gpr` in-process with no clients: every case here must end before any call to Google. */
async function gpr(argv: unknown) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv as string[], {
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    env: { GCP_PROJECT_ID: 'test-project' },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('gpr refuses a bad command line with exit 2 and a message naming what was wrong', () => {
  it.each([
    ['a word of Object.prototype as the command', ['constructor'], /unknown command "constructor"/],
    ['another one, with an argument', ['hasOwnProperty', 'x'], /unknown command "hasOwnProperty x"/],
    ['toString', ['toString'], /unknown command "toString"/],
  ])('%s is an unknown command, not a TypeError (exit 3)', async (_what, argv, message) => {
    const result = await gpr(argv);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err).not.toMatch(/TypeError|UNKNOWN/);
  });

  it.each([
    ['a number', [5], /argument 1 must be a string, got number/],
    ['null among strings', ['dlq', null], /argument 2 must be a string, got null/],
    ['a string instead of an array', 'dlq status', /must be an array of strings, got string/],
    ['null instead of an array', null, /must be an array of strings, got null/],
  ])(
    'an argv of %s from a JavaScript caller is a usage error, not a rejection',
    async (_what, argv, message) => {
      const result = await gpr(argv);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(message);
    },
  );

  it.each([
    ['--project=', ['--project=', 'dlq', 'status'], '--project'],
    ['--project ""', ['dlq', 'status', '--project', ''], '--project'],
    // Taken as absent, an empty --to replayed to the configured source topic instead.
    ['--to ""', ['dlq', 'replay', '--from', 'nba-scraper-complete-dlq-sub', '--to', ''], '--to'],
    ['--subscription=', ['dlq', 'status', '--subscription='], '--subscription'],
  ])('an empty value (%s) is refused, naming the option', async (_what, argv, option) => {
    const result = await gpr(argv);
    expect(result.code).toBe(2);
    expect(result.err).toBe(`gpr: ${option} needs a value, got an empty one`);
  });

  it.each([
    [
      ['dlq', 'status', '--project', 'first-project', '--project', 'other-project'],
      '--project',
      '"first-project" and "other-project"',
    ],
    [['--sport', 'mlb', 'dlq', 'status', '--sport', 'nba'], '--sport', '"mlb" and "nba"'],
    [['dlq', 'status', '--threshold', '1', '--threshold=5'], '--threshold', '"1" and "5"'],
  ])(
    'an option that takes one value given twice with different values (%j) is refused, not the last one taken',
    async (argv, option, values) => {
      const result = await gpr(argv);
      expect(result.code).toBe(2);
      expect(result.err).toBe(`gpr: ${option} is given twice with different values (${values})`);
    },
  );

  it('the same value twice is no conflict', async () => {
    const result = await gpr(['dlq', 'status', '--sport', 'xyz', '--sport', 'xyz']);
    expect(result.err).toMatch(/^gpr: --sport: Unknown sport "xyz"/);
  });

  it('a whole number past 2^53 is refused rather than read as another number', async () => {
    const result = await gpr(['dlq', 'status', '--threshold', '9007199254740993']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      /^gpr: --threshold needs a whole number from 0 to 9007199254740991, got "9007199254740993"/,
    );
  });

  it.each([
    [
      ['dlq', 'status', '--subscription', 'a b'],
      /^gpr: --subscription: "a b" is not a valid Pub\/Sub subscription id/,
    ],
    [['logging', 'errors', '--lookback', '0'], /^gpr: --lookback: expected an integer >= 1, got number 0/],
    // This was exit 3, `UNKNOWN: RangeError: Invalid time value`, when the check ran.
    [['logging', 'errors', '--lookback', '9007199254740991'], /^gpr: --lookback: at most 5256000/],
    [['dlq', 'status', '--sport', 'xyz'], /^gpr: --sport: Unknown sport "xyz"/],
    [
      ['dlq', 'status', '--project', 'MY-PROJECT'],
      /^gpr: --project: expected a project id, got "MY-PROJECT": a project id is 6 to 30 characters/,
    ],
    [['logging', 'errors', '--project', 'proj;id'], /^gpr: --project: expected a project id, got "proj;id"/],
  ])(
    'a bad option value (%j) is blamed on the option typed, not on a field of the monitor options',
    async (argv, message) => {
      const result = await gpr(argv);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(message);
    },
  );

  it('a configuration error from the environment still names the variable, not an option not given', async () => {
    const err: string[] = [];
    const code = await runCli(['dlq', 'status'], {
      stdout: () => undefined,
      stderr: (line) => err.push(line),
      env: { GCP_PROJECT_ID: 'test-project', SPORT: 'xyz' },
    });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/^gpr: sport: Unknown sport "xyz".*SPORT environment variable/);
  });

  it('a GCP_PROJECT_ID that is not a project id is not blamed on the --sport given alongside', async () => {
    const err: string[] = [];
    const code = await runCli(['dlq', 'status', '--sport', 'mlb'], {
      stdout: () => undefined,
      stderr: (line) => err.push(line),
      env: { GCP_PROJECT_ID: 'a;b' },
    });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/^gpr: env: Invalid project name "a;b" \(from GCP_PROJECT_ID\)/);
  });

  it('check with both checks turned off is a usage error, not a "healthy" report of nothing looked at', async () => {
    const result = await gpr(['check', '--no-logging', '--no-dead-letters']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--no-logging and --no-dead-letters checks nothing/);
    expect(result.out).not.toMatch(/healthy/);
  });
});

describe('gpr never echoes a key typed where the command belongs', () => {
  // Made-up keys in the shapes of real ones, put together at run time; each secret part holds `Zq7`.
  const SENDGRID_KEY = ['SG', 'Zq7abcdEFGHijklMNOPqrs', 'Zq7uvWXyz0123456789-_abcdefghijklmnopqrstuvw'].join(
    '.',
  );
  const SLACK_TOKEN = ['xoxb', '17653672481', '19874698323', 'pdFZKVeTuE8sk7oOcZq7bqgy'].join('-');
  /** No known shape: only its first 32 characters may show, and its secret part is past them. */
  const OPAQUE = `a1b2c3d4e5f60718293a4b5c6d7e8f90${'Zq7f'.repeat(8)}`;

  it.each([[[SENDGRID_KEY]], [[SLACK_TOKEN]], [['dlq', SLACK_TOKEN]], [[OPAQUE, 'status']]])(
    '%j: exit 2, an unknown command, the key not shown',
    async (argv) => {
      const result = await gpr(argv);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(/^gpr: unknown command "/);
      expect(result.err).not.toContain('Zq7');
    },
  );

  it.each([[[`--${SENDGRID_KEY}`, 'dlq', 'status']], [[`--${OPAQUE}=x`, 'check']]])(
    '%j: exit 2, an unknown option before the command, the key not shown',
    async (argv) => {
      const result = await gpr(argv);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(/^gpr: unknown option --/);
      expect(result.err).not.toContain('Zq7');
    },
  );
});

describe('gpr says what is missing when it finds no command', () => {
  it.each([
    [['--json'], 'gpr: no command given'],
    [['--project', 'my-project', '--sport=mlb'], 'gpr: no command given'],
    // The unknown option took `dlq` as its value: this was `unknown command "status"`.
    [['--verbose', 'dlq', 'status'], 'gpr: unknown option --verbose'],
    [['--debug', 'check'], 'gpr: unknown option --debug'],
    [['dlq'], 'gpr: dlq needs a command: dlq status, dlq replay'],
    [['logging'], 'gpr: logging needs a command: logging errors'],
  ])('%j: exit 2, "%s", then the usage', async (argv, message) => {
    const result = await gpr(argv);
    expect(result.code).toBe(2);
    expect(result.err.split('\n')[0]).toBe(message);
    expect(result.err).toContain('gpr dlq status');
    expect(result.out).toBe('');
  });
});
