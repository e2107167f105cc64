import { describe, expect, it } from 'vitest';
import type { ReplayEvent } from '../../../src/index.js';
import { until } from '../testing/pubsub/helpers.js';
import { contents, createPipeline, deadLetter, rawSubscriber, replaySuite } from './helpers.js';

const PROJECT = 'replay-copies';
const { gcp, replay } = replaySuite(PROJECT);

let pipelines = 0;
type Letter = { data: string; source: string; attributes?: Record<string, string> };
/** A fresh topic / DLQ pair holding `letters` in order; `source` is each one's `source_message_id`. */
async function pipelineWith(letters: Letter[]) {
  const name = `copies-${++pipelines}`;
  const { dlq } = await createPipeline(gcp.pubsubClient, name);
  const ids = await deadLetter(
    dlq,
    letters.map((l) => ({
      data: l.data,
      reason: 'max_delivery_attempts',
      attributes: { source_message_id: l.source, source_subscription: `${name}-sub`, ...l.attributes },
    })),
  );
  return { name, ids, from: `${name}-dlq-sub`, to: name };
}

const republished = (topic: string) => gcp.pubsub.published(topic).map((m) => m.data.toString());

async function leftInDlq(from: string): Promise<string[]> {
  await until(() => gcp.pubsub.subscriptionStats(from)?.outstanding === 0, 5000, 'held messages back');
  const subscriber = rawSubscriber(gcp.pubsubClient);
  try {
    return (await contents(subscriber, PROJECT, from)).map((m) => m.data).sort();
  } finally {
    await subscriber.close();
  }
}

// One source message dead-lettered twice (a redelivery raced the first dead-letter publish), and
// once more a third time; plus a message of its own.
const twiceAndOnce: Letter[] = [
  { data: 'order-a', source: 'src-a' },
  { data: 'order-b', source: 'src-b' },
  { data: 'order-a', source: 'src-a' },
  { data: 'order-a', source: 'src-a' },
];

describe('replayDeadLetters and copies of one source message', () => {
  for (const batchSize of [100, 1]) {
    it(`republishes one copy and acknowledges the others (batchSize ${batchSize})`, async () => {
      const p = await pipelineWith(twiceAndOnce);
      const events: ReplayEvent[] = [];
      const result = await replay({ from: p.from, to: p.to, batchSize }, { onEvent: (e) => events.push(e) });
      expect(republished(p.to).sort()).toEqual(['order-a', 'order-b']);
      expect(result.replayed.map((r) => r.messageId).sort()).toEqual([p.ids[0], p.ids[1]].sort());
      expect(result.duplicates).toEqual([
        { messageId: p.ids[2], duplicateOf: p.ids[0], sourceMessageId: 'src-a', acked: true },
        { messageId: p.ids[3], duplicateOf: p.ids[0], sourceMessageId: 'src-a', acked: true },
      ]);
      expect(result).toMatchObject({ failed: [], skipped: 0, stoppedBy: 'empty' });
      expect(events.filter((e) => e.type === 'duplicate')).toHaveLength(2);
      expect(gcp.pubsub.subscriptionStats(p.from)).toMatchObject({ acked: 4, undelivered: 0 });
    });
  }

  it('a dry run lists the copies and acknowledges nothing', async () => {
    const p = await pipelineWith(twiceAndOnce);
    const result = await replay({ from: p.from, to: p.to, dryRun: true });
    expect(result.wouldReplay.map((m) => m.data).sort()).toEqual(['order-a', 'order-b']);
    expect(result.duplicates.map((d) => [d.messageId, d.acked])).toEqual([
      [p.ids[2], false],
      [p.ids[3], false],
    ]);
    expect(await leftInDlq(p.from)).toEqual(['order-a', 'order-a', 'order-a', 'order-b']);
  });

  it('a copy does not count toward max, and a run at max pulls nothing more', async () => {
    const p = await pipelineWith([
      { data: 'order-a', source: 'src-a' },
      { data: 'order-a', source: 'src-a' },
      { data: 'order-b', source: 'src-b' },
      { data: 'order-c', source: 'src-c' },
    ]);
    const result = await replay({ from: p.from, to: p.to, max: 2 });
    expect(result.stoppedBy).toBe('max');
    expect(republished(p.to).sort()).toEqual(['order-a', 'order-b']);
    expect(result.duplicates.map((d) => d.acked)).toEqual([true]);
    expect(result.skipped).toBe(0);
    expect(await leftInDlq(p.from)).toEqual(['order-c']);
  });

  it('when the chosen copy cannot be republished, its copies are not acknowledged', async () => {
    const p = await pipelineWith([
      { data: 'order-a', source: 'src-a' },
      { data: 'order-a', source: 'src-a' },
    ]);
    gcp.pubsub.faults.add({ method: 'Publish', code: 'PERMISSION_DENIED' });
    for (const batchSize of [100, 1]) {
      const result = await replay({ from: p.from, to: p.to, batchSize });
      expect(result.failed.map((f) => [f.messageId, f.stage])).toEqual([[p.ids[0], 'publish']]);
      expect(result.duplicates).toEqual([expect.objectContaining({ messageId: p.ids[1], acked: false })]);
      expect(await leftInDlq(p.from)).toEqual(['order-a', 'order-a']);
    }
    gcp.pubsub.faults.clear();
    const later = await replay({ from: p.from, to: p.to });
    expect(later.replayed).toHaveLength(1);
    expect(later.duplicates.map((d) => d.acked)).toEqual([true]);
    expect(republished(p.to)).toEqual(['order-a']);
  });

  it('a lost acknowledgement of a copy is made good in the same run, without a publish', async () => {
    const p = await pipelineWith([
      { data: 'order-a', source: 'src-a' },
      { data: 'order-a', source: 'src-a' },
    ]);
    // The first Acknowledge (the replayed copy) goes through; the second (the duplicate) fails.
    gcp.pubsub.faults.add({ method: 'Acknowledge', code: 'PERMISSION_DENIED', after: 1, times: 1 });
    const result = await replay({ from: p.from, to: p.to });
    expect(result.duplicates).toEqual([expect.objectContaining({ messageId: p.ids[1], acked: true })]);
    expect(result.duplicates[0]?.error).toBeUndefined();
    expect(result.reacknowledged).toBe(1);
    expect(republished(p.to)).toEqual(['order-a']);
    expect(gcp.pubsub.subscriptionStats(p.from)).toMatchObject({ acked: 2, undelivered: 0 });
  });

  it('never takes messages with other data, another source subscription or no source id for copies', async () => {
    const p = await pipelineWith([
      { data: 'order-a', source: 'src-a' },
      { data: 'order-other', source: 'src-a' },
      { data: 'order-a', source: 'src-a', attributes: { source_subscription: 'elsewhere-sub' } },
      { data: 'order-n', source: '' },
      { data: 'order-n', source: '' },
    ]);
    const result = await replay({ from: p.from, to: p.to });
    expect(result.duplicates).toEqual([]);
    expect(result.replayed).toHaveLength(5);
    expect(republished(p.to)).toHaveLength(5);
  });

  it('two dead letters of one earlier replay (republished twice after a lost publish answer) are copies', async () => {
    const replayed = { replayed_from: 'orders-dlq-sub', replayed_message_id: '917', replay_count: '1' };
    const p = await pipelineWith([
      { data: 'order-r', source: 'new-1', attributes: replayed },
      { data: 'order-r', source: 'new-2', attributes: replayed },
      { data: 'order-r', source: 'new-3', attributes: { ...replayed, replayed_message_id: '918' } },
    ]);
    const result = await replay({ from: p.from, to: p.to });
    expect(result.replayed.map((r) => r.messageId)).toEqual([p.ids[0], p.ids[2]]);
    expect(result.duplicates).toEqual([
      { messageId: p.ids[1], duplicateOf: p.ids[0], sourceMessageId: 'new-2', acked: true },
    ]);
    expect(republished(p.to)).toEqual(['order-r', 'order-r']);
  });
});
