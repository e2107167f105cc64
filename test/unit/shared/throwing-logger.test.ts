import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/logging/index.js';
import { CircuitBreaker, retry } from '../../../src/retry/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { createMessageHandler, Phase2CompletionMessage } from '../../../src/validation/index.js';
import { RecordingTopic } from '../validation/fakes.js';

/** Every write fails, as with EPIPE on a closed stdout. */
const epipe: Logger = {
  debug: () => {
    throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
  },
  info: () => {
    throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
  },
  warn: () => {
    throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
  },
  error: () => {
    throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
  },
};

const reset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

function pushBody(data: unknown) {
  return {
    message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), messageId: '1', attributes: {} },
    subscription: 'projects/p/subscriptions/s',
  };
}

describe('a logger that throws never changes what the work does', () => {
  it('retry: still retries, succeeds, and gives up with the raw value (not the logger error)', async () => {
    let calls = 0;
    const ok = await retry(
      () => {
        if (++calls < 3) throw reset();
        return 'done';
      },
      { clock: createTestClock(), logger: epipe },
    );
    expect(ok).toBe('done');
    const original = reset();
    const error = await retry(
      () => {
        throw original;
      },
      { clock: createTestClock(), logger: epipe, maxAttempts: 2 },
    ).catch((e: unknown) => e);
    expect(error).toBe(original);
  });

  it('a logger whose methods are async and reject causes no unhandled rejection (retry, breaker)', async () => {
    const reject = async () => {
      throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    };
    const asyncLogger: Logger = { debug: reject, info: reject, warn: reject, error: reject };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let calls = 0;
      const ok = await retry(
        () => {
          if (++calls < 3) throw reset();
          return 'done';
        },
        { clock: createTestClock(), logger: asyncLogger },
      );
      expect(ok).toBe('done');
      const breaker = new CircuitBreaker({
        clock: createTestClock(),
        failureThreshold: 1,
        logger: asyncLogger,
      });
      await breaker.execute(() => Promise.reject(reset())).catch(() => {});
      expect(breaker.state).toBe('open');
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('the circuit breaker still opens, and the caller still gets its own error', async () => {
    const breaker = new CircuitBreaker({ clock: createTestClock(), failureThreshold: 1, logger: epipe });
    const original = reset();
    await expect(breaker.execute(() => Promise.reject(original))).rejects.toBe(original);
    expect(breaker.state).toBe('open');
  });

  it('the message handler still acks a processed message and dead-letters an invalid one', async () => {
    const deadLetterTopic = new RecordingTopic();
    const handler = createMessageHandler(Phase2CompletionMessage, async () => undefined, {
      deadLetterTopic,
      logger: epipe,
    });
    const processed = await handler.push(pushBody({ processor_name: 'p', game_date: '2026-01-24' }));
    expect(processed).toEqual({ status: 200, outcome: 'processed' });
    const invalid = await handler.push(pushBody({ game_date: 'not a date' }));
    expect(invalid).toEqual({ status: 200, outcome: 'dead_lettered' });
    expect(deadLetterTopic.published).toHaveLength(1);
  });
});
