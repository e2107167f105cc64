import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Logger, replayDeadLetters } from '../../../src/index.js';
import { createPipeline, deadLetter, type Gcp, startGcp } from './helpers.js';

const PROJECT = 'replay-hostile';
let gcp: Gcp;

beforeAll(async () => {
  gcp = await startGcp(PROJECT, { ackDeadlineScale: 0.01 });
});

afterAll(async () => {
  await gcp.close();
});

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
    const result = await replayDeadLetters(
      { projectId: PROJECT, from: 'hostile-dlq-sub', to: 'hostile' },
      { clients: gcp.clients, logger, onEvent: throwing },
    );
    expect(result).toMatchObject({ failed: [], stoppedBy: 'empty' });
    expect(result.replayed).toHaveLength(2);
    expect(gcp.pubsub.published('hostile')).toHaveLength(2);
    expect(gcp.pubsub.subscriptionStats('hostile-dlq-sub')).toMatchObject({ acked: 2, undelivered: 0 });
  });
});
