import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/index.js';
import { deadLetter, replaySuite } from './helpers.js';

const PROJECT = 'replay-own-policy';
const { gcp, replay } = replaySuite(PROJECT);

/** A DLQ subscription `<name>-dlq-sub` with a dead-letter policy of its own (5 attempts, to `<name>-dlq-dlq`). */
async function dlqWithItsOwnPolicy(name: string) {
  const [last] = await gcp.pubsubClient.createTopic(`${name}-dlq-dlq`);
  await last.createSubscription(`${name}-dlq-dlq-sub`);
  const [dlq] = await gcp.pubsubClient.createTopic(`${name}-dlq`);
  await dlq.createSubscription(`${name}-dlq-sub`, {
    deadLetterPolicy: { deadLetterTopic: last.name, maxDeliveryAttempts: 5 },
  });
  await gcp.pubsubClient.createTopic(name);
  await deadLetter(dlq, [{ data: '{', reason: 'invalid_json' }]);
}

describe('a replay from a DLQ subscription with a dead-letter policy of its own', () => {
  it('dry runs do not forward its messages out of it', async () => {
    await dlqWithItsOwnPolicy('dry');
    const results = [];
    // More runs than the policy's attempts: each dry run handed every message back, one attempt each.
    for (let i = 0; i < 6; i++) results.push(await replay({ from: 'dry-dlq-sub', to: 'dry', dryRun: true }));
    expect(gcp.pubsub.subscriptionStats('dry-dlq-dlq-sub')).toMatchObject({ undelivered: 0 });
    expect(gcp.pubsub.subscriptionStats('dry-dlq-sub')).toMatchObject({ undelivered: 1, acked: 0 });
    const last = results.at(-1)!;
    expect(last).toMatchObject({ stoppedBy: 'failed', wouldReplay: [], error: { code: 'DRY_RUN_NOT_SAFE' } });
    expect(last.error!.message).toContain('dry-dlq-dlq');
  });

  it('a real run still replays, and warns that what it leaves counts an attempt', async () => {
    await dlqWithItsOwnPolicy('real');
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (message: string) => void warnings.push(message) };
    const result = await replay({ from: 'real-dlq-sub', to: 'real' }, { logger });
    expect(result).toMatchObject({ stoppedBy: 'empty', failed: [] });
    expect(result.replayed).toHaveLength(1);
    expect(warnings.join(' ')).toMatch(/dead-letter policy of its own/);
  });
});
