import { describe, expect, it } from 'vitest';
import { OperationTimeoutError, PipelineError } from '../../../src/errors/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import {
  createMessageHandler,
  type MessageMeta,
  Phase2CompletionMessage,
} from '../../../src/validation/index.js';
import { controlledWork, RecordingTopic, recordingLogger, settle, subscriberMessage } from './fakes.js';

const good = Buffer.from(JSON.stringify({ processor_name: 'BdlGamesProcessor', game_date: '2026-01-23' }));

describe('createMessageHandler: handlerTimeoutMs', () => {
  it('a handling that never settles is answered for redelivery after the timeout, and a redelivery runs the handler again', async () => {
    const clock = createTestClock();
    const logger = recordingLogger();
    const { calls, work } = controlledWork();
    const handler = createMessageHandler(Phase2CompletionMessage, work, {
      onInvalid: 'nack',
      handlerTimeoutMs: 30_000,
      clock,
      logger,
    });
    const first = subscriberMessage(good, 1);
    const firstDone = handler.subscription(first);
    await settle();
    // Redelivered while the first call runs: it joins that handling.
    const joined = subscriberMessage(good, 2);
    const joinedDone = handler.subscription(joined);
    await settle();
    expect(calls).toHaveLength(1);

    clock.advance(29_999);
    await settle();
    expect([first.acks, first.nacks]).toEqual([0, 0]);
    clock.advance(1);
    await Promise.all([firstDone, joinedDone]);
    expect([first.acks, first.nacks, joined.acks, joined.nacks]).toEqual([0, 1, 0, 1]);
    const signal = calls[0]!.meta.signal!;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(OperationTimeoutError);

    // The next redelivery is not held by the call that never settled: it runs the handler again.
    const again = subscriberMessage(good, 3);
    const againDone = handler.subscription(again);
    await settle();
    expect(calls).toHaveLength(2);
    expect(calls[1]!.meta.signal?.aborted).toBe(false);
    calls[1]!.resolve();
    await againDone;
    expect([again.acks, again.nacks]).toEqual([1, 0]);

    // The old call's late success changes nothing: logged, no second answer.
    calls[0]!.resolve();
    await settle();
    expect([first.acks, first.nacks]).toEqual([0, 1]);
    expect(logger.entries.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/settled after its 30000 ms timeout \(succeeded\).*ignored/),
    );
  });

  it('the timeout is a transient failure whatever isTransient says; on the last attempt it is dead-lettered, never acked silently', async () => {
    const clock = createTestClock();
    const topic = new RecordingTopic();
    const outcomes: unknown[] = [];
    const handler = createMessageHandler(Phase2CompletionMessage, () => new Promise(() => {}), {
      deadLetterTopic: topic,
      maxDeliveryAttempts: 3,
      isTransient: () => false,
      handlerTimeoutMs: 1000,
      clock,
      onOutcome: (e) => outcomes.push([e.outcome, e.error?.code]),
    });
    const early = handler.handle({
      message: { data: good.toString('base64'), messageId: 'm-1' },
      deliveryAttempt: 2,
    });
    await settle();
    clock.advance(1000);
    expect(await early).toMatchObject({ ack: false, outcome: 'retry', error: { code: 'OPERATION_TIMEOUT' } });
    expect(topic.published).toEqual([]);

    const last = handler.handle({
      message: { data: good.toString('base64'), messageId: 'm-1' },
      deliveryAttempt: 3,
    });
    await settle();
    clock.advance(1000);
    expect(await last).toMatchObject({
      ack: true,
      outcome: 'dead_lettered',
      reason: 'max_delivery_attempts',
    });
    expect(topic.published[0]?.attributes).toMatchObject({
      dead_letter_reason: 'max_delivery_attempts',
      error_code: 'OPERATION_TIMEOUT',
    });
    expect(outcomes).toEqual([
      ['retry', 'OPERATION_TIMEOUT'],
      ['dead_lettered', 'OPERATION_TIMEOUT'],
    ]);
  });

  it('a late failure is logged, never an unhandled rejection, and push answers 503', async () => {
    const clock = createTestClock();
    const logger = recordingLogger();
    const { calls, work } = controlledWork();
    const handler = createMessageHandler(Phase2CompletionMessage, work, {
      onInvalid: 'nack',
      handlerTimeoutMs: 50,
      clock,
      logger,
    });
    const answer = handler.push({ message: { data: good.toString('base64'), messageId: 'm-7' } });
    await settle();
    clock.advance(50);
    expect(await answer).toEqual({ status: 503, outcome: 'retry' });
    calls[0]!.reject(new Error('gave up on abort'));
    await settle();
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', message: expect.stringMatching(/\(failed\)/) }),
    );
  });

  it('a handler that settles in time is untouched: its signal is never aborted, no timer is left', async () => {
    const clock = createTestClock();
    let seen: MessageMeta | undefined;
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      (_data, meta) => {
        seen = meta;
      },
      { onInvalid: 'nack', clock },
    );
    const message = subscriberMessage(good);
    await handler.subscription(message);
    expect(message.acks).toBe(1);
    expect(seen?.signal?.aborted).toBe(false);
    expect(clock.pendingTimers).toBe(0);
    // The meta stays its four fields when compared or spread.
    expect(Object.keys(seen!)).toEqual(['messageId', 'attributes', 'publishTime', 'deliveryAttempt']);
  });

  it('refuses a handlerTimeoutMs that is not a positive integer of milliseconds, naming the option', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      expect(() =>
        createMessageHandler(Phase2CompletionMessage, () => {}, { onInvalid: 'nack', handlerTimeoutMs: bad }),
      ).toThrow(/handlerTimeoutMs must be an integer/);
    }
  });

  it('defaults to 10 minutes', async () => {
    const clock = createTestClock();
    const handler = createMessageHandler(Phase2CompletionMessage, () => new Promise(() => {}), {
      onInvalid: 'nack',
      clock,
    });
    const answer = handler.handle({ message: { data: good.toString('base64'), messageId: 'm-9' } });
    await settle();
    clock.advance(599_999);
    await settle();
    clock.advance(1);
    expect(await answer).toMatchObject({
      outcome: 'retry',
      error: { code: 'OPERATION_TIMEOUT', timeoutMs: 600_000 },
    });
  });

  it('a dead-letter publish that never settles is a dead_letter_failed redelivery after the timeout, not a hang', async () => {
    const clock = createTestClock();
    const logger = recordingLogger();
    let land: (id: string) => void = () => {};
    const hanging = {
      name: 'projects/p/topics/dlq',
      publishMessage: () =>
        new Promise<string>((resolve) => {
          land = resolve;
        }),
    };
    const handler = createMessageHandler(Phase2CompletionMessage, () => {}, {
      deadLetterTopic: hanging,
      handlerTimeoutMs: 5000,
      clock,
      logger,
    });
    const invalid = subscriberMessage(Buffer.from('{"game_date": 7}'));
    const done = handler.subscription(invalid);
    await settle();
    clock.advance(5000);
    await done;
    expect([invalid.acks, invalid.nacks]).toEqual([0, 1]);
    land('late-id');
    await settle();
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', message: expect.stringMatching(/dead-lettered twice/) }),
    );
  });
});

describe('createMessageHandler: one limit for the whole handling, dead-lettering included', () => {
  /** A dead-letter topic whose publishes never settle, counting them. */
  function hangingTopic() {
    const topic = {
      name: 'projects/p/topics/dlq',
      calls: 0,
      publishMessage: () => new Promise<string>(() => {}),
    };
    topic.publishMessage = () => {
      topic.calls += 1;
      return new Promise<string>(() => {});
    };
    return topic;
  }

  it('last attempt: a handler that hangs and a dead-letter publish that hangs are answered at handlerTimeoutMs, not twice it', async () => {
    const clock = createTestClock();
    const topic = hangingTopic();
    const handler = createMessageHandler(Phase2CompletionMessage, () => new Promise(() => {}), {
      deadLetterTopic: topic,
      maxDeliveryAttempts: 3,
      handlerTimeoutMs: 1000,
      clock,
    });
    const message = subscriberMessage(good, 3);
    const done = handler.subscription(message);
    await settle();
    clock.advance(900);
    await settle();
    // The handler's share (nine tenths) is over: the dead-letter publish has the rest.
    expect(topic.calls).toBe(1);
    clock.advance(99);
    await settle();
    expect([message.acks, message.nacks]).toEqual([0, 0]);
    clock.advance(1);
    await done;
    expect([message.acks, message.nacks]).toEqual([0, 1]);
    expect(clock.now()).toBe(1000);
    expect(clock.pendingTimers).toBe(0);
  });

  it('a permanent failure late in the handler call leaves the dead-letter publish only what remains of the limit', async () => {
    const clock = createTestClock();
    const topic = hangingTopic();
    const { calls, work } = controlledWork();
    const handler = createMessageHandler(Phase2CompletionMessage, work, {
      deadLetterTopic: topic,
      handlerTimeoutMs: 10_000,
      clock,
    });
    const answer = handler.handle({ message: { data: good.toString('base64'), messageId: 'm-2' } });
    await settle();
    clock.advance(8_999);
    calls[0]!.reject(new PipelineError('bad row', { code: 'BAD_ROW', transient: false }));
    await settle();
    expect(topic.calls).toBe(1);
    clock.advance(1_000);
    expect(await answer).toMatchObject({
      ack: false,
      outcome: 'dead_letter_failed',
      reason: 'handler_failed',
    });
    expect(clock.now()).toBeLessThanOrEqual(10_000);
  });

  it("the dead-letter step's share is a tenth of the limit, at most 30 s; with 'nack' the handler has all of it", async () => {
    const clock = createTestClock();
    const hanging = (options: { deadLetterTopic?: ReturnType<typeof hangingTopic> }) =>
      createMessageHandler(Phase2CompletionMessage, () => new Promise(() => {}), {
        ...(options.deadLetterTopic ? { deadLetterTopic: options.deadLetterTopic } : { onInvalid: 'nack' }),
        clock,
      } as Parameters<typeof createMessageHandler>[2]);
    const withTopic = hanging({ deadLetterTopic: hangingTopic() }).handle({
      message: { data: good.toString('base64'), messageId: 'm-3' },
    });
    const nacking = hanging({}).handle({ message: { data: good.toString('base64'), messageId: 'm-4' } });
    await settle();
    clock.advance(570_000);
    expect(await withTopic).toMatchObject({ outcome: 'retry', error: { timeoutMs: 570_000 } });
    clock.advance(30_000);
    expect(await nacking).toMatchObject({ outcome: 'retry', error: { timeoutMs: 600_000 } });
  });

  it('refuses a handlerTimeoutMs too short to share between the handler and the dead-letter step', () => {
    expect(() =>
      createMessageHandler(Phase2CompletionMessage, () => {}, {
        deadLetterTopic: new RecordingTopic(),
        handlerTimeoutMs: 1,
      }),
    ).toThrow(/handlerTimeoutMs must be at least 2 when a failed message is dead-lettered/);
    expect(() =>
      createMessageHandler(Phase2CompletionMessage, () => {}, { onInvalid: 'nack', handlerTimeoutMs: 1 }),
    ).not.toThrow();
  });
});

describe('createMessageHandler: what else handlerTimeoutMs and clock bound', () => {
  const invalid = Buffer.from(JSON.stringify({ processor_name: '', game_date: 'yesterday' }));

  it("'ack-and-log' with a log write that never settles: redelivered after the timeout, not held for ever", async () => {
    const clock = createTestClock();
    const logger = { ...recordingLogger(), error: () => new Promise<void>(() => {}) };
    const handler = createMessageHandler(Phase2CompletionMessage, () => undefined, {
      onInvalid: 'ack-and-log',
      logger,
      clock,
      handlerTimeoutMs: 5_000,
    });
    const message = subscriberMessage(invalid);
    const done = handler.subscription(message);
    await settle();
    clock.advance(5_000);
    await done;
    expect([message.acks, message.nacks]).toEqual([0, 1]);
    const result = await (async () => {
      const pending = handler.handle(invalid);
      await settle();
      clock.advance(5_000);
      return pending;
    })();
    expect(result).toMatchObject({ ack: false, outcome: 'retry', error: { code: 'DISCARD_NOT_LOGGED' } });
    expect(result.error?.message).toContain('within 5000 ms');
    expect(clock.pendingTimers).toBe(0);
  });

  it('a clock whose schedule is not a function is refused when the handler is made', () => {
    expect(() =>
      createMessageHandler(Phase2CompletionMessage, () => undefined, {
        onInvalid: 'nack',
        clock: { now: () => 0, sleep: async () => {}, schedule: 5 } as never,
      }),
    ).toThrow(/clock\.schedule must be a function/);
  });
});

/** A handler made with a clock whose `schedule` does `schedule`, and how often its work ran. */
async function handledWith(schedule: () => never) {
  let calls = 0;
  const clock = { now: () => 0, sleep: async () => {}, schedule };
  const handler = createMessageHandler(
    Phase2CompletionMessage,
    () => {
      calls += 1;
    },
    { onInvalid: 'nack', clock },
  );
  const message = subscriberMessage(good);
  await handler.subscription(message);
  return { calls, answers: [message.acks, message.nacks] };
}

describe('createMessageHandler: a clock whose schedule misbehaves', () => {
  it('a schedule that throws fails the delivery before the handler does any work', async () => {
    const { calls, answers } = await handledWith(() => {
      throw new Error('timer table full');
    });
    expect(answers).toEqual([0, 1]);
    // Its outcome would have been lost: the work must not have run.
    expect(calls).toBe(0);
  });

  it.each([
    ['a timer handle (setTimeout’s return)', () => ({ ref() {}, unref() {} })],
    [
      'a cancel that throws',
      () => () => {
        throw new Error('already cancelled');
      },
    ],
  ])('a schedule returning %s: the handler’s success is acked, not lost to a retry', async (_, cancelOf) => {
    const { calls, answers } = await handledWith(() => cancelOf() as never);
    expect(calls).toBe(1);
    expect(answers).toEqual([1, 0]);
  });
});
