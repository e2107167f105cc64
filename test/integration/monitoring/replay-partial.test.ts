import { describe, expect, it } from 'vitest';
import { formatReplay } from '../../../src/monitoring/cli/format.js';
import { createTestClock } from '../../../src/testing/index.js';
import { createPipeline, deadLetter, replaySuite } from './helpers.js';

// The stand-in's ack deadlines and the run's renewals on one virtual clock: only the test moves time.
const clock = createTestClock();
const { gcp, replay } = replaySuite('replay-partial', { clock });

describe('a filtered replay that ends on messages it has already seen', () => {
  it('says that messages it never saw may remain, in the result and in what gpr prints', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'partial');
    await deadLetter(dlq, [
      { data: 'a', reason: 'handler_failed' },
      { data: 'b', reason: 'handler_failed' },
      { data: 'c', reason: 'handler_failed' },
    ]);
    let pulls = 0;
    const result = await replay(
      // A filter that selects nothing holds every message it sees (60 s leases, not renewed once
      // its batch is done); one at a time.
      { from: 'partial-dlq-sub', to: 'partial', filter: () => false, batchSize: 1, holdSeconds: 60 },
      {
        shutdown: false,
        onEvent(event) {
          // After the third pull a minute and more passes (a slow run): the held leases run out and
          // the three messages come back, one per pull, each already seen by this run.
          if (event.type === 'pulled' && ++pulls === 3) clock.advance(61_000);
        },
      },
    );
    expect(result.stoppedBy).toBe('empty');
    // Pub/Sub does not promise unseen messages first: the run cannot know it saw the whole DLQ.
    expect(result.unseenMayRemain).toBe(true);
    expect(result.skipped).toBe(3);
    const text = formatReplay(result).join('\n');
    expect(text).toMatch(/only messages already seen came back\): messages may remain in the DLQ/);
  });

  it('a run that drained the DLQ to an empty Pull says nothing of the kind', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'whole');
    await deadLetter(dlq, [{ data: 'a', reason: 'handler_failed' }]);
    const result = await replay(
      { from: 'whole-dlq-sub', to: 'whole', filter: () => false },
      { shutdown: false },
    );
    expect(result.stoppedBy).toBe('empty');
    expect(result.unseenMayRemain).toBeUndefined();
    expect(formatReplay(result).join('\n')).not.toMatch(/already seen came back/);
  });
});
