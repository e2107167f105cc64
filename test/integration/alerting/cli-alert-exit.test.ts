import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../src/index.js';
import { type SlackStandIn, startSlackStandIn } from '../../../src/testing/index.js';
import { cliIo, createPipeline, deadLetter, type Gcp, startGcp } from '../monitoring/helpers.js';

const PROJECT = 'cli-alert-exit';
let gcp: Gcp;
let slack: SlackStandIn;

beforeAll(async () => {
  [gcp, slack] = await Promise.all([startGcp(PROJECT), startSlackStandIn()]);
  // The three mlb dead-letter subscriptions exist, one holds a message: `gpr check` has one finding.
  await createPipeline(gcp.pubsubClient, 'mlb-scraper-complete');
  await createPipeline(gcp.pubsubClient, 'mlb-phase2-raw-complete');
  const { dlq } = await createPipeline(gcp.pubsubClient, 'mlb-phase1-scrapers-complete');
  await deadLetter(dlq, [{ data: '{not json', reason: 'invalid_json' }]);
});
beforeEach(() => {
  slack.faults.clear();
});
afterAll(async () => {
  await Promise.all([gcp.close(), slack.close()]);
});

const check = ['check', '--sport', 'mlb', '--no-logging'];

describe('gpr check says by its exit status whether its alerts went out', () => {
  it('exit 1 when it found something and the alert was sent', async () => {
    const io = cliIo(gcp, { SLACK_WEBHOOK_URL: slack.webhookUrl });
    expect(await runCli(check, io)).toBe(1);
    expect(io.out.join('\n')).toMatch(/alerts: sent=1 suppressed=0 failed=0/);
  });

  it('exit 3, not 1, when the alert could not be sent: "found" would read as "found and alerted"', async () => {
    // A webhook Slack no longer knows: refused for good, not retried.
    slack.faults.add({ method: 'POST', status: 404, body: 'no_service' });
    const io = cliIo(gcp, { SLACK_WEBHOOK_URL: slack.webhookUrl });
    expect(await runCli(check, io)).toBe(3);
    expect(io.out.join('\n')).toMatch(/alerts: sent=0 suppressed=0 failed=1/);
  });
});

describe('gpr check with the environment the gpr binary passes: process.env itself', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads the alert variables from it (its prototype is not Object.prototype: this was exit 2, "env: Invalid input: expected record")', async () => {
    vi.stubEnv('GCP_PROJECT_ID', PROJECT);
    vi.stubEnv('SLACK_WEBHOOK_URL', slack.webhookUrl);
    const io = { ...cliIo(gcp), env: process.env };
    const status = await runCli(check, io);
    expect(io.err.join('\n')).not.toMatch(/expected record/);
    expect(status).toBe(1);
    expect(io.out.join('\n')).toMatch(/alerts: sent=1 suppressed=0 failed=0/);
  });
});
