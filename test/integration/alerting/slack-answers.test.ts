import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertManager, memoryRateLimitStore, silentLogger, slackChannel } from '../../../src/index.js';
import { type SlackStandIn, startSlackStandIn } from '../../../src/testing/index.js';

let slack: SlackStandIn;

beforeAll(async () => {
  slack = await startSlackStandIn();
});

afterAll(async () => {
  await slack.close();
});

describe('Slack answers that end badly', () => {
  it('a 200 whose body never finishes is a delivery: the send is not reported failed, the delivery is recorded', async () => {
    slack.messages.length = 0;
    slack.faults.add({ method: 'POST', times: 1, slowBody: { intervalMs: 600_000, chunkBytes: 1 } });
    const store = memoryRateLimitStore();
    const alerts = createAlertManager({
      channels: [slackChannel({ webhookUrl: slack.webhookUrl, minIntervalMs: 0 })],
      store,
      logger: silentLogger,
      shutdown: false,
      rateLimits: { '*': { windowMinutes: 60, maxPerWindow: 1 } },
    });
    const alert = { key: 'slack:slow-body', severity: 'warning' as const, title: 'phase2: slow' };
    const result = await alerts.send(alert);
    expect(slack.messages).toHaveLength(1);
    expect(result).toMatchObject({ outcome: 'sent', recorded: true });
    expect(result.channels[0]).toMatchObject({ channel: 'slack', status: 'sent', attempts: 1 });
    // Recorded: the window's one delivery is used, the same alert is not sent twice.
    expect((await alerts.send(alert)).reason).toBe('rate_limited');
    expect(slack.messages).toHaveLength(1);
  });

  it('a 200 whose body is cut off (connection reset) is a delivery, not a failure posted again', async () => {
    slack.messages.length = 0;
    slack.faults.add({ method: 'POST', times: 1, truncateBody: 1 });
    const result = await createAlertManager({
      channels: [slackChannel({ webhookUrl: slack.webhookUrl, minIntervalMs: 0 })],
      store: memoryRateLimitStore(),
      logger: silentLogger,
      shutdown: false,
    }).send({ key: 'slack:cut-body', severity: 'warning', title: 'phase2: cut' });
    expect(result.channels[0]).toMatchObject({ channel: 'slack', status: 'sent', attempts: 1 });
    expect(slack.messages).toHaveLength(1);
  });
});
