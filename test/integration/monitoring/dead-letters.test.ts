import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkDeadLetters, defaultDeadLetterSubscriptions } from '../../../src/index.js';
import { contents, createPipeline, deadLetter, type Gcp, rawSubscriber, startGcp, watch } from './helpers.js';

const PROJECT = 'dlq-check';
let gcp: Gcp;

beforeAll(async () => {
  gcp = await startGcp(PROJECT);
});

beforeEach(() => {
  gcp.pubsub.faults.clear();
  gcp.monitoring.faults.clear();
});

afterAll(async () => {
  await gcp.close();
});

describe('checkDeadLetters with the real clients on the stand-ins', () => {
  it('counts from Cloud Monitoring, samples without acking, and reports the handler’s attributes', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'orders');
    const long = `{"game_date":"2026-02-30","notes":"${'x'.repeat(400)}"}`;
    await deadLetter(dlq, [
      { data: '{not json', reason: 'invalid_json' },
      { data: long, reason: 'validation_failed' },
      { data: '{"record_count":-1}', reason: 'validation_failed' },
    ]);
    const result = await checkDeadLetters({
      projectId: PROJECT,
      subscriptions: [watch('orders')],
      sampleSize: 5,
      clients: gcp.clients,
    });
    const [orders] = result.subscriptions;
    expect(orders).toMatchObject({
      subscription: 'orders-dlq-sub',
      status: 'messages',
      messages: 3,
      countSource: 'monitoring',
      countIsLowerBound: false,
      reasons: { invalid_json: 1, validation_failed: 2 },
    });
    expect(orders?.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(orders?.sample).toHaveLength(3);
    const sampled = orders!.sample.find((s) => s.dataBytes === Buffer.byteLength(long))!;
    expect(Array.from(sampled.data)).toHaveLength(201); // 200 characters and the ellipsis
    expect(sampled).toMatchObject({
      deadLetterReason: 'validation_failed',
      errorCode: 'MESSAGE_VALIDATION',
      replayCount: 0,
    });
    expect(sampled.sourceMessageId).toMatch(/^src-/);
    expect(result.totalMessages).toBe(3);
    expect(result.findings).toEqual([
      expect.objectContaining({ key: 'dlq:orders-dlq-sub', severity: 'critical', source: 'dead_letters' }),
    ]);
    // Nothing was acknowledged: the three messages are all still there.
    expect(gcp.pubsub.subscriptionStats('orders-dlq-sub')).toMatchObject({
      acked: 0,
      undelivered: 3,
      outstanding: 0,
    });
    const subscriber = rawSubscriber(gcp.pubsubClient);
    expect(await contents(subscriber, PROJECT, 'orders-dlq-sub')).toHaveLength(3);
    await subscriber.close();
  });

  it('reports a missing subscription as not_found, not as -1, and carries on with the others', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'present');
    await deadLetter(dlq, [{ data: 'x', reason: 'handler_failed' }]);
    const result = await checkDeadLetters({
      projectId: PROJECT,
      subscriptions: [watch('absent'), watch('present')],
      clients: gcp.clients,
    });
    expect(result.subscriptions.map((s) => [s.subscription, s.status, s.messages])).toEqual([
      ['absent-dlq-sub', 'not_found', undefined],
      ['present-dlq-sub', 'messages', 1],
    ]);
    expect(result.findings.map((f) => f.key)).toEqual(['dlq_missing:absent-dlq-sub', 'dlq:present-dlq-sub']);
  });

  it('falls back to a peek when Cloud Monitoring cannot be read, and says so', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'blind');
    await deadLetter(dlq, [
      { data: 'a', reason: 'invalid_json' },
      { data: 'b', reason: 'invalid_json' },
    ]);
    gcp.monitoring.faults.add({ method: 'ListTimeSeries', code: 'PERMISSION_DENIED' });
    const result = await checkDeadLetters({
      projectId: PROJECT,
      subscriptions: [watch('blind')],
      clients: gcp.clients,
    });
    expect(result.monitoringError?.code).toBe('FORBIDDEN');
    expect(result.subscriptions[0]).toMatchObject({
      status: 'messages',
      messages: 2,
      countSource: 'peek',
      countIsLowerBound: true,
    });
    expect(result.findings.map((f) => [f.key, f.severity])).toEqual([
      ['dlq:blind-dlq-sub', 'critical'],
      ['check_failed:monitoring', 'warning'],
    ]);
    expect(gcp.pubsub.subscriptionStats('blind-dlq-sub')).toMatchObject({ acked: 0, undelivered: 2 });
  });

  it('a peek that fills its limit at or under the threshold does not say ok: the count is unknown', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'fullpeek');
    await deadLetter(
      dlq,
      Array.from({ length: 8 }, (_, i) => ({ data: `m${i}`, reason: 'invalid_json' })),
    );
    gcp.monitoring.faults.add({ method: 'ListTimeSeries', code: 'PERMISSION_DENIED' });
    const result = await checkDeadLetters({
      projectId: PROJECT,
      subscriptions: [watch('fullpeek')],
      // "more than 5": a peek of at most 5 can never say so, whatever the queue holds.
      threshold: 5,
      peekLimit: 5,
      clients: gcp.clients,
    });
    const [sub] = result.subscriptions;
    expect(sub).toMatchObject({ status: 'failed', countSource: 'peek', countIsLowerBound: true });
    expect(sub!.error?.message).toMatch(/peekLimit/);
    expect(result.findings.map((f) => f.key)).toContain('check_failed:dead_letters:fullpeek-dlq-sub');
    expect(gcp.pubsub.subscriptionStats('fullpeek-dlq-sub')).toMatchObject({ acked: 0, undelivered: 8 });
  });

  it('marks one unreadable subscription failed and still reads the others', async () => {
    const { dlq: a } = await createPipeline(gcp.pubsubClient, 'fine');
    await deadLetter(a, [{ data: 'a', reason: 'invalid_json' }]);
    await createPipeline(gcp.pubsubClient, 'broken');
    // UNAVAILABLE is retried by the client until callTimeoutMs (1 s here) runs out.
    gcp.monitoring.faults.add({ method: 'ListTimeSeries', code: 'UNAVAILABLE', message: 'monitoring down' });
    // The first Pull of the run answers PERMISSION_DENIED: one subscription cannot be peeked.
    gcp.pubsub.faults.add({ method: 'Pull', code: 'PERMISSION_DENIED', times: 1 });
    const result = await checkDeadLetters({
      projectId: PROJECT,
      subscriptions: [watch('broken'), watch('fine')],
      callTimeoutMs: 1000,
      clients: gcp.clients,
    });
    const statuses = result.subscriptions.map((s) => s.status).sort();
    expect(statuses).toEqual(['failed', 'messages']);
    const failed = result.subscriptions.find((s) => s.status === 'failed')!;
    expect(failed.error?.code).toBe('FORBIDDEN');
    expect(result.findings.map((f) => f.key)).toContain(`check_failed:dead_letters:${failed.subscription}`);
    expect(result.monitoringError?.code).toMatch(/SERVICE_UNAVAILABLE|DEADLINE_EXCEEDED/);
  });

  it('reads dead_letter_message_count on the source subscription over the lookback', async () => {
    const { topic, sub } = await createPipeline(gcp.pubsubClient, 'poison');
    await topic.publishMessage({ data: Buffer.from('never works') });
    const subscriber = rawSubscriber(gcp.pubsubClient);
    const path = `projects/${PROJECT}/subscriptions/${sub}`;
    for (let i = 0; i < 5; i++) {
      const [pulled] = await subscriber.pull({ subscription: path, maxMessages: 1 });
      const ackIds = (pulled.receivedMessages ?? []).map((m) => m.ackId!);
      await subscriber.modifyAckDeadline({ subscription: path, ackIds, ackDeadlineSeconds: 0 });
    }
    await subscriber.close();
    const result = await checkDeadLetters({
      projectId: PROJECT,
      subscriptions: [watch('poison', { sourceSubscription: sub })],
      clients: gcp.clients,
    });
    expect(result.subscriptions[0]).toMatchObject({
      messages: 1,
      deadLetteredInLookback: 1,
      reasons: { unknown: 1 },
    });
    expect(result.subscriptions[0]?.sample[0]?.deliveryAttempts).toBe(5);
  });

  it('pulls nothing at all when sampleSize is 0 and Monitoring has the counts', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'quiet');
    await deadLetter(dlq, [{ data: 'a', reason: 'invalid_json' }]);
    const before = gcp.pubsub.requests.length;
    const result = await checkDeadLetters({
      projectId: PROJECT,
      subscriptions: [watch('quiet')],
      sampleSize: 0,
      clients: gcp.clients,
    });
    expect(result.subscriptions[0]).toMatchObject({ messages: 1, sample: [] });
    const methods = gcp.pubsub.requests.slice(before).map((r) => r.method);
    expect(methods).toEqual(['GetSubscription']);
  });

  it('counts any reason text, and keeps credentials of the attributes out of the report and the alert', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'hostile');
    const token = 'ya29.a0AfH6SMBabcdefghijklmnopqrstuvwxyz0123456789';
    await deadLetter(dlq, [
      { data: 'x', reason: 'constructor' },
      { data: 'x', reason: 'toString' },
      { data: 'x', reason: '__proto__' },
      {
        data: 'x',
        reason: `upstream refused Authorization: Bearer ${token}`,
        attributes: { error_code: `key ${token}` },
      },
    ]);
    const result = await checkDeadLetters({
      projectId: PROJECT,
      subscriptions: [watch('hostile')],
      sampleSize: 5,
      clients: gcp.clients,
    });
    const [hostile] = result.subscriptions;
    // An Object.prototype member was read as a count ("constructor xfunction Object() {...}1").
    expect(Object.entries(hostile!.reasons)).toEqual([
      ['constructor', 1],
      ['toString', 1],
      ['__proto__', 1],
      ['upstream refused Authorization: [REDACTED]', 1],
    ]);
    const everything = JSON.stringify(result);
    expect(everything).not.toContain(token);
    expect(result.findings[0]?.message).toContain(
      'Sampled reasons: constructor x1, toString x1, __proto__ x1, upstream refused Authorization: [REDACTED] x1.',
    );
  });

  it('samples an attribute named __proto__ as the user data it is (real client, stand-in)', async () => {
    const { dlq } = await createPipeline(gcp.pubsubClient, 'proto-attr');
    await deadLetter(dlq, [
      { data: 'x', reason: 'handler_failed', attributes: JSON.parse('{"__proto__":"nba","tenant":"t1"}') },
    ]);
    const result = await checkDeadLetters({
      projectId: PROJECT,
      subscriptions: [watch('proto-attr')],
      sampleSize: 5,
      clients: gcp.clients,
    });
    const [sample] = result.subscriptions[0]!.sample;
    expect(Object.getOwnPropertyDescriptor(sample!.attributes, '__proto__')?.value).toBe('nba');
    expect(sample!.attributes).toMatchObject({ tenant: 't1', dead_letter_reason: 'handler_failed' });
    expect(Object.getPrototypeOf(sample!.attributes)).toBe(Object.prototype);
  });

  it('an empty subscription is ok and is not peeked', async () => {
    await createPipeline(gcp.pubsubClient, 'empty');
    const before = gcp.pubsub.requests.length;
    const result = await checkDeadLetters({
      projectId: PROJECT,
      subscriptions: [watch('empty')],
      clients: gcp.clients,
    });
    expect(result.subscriptions[0]).toMatchObject({ status: 'ok', messages: 0 });
    expect(result.findings).toEqual([]);
    expect(gcp.pubsub.requests.slice(before).map((r) => r.method)).not.toContain('Pull');
  });

  it('watches the six subscriptions of the original monitor by default, built from the nba config', async () => {
    const result = await checkDeadLetters({ projectId: PROJECT, sport: 'nba', clients: gcp.clients });
    expect(result.subscriptions.map((s) => [s.subscription, s.severity, s.status])).toEqual([
      ['nba-phase1-scrapers-complete-dlq-sub', 'critical', 'not_found'],
      ['nba-scraper-complete-dlq-sub', 'critical', 'not_found'],
      ['nba-phase2-raw-complete-dlq-sub', 'critical', 'not_found'],
      ['analytics-ready-dead-letter-sub', 'warning', 'not_found'],
      ['line-changed-dead-letter-sub', 'warning', 'not_found'],
      ['prediction-request-dlq-sub', 'warning', 'not_found'],
    ]);
    expect(
      defaultDeadLetterSubscriptions('nba', { GCP_PROJECT_ID: 'test-project' })[2]?.recoveryCommand,
    ).toBe(
      'npx gpr dlq replay --project test-project --from nba-phase2-raw-complete-dlq-sub --to nba-phase2-raw-complete --dry-run',
    );
  });
});
