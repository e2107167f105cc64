import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkDeadLetters, createMonitor } from '../../../src/index.js';
import { createPipeline, deadLetter, type Gcp, rawSubscriber, startGcp, watch } from './helpers.js';

const PROJECT = 'peek-safety';
let gcp: Gcp;

beforeAll(async () => {
  gcp = await startGcp(PROJECT);
});

beforeEach(() => {
  gcp.pubsub.faults.clear();
  gcp.monitoring.faults.clear();
});

afterAll(async () => {
  await gcp.close();
});

/** A DLQ subscription `<name>-dlq-sub` with a dead-letter policy of its own (5 attempts, to `<name>-dlq-dlq`). */
async function dlqWithItsOwnPolicy(name: string) {
  const [last] = await gcp.pubsubClient.createTopic(`${name}-dlq-dlq`);
  await last.createSubscription(`${name}-dlq-dlq-sub`);
  const [dlq] = await gcp.pubsubClient.createTopic(`${name}-dlq`);
  await dlq.createSubscription(`${name}-dlq-sub`, {
    deadLetterPolicy: { deadLetterTopic: last.name, maxDeliveryAttempts: 5 },
  });
  await deadLetter(dlq, [{ data: '{', reason: 'invalid_json' }]);
}

/** Pulls the one message of `subscription` and hands it back: its delivery attempt so far. */
async function deliveryAttemptOf(subscription: string): Promise<number | null | undefined> {
  const subscriber = rawSubscriber(gcp.pubsubClient);
  try {
    const path = `projects/${PROJECT}/subscriptions/${subscription}`;
    const [pulled] = await subscriber.pull({ subscription: path, maxMessages: 10, returnImmediately: true });
    const received = pulled.receivedMessages ?? [];
    await subscriber.modifyAckDeadline({
      subscription: path,
      ackIds: received.map((m) => m.ackId!),
      ackDeadlineSeconds: 0,
    });
    expect(received).toHaveLength(1);
    return received[0]?.deliveryAttempt;
  } finally {
    await subscriber.close();
  }
}

describe('the peek never moves a message out of the subscription it watches', () => {
  it('does not peek a DLQ subscription that has a dead-letter policy of its own: runs do not forward its messages', async () => {
    await dlqWithItsOwnPolicy('forwarding');
    const results = [];
    // More runs than the policy's attempts: each peek would count one delivery attempt.
    for (let i = 0; i < 6; i++) {
      results.push(
        await checkDeadLetters({
          projectId: PROJECT,
          subscriptions: [watch('forwarding')],
          clients: gcp.clients,
        }),
      );
    }
    const last = results.at(-1)!.subscriptions[0]!;
    expect(last).toMatchObject({ status: 'messages', messages: 1, countSource: 'monitoring', sample: [] });
    expect(last.warnings.join(' ')).toMatch(/dead-letter policy of its own/);
    expect(gcp.pubsub.subscriptionStats('forwarding-dlq-sub')).toMatchObject({ undelivered: 1, acked: 0 });
    expect(gcp.pubsub.subscriptionStats('forwarding-dlq-dlq-sub')).toMatchObject({ undelivered: 0 });
    // Its delivery attempts are intact: the first delivery is this one.
    expect(await deliveryAttemptOf('forwarding-dlq-sub')).toBe(1);
  });

  it('without Monitoring, such a subscription is failed with the reason, not peeked into forwarding', async () => {
    await dlqWithItsOwnPolicy('blindfwd');
    gcp.monitoring.faults.add({ method: 'ListTimeSeries', code: 'PERMISSION_DENIED' });
    let result: Awaited<ReturnType<typeof checkDeadLetters>> | undefined;
    for (let i = 0; i < 6; i++) {
      result = await checkDeadLetters({
        projectId: PROJECT,
        subscriptions: [watch('blindfwd')],
        clients: gcp.clients,
      });
    }
    const [sub] = result!.subscriptions;
    expect(sub).toMatchObject({ status: 'failed', sample: [] });
    expect(sub?.error?.message).toMatch(/dead-letter policy of its own/);
    expect(result!.findings.map((f) => f.key)).toContain('check_failed:dead_letters:blindfwd-dlq-sub');
    expect(gcp.pubsub.subscriptionStats('blindfwd-dlq-sub')).toMatchObject({ undelivered: 1 });
    expect(gcp.pubsub.subscriptionStats('blindfwd-dlq-dlq-sub')).toMatchObject({ undelivered: 0 });
  });
});

describe('peeks of one subscription in one process take turns', () => {
  it('concurrent runs without Cloud Monitoring all count the messages, none sees them leased by another', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'crowded');
    await deadLetter(dlq, [
      { data: 'a', reason: 'invalid_json' },
      { data: 'b', reason: 'validation_failed' },
    ]);
    gcp.monitoring.faults.add({ method: 'ListTimeSeries', code: 'PERMISSION_DENIED' });
    const monitor = createMonitor({
      projectId: PROJECT,
      deadLetters: { subscriptions: [watch('crowded')] },
      logging: false,
      clients: gcp.clients,
    });
    const reports = await Promise.all([monitor.run({ dryRun: true }), monitor.run({ dryRun: true })]);
    const single = await Promise.all([
      checkDeadLetters({ projectId: PROJECT, subscriptions: [watch('crowded')], clients: gcp.clients }),
      checkDeadLetters({ projectId: PROJECT, subscriptions: [watch('crowded')], clients: gcp.clients }),
    ]);
    expect(reports.map((r) => [r.status, r.summary.dlqMessages])).toEqual([
      ['errors_found', 2],
      ['errors_found', 2],
    ]);
    expect(single.map((r) => r.subscriptions[0]?.messages)).toEqual([2, 2]);
    expect(gcp.pubsub.subscriptionStats('crowded-dlq-sub')).toMatchObject({ undelivered: 2, acked: 0 });
  });
});
