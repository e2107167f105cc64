import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../src/errors/index.js';
import { silentLogger } from '../../../src/logging/index.js';
import { createMessageHandler, Phase2CompletionMessage } from '../../../src/validation/index.js';
import { RecordingTopic, recordingLogger, subscriberMessage } from './fakes.js';

const good = { processor_name: 'BdlGamesProcessor', game_date: '2026-01-23' };
const invalid = { processor_name: '', game_date: 'yesterday' };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const push = (data: unknown) => ({
  message: { data: b64(data), attributes: {}, messageId: 'm-1' },
  subscription: 'projects/p/subscriptions/s',
});

/** Options as a JavaScript caller (or an untyped config) would pass them. */
const loose = (o: Record<string, unknown>) => o as never;

describe('the message handler never drops a message silently', () => {
  it('without a dead-letter topic, the choice must be made at construction (TypeError otherwise)', () => {
    expect(() => createMessageHandler(Phase2CompletionMessage, () => undefined, loose({}))).toThrow(
      TypeError,
    );
    expect(() => createMessageHandler(Phase2CompletionMessage, () => undefined, loose({}))).toThrow(
      /deadLetterTopic.*onInvalid/,
    );
    expect(() =>
      (createMessageHandler as (...args: unknown[]) => unknown)(Phase2CompletionMessage, () => undefined),
    ).toThrow(TypeError);
  });

  it("onInvalid: 'dead-letter' needs a topic", () => {
    expect(() =>
      createMessageHandler(Phase2CompletionMessage, () => undefined, loose({ onInvalid: 'dead-letter' })),
    ).toThrow(/deadLetterTopic/);
  });

  it("onInvalid: 'ack-and-log' needs a logger: acking with no trace is what it must not do", () => {
    expect(() =>
      createMessageHandler(Phase2CompletionMessage, () => undefined, loose({ onInvalid: 'ack-and-log' })),
    ).toThrow(/logger/);
  });

  it('an unknown onInvalid is refused', () => {
    expect(() =>
      createMessageHandler(Phase2CompletionMessage, () => undefined, loose({ onInvalid: 'drop' })),
    ).toThrow(/onInvalid/);
  });

  it("'ack-and-log' acks an invalid message and logs it at error level", async () => {
    const logger = recordingLogger();
    const handler = createMessageHandler(Phase2CompletionMessage, () => undefined, {
      onInvalid: 'ack-and-log',
      logger,
    });
    expect(await handler.push(push(invalid))).toEqual({ status: 200, outcome: 'discarded' });
    expect(logger.entries.filter((e) => e.level === 'error')).toHaveLength(1);
    expect(logger.entries[0]?.fields).toMatchObject({ outcome: 'discarded', reason: 'validation_failed' });
  });

  it("'ack-and-log' does not ack when the log line could not be written: it is redelivered", async () => {
    let failing = true;
    const written: string[] = [];
    const logger = {
      ...recordingLogger(),
      error: (message: string) => {
        if (failing) throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
        written.push(message);
      },
    };
    const handler = createMessageHandler(Phase2CompletionMessage, () => undefined, {
      onInvalid: 'ack-and-log',
      logger,
    });
    expect(await handler.push(push(invalid))).toEqual({ status: 503, outcome: 'retry' });
    const message = subscriberMessage(Buffer.from(JSON.stringify(invalid)));
    await handler.subscription(message);
    expect(message.acks).toBe(0);
    expect(message.nacks).toBe(1);
    failing = false;
    expect(await handler.push(push(invalid))).toEqual({ status: 200, outcome: 'discarded' });
    expect(written).toHaveLength(1);
  });

  it("'ack-and-log' with the silent logger is refused: it would ack with no trace", () => {
    expect(() =>
      createMessageHandler(Phase2CompletionMessage, () => undefined, {
        onInvalid: 'ack-and-log',
        logger: silentLogger,
      }),
    ).toThrow(/ack-and-log.*silentLogger/);
  });

  it("'nack' redelivers an invalid message (the subscription's own dead-letter policy decides)", async () => {
    const logger = recordingLogger();
    const handler = createMessageHandler(Phase2CompletionMessage, () => undefined, {
      onInvalid: 'nack',
      logger,
    });
    const pushed = await handler.push(push(invalid));
    expect(pushed.status).toBeGreaterThanOrEqual(500);
    expect(pushed.outcome).toBe('nacked');
    const message = subscriberMessage(Buffer.from(JSON.stringify(invalid)));
    await handler.subscription(message);
    expect([message.acks, message.nacks]).toEqual([0, 1]);
    await expect(handler.cloudEvent({ data: push(invalid), id: 'e1' })).rejects.toBeDefined();
    expect(logger.entries.some((e) => e.level === 'error')).toBe(true);
  });

  it("'nack' also covers a permanent handler failure", async () => {
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      () => {
        throw new BadRequestError('invalidQuery', { httpStatus: 400 });
      },
      { onInvalid: 'nack' },
    );
    const message = subscriberMessage(Buffer.from(JSON.stringify(good)));
    await handler.subscription(message);
    expect([message.acks, message.nacks]).toEqual([0, 1]);
  });

  it('with a topic the default is dead-letter, and onInvalid can still choose nack', async () => {
    const topic = new RecordingTopic();
    const byDefault = createMessageHandler(Phase2CompletionMessage, () => undefined, {
      deadLetterTopic: topic,
    });
    expect(await byDefault.push(push(invalid))).toEqual({ status: 200, outcome: 'dead_lettered' });
    const nacking = createMessageHandler(Phase2CompletionMessage, () => undefined, {
      deadLetterTopic: topic,
      onInvalid: 'nack',
    });
    expect((await nacking.push(push(invalid))).outcome).toBe('nacked');
    expect(topic.published).toHaveLength(1);
  });
});

describe('a push request with no body is a server misconfiguration, not a bad message', () => {
  it.each([
    ['undefined (no JSON body parser)', undefined],
    ['null', null],
    ['{} (a body parser that did not match the content type)', {}],
  ])(
    '%s: answers 500 so Pub/Sub redelivers, logs at error level, never dead-letters',
    async (_label, body) => {
      const topic = new RecordingTopic();
      const logger = recordingLogger();
      let calls = 0;
      const handler = createMessageHandler(
        Phase2CompletionMessage,
        () => {
          calls++;
        },
        { deadLetterTopic: topic, logger },
      );
      expect(await handler.push(body)).toEqual({ status: 500, outcome: 'no_body' });
      expect(topic.published).toEqual([]);
      expect(calls).toBe(0);
      const errors = logger.entries.filter((e) => e.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]?.message).toMatch(/body/i);
    },
  );
});

describe('an attribute named __proto__ in a push body', () => {
  it('reaches the handler and the dead letter like any other attribute', async () => {
    const topic = new RecordingTopic();
    let seen: Record<string, string> = {};
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      (_data, meta) => {
        seen = meta.attributes;
        throw new BadRequestError('refused for good');
      },
      { deadLetterTopic: topic, shutdown: false },
    );
    // As a JSON body parser gives it: `__proto__` an own key of the attributes object.
    const body = JSON.parse(
      JSON.stringify({
        message: { data: b64(good), messageId: 'm-1', attributes: { tenant: 'nba' } },
        subscription: 'projects/p/subscriptions/s',
      }).replace('"tenant"', '"__proto__":"kept","tenant"'),
    );
    expect((await handler.handle(body)).outcome).toBe('dead_lettered');
    expect(Object.hasOwn(seen, '__proto__')).toBe(true);
    expect(Object.entries(seen)).toEqual([
      ['__proto__', 'kept'],
      ['tenant', 'nba'],
    ]);
    const attributes = topic.published[0]!.attributes!;
    expect(Object.getOwnPropertyDescriptor(attributes, '__proto__')?.value).toBe('kept');
  });
});
