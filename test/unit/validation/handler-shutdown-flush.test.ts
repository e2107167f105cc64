import { describe, expect, it } from 'vitest';
import { createMessageHandler, Phase2CompletionMessage } from '../../../src/validation/index.js';
import { controlledWork, coordinatorOnFakeProcess, settle, subscriberMessage } from './fakes.js';

const good = Buffer.from(JSON.stringify({ processor_name: 'BdlGamesProcessor', game_date: '2026-01-23' }));

/**
 * A streaming-pull message whose subscriber holds its answers until `flushed()`, as the client's
 * ack batch does (`_waitForFlush`, where `@google-cloud/pubsub` keeps it).
 */
function batchedMessage(flush: () => PromiseLike<unknown> = () => Promise.resolve()) {
  const message = subscriberMessage(good);
  let flushes = 0;
  Object.assign(message, {
    _subscriber: {
      _waitForFlush() {
        flushes += 1;
        return flush();
      },
    },
  });
  return { message, flushes: () => flushes };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await Promise.resolve();
  expect(condition()).toBe(true);
}

describe('createMessageHandler: the answer of a handling that ends during the drain leaves before the process', () => {
  it('the shutdown waits for the client to send the ack, then kills the process', async () => {
    const { fake, coordinator } = coordinatorOnFakeProcess();
    const { calls, work } = controlledWork();
    const handler = createMessageHandler(Phase2CompletionMessage, work, {
      onInvalid: 'nack',
      shutdown: coordinator,
    });
    let sent: () => void = () => {};
    const { message, flushes } = batchedMessage(
      () =>
        new Promise<void>((resolve) => {
          sent = resolve;
        }),
    );
    const done = handler.subscription(message);
    await settle();
    fake.emit('SIGTERM');
    await settle();
    calls[0]!.resolve();
    await until(() => flushes() === 1);
    expect(message.acks).toBe(1);
    await settle();
    // Acked but not yet sent: the process must not end now.
    expect(fake.kills).toEqual([]);
    sent();
    await done;
    await until(() => fake.kills.length === 1);
  });

  it('outside a shutdown the answer is not flushed (the client keeps batching)', async () => {
    const { coordinator } = coordinatorOnFakeProcess();
    const handler = createMessageHandler(Phase2CompletionMessage, async () => {}, {
      onInvalid: 'nack',
      shutdown: coordinator,
    });
    const { message, flushes } = batchedMessage();
    await handler.subscription(message);
    expect(message.acks).toBe(1);
    expect(flushes()).toBe(0);
  });

  it('a flush that never settles is given up at the total limit: the ack stands, never turned into a nack', async () => {
    const { clock, coordinator } = coordinatorOnFakeProcess();
    const { calls, work } = controlledWork();
    const handler = createMessageHandler(Phase2CompletionMessage, work, {
      onInvalid: 'nack',
      shutdown: coordinator,
      clock,
    });
    const { message, flushes } = batchedMessage(() => new Promise<void>(() => {}));
    const done = handler.subscription(message);
    await settle();
    const report = coordinator.shutdown('SIGTERM');
    await settle();
    calls[0]!.resolve();
    await until(() => flushes() === 1);
    clock.advance(7_000);
    await done;
    expect([message.acks, message.nacks]).toEqual([1, 0]);
    // Past the drain's deadline the ack still leaving is held in the rest of the limit (the last
    // second, for the answers), then given up.
    await settle();
    clock.advance(1_000);
    expect((await report).tasks).toEqual([
      { name: 'createMessageHandler Phase2CompletionMessage: handlings in flight', status: 'timed_out' },
      { name: 'createMessageHandler Phase2CompletionMessage: answers being sent', status: 'timed_out' },
    ]);
    expect([message.acks, message.nacks]).toEqual([1, 0]);
  });

  it('a flush that throws or rejects leaves nothing to wait for; subscription() still resolves', async () => {
    for (const flush of [
      () => {
        throw new Error('closed');
      },
      () => Promise.reject(new Error('closed')),
    ]) {
      const { fake, coordinator } = coordinatorOnFakeProcess();
      const { calls, work } = controlledWork();
      const handler = createMessageHandler(Phase2CompletionMessage, work, {
        onInvalid: 'nack',
        shutdown: coordinator,
      });
      const { message } = batchedMessage(flush);
      const done = handler.subscription(message);
      await settle();
      fake.emit('SIGTERM');
      await settle();
      calls[0]!.resolve();
      await done;
      expect(message.acks).toBe(1);
      await until(() => fake.kills.length === 1);
    }
  });

  it('a redelivery that joined a running handling is answered inside the drain, with that handling', async () => {
    const { fake, coordinator } = coordinatorOnFakeProcess();
    const { calls, work } = controlledWork();
    const handler = createMessageHandler(Phase2CompletionMessage, work, {
      onInvalid: 'nack',
      shutdown: coordinator,
    });
    const sent: Array<() => void> = [];
    const hold = () =>
      new Promise<void>((resolve) => {
        sent.push(resolve);
      });
    const first = batchedMessage(hold);
    // The lease ran out mid-handling: Pub/Sub delivers the message again, with a newer ack id.
    const again = batchedMessage(hold);
    const firstDone = handler.subscription(first.message);
    await settle();
    const againDone = handler.subscription(again.message);
    await settle();
    expect(calls).toHaveLength(1);
    fake.emit('SIGTERM');
    await settle();
    calls[0]!.resolve();
    await until(() => again.message.acks === 1);
    // Both answers were queued before the drain ended: the newer ack id's ack is not left behind.
    expect(first.message.acks).toBe(1);
    expect(fake.kills).toEqual([]);
    for (const resolve of sent) resolve();
    await Promise.all([firstDone, againDone]);
    await until(() => fake.kills.length === 1);
    expect(again.flushes() + first.flushes()).toBeGreaterThanOrEqual(2);
  });

  it('a redelivery that joins once the handling answered, while its flush is pending, is answered at once and flushed inside the drain', async () => {
    const { fake, coordinator } = coordinatorOnFakeProcess();
    const { calls, work } = controlledWork();
    const handler = createMessageHandler(Phase2CompletionMessage, work, {
      onInvalid: 'nack',
      shutdown: coordinator,
    });
    const sent: Array<() => void> = [];
    const hold = () =>
      new Promise<void>((resolve) => {
        sent.push(resolve);
      });
    const first = batchedMessage(hold);
    const again = batchedMessage(hold);
    const firstDone = handler.subscription(first.message);
    await settle();
    fake.emit('SIGTERM');
    await settle();
    calls[0]!.resolve();
    await until(() => first.flushes() === 1);
    // The first answer is sent, its flush pending: now the redelivery arrives.
    const againDone = handler.subscription(again.message);
    await until(() => again.message.acks === 1);
    await until(() => again.flushes() === 1);
    expect([again.message.nacks, calls.length]).toEqual([0, 1]);
    sent[0]!();
    await settle();
    // The redelivery's ack (the newest ack id) is still on its way: the process must not end yet.
    expect(fake.kills).toEqual([]);
    sent[1]!();
    await Promise.all([firstDone, againDone]);
    await until(() => fake.kills.length === 1);
  });

  it("a joined delivery whose flush throws or rejects does not end the drain's wait for the others", async () => {
    for (const broken of [
      () => {
        throw new Error('closed');
      },
      () => Promise.reject(new Error('closed')),
    ]) {
      const { fake, coordinator } = coordinatorOnFakeProcess();
      const { calls, work } = controlledWork();
      const handler = createMessageHandler(Phase2CompletionMessage, work, {
        onInvalid: 'nack',
        shutdown: coordinator,
      });
      let sent: () => void = () => {};
      const first = batchedMessage(broken);
      const again = batchedMessage(
        () =>
          new Promise<void>((resolve) => {
            sent = resolve;
          }),
      );
      const firstDone = handler.subscription(first.message);
      await settle();
      const againDone = handler.subscription(again.message);
      await settle();
      fake.emit('SIGTERM');
      await settle();
      calls[0]!.resolve();
      await until(() => again.flushes() === 1);
      await settle();
      expect(fake.kills).toEqual([]);
      sent();
      await Promise.all([firstDone, againDone]);
      expect([first.message.acks, again.message.acks]).toEqual([1, 1]);
      await until(() => fake.kills.length === 1);
    }
  });

  it('redeliveries of a handling the drain cut off get its nack, joined before or after the cut', async () => {
    const { clock, coordinator } = coordinatorOnFakeProcess();
    const { calls, work } = controlledWork();
    const handler = createMessageHandler(Phase2CompletionMessage, work, {
      onInvalid: 'nack',
      shutdown: coordinator,
      clock,
    });
    const first = batchedMessage();
    const before = batchedMessage();
    const firstDone = handler.subscription(first.message);
    await settle();
    const beforeDone = handler.subscription(before.message);
    await settle();
    const report = coordinator.shutdown('SIGTERM');
    await settle();
    clock.advance(7_000);
    await Promise.all([firstDone, beforeDone]);
    const after = batchedMessage();
    await handler.subscription(after.message);
    // The work ends after the cut: nothing is acked for it.
    calls[0]!.resolve();
    await settle();
    await report;
    expect(calls).toHaveLength(1);
    for (const { message } of [first, before, after]) expect([message.acks, message.nacks]).toEqual([0, 1]);
  });
});
