import { describe, expect, it } from 'vitest';
import { createMessageHandler, Phase2CompletionMessage } from '../../../src/validation/index.js';
import { recordingLogger, subscriberMessage } from './fakes.js';

const invalid = Buffer.from(JSON.stringify({ processor_name: '', game_date: 'yesterday' }));

describe("'ack-and-log' with a logger that writes asynchronously", () => {
  it('does not ack when the returned promise rejects: the line was not written, the message is redelivered', async () => {
    let rejections = 0;
    const onUnhandled = () => {
      rejections += 1;
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const logger = {
        ...recordingLogger(),
        error: async () => {
          throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
        },
      };
      const handler = createMessageHandler(Phase2CompletionMessage, () => undefined, {
        onInvalid: 'ack-and-log',
        logger,
      });
      const message = subscriberMessage(invalid);
      await handler.subscription(message);
      expect(message.acks).toBe(0);
      expect(message.nacks).toBe(1);
      const result = await handler.handle(invalid);
      expect(result).toMatchObject({ ack: false, outcome: 'retry', error: { code: 'DISCARD_NOT_LOGGED' } });
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(rejections).toBe(0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('acks once the returned promise resolves', async () => {
    const written: string[] = [];
    const logger = {
      ...recordingLogger(),
      error: async (line: string) => {
        written.push(line);
      },
    };
    const handler = createMessageHandler(Phase2CompletionMessage, () => undefined, {
      onInvalid: 'ack-and-log',
      logger,
    });
    expect(await handler.handle(invalid)).toMatchObject({ ack: true, outcome: 'discarded' });
    expect(written).toHaveLength(1);
  });

  it('a logger without an error method is refused at construction', () => {
    const { error: _dropped, ...withoutError } = recordingLogger();
    expect(() =>
      createMessageHandler(Phase2CompletionMessage, () => undefined, {
        onInvalid: 'ack-and-log',
        logger: withoutError as never,
      }),
    ).toThrow(/ack-and-log' needs a logger with an error\(\) method/);
  });
});
