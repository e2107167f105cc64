import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMonitorHandler, type Finding, runCli } from '../../../src/index.js';
import { startSlackStandIn } from '../../../src/testing/index.js';
import { cliIo, createPipeline, deadLetter, type Gcp, startGcp } from './helpers.js';

const PROJECT = 'entry-points';
let gcp: Gcp;

beforeAll(async () => {
  gcp = await startGcp(PROJECT);
  // The mlb defaults watch mlb-phase2-raw-complete-dlq-sub (among others): give it two dead letters.
  const { dlq } = await createPipeline(gcp.pubsubClient, 'mlb-phase2-raw-complete');
  await deadLetter(dlq, [
    { data: '{', reason: 'invalid_json' },
    { data: '{"game_date":"2026-02-30"}', reason: 'validation_failed' },
  ]);
});

afterAll(async () => {
  await gcp.close();
});

const io = (env: Record<string, string> = {}) => cliIo(gcp, env);

describe('the HTTP handler on a plain node http server, with the real clients on the stand-ins', () => {
  let server: Server;
  let base: string;
  const sent: Finding[] = [];

  beforeAll(async () => {
    const handler = createMonitorHandler({
      projectId: PROJECT,
      sport: 'mlb',
      clients: gcp.clients,
      logging: { resourceTypes: [] },
      alertSink: { send: async (finding) => void sent.push(finding) },
    });
    server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('GET /health', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', projectId: PROJECT });
  });

  it('POST /check?dry_run=1&include_logging=0 reports the dead letters and sends nothing', async () => {
    const response = await fetch(`${base}/check?dry_run=1&include_logging=0`, { method: 'POST' });
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report).toMatchObject({
      status: 'errors_found',
      dryRun: true,
      logging: { status: 'skipped' },
      summary: { dlqMessages: 2 },
    });
    expect(report.notifications).toContainEqual(
      expect.objectContaining({ key: 'dlq:mlb-phase2-raw-complete-dlq-sub', outcome: 'would_send' }),
    );
    expect(
      report.notifications.filter((n: { key: string }) => n.key.startsWith('dlq_missing:')),
    ).toHaveLength(2);
    expect(sent).toEqual([]);
  });

  it('a JSON body of flags is read from the stream when no framework parsed it: dry_run holds', async () => {
    const response = await fetch(`${base}/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dry_run: true, include_logging: false }),
    });
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report).toMatchObject({ dryRun: true, logging: { status: 'skipped' } });
    expect(sent).toEqual([]);
  });

  it('a body that is not a JSON object of flags, or too large, is refused before any run', async () => {
    for (const body of ['[1]', '{"bogus":1}', 'not json']) {
      const response = await fetch(`${base}/check`, { method: 'POST', body });
      expect(response.status, body).toBe(400);
    }
    const huge = await fetch(`${base}/check`, { method: 'POST', body: 'x'.repeat(70 * 1024) });
    expect(huge.status).toBe(413);
    expect(sent).toEqual([]);
  });

  it('POST /check sends the findings', async () => {
    const response = await fetch(`${base}/check`, { method: 'POST' });
    const report = await response.json();
    expect(report.dryRun).toBe(false);
    expect(sent.map((f) => f.key)).toContain('dlq:mlb-phase2-raw-complete-dlq-sub');
  });
});

describe('the gpr CLI (runCli), with the real clients on the stand-ins', () => {
  it('dlq status: a table, exit 1 when there are messages', async () => {
    const cli = io();
    const status = await runCli(
      ['dlq', 'status', '--sport', 'mlb', '--subscription', 'mlb-phase2-raw-complete-dlq-sub'],
      cli,
    );
    expect(status).toBe(1);
    expect(cli.out[0]).toMatch(/^subscription\s+status\s+messages\s+oldest\s+source\s+sampled reasons$/);
    expect(cli.out[2]).toMatch(/^mlb-phase2-raw-complete-dlq-sub\s+messages\s+2\s+\S+\s+monitoring\s+/);
    expect(cli.out.at(-1)).toBe('total: 2 message(s) in 1 subscription(s)');
  });

  it('dlq status --json prints the result as JSON', async () => {
    const cli = io();
    await runCli(['dlq', 'status', '--sport', 'mlb', '--json'], cli);
    const result = JSON.parse(cli.out.join('\n'));
    expect(result.subscriptions.map((s: { status: string }) => s.status)).toEqual([
      'not_found',
      'not_found',
      'messages',
    ]);
  });

  it('an unknown subscription is exit 2 with the configured ones named, and no call to Google', async () => {
    const cli = io();
    const before = gcp.pubsub.requests.length;
    expect(await runCli(['dlq', 'status', '--sport', 'mlb', '--subscription', 'typo-dlq-sub'], cli)).toBe(2);
    expect(cli.err[0]).toMatch(
      /unknown subscription "typo-dlq-sub": configured are mlb-phase1-scrapers-complete-dlq-sub/,
    );
    expect(gcp.pubsub.requests.length).toBe(before);
  });

  it('dlq replay --dry-run lists; without it replays to the configured source topic', async () => {
    const preview = io();
    expect(
      await runCli(
        ['dlq', 'replay', '--sport', 'mlb', '--from', 'mlb-phase2-raw-complete-dlq-sub', '--dry-run'],
        preview,
      ),
    ).toBe(0);
    expect(preview.out[0]).toBe(
      'dry run: 2 message(s) would be replayed from mlb-phase2-raw-complete-dlq-sub to mlb-phase2-raw-complete',
    );
    const only = io();
    await runCli(
      [
        'dlq',
        'replay',
        '--sport',
        'mlb',
        '--from',
        'mlb-phase2-raw-complete-dlq-sub',
        '--reason',
        'invalid_json',
        '--json',
      ],
      only,
    );
    const result = JSON.parse(only.out.join('\n'));
    expect(result).toMatchObject({ skipped: 1, failed: [] });
    expect(result.replayed).toHaveLength(1);
    expect(gcp.pubsub.published('mlb-phase2-raw-complete').map((m) => m.data.toString())).toEqual(['{']);
  });

  it('dlq replay names the --from subscription that is not watched or does not exist, never --to', async () => {
    const unwatched = io();
    expect(await runCli(['dlq', 'replay', '--sport', 'mlb', '--from', 'unknown-sub'], unwatched)).toBe(2);
    expect(unwatched.err[0]).toMatch(
      /^gpr: --from: "unknown-sub" is not a watched dead-letter subscription \(configured: mlb-/,
    );
    // With --to given, Pub/Sub is asked: the subscription that does not exist is named, as the source.
    for (const to of ['mlb-phase2-raw-complete', 'no-such-topic']) {
      for (const dryRun of [[], ['--dry-run']]) {
        const missing = io();
        const argv = ['dlq', 'replay', '--sport', 'mlb', '--from', 'unknown-sub', '--to', to, ...dryRun];
        expect(await runCli(argv, missing)).toBe(3);
        expect(missing.err[0]).toBe(
          `gpr: NOT_FOUND: the subscription to replay from, projects/${PROJECT}/subscriptions/unknown-sub, does not exist`,
        );
      }
    }
    // A watched one given by its full path is found, with its source topic.
    const byPath = io();
    const path = `projects/${PROJECT}/subscriptions/mlb-phase2-raw-complete-dlq-sub`;
    expect(await runCli(['dlq', 'replay', '--sport', 'mlb', '--from', path, '--dry-run'], byPath)).toBe(0);
    expect(byPath.out[0]).toMatch(/from mlb-phase2-raw-complete-dlq-sub to mlb-phase2-raw-complete$/);
  });

  it('check --dry-run prints the status line first; usage errors are exit 2', async () => {
    const cli = io();
    const status = await runCli(['check', '--sport', 'mlb', '--dry-run', '--no-logging'], cli);
    expect(cli.out[0]).toBe('status: errors_found (dry run: nothing sent)');
    expect(status).toBe(1);
    const bad = io();
    expect(await runCli(['dlq', 'replay', '--sport', 'mlb'], bad)).toBe(2);
    expect(bad.err[0]).toBe('gpr: dlq replay needs --from SUBSCRIPTION');
    expect(await runCli(['dlq', 'nuke'], io())).toBe(2);
  });
});

describe('gpr check alerts through the channels its environment names', () => {
  it('SLACK_WEBHOOK_URL: one alert per dead-letter finding reaches Slack; stderr says the limits are per process', async () => {
    const slack = await startSlackStandIn();
    try {
      const cli = io();
      cli.env = { ...cli.env, SLACK_WEBHOOK_URL: slack.webhookUrl, ENVIRONMENT: 'staging' };
      const status = await runCli(['check', '--sport', 'mlb', '--no-logging'], cli);
      expect(status).toBe(1);
      expect(slack.messages.length).toBeGreaterThan(0);
      expect(cli.out).toContain(`alerts: sent=${slack.messages.length} suppressed=0 failed=0`);
      expect(JSON.stringify(slack.messages[0]?.payload)).toContain('staging');
      // The alert log lines go to stderr: stdout holds only the report.
      expect(cli.out.some((l) => l.includes('"alert"'))).toBe(false);
      expect(cli.err.filter((l) => JSON.parse(l.startsWith('{') ? l : '{}').alert)).toHaveLength(
        slack.messages.length,
      );
      expect(cli.err).toContain(
        'gpr: alert rate limits hold for this process only; set GPR_ALERT_BUCKET to share them with every run',
      );
    } finally {
      await slack.close();
    }
  });

  it('a malformed SLACK_WEBHOOK_URL or half an email configuration is exit 2, naming the variable, not its value', async () => {
    const secret = 'http://hooks.example.com/services/T000/B000/s3cr3t';
    const bad = io();
    bad.env = { ...bad.env, SLACK_WEBHOOK_URL: secret };
    expect(await runCli(['check', '--sport', 'mlb', '--no-logging'], bad)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/^gpr: SLACK_WEBHOOK_URL: expected an https:\/\/ URL/);
    expect(bad.err.join('\n')).not.toContain('s3cr3t');
    const half = io();
    half.env = { ...half.env, SENDGRID_API_KEY: 'SG.key', ALERT_EMAIL_FROM: 'alerts@example.com' };
    expect(await runCli(['check', '--sport', 'mlb', '--no-logging'], half)).toBe(2);
    expect(half.err).toEqual([
      'gpr: email alerts need SENDGRID_API_KEY, ALERT_EMAIL_FROM, ALERT_EMAIL_TO; ALERT_EMAIL_TO is not set',
    ]);
    // dlq status does not alert: the alert variables are not read.
    expect(await runCli(['dlq', 'status', '--sport', 'mlb'], half)).toBe(1);
  });
});

describe('the gpr binary (dist/node/cli.js) as a process, pointed at the stand-ins by environment', () => {
  const bin = fileURLToPath(new URL('../../../dist/node/cli.js', import.meta.url));

  it('runs dlq status --json', async () => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: build the package first (npx tsup)`);
    const run = promisify(execFile);
    const env = {
      PATH: process.env.PATH,
      GCP_PROJECT_ID: PROJECT,
      PUBSUB_EMULATOR_HOST: gcp.pubsub.endpoint,
      GPR_MONITORING_EMULATOR_HOST: gcp.monitoring.endpoint,
      GPR_LOGGING_EMULATOR_HOST: gcp.logging.endpoint,
      METADATA_SERVER_DETECTION: 'none',
    };
    const result = await run(
      process.execPath,
      [
        bin,
        'dlq',
        'status',
        '--sport',
        'mlb',
        '--subscription',
        'mlb-phase1-scrapers-complete-dlq-sub',
        '--json',
      ],
      { env, timeout: 60_000 },
    ).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect('stderr' in result ? result.stderr : '').toBe('');
    const json = JSON.parse(result.stdout);
    expect(json.subscriptions).toEqual([
      expect.objectContaining({ subscription: 'mlb-phase1-scrapers-complete-dlq-sub', status: 'not_found' }),
    ]);
    expect((result as { code?: number }).code).toBe(1); // a missing DLQ subscription is a finding
  }, 90_000);
});
