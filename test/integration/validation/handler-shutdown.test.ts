import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShutdownCoordinator } from '../../../src/shutdown/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { type PubSubStandIn, startPubSubStandIn } from '../../../src/testing/pubsub/index.js';
import {
  createMessageHandler,
  type MessageMeta,
  Phase2CompletionMessage,
  publishValidated,
} from '../../../src/validation/index.js';
import { FakeProcess } from '../../helpers/fake-process.js';
import { recordingLogger } from '../../helpers/recording-logger.js';
import { until } from '../testing/pubsub/helpers.js';

let standIn: PubSubStandIn;
let pubsub: PubSub;
const subscriptions: Subscription[] = [];

beforeAll(async () => {
  standIn = await startPubSubStandIn({ projectId: 'handler-shutdown' });
  pubsub = standIn.client();
});

afterAll(async () => {
  for (const subscription of subscriptions) await subscription.close();
  await pubsub.close();
  await standIn.close();
});

async function pipeline(name: string) {
  const [topic] = await pubsub.createTopic(name);
  await topic.createSubscription(`${name}-sub`, { ackDeadlineSeconds: 60 });
  const subscription = pubsub.subscription(`${name}-sub`);
  subscriptions.push(subscription);
  return { topic, subscription };
}

const completion = { processor_name: 'BdlGamesProcessor', game_date: '2026-01-23' };

describe('createMessageHandler on SIGTERM, with the real streaming-pull client', () => {
  it('a handling that finishes within the drain is acked; the process is killed only after', async () => {
    const { topic, subscription } = await pipeline('drained');
    const fake = new FakeProcess();
    const coordinator = createShutdownCoordinator({
      process: fake,
      signals: ['SIGTERM'],
      timeoutMs: 5_000,
      logger: recordingLogger(),
    });
    let finish: () => void = () => {};
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
      { onInvalid: 'nack', shutdown: coordinator },
    );
    let started = false;
    subscription.on('message', (message: Message) => {
      started = true;
      void handler.subscription(message);
    });
    await publishValidated(topic, Phase2CompletionMessage, completion);
    await until(() => started, 5_000, 'the handling started');
    fake.emit('SIGTERM');
    await until(() => coordinator.state === 'running', 5_000, 'the shutdown running');
    expect(fake.kills).toEqual([]);
    finish();
    await until(() => fake.kills.length === 1, 5_000, 'the process killed');
    await until(() => standIn.subscriptionStats('drained-sub')?.acked === 1, 5_000, 'the message acked');
    expect(standIn.subscriptionStats('drained-sub')).toMatchObject({ acked: 1, nacked: 0 });
  });

  it('a handling still running when the drain is up is nacked and redelivered, never acked', async () => {
    const { topic, subscription } = await pipeline('cut');
    const fake = new FakeProcess();
    const coordinator = createShutdownCoordinator({
      process: fake,
      signals: ['SIGTERM'],
      timeoutMs: 400,
      logger: recordingLogger(),
    });
    const calls: MessageMeta[] = [];
    const hangs = createMessageHandler(
      Phase2CompletionMessage,
      (_data, meta) => {
        calls.push(meta);
        return new Promise<void>(() => {});
      },
      { onInvalid: 'nack', shutdown: coordinator },
    );
    subscription.on('message', (message: Message) => void hangs.subscription(message));
    await publishValidated(topic, Phase2CompletionMessage, completion);
    await until(() => calls.length === 1, 5_000, 'the handling started');
    const report = await coordinator.shutdown('SIGTERM');
    expect(report.tasks).toEqual([
      { name: 'createMessageHandler Phase2CompletionMessage: handlings in flight', status: 'timed_out' },
      { name: 'createMessageHandler Phase2CompletionMessage: answers being sent', status: 'timed_out' },
    ]);
    expect(calls[0]?.signal?.aborted).toBe(true);
    // The nack left the client within the shutdown: Pub/Sub has it when the shutdown ends.
    expect(standIn.subscriptionStats('cut-sub')?.nacked).toBeGreaterThanOrEqual(1);
    expect(standIn.subscriptionStats('cut-sub')?.acked).toBe(0);
    // Redelivered: the next delivery reaches the handler (which now refuses it: shutting down).
    await until(
      () => (standIn.subscriptionStats('cut-sub')?.nacked ?? 0) >= 2,
      5_000,
      'the redelivery nacked',
    );
    expect(calls).toHaveLength(1);
    expect(standIn.subscriptionStats('cut-sub')?.acked).toBe(0);
  });

  it('on SIGTERM the nack of a handling cut off by the drain reaches Pub/Sub before the process is killed', async () => {
    const { topic, subscription } = await pipeline('cut-kill');
    let nackedAtKill: number | undefined;
    const fake = new (class extends FakeProcess {
      override kill(pid: number, signal: NodeJS.Signals): boolean {
        nackedAtKill = standIn.subscriptionStats('cut-kill-sub')?.nacked;
        return super.kill(pid, signal);
      }
    })();
    const clock = createTestClock();
    const coordinator = createShutdownCoordinator({
      process: fake,
      signals: ['SIGTERM'],
      clock,
      logger: recordingLogger(),
    });
    let started = false;
    const hangs = createMessageHandler(
      Phase2CompletionMessage,
      () => {
        started = true;
        return new Promise<void>(() => {});
      },
      { onInvalid: 'nack', shutdown: coordinator },
    );
    subscription.on('message', (message: Message) => void hangs.subscription(message));
    await publishValidated(topic, Phase2CompletionMessage, completion);
    await until(() => started, 5_000, 'the handling started');
    fake.emit('SIGTERM');
    // The drain's 7 s of the 8 s are up: the handling is cut off and nacked.
    clock.advance(7_000);
    await until(() => (standIn.subscriptionStats('cut-kill-sub')?.nacked ?? 0) >= 1, 5_000, 'the nack sent');
    // The stand-in redelivers the nacked message at once and the handler refuses it, so the
    // client's queues are never idle: its flush ends only with the shutdown's total limit.
    clock.advance(1_000);
    await until(() => fake.kills.length === 1, 5_000, 'the process killed');
    expect(nackedAtKill).toBeGreaterThanOrEqual(1);
    expect(standIn.subscriptionStats('cut-kill-sub')?.acked).toBe(0);
  });

  for (const behavior of ['NACK', 'WAIT'] as const) {
    it(`a subscription closed by a task of the same shutdown (closeOptions.behavior ${behavior}) ${behavior === 'WAIT' ? 'lets the drain ack its handlings' : 'nacks the handlings still in the drain: their acks are ignored'}`, async () => {
      const name = `close-${behavior.toLowerCase()}`;
      const [topic] = await pubsub.createTopic(name);
      await topic.createSubscription(`${name}-sub`, { ackDeadlineSeconds: 60 });
      const subscription = pubsub.subscription(`${name}-sub`, {
        closeOptions: { behavior },
      });
      const fake = new FakeProcess();
      const coordinator = createShutdownCoordinator({
        process: fake,
        signals: ['SIGTERM'],
        timeoutMs: 8_000,
        logger: recordingLogger(),
      });
      coordinator.onShutdown(() => subscription.close(), { name: 'subscription' });
      let finish: () => void = () => {};
      let started = false;
      const handler = createMessageHandler(
        Phase2CompletionMessage,
        () => {
          started = true;
          return new Promise<void>((resolve) => {
            finish = resolve;
          });
        },
        { onInvalid: 'nack', shutdown: coordinator },
      );
      subscription.on('message', (message: Message) => void handler.subscription(message));
      await publishValidated(topic, Phase2CompletionMessage, completion);
      await until(() => started, 5_000, 'the handling started');
      fake.emit('SIGTERM');
      await until(() => coordinator.state === 'running', 5_000, 'the shutdown running');
      await new Promise((resolve) => setTimeout(resolve, 50));
      finish();
      await until(() => fake.kills.length === 1, 10_000, 'the process killed');
      const stats = standIn.subscriptionStats(`${name}-sub`);
      if (behavior === 'WAIT') expect(stats).toMatchObject({ acked: 1, nacked: 0 });
      else expect(stats).toMatchObject({ acked: 0, nacked: 1 });
    });
  }
});
