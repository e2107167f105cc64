import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAlertManager,
  createMonitor,
  gcsRateLimitStore,
  silentLogger,
  slackChannel,
} from '../../../src/index.js';
import {
  type SlackStandIn,
  type StorageStandIn,
  startSlackStandIn,
  startStorageStandIn,
} from '../../../src/testing/index.js';
import { type Gcp, seedTwoFindings, startGcp } from '../monitoring/helpers.js';

const PROJECT = 'monitor-alerts';
let gcp: Gcp;
let storage: StorageStandIn;
let slack: SlackStandIn;

beforeAll(async () => {
  [gcp, storage, slack] = await Promise.all([
    startGcp(PROJECT),
    startStorageStandIn({ buckets: ['alert-state'] }),
    startSlackStandIn(),
  ]);
});
afterAll(async () => {
  await Promise.all([gcp.close(), storage.close(), slack.close()]);
});

/** A monitor run as Cloud Scheduler would start it on a fresh instance: nothing in memory from the last run. */
async function freshRun(name = 'orders', extra: Partial<Parameters<typeof createMonitor>[0]> = {}) {
  const alerts = createAlertManager({
    channels: [slackChannel({ webhookUrl: slack.webhookUrl })],
    store: gcsRateLimitStore({ storage: storage.client(), bucket: 'alert-state' }),
    logger: silentLogger,
  });
  const monitor = createMonitor({
    projectId: PROJECT,
    clients: gcp.clients,
    alertSink: alerts,
    deadLetters: {
      subscriptions: [
        {
          subscription: `${name}-dlq-sub`,
          severity: 'critical',
          description: 'Orders',
          phaseFrom: 'p2',
          phaseTo: 'p3',
        },
      ],
      callTimeoutMs: 2000,
    },
    logging: { threshold: 0, resourceTypes: [], callTimeoutMs: 2000 },
    ...extra,
  });
  try {
    return await monitor.run();
  } finally {
    await monitor.close();
  }
}

describe('the monitor with the alert manager (shared store, Slack stand-in)', () => {
  it('alerts on a DLQ and a logging category; a second run on a new instance in the window holds the DLQ alert back', async () => {
    await seedTwoFindings(gcp, 'orders');

    const first = await freshRun();
    expect(first.notifications.map((n) => [n.key, n.outcome])).toEqual([
      ['dlq:orders-dlq-sub', 'sent'],
      ['logging:bigquery_errors', 'sent'],
    ]);
    expect(first.summary).toMatchObject({
      dlqMessages: 2,
      alertsSent: 2,
      alertsSuppressed: 0,
      alertsFailed: 0,
    });
    expect(first.notifications[0]!.detail).toBe('sent to slack');
    expect(slack.messages.map((m) => m.payload.text)).toEqual([
      '🚨 [production] CRITICAL: 2 messages in dead-letter queue orders-dlq-sub',
      '⚠️ [production] WARNING: 1 BigQuery Query/Insert Errors in the last 15 min',
    ]);

    const second = await freshRun();
    expect(second.summary).toMatchObject({ alertsSent: 1, alertsSuppressed: 1 });
    // The DLQ waits 60 minutes; a logging category may alert 5 times in 60 minutes.
    expect(second.notifications.map((n) => [n.key, n.outcome])).toEqual([
      ['dlq:orders-dlq-sub', 'suppressed'],
      ['logging:bigquery_errors', 'sent'],
    ]);
    expect(second.notifications[0]!.detail).toMatch(
      /^suppressed: rate limited, 1 sent in the window \(1 per 60 min\)/,
    );
    expect(slack.messages).toHaveLength(3);
  });
  it('a monitor logger that throws (EPIPE on stdout) still lets every finding reach the alert manager', async () => {
    await seedTwoFindings(gcp, 'payments');
    const epipe = () => {
      throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    };
    const before = slack.messages.length;
    const report = await freshRun('payments', {
      logger: { debug: epipe, info: epipe, warn: epipe, error: epipe },
    });
    expect(report.notifications.map((n) => [n.key, n.outcome])).toEqual([
      ['dlq:payments-dlq-sub', 'sent'],
      ['logging:bigquery_errors', 'sent'],
    ]);
    expect(slack.messages.length - before).toBe(2);
  });
});
