import { describe, expect, it } from 'vitest';
import {
  createAlertManager,
  createMonitor,
  DEFAULT_LOGGING_CATEGORIES,
  defaultDeadLetterSubscriptions,
  MonitorConfigError,
  type MonitorOptions,
  PipelineError,
  replayDeadLetters,
} from '../../../src/index.js';

function configError(make: () => unknown): MonitorConfigError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(MonitorConfigError);
    return error as MonitorConfigError;
  }
  throw new Error('expected a MonitorConfigError');
}

const env = { GCP_PROJECT_ID: 'unit-project' };

describe('createMonitor refuses a bad configuration at construction, naming the field', () => {
  const cases: Array<[string, MonitorOptions | Record<string, unknown>, string, RegExp]> = [
    ['an unknown option, with a hint', { deadLetter: {} }, 'deadLetter', /did you mean 'deadLetters'/],
    ['an unknown sport', { sport: 'nhl' }, 'sport', /Unknown sport "nhl"/],
    // Each pulled message is held (and its data kept) until the peek ends: a million is a crash.
    [
      'a peekLimit past 1000',
      { deadLetters: { peekLimit: 1_000_000 } },
      'deadLetters.peekLimit',
      /at most 1000/,
    ],
    // Every sample goes into the report and each alert.
    ['a sampleSize past 100', { deadLetters: { sampleSize: 5000 } }, 'deadLetters.sampleSize', /at most 100/],
    // Past it the window's start is no date: a RangeError ("Invalid time value") when the check ran.
    [
      'a logging lookbackMinutes past 10 years',
      { logging: { lookbackMinutes: Number.MAX_SAFE_INTEGER } },
      'logging.lookbackMinutes',
      /at most 5256000/,
    ],
    [
      'a dead-letter lookbackMinutes past 10 years',
      { deadLetters: { lookbackMinutes: 5_256_001 } },
      'deadLetters.lookbackMinutes',
      /at most 5256000/,
    ],
    [
      'a bad regular expression',
      {
        logging: {
          categories: [
            {
              name: 'bq',
              description: 'BigQuery',
              severity: 'warning',
              patterns: ['ok', '(unclosed'],
              recoveryCommand: 'x',
            },
          ],
        },
      },
      'logging.categories[0].patterns[1]',
      /invalid regular expression "\(unclosed"/,
    ],
    [
      'a pattern RE2 cannot run',
      {
        logging: {
          categories: [
            {
              name: 'bq',
              description: 'BigQuery',
              severity: 'warning',
              patterns: ['(?<=x)y'],
              recoveryCommand: 'x',
            },
          ],
        },
      },
      'logging.categories[0].patterns[0]',
      /lookahead and lookbehind/,
    ],
    [
      'a bad filter',
      {
        logging: {
          categories: [
            {
              name: 'x',
              description: 'x',
              severity: 'info',
              filter: 'severity>=ERROR AND (',
              recoveryCommand: 'x',
            },
          ],
        },
      },
      'logging.categories[0].filter',
      /invalid Logging filter/,
    ],
    [
      'both patterns and filter',
      {
        logging: {
          categories: [
            {
              name: 'x',
              description: 'x',
              severity: 'info',
              filter: 'a=1',
              patterns: ['a'],
              recoveryCommand: 'x',
            },
          ],
        },
      },
      'logging.categories[0]',
      /exactly one of patterns and filter/,
    ],
    [
      'an unknown subscription in only',
      { sport: 'nba', deadLetters: { only: ['nba-phase2-raw-complete-dlq-sub', 'nba-typo-dlq-sub'] } },
      'deadLetters.only[1]',
      /unknown subscription "nba-typo-dlq-sub": configured are nba-phase1-scrapers-complete-dlq-sub, /,
    ],
    [
      'a malformed subscription id',
      {
        deadLetters: {
          subscriptions: [
            {
              subscription: 'projects/p/subscriptions/x',
              severity: 'critical',
              description: 'd',
              phaseFrom: 'a',
              phaseTo: 'b',
            },
          ],
        },
      },
      'deadLetters.subscriptions[0].subscription',
      /not a valid Pub\/Sub subscription id/,
    ],
    [
      'a subscription listed twice',
      {
        deadLetters: {
          subscriptions: [
            {
              subscription: 'orders-dlq-sub',
              severity: 'critical',
              description: 'd',
              phaseFrom: 'a',
              phaseTo: 'b',
            },
            {
              subscription: 'orders-dlq-sub',
              severity: 'warning',
              description: 'd',
              phaseFrom: 'a',
              phaseTo: 'b',
            },
          ],
        },
      },
      'deadLetters.subscriptions[1].subscription',
      /listed twice/,
    ],
    [
      'a severity that does not exist',
      {
        deadLetters: {
          subscriptions: [
            {
              subscription: 'orders-dlq-sub',
              severity: 'high',
              description: 'd',
              phaseFrom: 'a',
              phaseTo: 'b',
            },
          ],
        },
      },
      'deadLetters.subscriptions[0].severity',
      /expected one of critical, error, warning, info/,
    ],
    ['a negative threshold', { deadLetters: { threshold: -1 } }, 'deadLetters.threshold', /integer >= 0/],
    [
      'a threshold given as text',
      { logging: { threshold: '5' } },
      'logging.threshold',
      /integer >= 0, got the string "5"/,
    ],
    [
      'a severity name that is not one',
      { logging: { minSeverity: 'LOUD' } },
      'logging.minSeverity',
      /LogSeverity name/,
    ],
    ['an alert sink without send', { alertSink: {} }, 'alertSink', /send\(finding\)/],
    [
      'an alert timeout that gives up before the alert manager can finish a send',
      { alertSink: createAlertManager({ deadlineMs: 20_000 }), alertTimeoutMs: 10_000 },
      'alertTimeoutMs',
      /longer than the alert sink's deadlineMs \(20000\)/,
    ],
    [
      'patterns whose filter Cloud Logging would refuse as too long',
      {
        logging: {
          categories: [
            {
              name: 'many',
              description: 'many patterns',
              severity: 'warning',
              patterns: Array.from({ length: 300 }, (_, i) => `pattern number ${i} failed`),
              recoveryCommand: 'x',
            },
          ],
        },
      },
      'logging.categories[0]',
      /filter would be \d+ characters long; Cloud Logging accepts at most 20000/,
    ],
    [
      'a filter nested too deep once the monitor wraps it',
      {
        logging: {
          categories: [
            {
              name: 'deep',
              description: 'deep',
              severity: 'warning',
              filter: `${'('.repeat(64)}a=b${')'.repeat(64)}`,
              recoveryCommand: 'x',
            },
          ],
        },
      },
      'logging.categories[0]',
      /nested more than 64 levels deep/,
    ],
    [
      'a dead-letter project id that is not one (blamed on the option, not GCP_PROJECT_ID)',
      { deadLetters: { projectId: 'p' } },
      'deadLetters.projectId',
      /expected a project id, got "p": a project id is 6 to 30 characters/,
    ],
    [
      'a top-level project id that is not one (blamed on it, not GCP_PROJECT_ID)',
      { projectId: 'MY-PROJECT' },
      'projectId',
      /expected a project id, got "MY-PROJECT": a project id is 6 to 30 characters/,
    ],
    // The project id rule is the one of parseTableName, the executor and the registry: a looser one
    // let through ids that end up in filters and in printed gcloud commands.
    [
      'a top-level project id with a shell metacharacter, the dead-letter check off',
      { projectId: 'my-proj;rm', deadLetters: false },
      'projectId',
      /expected a project id, got "my-proj;rm"/,
    ],
    [
      'a top-level project id with a backtick, the dead-letter check off',
      { projectId: 'my`project', deadLetters: false },
      'projectId',
      /expected a project id, got "my`project"/,
    ],
    [
      'a dead-letter project id with its own subscriptions',
      {
        deadLetters: {
          projectId: 'proj$(id)',
          subscriptions: [{ subscription: 'orders-dlq-sub', severity: 'error' }],
        },
      },
      'deadLetters.projectId',
      /expected a project id, got "proj\$\(id\)"/,
    ],
    [
      'a logging project id in upper case',
      { deadLetters: false, logging: { projectId: 'Upper-Project' } },
      'logging.projectId',
      /expected a project id, got "Upper-Project"/,
    ],
    [
      'an env that is not an object (not blamed on sport)',
      { env: null },
      'env',
      /env must be an object of environment variables, got null/,
    ],
    [
      'a GCP_PROJECT_ID that is not a project id, with the sport given (blamed on the environment, not sport)',
      { env: { GCP_PROJECT_ID: 'a;b' }, sport: 'mlb' },
      'env',
      /Invalid project name "a;b" \(from GCP_PROJECT_ID\)/,
    ],
  ];

  it.each(cases)('%s', (_what, options, field, message) => {
    const error = configError(() => createMonitor({ env, ...options } as MonitorOptions));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toMatchObject({ code: 'MONITOR_CONFIG', transient: false });
  });

  it('accepts the defaults and builds no client until a check runs', () => {
    const monitor = createMonitor({ env, sport: 'nba' });
    expect(monitor.projectId).toBe('unit-project');
    expect(monitor.deadLetterSubscriptions).toHaveLength(6);
  });

  it('refuses a replay from a subscription it does not watch, blaming `from`, not `to`', async () => {
    const monitor = createMonitor({ env, sport: 'nba' });
    await expect(monitor.replay({ from: 'somewhere-dlq-sub' })).rejects.toMatchObject({
      field: 'from',
      message: expect.stringMatching(
        /^from: "somewhere-dlq-sub" is not a watched dead-letter subscription \(configured: nba-.*\): check the name, or give `to`$/,
      ),
    });
  });

  it('refuses a replay from a watched subscription with no sourceTopic, blaming `to`', async () => {
    const monitor = createMonitor({
      env,
      deadLetters: {
        subscriptions: [
          {
            subscription: 'orders-dlq-sub',
            severity: 'error',
            description: 'orders',
            phaseFrom: 'a',
            phaseTo: 'b',
          },
        ],
      },
    });
    await expect(monitor.replay({ from: 'orders-dlq-sub' })).rejects.toMatchObject({
      field: 'to',
      message: 'to: no sourceTopic is configured for orders-dlq-sub: say where to replay to',
    });
  });

  it("a replay's `from` is checked before it is looked up: a bad id or another project's path is blamed on it", async () => {
    const monitor = createMonitor({ env, sport: 'nba' });
    await expect(monitor.replay({ from: 'a b' })).rejects.toMatchObject({
      field: 'from',
      message: expect.stringMatching(/not a valid Pub\/Sub subscription id/),
    });
    await expect(
      monitor.replay({ from: 'projects/someone-else/subscriptions/nba-phase2-raw-complete-dlq-sub' }),
    ).rejects.toMatchObject({ field: 'from', message: expect.stringMatching(/is in project someone-else/) });
  });
});

describe('replayDeadLetters checks its options before any call', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ from: 'ab', to: 'orders' }, 'from'],
    [{ from: 'orders-dlq-sub', to: 'projects/other/topics/orders', projectId: 'mine-project' }, 'to'],
    [
      { from: 'orders-dlq-sub', to: 'projects/mine-project/subscriptions/orders', projectId: 'mine-project' },
      'to',
    ],
    [{ from: 'orders-dlq-sub', to: 'orders', projectId: 'mine' }, 'projectId'],
    [{ from: 'orders-dlq-sub', to: 'orders', projectId: 'mine;project' }, 'projectId'],
    [{ from: 'orders-dlq-sub', to: 'orders', env: 'GCP_PROJECT_ID=x' }, 'env'],
    [{ from: 'orders-dlq-sub', to: 'orders', maxReplays: 0 }, 'maxReplays'],
    [{ from: 'orders-dlq-sub', to: 'orders', max: 0 }, 'max'],
    [{ from: 'orders-dlq-sub', to: 'orders', batchSize: 5000 }, 'batchSize'],
    [{ from: 'orders-dlq-sub', to: 'orders', filter: 'reason=x' }, 'filter'],
    [{ from: 'orders-dlq-sub', to: 'orders', retries: 3 }, 'retries'],
  ];
  it.each(cases)('%j -> %s', async (options, field) => {
    await expect(replayDeadLetters({ env, ...options } as never)).rejects.toMatchObject({
      name: 'MonitorConfigError',
      field,
    });
  });
});

describe('defaults', () => {
  it('nba watches the original six; mlb its three prefixed ones', () => {
    expect(defaultDeadLetterSubscriptions('mlb', env).map((s) => [s.subscription, s.sourceTopic])).toEqual([
      ['mlb-phase1-scrapers-complete-dlq-sub', 'mlb-phase1-scrapers-complete'],
      ['mlb-scraper-complete-dlq-sub', 'mlb-scraper-complete'],
      ['mlb-phase2-raw-complete-dlq-sub', 'mlb-phase2-raw-complete'],
    ]);
    expect(defaultDeadLetterSubscriptions('NBA', env).map((s) => s.severity)).toEqual([
      'critical',
      'critical',
      'critical',
      'warning',
      'warning',
      'warning',
    ]);
  });

  it('logging: the original three categories with their regular expressions, plus the library’s own', () => {
    expect(
      DEFAULT_LOGGING_CATEGORIES.map((c) => [c.name, c.severity, c.patterns?.length ?? c.filter]),
    ).toEqual([
      ['bigquery_errors', 'warning', 4],
      ['firestore_errors', 'warning', 4],
      ['gcs_errors', 'warning', 4],
      ['library_errors', 'warning', 'jsonPayload.error.code:*'],
    ]);
  });
});
