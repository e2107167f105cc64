import type { MetricServiceClient } from '@google-cloud/monitoring';
import type { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type MonitoringStandIn,
  type PubSubStandIn,
  startMonitoringStandIn,
  startPubSubStandIn,
} from '../../../../src/testing/index.js';

const PROJECT = 'metric-type-test';
const UNDELIVERED = 'metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages"';
let pubsubStandIn: PubSubStandIn;
let standIn: MonitoringStandIn;
let pubsub: PubSub;
let client: MetricServiceClient;

beforeAll(async () => {
  pubsubStandIn = await startPubSubStandIn({ projectId: PROJECT });
  standIn = await startMonitoringStandIn({ pubsub: pubsubStandIn, projectId: PROJECT });
  pubsub = pubsubStandIn.client();
  client = standIn.client();
  const [topic] = await pubsub.createTopic('events');
  await topic.createSubscription('events-sub');
});

afterAll(async () => {
  await standIn.close();
  await pubsub.close();
  await pubsubStandIn.close();
});

function list(filter: string) {
  const now = Math.floor(Date.now() / 1000);
  return client.listTimeSeries({
    name: `projects/${PROJECT}`,
    filter,
    interval: { startTime: { seconds: now - 60 }, endTime: { seconds: now } },
  });
}

describe('Monitoring stand-in: ListTimeSeries lists exactly one metric type, through the real client', () => {
  it.each([
    'metric.type = starts_with("pubsub.googleapis.com/subscription/")',
    'metric.type = one_of("pubsub.googleapis.com/subscription/num_undelivered_messages", "pubsub.googleapis.com/subscription/dead_letter_message_count")',
    `${UNDELIVERED} OR resource.labels.subscription_id = "events-sub"`,
    `NOT ${UNDELIVERED}`,
    'resource.type = "pubsub_subscription" AND metric.labels.metric_type = "x"',
  ])('refuses %s with INVALID_ARGUMENT', async (filter) => {
    await expect(list(filter)).rejects.toMatchObject({
      code: 3,
      details: expect.stringContaining('exactly one metric type'),
    });
  });

  it('accepts metric.type = "TYPE" alone or as a term of an AND', async () => {
    const [alone] = await list(UNDELIVERED);
    const [narrowed] = await list(
      `resource.type = "pubsub_subscription" AND ${UNDELIVERED} AND resource.labels.subscription_id = starts_with("events")`,
    );
    expect(alone.map((s) => s.metric?.type)).toEqual([
      'pubsub.googleapis.com/subscription/num_undelivered_messages',
    ]);
    expect(narrowed.map((s) => s.resource?.labels?.subscription_id)).toEqual(['events-sub']);
  });
});
