import { describe, expect, it } from 'vitest';
import { createShutdownCoordinator } from '../../../src/shutdown/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { createMessageHandler, Phase2CompletionMessage } from '../../../src/validation/index.js';
import { FakeProcess } from '../../helpers/fake-process.js';
import {
  controlledWork,
  coordinatorOnFakeProcess,
  recordingLogger,
  settle,
  subscriberMessage,
} from './fakes.js';

const good = Buffer.from(JSON.stringify({ processor_name: 'BdlGamesProcessor', game_date: '2026-01-23' }));

/** A streaming-pull message whose subscriber's flush (`_waitForFlush`) settles when the test says. */
function batchedMessage() {
  const message = subscriberMessage(good);
  const flushes: Array<() => void> = [];
  Object.assign(message, {
    _subscriber: {
      _waitForFlush: () =>
        new Promise<void>((resolve) => {
          flushes.push(resolve);
        }),
    },
  });
  return { message, flushes };
}

describe('createMessageHandler on SIGTERM: the nacks the drain sends are flushed before the process ends', () => {
  it('the nack of a handling cut off at the drain deadline is flushed within the rest of the limit', async () => {
    const { clock, fake, coordinator } = coordinatorOnFakeProcess();
    const { work } = controlledWork();
    const handler = createMessageHandler(Phase2CompletionMessage, work, {
      onInvalid: 'nack',
      shutdown: coordinator,
      clock,
    });
    const { message, flushes } = batchedMessage();
    const done = handler.subscription(message);
    await settle();
    fake.emit('SIGTERM');
    await settle();
    // 8 s in total, the drain's task 7 s: the last second is for the answers of those cut off.
    clock.advance(7_000);
    await done;
    expect([message.acks, message.nacks]).toEqual([0, 1]);
    await settle();
    expect(flushes).toHaveLength(1);
    // Nacked, not yet sent: the process must not end now (Pub/Sub would redeliver only when the
    // lease runs out, not at once).
    expect(fake.kills).toEqual([]);
    flushes[0]!();
    for (let i = 0; i < 10 && fake.kills.length === 0; i++) await settle();
    expect(fake.kills).toHaveLength(1);
  });

  it("a nack flush that never settles is given up at the shutdown's total limit", async () => {
    const { clock, fake, coordinator } = coordinatorOnFakeProcess();
    const { work } = controlledWork();
    const handler = createMessageHandler(Phase2CompletionMessage, work, {
      onInvalid: 'nack',
      shutdown: coordinator,
      clock,
    });
    const { message, flushes } = batchedMessage();
    void handler.subscription(message);
    await settle();
    fake.emit('SIGTERM');
    await settle();
    clock.advance(7_000);
    await settle();
    expect(flushes).toHaveLength(1);
    expect(fake.kills).toEqual([]);
    clock.advance(1_000);
    for (let i = 0; i < 10 && fake.kills.length === 0; i++) await settle();
    expect(fake.kills).toHaveLength(1);
    expect([message.acks, message.nacks]).toEqual([0, 1]);
  });

  it('the nack of a delivery refused because the shutdown began is flushed before the process ends', async () => {
    const { fake, coordinator } = coordinatorOnFakeProcess();
    const { calls, work } = controlledWork();
    const handler = createMessageHandler(Phase2CompletionMessage, work, {
      onInvalid: 'nack',
      shutdown: coordinator,
    });
    const running = subscriberMessage(Buffer.from(good));
    const first = handler.subscription(running);
    await settle();
    fake.emit('SIGTERM');
    await settle();
    const { message, flushes } = batchedMessage();
    message.id = 'sub-2';
    await handler.subscription(message);
    expect([message.acks, message.nacks, calls.length]).toEqual([0, 1, 1]);
    calls[0]!.resolve();
    await first;
    await settle();
    expect(flushes).toHaveLength(1);
    expect(fake.kills).toEqual([]);
    flushes[0]!();
    for (let i = 0; i < 10 && fake.kills.length === 0; i++) await settle();
    expect(fake.kills).toHaveLength(1);
  });
});

describe('createMessageHandler on SIGTERM: a nack still leaving when the drain ends is waited for in the rest of the limit', () => {
  it('the nack of a delivery refused just before the drain deadline is flushed before the process ends', async () => {
    const { clock, fake, coordinator } = coordinatorOnFakeProcess();
    const { work } = controlledWork();
    const handler = createMessageHandler(Phase2CompletionMessage, work, {
      onInvalid: 'nack',
      shutdown: coordinator,
      clock,
    });
    // A long handling keeps the drain going to its deadline (7 s of the 8 s limit).
    const long = batchedMessage();
    void handler.subscription(long.message);
    await settle();
    fake.emit('SIGTERM');
    await settle();
    clock.advance(6_900);
    await settle();
    const late = batchedMessage();
    late.message.id = 'sub-late';
    await handler.subscription(late.message);
    expect([late.message.acks, late.message.nacks]).toEqual([0, 1]);
    expect(late.flushes).toHaveLength(1);
    clock.advance(100);
    await settle();
    // The long handling was cut off and nacked; its nack is sent at once.
    expect(long.flushes).toHaveLength(1);
    long.flushes[0]!();
    for (let i = 0; i < 10; i++) await settle();
    // Before: the refused delivery's nack was held by the drain's own task only, which had just
    // ended: the run ended with it still batched in the client, and the process was killed.
    expect(fake.kills).toEqual([]);
    late.flushes[0]!();
    for (let i = 0; i < 10 && fake.kills.length === 0; i++) await settle();
    expect(fake.kills).toHaveLength(1);
  });
});

describe('createMessageHandler on SIGTERM: an ack still leaving when the drain ends is waited for in the rest of the limit', () => {
  it('the ack of a handling that finished just before the drain deadline is flushed before the process ends', async () => {
    const { clock, fake, coordinator } = coordinatorOnFakeProcess();
    const { calls, work } = controlledWork();
    const handler = createMessageHandler(Phase2CompletionMessage, work, {
      onInvalid: 'nack',
      shutdown: coordinator,
      clock,
    });
    const { message, flushes } = batchedMessage();
    const done = handler.subscription(message);
    await settle();
    fake.emit('SIGTERM');
    await settle();
    clock.advance(6_900);
    calls[0]!.resolve();
    await settle();
    expect(flushes).toHaveLength(1);
    clock.advance(100);
    await done;
    for (let i = 0; i < 10; i++) await settle();
    // Before: the drain stopped waiting for it at its deadline and the run ended: killed with the
    // ack still batched in the client, the message redelivered and its work done again.
    expect([message.acks, message.nacks, fake.kills.length]).toEqual([1, 0, 0]);
    flushes[0]!();
    for (let i = 0; i < 10 && fake.kills.length === 0; i++) await settle();
    expect(fake.kills).toHaveLength(1);
  });
});

describe('createMessageHandler on SIGTERM: a redelivery answered with a finished handling is flushed before the process ends', () => {
  // The redelivery arrives d microtasks after the first delivery's flush settled: while the drain
  // lets go of that handling, the coordinator ends its run and the process is killed.
  it('whatever microtask it arrives in after the first flush settled', async () => {
    for (let d = 0; d <= 40; d++) {
      const clock = createTestClock();
      let ackedAtKill: number | undefined;
      let againSent = false;
      let sentAtKill: boolean | undefined;
      const again = batchedMessage();
      const fake = new (class extends FakeProcess {
        override kill(pid: number, signal: NodeJS.Signals): boolean {
          ackedAtKill = again.message.acks;
          sentAtKill = againSent;
          return super.kill(pid, signal);
        }
      })();
      const coordinator = createShutdownCoordinator({
        process: fake,
        signals: ['SIGTERM'],
        clock,
        logger: recordingLogger(),
      });
      const { calls, work } = controlledWork();
      const handler = createMessageHandler(Phase2CompletionMessage, work, {
        onInvalid: 'nack',
        shutdown: coordinator,
        clock,
      });
      const first = batchedMessage();
      const firstDone = handler.subscription(first.message);
      await settle();
      fake.emit('SIGTERM');
      await settle();
      calls[0]!.resolve();
      for (let i = 0; i < 10 && first.flushes.length === 0; i++) await settle();
      expect(first.flushes).toHaveLength(1);
      first.flushes[0]!();
      for (let i = 0; i < d; i++) await Promise.resolve();
      const againDone = handler.subscription(again.message);
      await settle();
      if (fake.kills.length === 0) {
        for (const flush of again.flushes) flush();
        againSent = true;
      }
      await Promise.all([firstDone, againDone]);
      for (let i = 0; i < 10 && fake.kills.length === 0; i++) await settle();
      expect({ d, kills: fake.kills.length }).toEqual({ d, kills: 1 });
      // Acked before the kill (the newest ack id of work that was done): its flush was called and
      // had settled by then. (Refused once the run is over, it is nacked without a wait: see the
      // decisions.)
      if (ackedAtKill !== 0)
        expect({ d, flushes: again.flushes.length, sentAtKill }).toEqual({ d, flushes: 1, sentAtKill: true });
      expect(calls).toHaveLength(1);
    }
  });
});

describe('createMessageHandler on SIGTERM: a push reply written a few microtasks after push() resolves', () => {
  for (const via of ['push', 'cloudEvent'] as const) {
    it(`goes out before the process is killed (${via})`, async () => {
      for (const awaits of [0, 3, 10]) {
        const { fake, coordinator } = coordinatorOnFakeProcess();
        const { calls, work } = controlledWork();
        const handler = createMessageHandler(Phase2CompletionMessage, work, {
          onInvalid: 'nack',
          shutdown: coordinator,
        });
        const events: string[] = [];
        const kill = fake.kill.bind(fake);
        fake.kill = (pid, signal) => {
          events.push('kill');
          return kill(pid, signal);
        };
        const body = { message: { data: good.toString('base64'), messageId: 'push-1' } };
        const event = { id: 'e-1', data: { message: { data: good.toString('base64'), messageId: 'ce-1' } } };
        // The application's middleware, then the reply (what a framework does after the await).
        const request = (via === 'push' ? handler.push(body) : handler.cloudEvent(event)).then(async () => {
          for (let i = 0; i < awaits; i++) await Promise.resolve();
          events.push('replied');
        });
        await settle();
        fake.emit('SIGTERM');
        await settle();
        calls[0]!.resolve();
        await request;
        await new Promise((resolve) => setImmediate(resolve));
        await settle();
        expect({ awaits, events }).toEqual({ awaits, events: ['replied', 'kill'] });
      }
    });
  }
});

describe('createMessageHandler once a shutdown has finished and the process keeps running', () => {
  it('a push answered without a body starts no shutdown run of its own (the report does not grow per push)', async () => {
    const clock = createTestClock();
    const logger = recordingLogger();
    const coordinator = createShutdownCoordinator({
      process: new FakeProcess(),
      signals: ['SIGTERM'],
      clock,
      logger,
    });
    const handler = createMessageHandler(Phase2CompletionMessage, () => undefined, {
      onInvalid: 'nack',
      shutdown: coordinator,
      clock,
    });
    // A batch job's manual shutdown, or a SIGTERM the application handles itself: the server is
    // still up for a while and requests keep coming.
    expect((await coordinator.shutdown()).tasks).toEqual([]);
    const runs = () => logger.entries.filter((e) => /running \d+ task/.test(e.message)).length;
    expect(runs()).toBe(1);
    for (let i = 0; i < 3; i++) {
      expect(await handler.push(undefined)).toEqual({ status: 500, outcome: 'no_body' });
      await new Promise((resolve) => setImmediate(resolve));
      await settle();
    }
    // Before: each 500 was held for a reply turn in a run of its own, a task "answers being sent"
    // added to the report for ever, two log lines per request. A reply that is not an ack costs
    // nothing when lost (Pub/Sub redelivers either way).
    expect(runs()).toBe(1);
    expect((await coordinator.shutdown()).tasks).toEqual([]);
  });
});
