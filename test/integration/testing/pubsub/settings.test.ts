import type { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PubSubStandIn, startPubSubStandIn } from '../../../../src/testing/pubsub/index.js';

let standIn: PubSubStandIn;
let pubsub: PubSub;
beforeAll(async () => {
  standIn = await startPubSubStandIn({ projectId: 'settings-test' });
  pubsub = standIn.client();
  await pubsub.createTopic('orders');
});
afterAll(async () => {
  await pubsub.close();
  await standIn.close();
});

let n = 0;
const subscribe = (options: Record<string, unknown>) =>
  pubsub.topic('orders').createSubscription(`orders-sub-${++n}`, options);

describe('Pub/Sub stand-in: settings it cannot honor are refused, not ignored', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['exactly-once delivery', { enableExactlyOnceDelivery: true }, /enable_exactly_once_delivery/],
    ['a BigQuery export subscription', { bigqueryConfig: { table: 'p.d.t' } }, /bigquery_config/],
    ['a Cloud Storage export subscription', { cloudStorageConfig: { bucket: 'b' } }, /cloud_storage_config/],
  ])('%s: CreateSubscription answers UNIMPLEMENTED naming the field', async (_what, options, field) => {
    await expect(subscribe(options)).rejects.toMatchObject({
      code: 12,
      details: expect.stringMatching(field),
    });
  });

  it('a topic with a schema: CreateTopic answers UNIMPLEMENTED (messages would not be validated)', async () => {
    await expect(
      pubsub.createTopic({
        name: 'with-schema',
        schemaSettings: { schema: 'projects/settings-test/schemas/order', encoding: 'JSON' },
      }),
    ).rejects.toMatchObject({ code: 12, details: expect.stringMatching(/schema_settings/) });
  });
});

describe('Pub/Sub stand-in: settings out of Pub/Sub’s ranges are INVALID_ARGUMENT', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a retention under 10 minutes',
      { messageRetentionDuration: { seconds: 60 } },
      /message_retention_duration/,
    ],
    [
      'a retention over 31 days',
      { messageRetentionDuration: { seconds: 32 * 86_400 } },
      /message_retention_duration/,
    ],
    [
      'a minimum backoff over 600 s',
      { retryPolicy: { minimumBackoff: { seconds: 601 } } },
      /minimum_backoff/,
    ],
    [
      'a maximum backoff under the minimum',
      { retryPolicy: { minimumBackoff: { seconds: 60 }, maximumBackoff: { seconds: 30 } } },
      /maximum_backoff/,
    ],
    ['an expiration under a day', { expirationPolicy: { ttl: { seconds: 3600 } } }, /expiration_policy/],
  ])('%s', async (_what, options, field) => {
    await expect(subscribe(options)).rejects.toMatchObject({
      code: 3,
      details: expect.stringMatching(field),
    });
  });

  it('accepts the values within the ranges, and a topic retention within them', async () => {
    await expect(
      subscribe({
        messageRetentionDuration: { seconds: 600 },
        retryPolicy: { minimumBackoff: { seconds: 10 }, maximumBackoff: { seconds: 600 } },
        expirationPolicy: { ttl: { seconds: 86_400 } },
      }),
    ).resolves.toBeDefined();
    await expect(
      pubsub.createTopic({ name: 'kept', messageRetentionDuration: { seconds: 31 * 86_400 } }),
    ).resolves.toBeDefined();
    await expect(
      pubsub.createTopic({ name: 'kept-too-long', messageRetentionDuration: { seconds: 32 * 86_400 } }),
    ).rejects.toMatchObject({ code: 3, details: expect.stringMatching(/message_retention_duration/) });
  });
});
