import { describe, expect, it } from 'vitest';
import type { MessagePublisher } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/index.js';
import { until } from '../testing/pubsub/helpers.js';
import { createPipeline, deadLetter, replaySuite } from './helpers.js';

const PROJECT = 'replay-leases';
// The stand-in's ack deadlines run at 1/100 (a 60 s lease lasts 600 ms), and `replay` times the
// renewals with a clock scaled alike.
const { gcp, replay } = replaySuite(PROJECT);
describe('replayDeadLetters keeps its leases while it republishes', () => {
  it('a renewal that fails is logged and the run goes on', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'renew-fails');
    await deadLetter(dlq, [{ data: 'order-1', reason: 'handler_failed' }]);
    const target = gcp.pubsubClient.topic('renew-fails');
    const warnings: string[] = [];
    let publishing = false;
    let finish: () => void = () => {};
    const slow: MessagePublisher = {
      name: target.name,
      async publishMessage(message) {
        publishing = true;
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
        return target.publishMessage(message);
      },
    };
    const run = replay(
      { from: 'renew-fails-dlq-sub', to: 'renew-fails', holdSeconds: 60 },
      {
        publisher: slow,
        shutdown: false,
        logger: {
          debug() {},
          info() {},
          warn: (message: string) => warnings.push(message),
          error() {},
        },
      },
    );
    await until(() => publishing, 5_000, 'the publish started');
    gcp.pubsub.faults.add({ method: 'ModifyAckDeadline', code: 'PERMISSION_DENIED', times: 1 });
    await until(
      () => warnings.some((w) => w.includes('could not renew the leases')),
      5_000,
      'the failed renewal logged',
    );
    finish();
    const result = await run;
    expect(result.replayed).toHaveLength(1);
    expect(result.failed).toEqual([]);
  });

  it('a clock whose schedule throws at a renewal: logged, no unhandled rejection, and the run goes on', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'clock-throws');
    await deadLetter(dlq, [{ data: 'order-1', reason: 'handler_failed' }]);
    const target = gcp.pubsubClient.topic('clock-throws');
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const warnings: string[] = [];
    let finish: () => void = () => {};
    let calls = 0;
    // The first timer is real (scaled like the stand-in's leases); the one after the renewal throws.
    const clock = {
      schedule(ms: number, callback: () => void): () => void {
        calls += 1;
        if (calls > 1) throw new Error('clock broken');
        const timer = setTimeout(callback, ms / 100);
        return () => clearTimeout(timer);
      },
    };
    const slow: MessagePublisher = {
      name: target.name,
      async publishMessage(message) {
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
        return target.publishMessage(message);
      },
    };
    try {
      const run = replay(
        { from: 'clock-throws-dlq-sub', to: 'clock-throws', holdSeconds: 60 },
        {
          publisher: slow,
          shutdown: false,
          clock,
          logger: {
            debug() {},
            info() {},
            warn: (message: string) => warnings.push(message),
            error() {},
          },
        },
      );
      await until(() => calls > 1, 5_000, 'the renewal tried to schedule the next one');
      // A turn for a rejection of the renewal to be reported as unhandled.
      await new Promise((resolve) => setImmediate(resolve));
      finish();
      const result = await run;
      expect(result.replayed).toHaveLength(1);
      expect(unhandled).toEqual([]);
      expect(warnings.some((w) => w.includes('could not schedule'))).toBe(true);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('replayDeadLetters keeps its leases while it republishes (virtual time)', () => {
  // The stand-in's deadlines and the run's renewals on one virtual clock: leases last their real
  // length and only the test moves time, so a loaded machine cannot let a lease lapse between a pull
  // and the run's first extension (at 1/100 of real time, 100 ms: the test failed under load).
  const clock = createTestClock();
  const { gcp, replay } = replaySuite(`${PROJECT}-virtual`, { clock });
  const modAcks = () => gcp.pubsub.requests.filter((r) => r.method === 'ModifyAckDeadline').length;

  it('a publish slower than the lease: the DLQ message is not redelivered meanwhile, so a second run cannot replay it too', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'slow');
    await deadLetter(dlq, [{ data: 'order-1', reason: 'handler_failed' }]);
    const target = gcp.pubsubClient.topic('slow');
    let publishing = false;
    let finish: () => void = () => {};
    // The publish hangs (a client retrying through an outage) until the test lets it go.
    const slow: MessagePublisher = {
      name: target.name,
      async publishMessage(message) {
        publishing = true;
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
        return target.publishMessage(message);
      },
    };
    const first = replay(
      { from: 'slow-dlq-sub', to: 'slow', holdSeconds: 60 },
      { publisher: slow, shutdown: false },
    );
    await until(() => publishing, 5_000, 'the publish started');
    // Five minutes (five leases of 60 s) pass while it hangs: the run renews every 30 s. Each step
    // waits for the renewal to reach the stand-in and the next one to be scheduled (the message's
    // deadline and the run's renewal: two timers) before time moves on.
    for (let step = 0; step < 10; step++) {
      const before = modAcks();
      clock.advance(30_000);
      await until(() => modAcks() > before && clock.pendingTimers === 2, 5_000, `renewal ${step + 1}`);
    }
    // Meanwhile a second run drains the same DLQ: the message is still leased, so it gets nothing.
    const second = await replay({ from: 'slow-dlq-sub', to: 'slow', holdSeconds: 60 }, { shutdown: false });
    finish();
    const result = await first;
    expect(result.replayed).toHaveLength(1);
    expect(second.replayed).toHaveLength(0);
    expect(gcp.pubsub.published('slow').map((m) => m.data.toString())).toEqual(['order-1']);
    expect(gcp.pubsub.subscriptionStats('slow-dlq-sub')).toMatchObject({ expired: 0, acked: 1 });
  });
});
