import type { PubSub, Topic } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PubSubStandIn, startPubSubStandIn } from '../../../../src/testing/pubsub/index.js';

let standIn: PubSubStandIn;
let pubsub: PubSub;
let topic: Topic;

beforeAll(async () => {
  standIn = await startPubSubStandIn({ projectId: 'limits-test' });
  pubsub = standIn.client();
  [topic] = await pubsub.createTopic('limits');
});

afterAll(async () => {
  await pubsub.close();
  await standIn.close();
});

const publish = (attributes: Record<string, string>, orderingKey?: string) =>
  topic.publishMessage({ data: Buffer.from('{}'), attributes, ...(orderingKey ? { orderingKey } : {}) });

describe("Pub/Sub stand-in: Pub/Sub's message limits, through the real client", () => {
  it('accepts a message at every limit: 100 attributes, a 256-byte key, a 1024-byte value (in UTF-8 bytes)', async () => {
    const attributes: Record<string, string> = Object.fromEntries(
      Array.from({ length: 98 }, (_, i) => [`a${i}`, 'x']),
    );
    attributes['k'.repeat(256)] = 'v';
    attributes.multibyte = 'é'.repeat(512);
    await expect(publish(attributes)).resolves.toMatch(/\S/);
    const [last] = standIn.published(topic.name).slice(-1);
    expect(Object.keys(last?.attributes ?? {})).toHaveLength(100);
  });

  it('refuses 101 attributes with INVALID_ARGUMENT and stores nothing', async () => {
    const before = standIn.published(topic.name).length;
    const attributes = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`a${i}`, 'x']));
    await expect(publish(attributes)).rejects.toMatchObject({
      code: 3,
      details: expect.stringContaining('101 attributes, but the maximum allowed is 100'),
    });
    expect(standIn.published(topic.name)).toHaveLength(before);
  });

  it('refuses a value over 1024 bytes (513 two-byte characters) and a key of 257 bytes', async () => {
    await expect(publish({ v: 'é'.repeat(513) })).rejects.toMatchObject({
      code: 3,
      details: expect.stringContaining('a value that is too long. The length is 1026 bytes'),
    });
    await expect(publish({ ['k'.repeat(257)]: 'v' })).rejects.toMatchObject({
      code: 3,
      details: expect.stringContaining('a key that is too long. The length is 257 bytes'),
    });
  });

  it('refuses an ordering key over 1024 bytes', async () => {
    const ordered = pubsub.topic(topic.name, { messageOrdering: true });
    await expect(
      ordered.publishMessage({ data: Buffer.from('{}'), orderingKey: 'o'.repeat(1025) }),
    ).rejects.toMatchObject({ code: 3, details: expect.stringContaining('ordering key is too long') });
  });

  it('takes a message of up to 10 MiB (grpc-js alone would refuse anything over 4 MiB)', async () => {
    const id = await topic.publishMessage({
      data: Buffer.alloc(10 * 1024 * 1024 - 100, 0x61),
      attributes: { a: 'b' },
    });
    const [last] = standIn.published(topic.name).slice(-1);
    expect(last?.messageId).toBe(id);
    expect(last?.data.length).toBe(10 * 1024 * 1024 - 100);
  });

  it("refuses a request over 10 MiB with Pub/Sub's INVALID_ARGUMENT, not retried, and stores nothing", async () => {
    const before = standIn.published(topic.name).length;
    const publishes = () => standIn.requests.filter((r) => r.method === 'Publish').length;
    const calls = publishes();
    await expect(
      topic.publishMessage({ data: Buffer.alloc(10 * 1024 * 1024 - 1, 0x61), attributes: { ab: 'c' } }),
    ).rejects.toMatchObject({ code: 3, details: 'Request payload size exceeds the limit: 10485760 bytes.' });
    expect(publishes() - calls).toBe(1);
    expect(standIn.published(topic.name)).toHaveLength(before);
  });
});
