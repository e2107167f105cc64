import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/index.js';
import { createPipeline, deadLetter, replaySuite } from './helpers.js';

const PROJECT = 'replay-hostile';
const { gcp, replay } = replaySuite(PROJECT);

const throwing = (): never => {
  throw new Error('EPIPE');
};

describe('replayDeadLetters with hostile callbacks', () => {
  it('an onEvent and a logger that both throw change nothing: every published message is acknowledged', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'hostile');
    await deadLetter(dlq, [
      { data: 'order-0', reason: 'handler_failed' },
      { data: 'order-1', reason: 'handler_failed' },
    ]);
    const logger: Logger = { debug: throwing, info: throwing, warn: throwing, error: throwing };
    const result = await replay({ from: 'hostile-dlq-sub', to: 'hostile' }, { logger, onEvent: throwing });
    expect(result).toMatchObject({ failed: [], stoppedBy: 'empty' });
    expect(result.replayed).toHaveLength(2);
    expect(gcp.pubsub.published('hostile')).toHaveLength(2);
    expect(gcp.pubsub.subscriptionStats('hostile-dlq-sub')).toMatchObject({ acked: 2, undelivered: 0 });
  });
});

describe('replayDeadLetters with an async filter', () => {
  it('a filter that returns a promise (rejecting) selects nothing, says so once, and leaves no unhandled rejection', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'async-filter');
    await deadLetter(dlq, [
      { data: 'order-0', reason: 'handler_failed' },
      { data: 'order-1', reason: 'handler_failed' },
    ]);
    const errors: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn() {}, error: (message) => errors.push(message) };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const result = await replay(
        {
          from: 'async-filter-dlq-sub',
          to: 'async-filter',
          filter: (async () => {
            throw new Error('lookup failed');
          }) as unknown as () => boolean,
        },
        { logger },
      );
      await new Promise((resolve) => setImmediate(resolve));
      expect(result).toMatchObject({ replayed: [], skipped: 2 });
      expect(errors).toEqual([expect.stringMatching(/filter returned a promise/)]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
