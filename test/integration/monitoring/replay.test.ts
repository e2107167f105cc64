import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  NotFoundError,
  REPLAY_ATTRIBUTES,
  type ReplayEvent,
  type ReplayResult,
  replayDeadLetters,
} from '../../../src/index.js';
import { DEAD_LETTER_ATTRIBUTES } from '../../../src/testing/index.js';
import { mulberry32 } from '../../../src/testing/shared/prng.js';
import { until } from '../testing/pubsub/helpers.js';
import { contents, createPipeline, deadLetter, type Gcp, rawSubscriber, startGcp } from './helpers.js';

const PROJECT = 'replay';
let gcp: Gcp;

beforeAll(async () => {
  // Ack deadlines at 1/100: a lease the run could not hand back expires in 0.1-0.6 s.
  gcp = await startGcp(PROJECT, { ackDeadlineScale: 0.01 });
});

beforeEach(() => {
  gcp.pubsub.faults.clear();
});

afterAll(async () => {
  await gcp.close();
});

let pipelines = 0;
/** A fresh topic / DLQ pair with `count` dead-lettered messages whose data is `order-<i>`. */
async function pipelineWith(count: number, attributes: (i: number) => Record<string, string> = () => ({})) {
  const name = `orders-${++pipelines}`;
  const { dlq } = await createPipeline(gcp.pubsubClient, name);
  await deadLetter(
    dlq,
    Array.from({ length: count }, (_, i) => ({
      data: `order-${i}`,
      reason: 'handler_failed',
      attributes: attributes(i),
    })),
  );
  return { name, dlq, from: `${name}-dlq-sub`, to: name };
}

const replay = (
  options: Parameters<typeof replayDeadLetters>[0],
  run: Parameters<typeof replayDeadLetters>[1] = {},
) => replayDeadLetters({ projectId: PROJECT, ...options }, { clients: gcp.clients, ...run });

/** What the source topic received, by data. */
function republished(topic: string): Array<{ data: string; attributes: Record<string, string> }> {
  return gcp.pubsub.published(topic).map((m) => ({ data: m.data.toString(), attributes: m.attributes }));
}

describe('replayDeadLetters with the real clients on the stand-ins', () => {
  it('republishes with the original attributes, minus the dead-letter ones, plus the replay ones, then acks', async () => {
    const p = await pipelineWith(3, (i) => ({
      tenant: 'nba',
      [DEAD_LETTER_ATTRIBUTES.deliveryCount]: String(5 + i),
    }));
    const result = await replay({ from: p.from, to: p.to });
    expect(result).toMatchObject({
      dryRun: false,
      stoppedBy: 'empty',
      failed: [],
      exhausted: [],
      skipped: 0,
    });
    expect(result.replayed).toHaveLength(3);
    const out = republished(p.to);
    expect(out.map((m) => m.data).sort()).toEqual(['order-0', 'order-1', 'order-2']);
    const dlqIds = gcp.pubsub.published(`${p.name}-dlq`).map((m) => m.messageId);
    for (const message of out) {
      expect(Object.keys(message.attributes).sort()).toEqual(
        ['replay_count', 'replayed_from', 'replayed_message_id', 'tenant'].sort(),
      );
      expect(message.attributes).toMatchObject({ tenant: 'nba', replay_count: '1', replayed_from: p.from });
      expect(dlqIds).toContain(message.attributes[REPLAY_ATTRIBUTES.replayedMessageId]);
    }
    expect(gcp.pubsub.subscriptionStats(p.from)).toMatchObject({ acked: 3, undelivered: 0, outstanding: 0 });
  });

  it('an attribute named __proto__ is user data: the filter sees it and the replay republishes it', async () => {
    const p = await pipelineWith(2, (i) => JSON.parse(`{"__proto__":"${i === 0 ? 'keep' : 'skip'}"}`));
    const own = (a: Record<string, string>) => Object.getOwnPropertyDescriptor(a, '__proto__')?.value;
    const result = await replay({ from: p.from, to: p.to, filter: (m) => own(m.attributes) === 'keep' });
    expect(result).toMatchObject({ skipped: 1, failed: [] });
    expect(result.replayed).toHaveLength(1);
    const [out] = republished(p.to);
    expect(out?.data).toBe('order-0');
    expect(own(out!.attributes)).toBe('keep');
    expect(({} as Record<string, unknown>).keep).toBeUndefined();
  });

  it('dryRun lists what it would replay and changes nothing', async () => {
    const p = await pipelineWith(4);
    const before = gcp.pubsub.requests.length;
    const result = await replay({ from: p.from, to: p.to, dryRun: true });
    // Every RPC of the dry run only reads or leases: nothing is published or acknowledged anywhere.
    const sent = new Set(gcp.pubsub.requests.slice(before).map((r) => r.method));
    expect([...sent].sort()).toEqual(['GetSubscription', 'GetTopic', 'ModifyAckDeadline', 'Pull']);
    expect(result.wouldReplay.map((m) => m.data).sort()).toEqual([
      'order-0',
      'order-1',
      'order-2',
      'order-3',
    ]);
    expect(result.replayed).toEqual([]);
    expect(republished(p.to)).toEqual([]);
    await until(
      () => gcp.pubsub.subscriptionStats(p.from)?.outstanding === 0,
      5000,
      'the held messages back',
    );
    expect(gcp.pubsub.subscriptionStats(p.from)).toMatchObject({ acked: 0, undelivered: 4 });
    const methods = new Set(
      gcp.pubsub.requests
        .filter((r) => r.request.topic === `projects/${PROJECT}/topics/${p.to}`)
        .map((r) => r.method),
    );
    expect(methods.has('Publish')).toBe(false);
  });

  it('leaves messages replayed maxReplays times in the DLQ and reports them', async () => {
    const p = await pipelineWith(3, (i) => ({ replay_count: String(i + 1) })); // 1, 2, 3
    const result = await replay({ from: p.from, to: p.to });
    expect(result.exhausted.map((m) => [m.data, m.replayCount])).toEqual([['order-2', 3]]);
    expect(result.replayed.map((r) => r.replayCount).sort()).toEqual([2, 3]);
    expect(
      republished(p.to)
        .map((m) => m.attributes.replay_count)
        .sort(),
    ).toEqual(['2', '3']);
    const subscriber = rawSubscriber(gcp.pubsubClient);
    await until(() => gcp.pubsub.subscriptionStats(p.from)?.outstanding === 0, 5000, 'the held message back');
    expect((await contents(subscriber, PROJECT, p.from)).map((m) => m.data)).toEqual(['order-2']);
    await subscriber.close();
    const higher = await replay({ from: p.from, to: p.to, maxReplays: 5 });
    expect(higher.replayed).toHaveLength(1);
  });

  it('replays only what the filter selects, at most max, and leaves the rest', async () => {
    const p = await pipelineWith(10, (i) => ({ kind: i % 2 === 0 ? 'even' : 'odd' }));
    const result = await replay({
      from: p.from,
      to: p.to,
      filter: (m) => m.attributes.kind === 'even',
      max: 3,
      batchSize: 4,
    });
    expect(result.replayed).toHaveLength(3);
    expect(result.stoppedBy).toBe('max');
    expect(republished(p.to).every((m) => m.attributes.kind === 'even')).toBe(true);
    await until(
      () => gcp.pubsub.subscriptionStats(p.from)?.outstanding === 0,
      5000,
      'the held messages back',
    );
    expect(gcp.pubsub.subscriptionStats(p.from)).toMatchObject({ acked: 3, undelivered: 7 });
    const throwing = await replay({
      from: p.from,
      to: p.to,
      filter: () => {
        throw new Error('bad filter');
      },
    });
    expect(throwing).toMatchObject({ replayed: [], skipped: 7 });
  });

  it('max bounds each Pull: nothing is pulled only to be handed back (a delivery attempt each)', async () => {
    const p = await pipelineWith(10);
    const before = gcp.pubsub.requests.length;
    const result = await replay({ from: p.from, to: p.to, max: 3 });
    expect(result).toMatchObject({ stoppedBy: 'max', skipped: 0, failed: [] });
    expect(result.replayed).toHaveLength(3);
    const pulls = gcp.pubsub.requests.slice(before).filter((r) => r.method === 'Pull');
    expect(pulls.map((r) => Number(r.request.maxMessages))).toEqual([3]);
    expect(gcp.pubsub.subscriptionStats(p.from)).toMatchObject({ acked: 3, nacked: 0, undelivered: 7 });
  });

  it('a publish that fails leaves the message in the DLQ and is reported; the others go on', async () => {
    const p = await pipelineWith(3);
    gcp.pubsub.faults.add({ method: 'Publish', code: 'PERMISSION_DENIED', times: 1 });
    const result = await replay({ from: p.from, to: p.to, batchSize: 1 });
    expect(result.failed).toEqual([
      expect.objectContaining({ stage: 'publish', error: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
    expect(result.replayed).toHaveLength(2);
    await until(
      () => gcp.pubsub.subscriptionStats(p.from)?.outstanding === 0,
      5000,
      'the failed message back',
    );
    expect(gcp.pubsub.subscriptionStats(p.from)).toMatchObject({ acked: 2, undelivered: 1 });
  });

  it('stops at the first publish that finds the target topic missing and leaves every message in the DLQ', async () => {
    const p = await pipelineWith(40);
    const events: ReplayEvent[] = [];
    const result = await replay(
      { from: p.from, to: `${p.name}-missing`, batchSize: 20 },
      { onEvent: (event) => events.push(event) },
    );
    expect(result.stoppedBy).toBe('failed');
    expect(result.error).toBeInstanceOf(NotFoundError);
    expect(result.replayed).toEqual([]);
    expect(result.failed.length).toBeGreaterThan(0);
    for (const failure of result.failed) expect(failure.error).toBeInstanceOf(NotFoundError);
    // The first batch only: every message of it either tried (failed) or left untried (skipped).
    expect(result.failed.length + result.skipped).toBe(20);
    expect(events.filter((e) => e.type === 'pulled')).toHaveLength(1);
    await until(
      () => gcp.pubsub.subscriptionStats(p.from)?.outstanding === 0,
      5000,
      'the held messages back',
    );
    expect(gcp.pubsub.subscriptionStats(p.from)).toMatchObject({ acked: 0, undelivered: 40 });
  });

  it('a dry run into a topic that does not exist reports NotFoundError and lists nothing as replayable', async () => {
    const p = await pipelineWith(3);
    const before = gcp.pubsub.requests.length;
    const result = await replay({ from: p.from, to: `${p.name}-missing`, dryRun: true });
    expect(result).toMatchObject({ dryRun: true, stoppedBy: 'failed', wouldReplay: [], replayed: [] });
    expect(result.error).toBeInstanceOf(NotFoundError);
    expect(result.error?.message).toContain(`${p.name}-missing`);
    const methods = gcp.pubsub.requests.slice(before).map((r) => r.method);
    expect(methods).toContain('GetTopic');
    expect(methods).not.toContain('Pull');
    expect(gcp.pubsub.subscriptionStats(p.from)).toMatchObject({ acked: 0, undelivered: 3, outstanding: 0 });
  });

  it('a dry run into an existing topic is not stopped by a topic lookup that is refused', async () => {
    const p = await pipelineWith(2);
    gcp.pubsub.faults.add({ method: 'GetTopic', code: 'PERMISSION_DENIED', times: 1 });
    const result = await replay({ from: p.from, to: p.to, dryRun: true });
    expect(result.stoppedBy).toBe('empty');
    expect(result.wouldReplay).toHaveLength(2);
  });

  it("a publisher of the caller's that answers NotFoundError for one message fails that message only", async () => {
    const p = await pipelineWith(4);
    const topic = gcp.pubsubClient.topic(p.to);
    const result = await replay(
      { from: p.from, to: p.to, batchSize: 1 },
      {
        publisher: {
          publishMessage: async (message) => {
            if (String(message.data) === 'order-0') throw new NotFoundError('no such order');
            return topic.publishMessage(message);
          },
        },
      },
    );
    expect(result.stoppedBy).toBe('empty');
    expect(result.failed).toEqual([expect.objectContaining({ stage: 'publish' })]);
    expect(result.replayed).toHaveLength(3);
  });

  it('refuses to replay into the topic the dead-letter subscription reads', async () => {
    const p = await pipelineWith(1);
    await expect(replay({ from: p.from, to: `${p.name}-dlq` })).rejects.toMatchObject({
      name: 'MonitorConfigError',
      field: 'to',
      message: expect.stringMatching(/would send every message back into the DLQ/),
    });
    expect(gcp.pubsub.subscriptionStats(p.from)).toMatchObject({ undelivered: 1, outstanding: 0, acked: 0 });
  });

  it('a publish whose answer is lost is sent again by the client: nothing lost, the copy names its original', async () => {
    const p = await pipelineWith(3);
    // Pub/Sub stores the batch, then the answer is lost: the client's own retry publishes it again.
    gcp.pubsub.faults.add({ method: 'Publish', code: 'UNAVAILABLE', served: true, times: 1 });
    const result = await replay({ from: p.from, to: p.to });
    expect(result).toMatchObject({ failed: [], stoppedBy: 'empty' });
    expect(result.replayed).toHaveLength(3);
    const out = republished(p.to);
    expect(new Set(out.map((m) => m.data))).toEqual(new Set(['order-0', 'order-1', 'order-2']));
    expect(out).toHaveLength(6);
    // Each DLQ message id stands for one original: a consumer de-duplicates on it.
    const dataOf = new Map<string, Set<string>>();
    for (const m of out) {
      const id = m.attributes[REPLAY_ATTRIBUTES.replayedMessageId]!;
      dataOf.set(id, (dataOf.get(id) ?? new Set()).add(m.data));
    }
    expect([...dataOf.values()].map((data) => data.size)).toEqual([1, 1, 1]);
    expect(gcp.pubsub.subscriptionStats(p.from)).toMatchObject({ acked: 3, undelivered: 0 });
  });

  it('an acknowledgement whose answer is lost is retried by the client: no failure, no second publish', async () => {
    const p = await pipelineWith(3);
    gcp.pubsub.faults.add({ method: 'Acknowledge', code: 'UNAVAILABLE', served: true, times: 1 });
    const result = await replay({ from: p.from, to: p.to });
    expect(result).toMatchObject({ failed: [], reacknowledged: 0, stoppedBy: 'empty' });
    expect(result.replayed).toHaveLength(3);
    expect(republished(p.to)).toHaveLength(3);
    expect(gcp.pubsub.subscriptionStats(p.from)).toMatchObject({ acked: 3, undelivered: 0, outstanding: 0 });
  });

  it('a lost ack is made good in the same run without publishing twice', async () => {
    const p = await pipelineWith(3);
    gcp.pubsub.faults.add({ method: 'Acknowledge', code: 'PERMISSION_DENIED', times: 1 });
    const result = await replay({ from: p.from, to: p.to });
    expect(result.failed).toEqual([]);
    expect(result.replayed).toHaveLength(3);
    expect(result.reacknowledged).toBe(3);
    expect(republished(p.to)).toHaveLength(3);
    expect(gcp.pubsub.subscriptionStats(p.from)).toMatchObject({ acked: 3, undelivered: 0 });
  });
});

describe('a replay interrupted at random points (seeded) loses nothing', () => {
  /** Every RPC fails from now on, as if the process had died: nothing it had not finished lands. */
  function crash(): void {
    for (const method of ['Pull', 'Publish', 'Acknowledge', 'ModifyAckDeadline']) {
      gcp.pubsub.faults.add({ method, code: 'UNAUTHENTICATED', message: 'the process is gone' });
    }
  }

  async function runToCompletion(p: { from: string; to: string }): Promise<ReplayResult[]> {
    const runs: ReplayResult[] = [];
    for (let i = 0; i < 10; i++) {
      await until(() => gcp.pubsub.subscriptionStats(p.from)?.outstanding === 0, 10_000, 'leases to expire');
      if (gcp.pubsub.subscriptionStats(p.from)?.undelivered === 0) break;
      runs.push(await replay({ from: p.from, to: p.to, batchSize: 4, holdSeconds: 120 }));
    }
    return runs;
  }

  /**
   * Two kinds of crash point, both drawn from a seeded PRNG: after the k-th step the replay reports
   * (pulled, published, acked, held), or just before the k-th RPC it sends, whichever call that is
   * (the stand-in logs a request before it consults the fault plan, so the crash fails that very call).
   */
  const cases = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(
    (seed) => ({ seed, at: seed % 2 === 0 ? 'rpc' : 'step' }) as const,
  );

  for (const { seed, at } of cases) {
    it(`seed ${seed}, crash before a random ${at === 'rpc' ? 'RPC' : 'step'}`, async () => {
      const random = mulberry32(seed);
      const count = 12;
      const p = await pipelineWith(count);
      const originals = Array.from({ length: count }, (_, i) => `order-${i}`);
      // Flaky publishing on top: the client's own retries absorb it.
      gcp.pubsub.faults.add({ method: 'Publish', code: 'UNAVAILABLE', rate: 0.15, seed });

      // A clean run of these 12 messages takes about 13 RPCs and 20 steps.
      const crashAt = 1 + Math.floor(random() * (at === 'rpc' ? 12 : 18));
      const controller = new AbortController();
      const crashNow = () => {
        if (controller.signal.aborted) return;
        crash();
        controller.abort();
      };
      let events = 0;
      const publishedNotAcked = new Set<string>();
      const onEvent = (event: ReplayEvent) => {
        if (event.type === 'published') publishedNotAcked.add(event.messageId);
        if (event.type === 'acked') for (const id of event.messageIds) publishedNotAcked.delete(id);
        if (at === 'step' && ++events === crashAt) crashNow();
      };
      const requests = gcp.pubsub.requests;
      const push = requests.push;
      let rpcs = 0;
      if (at === 'rpc') {
        requests.push = (...entries) => {
          if (++rpcs === crashAt) crashNow();
          return push.apply(requests, entries);
        };
      }
      // A crash before the first Pull makes the run reject; any later one ends it with a partial result.
      const first = await replay(
        { from: p.from, to: p.to, batchSize: 4, holdSeconds: 120 },
        { onEvent, signal: controller.signal },
      )
        .catch((error: unknown) => {
          expect(error).toMatchObject({ grpcCode: 16 }); // UNAUTHENTICATED: the crash's faults
          return undefined;
        })
        .finally(() => {
          requests.push = push;
        });
      expect(controller.signal.aborted, 'the crash point lies inside the run').toBe(true);
      if (first) expect(['aborted', 'failed']).toContain(first.stoppedBy);
      const afterCrash = republished(p.to).length;
      gcp.pubsub.faults.clear();

      // Right after the crash: every message is still in the DLQ, or republished, or both.
      await until(() => gcp.pubsub.subscriptionStats(p.from)?.outstanding === 0, 10_000, 'leases to expire');
      const subscriber = rawSubscriber(gcp.pubsubClient);
      const inDlq = (await contents(subscriber, PROJECT, p.from)).map((m) => m.data);
      await subscriber.close();
      const out = republished(p.to).map((m) => m.data);
      for (const original of originals) {
        expect(
          inDlq.includes(original) || out.includes(original),
          `${original} lost (crash at ${at} ${crashAt})`,
        ).toBe(true);
      }

      const later = await runToCompletion(p);
      const all = republished(p.to);
      // In the end every message was republished at least once and the DLQ is empty ...
      expect(new Set(all.map((m) => m.data))).toEqual(new Set(originals));
      expect(gcp.pubsub.subscriptionStats(p.from)).toMatchObject({ undelivered: 0, outstanding: 0 });
      // ... a message republished twice is one whose ack the crash cut off ...
      const dlqIdOf = (m: { attributes: Record<string, string> }) =>
        m.attributes[REPLAY_ATTRIBUTES.replayedMessageId]!;
      const duplicates = all.length - originals.length;
      expect(duplicates).toBeLessThanOrEqual(publishedNotAcked.size);
      for (const id of new Set(all.map(dlqIdOf))) {
        if (all.filter((m) => dlqIdOf(m) === id).length > 1) expect(publishedNotAcked.has(id)).toBe(true);
      }
      // ... and no run republished any message twice.
      let offset = afterCrash;
      for (const run of later) {
        const slice = all.slice(offset, offset + run.replayed.length);
        expect(new Set(slice.map(dlqIdOf)).size).toBe(slice.length);
        offset += run.replayed.length;
      }
      const firstIds = all.slice(0, afterCrash).map(dlqIdOf);
      expect(new Set(firstIds).size).toBe(firstIds.length);
    }, 60_000);
  }
});
