import { describe, expect, it } from 'vitest';
import type { ReplayEvent } from '../../../src/index.js';
import { createShutdownCoordinator, type ShutdownReport } from '../../../src/shutdown/index.js';
import { createTestClock } from '../../../src/testing/index.js';
import { FakeProcess } from '../../helpers/fake-process.js';
import { until } from '../testing/pubsub/helpers.js';
import { createPipeline, deadLetter, replaySuite } from './helpers.js';

const PROJECT = 'replay-shutdown';
// Virtual time for the leases (the stand-in's deadlines and the run's renewals): the test is about
// the order of the shutdown, and a lease that expired on a loaded machine would let the run's acks
// be ignored, which is another test's subject (replay-leases.test.ts).
const { gcp, replay } = replaySuite(PROJECT, { clock: createTestClock() });

describe('replayDeadLetters and SIGTERM', () => {
  it('SIGTERM mid-run stops it, and the shutdown waits until what it published is acknowledged and the rest handed back', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'sigterm');
    await deadLetter(
      dlq,
      Array.from({ length: 20 }, (_, i) => ({ data: `order-${i}`, reason: 'handler_failed' })),
    );
    const coordinator = createShutdownCoordinator({ process: new FakeProcess(), signals: ['SIGTERM'] });
    const order: string[] = [];
    const publishedNotAcked = new Set<string>();
    let shutdown: Promise<ShutdownReport> | undefined;
    const onEvent = (event: ReplayEvent) => {
      if (event.type === 'published') {
        publishedNotAcked.add(event.messageId);
        // SIGTERM as the first message of the run is republished.
        shutdown ??= coordinator.shutdown('SIGTERM').then((report) => {
          order.push('shutdown ended');
          return report;
        });
      }
      if (event.type === 'acked') for (const id of event.messageIds) publishedNotAcked.delete(id);
    };
    const result = await replay(
      { from: 'sigterm-dlq-sub', to: 'sigterm', batchSize: 4 },
      { shutdown: coordinator, onEvent },
    ).then((r) => {
      order.push('run ended');
      return r;
    });
    const report = await shutdown!;
    expect(order).toEqual(['run ended', 'shutdown ended']);
    expect(report.tasks).toEqual([
      { name: 'replayDeadLetters sigterm-dlq-sub: a run in flight', status: 'completed' },
    ]);
    expect(result.stoppedBy).toBe('aborted');
    // The batch being published when SIGTERM came is finished and acknowledged; nothing more is pulled.
    expect(result.replayed).toHaveLength(4);
    expect(publishedNotAcked.size).toBe(0);
    expect(gcp.pubsub.published('sigterm')).toHaveLength(4);
    await until(
      () => gcp.pubsub.subscriptionStats('sigterm-dlq-sub')?.outstanding === 0,
      5000,
      'leases back',
    );
    expect(gcp.pubsub.subscriptionStats('sigterm-dlq-sub')).toMatchObject({ acked: 4, undelivered: 16 });
  });

  it('refuses a shutdown option that is not a coordinator or false', async () => {
    await expect(
      replay(
        { from: 'sigterm-dlq-sub', to: 'sigterm' },
        // @ts-expect-error: hostile input
        { shutdown: true },
      ),
    ).rejects.toThrow(/replayDeadLetters: option shutdown must be a shutdown coordinator/);
  });
});
