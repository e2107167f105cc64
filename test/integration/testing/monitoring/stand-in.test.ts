import type { MetricServiceClient } from '@google-cloud/monitoring';
import type { PubSub } from '@google-cloud/pubsub';
import { v1 } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type MonitoringStandIn,
  type PubSubStandIn,
  startMonitoringStandIn,
  startPubSubStandIn,
} from '../../../../src/testing/index.js';

const PROJECT = 'monitoring-test';
let pubsubStandIn: PubSubStandIn;
let standIn: MonitoringStandIn;
let pubsub: PubSub;
let client: MetricServiceClient;

beforeAll(async () => {
  pubsubStandIn = await startPubSubStandIn({ projectId: PROJECT });
  standIn = await startMonitoringStandIn({ pubsub: pubsubStandIn, projectId: PROJECT });
  pubsub = pubsubStandIn.client();
  client = standIn.client();
});

afterAll(async () => {
  await standIn.close();
  await pubsub.close();
  await pubsubStandIn.close();
});

const seconds = (ms: number) => ({ seconds: Math.floor(ms / 1000) });

async function metric(name: string, subscription: string, lookbackMs = 300_000): Promise<number[]> {
  const now = Date.now();
  const [series] = await client.listTimeSeries({
    name: `projects/${PROJECT}`,
    filter: `metric.type = "pubsub.googleapis.com/subscription/${name}" AND resource.labels.subscription_id = "${subscription}"`,
    interval: { startTime: seconds(now - lookbackMs), endTime: seconds(now + 1000) },
  });
  return series.flatMap((s) => (s.points ?? []).map((p) => Number(p.value?.int64Value)));
}

describe('Monitoring stand-in: Pub/Sub metrics from the Pub/Sub stand-in’s live state', () => {
  it('reports undelivered messages and the age of the oldest, as they change', async () => {
    const [topic] = await pubsub.createTopic('metrics-a');
    await topic.createSubscription('metrics-a-sub');
    expect(await metric('num_undelivered_messages', 'metrics-a-sub')).toEqual([0]);
    for (let i = 0; i < 3; i++) await topic.publishMessage({ data: Buffer.from(`m${i}`) });
    expect(await metric('num_undelivered_messages', 'metrics-a-sub')).toEqual([3]);
    const [age] = await metric('oldest_unacked_message_age', 'metrics-a-sub');
    expect(age).toBeGreaterThanOrEqual(0);

    // A pulled but unacked message is still undelivered; an acked one is gone.
    const raw = new v1.SubscriberClient({ ...pubsub.options, port: Number(pubsub.options.port) });
    const subscription = `projects/${PROJECT}/subscriptions/metrics-a-sub`;
    const [pulled] = await raw.pull({ subscription, maxMessages: 2 });
    expect(await metric('num_undelivered_messages', 'metrics-a-sub')).toEqual([3]);
    await raw.acknowledge({ subscription, ackIds: (pulled.receivedMessages ?? []).map((m) => m.ackId!) });
    expect(await metric('num_undelivered_messages', 'metrics-a-sub')).toEqual([1]);
    await raw.close();
  });

  it('counts dead-lettered messages on the source subscription within the interval', async () => {
    const [topic] = await pubsub.createTopic('metrics-b');
    const [dlq] = await pubsub.createTopic('metrics-b-dlq');
    await dlq.createSubscription('metrics-b-dlq-sub');
    await topic.createSubscription('metrics-b-sub', {
      deadLetterPolicy: { deadLetterTopic: dlq.name, maxDeliveryAttempts: 5 },
    });
    await topic.publishMessage({ data: Buffer.from('poison') });
    const raw = new v1.SubscriberClient({ ...pubsub.options, port: Number(pubsub.options.port) });
    const subscription = `projects/${PROJECT}/subscriptions/metrics-b-sub`;
    for (let attempt = 0; attempt < 5; attempt++) {
      const [pulled] = await raw.pull({ subscription, maxMessages: 1 });
      const ackIds = (pulled.receivedMessages ?? []).map((m) => m.ackId!);
      await raw.modifyAckDeadline({ subscription, ackIds, ackDeadlineSeconds: 0 });
    }
    await raw.close();
    expect(await metric('dead_letter_message_count', 'metrics-b-sub')).toEqual([1]);
    expect(await metric('num_undelivered_messages', 'metrics-b-dlq-sub')).toEqual([1]);
    expect(await metric('num_undelivered_messages', 'metrics-b-sub')).toEqual([0]);
    // An interval that ended before the forward counts nothing.
    const [series] = await client.listTimeSeries({
      name: `projects/${PROJECT}`,
      filter: 'metric.type = "pubsub.googleapis.com/subscription/dead_letter_message_count"',
      interval: { startTime: seconds(Date.now() - 600_000), endTime: seconds(Date.now() - 300_000) },
    });
    expect(
      series.find((s) => s.resource?.labels?.subscription_id === 'metrics-b-sub')?.points?.[0]?.value,
    ).toMatchObject({
      int64Value: '0',
    });
  });

  it('selects series with one_of, and only those of the named project', async () => {
    const [topic] = await pubsub.createTopic('metrics-c');
    await topic.createSubscription('metrics-c-1');
    await topic.createSubscription('metrics-c-2');
    await topic.createSubscription('metrics-c-3');
    const now = Date.now();
    const [series] = await client.listTimeSeries({
      name: `projects/${PROJECT}`,
      filter:
        'metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages" AND resource.labels.subscription_id = one_of("metrics-c-1", "metrics-c-3")',
      interval: { endTime: seconds(now) },
    });
    expect(series.map((s) => s.resource?.labels?.subscription_id).sort()).toEqual([
      'metrics-c-1',
      'metrics-c-3',
    ]);
    const [none] = await client.listTimeSeries({
      name: 'projects/another-project',
      filter: 'metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages"',
      interval: { endTime: seconds(now) },
    });
    expect(none).toEqual([]);
  });

  it('refuses a bad filter with INVALID_ARGUMENT and takes fault rules', async () => {
    const interval = { endTime: seconds(Date.now()) };
    await expect(
      client.listTimeSeries({ name: `projects/${PROJECT}`, filter: 'resource.type = "x"', interval }),
    ).rejects.toMatchObject({ code: 3, message: expect.stringMatching(/metric\.type/) });
    standIn.faults.add({ method: 'ListTimeSeries', code: 'PERMISSION_DENIED', times: 1 });
    await expect(
      client.listTimeSeries({
        name: `projects/${PROJECT}`,
        filter: 'metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages"',
        interval,
      }),
    ).rejects.toMatchObject({ code: 7 });
    expect(standIn.requests.at(-1)?.fault?.code).toBe(7);
  });
});

const UNDELIVERED = 'metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages"';

function listFiltered(filter: string) {
  const now = Math.floor(Date.now() / 1000);
  return client.listTimeSeries({
    name: `projects/${PROJECT}`,
    filter,
    interval: { startTime: { seconds: now - 60 }, endTime: { seconds: now } },
  });
}

describe('Monitoring stand-in: ListTimeSeries lists exactly one metric type, through the real client', () => {
  beforeAll(async () => {
    const [topic] = await pubsub.createTopic('events');
    await topic.createSubscription('events-sub');
  });

  it.each([
    'metric.type = starts_with("pubsub.googleapis.com/subscription/")',
    'metric.type = one_of("pubsub.googleapis.com/subscription/num_undelivered_messages", "pubsub.googleapis.com/subscription/dead_letter_message_count")',
    `${UNDELIVERED} OR resource.labels.subscription_id = "events-sub"`,
    `NOT ${UNDELIVERED}`,
    'resource.type = "pubsub_subscription" AND metric.labels.metric_type = "x"',
  ])('refuses %s with INVALID_ARGUMENT', async (filter) => {
    await expect(listFiltered(filter)).rejects.toMatchObject({
      code: 3,
      details: expect.stringContaining('exactly one metric type'),
    });
  });

  it('accepts metric.type = "TYPE" alone or as a term of an AND', async () => {
    const [alone] = await listFiltered(UNDELIVERED);
    const [narrowed] = await listFiltered(
      `resource.type = "pubsub_subscription" AND ${UNDELIVERED} AND resource.labels.subscription_id = starts_with("events")`,
    );
    expect(alone.length).toBeGreaterThan(1);
    expect(new Set(alone.map((s) => s.metric?.type))).toEqual(
      new Set(['pubsub.googleapis.com/subscription/num_undelivered_messages']),
    );
    expect(narrowed.map((s) => s.resource?.labels?.subscription_id)).toEqual(['events-sub']);
  });
});
