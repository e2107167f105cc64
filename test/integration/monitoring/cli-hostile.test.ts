import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/index.js';
import { cliIo, createPipeline, type Gcp, startGcp } from './helpers.js';

const PROJECT = 'cli-hostile';
const SUBSCRIPTION = 'mlb-phase1-scrapers-complete-dlq-sub';
let gcp: Gcp;

beforeAll(async () => {
  gcp = await startGcp(PROJECT);
});

afterAll(async () => {
  await gcp.close();
});

const io = (env: Record<string, string> = {}) => cliIo(gcp, env);

// C0 and C1 control characters, line breaks included: what a terminal acts on (ESC starts a control sequence).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

describe('gpr prints message data for people without handing the terminal control sequences', () => {
  it('escapes control characters of the data and attributes of a sample', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'mlb-phase1-scrapers-complete');
    await dlq.publishMessage({
      // ESC [2J clears the screen, ESC ]0; sets the window title, a line break fakes a line; then bytes that are not UTF-8.
      data: Buffer.concat([
        Buffer.from('\u001b[2J\u001b]0;owned\u0007\u009b31m\ntotal: 0 message(s)'),
        Buffer.from([0xff, 0xfe, 0x00]),
      ]),
      attributes: { dead_letter_reason: 'invalid_json\u001b[8m', error_code: 'X' },
    });
    const cli = io();
    const status = await runCli(['dlq', 'status', '--sport', 'mlb', '--subscription', SUBSCRIPTION], cli);
    expect(status).toBe(1);
    const sampleLine = cli.out.find((l) => l.startsWith(`  ${SUBSCRIPTION} `));
    expect(sampleLine).toBeDefined();
    for (const line of cli.out) expect(line).not.toMatch(CONTROL);
    // Shown, not dropped: the reader can still see what was there.
    expect(sampleLine).toContain('\\u001b[2J');
    // --json keeps the exact text (JSON escapes it).
    const json = io();
    await runCli(['dlq', 'status', '--sport', 'mlb', '--subscription', SUBSCRIPTION, '--json'], json);
    // DEL and C1 (the CSI in the data), which JSON.stringify leaves raw, are escaped too.
    for (const line of json.out) expect(line).not.toMatch(/[\u007f-\u009f]/);
    const parsed = JSON.parse(json.out.join('\n'));
    expect(parsed.subscriptions[0].sample[0].data).toContain('\u009b31m');
    expect(parsed.subscriptions[0].sample[0].data.startsWith('\u001b[2J')).toBe(true);
  });
});

describe('gpr refuses bad arguments with exit 2 and a clear message', () => {
  it('a port outside 0-65535, or a PORT that is not a number, is a usage error', async () => {
    const high = io();
    expect(await runCli(['serve', '--port', '70000'], high)).toBe(2);
    expect(high.err.join('\n')).toMatch(/--port.*65535/);
    const env = io({ PORT: 'eighty' });
    expect(await runCli(['serve'], env)).toBe(2);
    expect(env.err.join('\n')).toMatch(/PORT.*"eighty"/);
  });

  it('takes the common options before the command too', async () => {
    const cli = io();
    const status = await runCli(
      [
        '--sport',
        'mlb',
        '--project',
        PROJECT,
        'dlq',
        'status',
        '--subscription',
        'mlb-phase2-raw-complete-dlq-sub',
      ],
      cli,
    );
    expect(cli.err).toEqual([]);
    expect(status).toBe(1); // the subscription is missing: a finding
    expect(cli.out.at(-1)).toBe('total: unknown message(s) in 1 subscription(s) (1 of 1 not read)');
  });
});

describe('gpr dlq status when nothing could be read', () => {
  it('is exit 3 and says the total is unknown, not "total: 0"', async () => {
    await createPipeline(gcp.pubsubClient, 'mlb-phase2-raw-complete');
    // Not retried by the client: the check fails at once, as without the permissions.
    const rules = [
      gcp.pubsub.faults.add({ method: 'GetSubscription', code: 'PERMISSION_DENIED' }),
      gcp.pubsub.faults.add({ method: 'Pull', code: 'PERMISSION_DENIED' }),
      gcp.monitoring.faults.add({ method: 'ListTimeSeries', code: 'PERMISSION_DENIED' }),
    ];
    try {
      const cli = io();
      const status = await runCli(
        ['dlq', 'status', '--sport', 'mlb', '--subscription', 'mlb-phase2-raw-complete-dlq-sub'],
        cli,
      );
      expect(status).toBe(3);
      expect(cli.out.at(-1)).toBe('total: unknown message(s) in 1 subscription(s) (1 of 1 not read)');
      expect(cli.out.join('\n')).not.toMatch(/total: 0/);
    } finally {
      for (const rule of rules) rule.remove();
    }
  });
});
