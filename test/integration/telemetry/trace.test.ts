import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryExecutor, type BigQueryRequestInfo } from '../../../src/bigquery/index.js';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../src/testing/bigquery/index.js';
import { type PubSubStandIn, startPubSubStandIn } from '../../../src/testing/pubsub/index.js';
import {
  createMessageHandler,
  type MessageOutcomeEvent,
  Phase2CompletionMessage,
  publishValidated,
} from '../../../src/validation/index.js';
import { type OtelHarness, type ReadableSpan, registerOtel } from '../../helpers/otel.js';

const JOBS_QUERY = /\/projects\/[^/]+\/queries$/;
const INSERT_ALL = /\/insertAll$/;
const good = { processor_name: 'BdlPlayerBoxscoresProcessor', game_date: '2026-01-23', record_count: 2 };

let otel: OtelHarness;
let bqStandIn: BigQueryStandIn;
let psStandIn: PubSubStandIn;
let pubsub: PubSub;
let subscription: Subscription;
const requests: BigQueryRequestInfo[] = [];
const outcomes: MessageOutcomeEvent[] = [];

/** Resolves once `condition()` holds, polling; rejects after `ms` (a hang guard, not a timing assertion). */
async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const attr = (span: ReadableSpan | undefined, key: string) => span?.attributes[key];

describe('one message traced across publish, handle and the BigQuery calls it makes, with faults', () => {
  beforeAll(async () => {
    otel = registerOtel();
    bqStandIn = await startBigQueryStandIn();
    await bqStandIn.client().createDataset('ds');
    const setup = new BigQueryExecutor({ client: bqStandIn.client() });
    await setup.query('CREATE TABLE ds.games (id INT64, game_date STRING)');
    otel.exporter.reset();
    psStandIn = await startPubSubStandIn({ projectId: 'telemetry-test' });
    pubsub = psStandIn.client();
    const [topic] = await pubsub.createTopic('phase2');
    await topic.createSubscription('phase2-sub');

    const bq = new BigQueryExecutor({
      client: bqStandIn.client(),
      retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 },
      onRequest: (info) => requests.push(info),
    });
    const handler = createMessageHandler(
      Phase2CompletionMessage,
      async (message) => {
        await bq.query('SELECT COUNT(*) AS n FROM ds.games WHERE game_date = @d', {
          params: { d: message.game_date },
        });
        await bq.insertRows('ds.games', [
          { id: 1, game_date: message.game_date },
          { id: 2, game_date: message.game_date },
        ]);
      },
      { onInvalid: 'nack', subscription: 'phase2-sub', onOutcome: (event) => outcomes.push(event) },
    );
    subscription = pubsub.subscription('phase2-sub');
    subscription.on('message', (message: Message) => void handler.subscription(message));

    // One transient failure on each BigQuery call: each must show as a failed attempt then a good one.
    // Its reason, backendError, makes it an INTERNAL_SERVER_ERROR whatever the status (a 503 here).
    bqStandIn.faults.add({
      method: 'POST',
      path: JOBS_QUERY,
      error: { status: 503, reason: 'backendError' },
      times: 1,
    });
    bqStandIn.faults.add({
      method: 'POST',
      path: INSERT_ALL,
      error: { status: 503, reason: 'backendError' },
      times: 1,
    });
    await publishValidated(topic, Phase2CompletionMessage, good);
    await until(
      () => outcomes.length === 1 && otel.named('process phase2-sub').length === 1,
      10_000,
      'the handled message',
    );
  });

  afterAll(async () => {
    await subscription?.close();
    await pubsub.close();
    await psStandIn.close();
    await bqStandIn.close();
    await otel.stop();
  });

  it('publishes in a PRODUCER span whose trace the CONSUMER span continues', () => {
    const [send] = otel.named('send phase2');
    const [process] = otel.named('process phase2-sub');
    expect(send?.kind).toBe(3);
    expect(process?.kind).toBe(4);
    expect(process?.spanContext().traceId).toBe(send?.spanContext().traceId);
    expect(process?.parentSpanContext?.spanId).toBe(send?.spanContext().spanId);
    expect(attr(send, 'messaging.system.name')).toBe('gcp.pubsub');
    expect(attr(send, 'messaging.destination.name')).toBe('phase2');
    expect(attr(send, 'messaging.operation.type')).toBe('send');
    expect(attr(process, 'messaging.operation.type')).toBe('process');
    expect(attr(process, 'messaging.destination.subscription.name')).toBe('phase2-sub');
    expect(attr(process, 'messaging.message.id')).toBe(attr(send, 'messaging.message.id'));
    expect(attr(process, 'resilience.message_handler.outcome')).toBe('processed');
    expect(outcomes[0]?.outcome).toBe('processed');
  });

  it('puts each executor call under the handling span, with one child span per attempt carrying error.type', () => {
    const [process] = otel.named('process phase2-sub');
    const [query] = otel.named('query');
    const [insert] = otel.named('insertRows ds.games');
    for (const call of [query, insert]) {
      expect(call?.parentSpanContext?.spanId).toBe(process?.spanContext().spanId);
      expect(call?.kind).toBe(2);
      expect(attr(call, 'db.system.name')).toBe('gcp.bigquery');
    }
    expect(attr(query, 'db.operation.name')).toBe('query');
    expect(attr(query, 'db.query.text')).toBeUndefined();
    expect(attr(insert, 'db.namespace')).toBe('ds');
    expect(attr(insert, 'db.collection.name')).toBe('games');
    expect(attr(insert, 'resilience.bigquery.row_count')).toBe(2);

    for (const [call, name] of [
      [query, 'query attempt'],
      [insert, 'insertRows attempt'],
    ] as const) {
      const attempts = otel.children(call!).filter((s) => s.name === name);
      attempts.sort(
        (a, b) => Number(attr(a, 'resilience.attempt.number')) - Number(attr(b, 'resilience.attempt.number')),
      );
      expect(
        attempts.map((s) => [attr(s, 'resilience.attempt.number'), attr(s, 'error.type') ?? 'ok']),
      ).toEqual([
        [1, 'INTERNAL_SERVER_ERROR'],
        [2, 'ok'],
      ]);
      expect(attempts[0]?.status.code).toBe(2);
      expect(call?.status.code).toBe(0);
    }
  });

  it('calls onRequest once per attempt with method, table, attempt, status and duration', () => {
    const inserts = requests.filter((r) => r.method === 'insertRows');
    expect(inserts.map((r) => [r.table, r.attempt, r.status])).toEqual([
      ['ds.games', 1, 'INTERNAL_SERVER_ERROR'],
      ['ds.games', 2, 'ok'],
    ]);
    const queries = requests.filter((r) => r.method === 'query');
    expect(queries[0]).toMatchObject({ attempt: 1, status: 'INTERNAL_SERVER_ERROR' });
    expect(queries.at(-1)).toMatchObject({ status: 'ok' });
    for (const r of requests) expect(Number.isInteger(r.durationMs) && r.durationMs >= 0).toBe(true);
  });

  it('counts attempts by outcome and error.type, rows written, handler outcomes and durations', async () => {
    const attempts = await otel.points('resilience.retry.attempts');
    const retried = attempts.filter(
      (p) =>
        p.attributes['resilience.outcome'] === 'retry' &&
        p.attributes['error.type'] === 'INTERNAL_SERVER_ERROR',
    );
    expect(retried.map((p) => p.attributes['resilience.operation.name']).sort()).toEqual([
      'bigquery.insertRows',
      'bigquery.query',
    ]);
    expect(retried.every((p) => p.value === 1)).toBe(true);
    const delays = await otel.points('resilience.retry.delay');
    expect(delays.reduce((n, p) => n + (p.value as { count: number }).count, 0)).toBe(2);
    const written = await otel.points('resilience.bigquery.rows.written');
    expect(written.map((p) => [p.attributes['db.collection.name'], p.value])).toEqual([['ds.games', 2]]);
    // The insert re-sent after the 503 went under the same insert ids.
    const resent = await otel.points('resilience.bigquery.rows.duplicates_avoided');
    expect(resent.map((p) => [p.attributes['db.collection.name'], p.value])).toEqual([['ds.games', 2]]);
    const handled = await otel.points('resilience.message_handler.outcomes');
    expect(handled.map((p) => [p.attributes['resilience.message_handler.outcome'], p.value])).toEqual([
      ['processed', 1],
    ]);
    const durations = await otel.points('db.client.operation.duration');
    expect(durations.map((p) => p.attributes['db.operation.name']).sort()).toEqual(['insertRows', 'query']);
  });

  it('records db.query.text only when opted in, and a throwing onRequest listener breaks nothing', async () => {
    const bq = new BigQueryExecutor({
      client: bqStandIn.client(),
      recordQueryText: true,
      onRequest: () => {
        throw new Error('listener bug');
      },
    });
    const sql = 'SELECT 7 AS seven';
    expect(await bq.query(sql)).toEqual([{ seven: 7 }]);
    const traced = otel.named('query').filter((s) => s.attributes['db.query.text'] !== undefined);
    expect(traced.map((s) => s.attributes['db.query.text'])).toEqual([sql]);
  });
});
