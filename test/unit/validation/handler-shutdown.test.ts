import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/errors/index.js';
import { defaultShutdownCoordinator } from '../../../src/shutdown/index.js';
import { createMessageHandler, Phase2CompletionMessage } from '../../../src/validation/index.js';
import {
  controlledWork,
  coordinatorOnFakeProcess,
  recordingLogger,
  settle,
  subscriberMessage,
} from './fakes.js';

const good = Buffer.from(JSON.stringify({ processor_name: 'BdlGamesProcessor', game_date: '2026-01-23' }));

describe('createMessageHandler and the shutdown coordinator', () => {
  it('by default a handling in flight joins the process-wide shutdown, and leaves when it is answered', async () => {
    const { calls, work } = controlledWork();
    const handler = createMessageHandler(Phase2CompletionMessage, work, { onInvalid: 'nack' });
    const before = defaultShutdownCoordinator().size;
    const message = subscriberMessage(good);
    const done = handler.subscription(message);
    await settle();
    expect(defaultShutdownCoordinator().size).toBe(before + 1);
    calls[0]!.resolve();
    await done;
    expect(message.acks).toBe(1);
    expect(defaultShutdownCoordinator().size).toBe(before);
  });

  it('SIGTERM waits for the handlings in flight: one that finishes within the drain is acked before the shutdown ends', async () => {
    const { fake, coordinator } = coordinatorOnFakeProcess();
    const { calls, work } = controlledWork();
    const handler = createMessageHandler(Phase2CompletionMessage, work, {
      onInvalid: 'nack',
      shutdown: coordinator,
    });
    const order: string[] = [];
    const message = subscriberMessage(good);
    const done = handler.subscription(message).then(() => order.push(`answered ack=${message.acks}`));
    await settle();
    fake.emit('SIGTERM');
    await settle();
    expect(coordinator.state).toBe('running');
    expect(message.acks + message.nacks).toBe(0);
    calls[0]!.resolve();
    await done;
    await until(() => fake.kills.length === 1);
    order.push('process killed');
    expect(order).toEqual(['answered ack=1', 'process killed']);
    expect(message.nacks).toBe(0);
  });

  it('a handling still running when the drain is up is nacked (never acked), its signal aborted, a margin before the limit', async () => {
    const { clock, coordinator } = coordinatorOnFakeProcess();
    const { calls, work } = controlledWork();
    const logger = recordingLogger();
    const handler = createMessageHandler(Phase2CompletionMessage, work, {
      onInvalid: 'nack',
      shutdown: coordinator,
      clock,
      logger,
    });
    const message = subscriberMessage(good);
    const done = handler.subscription(message);
    await settle();
    const report = coordinator.shutdown('SIGTERM');
    await settle();
    // The coordinator's limit is 8 s; the handlings' drain ends 1 s before it for the answers.
    clock.advance(6_999);
    await settle();
    expect(message.acks + message.nacks).toBe(0);
    clock.advance(1);
    await done;
    expect([message.acks, message.nacks]).toEqual([0, 1]);
    const signal = calls[0]!.meta.signal!;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toMatchObject({ code: 'SHUTTING_DOWN' });
    expect((await report).tasks).toEqual([
      { name: 'createMessageHandler Phase2CompletionMessage: handlings in flight', status: 'timed_out' },
    ]);

    // The call finishes after all: logged, the message is not answered twice.
    calls[0]!.resolve();
    await settle();
    expect([message.acks, message.nacks]).toEqual([0, 1]);
    expect(logger.entries.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/cut off by the shutdown ended after all \(processed\)/),
    );
  });

  it('a delivery that arrives once the shutdown has begun is nacked without running the handler', async () => {
    const { coordinator } = coordinatorOnFakeProcess();
    let calls = 0;
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      () => {
        calls += 1;
      },
      { onInvalid: 'nack', shutdown: coordinator },
    );
    await coordinator.shutdown('SIGTERM');
    const message = subscriberMessage(good);
    await handler.subscription(message);
    expect([message.acks, message.nacks, calls]).toEqual([0, 1, 0]);
    const push = await handler.push({ message: { data: good.toString('base64'), messageId: 'late-1' } });
    expect(push).toEqual({ status: 503, outcome: 'retry' });
    await expect(
      handler.cloudEvent({
        specversion: '1.0',
        id: 'e-1',
        source: '//pubsub.googleapis.com/projects/p/topics/t',
        type: 'google.cloud.pubsub.topic.v1.messagePublished',
        data: { message: { data: good.toString('base64'), messageId: 'late-2' } },
      }),
    ).rejects.toSatisfy((error) => error instanceof PipelineError && error.code === 'SHUTTING_DOWN');
  });

  it('a redelivery that joined a handling cut off by the shutdown gets the same redelivery answer', async () => {
    const { clock, coordinator } = coordinatorOnFakeProcess();
    const { work } = controlledWork();
    const handler = createMessageHandler(Phase2CompletionMessage, work, {
      onInvalid: 'nack',
      shutdown: coordinator,
      clock,
    });
    const first = handler.handle({ message: { data: good.toString('base64'), messageId: 'm-1' } });
    await settle();
    const second = handler.handle({ message: { data: good.toString('base64'), messageId: 'm-1' } });
    void coordinator.shutdown('SIGTERM');
    await settle();
    clock.advance(7_000);
    const results = await Promise.all([first, second]);
    expect(results.map((r) => [r.ack, r.outcome, r.error?.code])).toEqual([
      [false, 'retry', 'SHUTTING_DOWN'],
      [false, 'retry', 'SHUTTING_DOWN'],
    ]);
  });

  it('shutdown: false joins nothing; anything else but a coordinator is refused, naming the option', async () => {
    const { coordinator } = coordinatorOnFakeProcess();
    const { calls, work } = controlledWork();
    const handler = createMessageHandler(Phase2CompletionMessage, work, {
      onInvalid: 'nack',
      shutdown: false,
    });
    const before = defaultShutdownCoordinator().size;
    const done = handler.handle({ message: { data: good.toString('base64'), messageId: 'm-5' } });
    await settle();
    expect(defaultShutdownCoordinator().size).toBe(before);
    expect(coordinator.size).toBe(0);
    calls[0]!.resolve();
    expect(await done).toMatchObject({ ack: true });
    expect(() =>
      createMessageHandler(Phase2CompletionMessage, work, {
        onInvalid: 'nack',
        // @ts-expect-error: hostile input
        shutdown: true,
      }),
    ).toThrow(/createMessageHandler: option shutdown must be a shutdown coordinator/);
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await Promise.resolve();
  expect(condition()).toBe(true);
}

describe('createMessageHandler with a shutdown coordinator that misbehaves', () => {
  it('one whose onShutdown or leave throws: the message is still handled and answered, handle() never rejects', async () => {
    const logger = recordingLogger();
    const joinThrows = createMessageHandler(Phase2CompletionMessage, () => {}, {
      onInvalid: 'nack',
      logger,
      shutdown: {
        onShutdown() {
          throw new Error('coordinator broken');
        },
      } as never,
    });
    const message = subscriberMessage(good);
    await joinThrows.subscription(message);
    expect([message.acks, message.nacks]).toEqual([1, 0]);
    expect(logger.entries.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/shutdown coordinator threw; this message is handled without joining it/),
    );

    const leaveThrows = createMessageHandler(Phase2CompletionMessage, () => {}, {
      onInvalid: 'nack',
      logger,
      shutdown: {
        onShutdown: () => () => {
          throw new Error('cannot leave');
        },
      } as never,
    });
    expect(
      await leaveThrows.handle({ message: { data: good.toString('base64'), messageId: 'm-8' } }),
    ).toMatchObject({ ack: true, outcome: 'processed' });
    expect(logger.entries.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/leaving the shutdown coordinator threw/),
    );
  });
});
