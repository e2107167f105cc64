/**
 * Chaos: the demo pipeline's processor and handler (examples/processor.ts,
 * examples/phase-transition-handler.ts) on the stand-ins, with every fault kind at once and hostile
 * messages, seeded. Proven by querying the tables afterwards, never by counting our own calls:
 * every input is processed, redelivered or dead-lettered; rows written = rows expected; nothing is
 * written twice.
 */
import type { Message, PubSub, Topic } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analyticsKey,
  completionPayloads,
  GAME_DATES,
  type RawLine,
  rawLines,
  registryRows,
} from '../../../examples/demo-data.js';
import { until } from '../../../examples/demo-pipeline.js';
import { subscribePhaseTransition } from '../../../examples/phase-transition-handler.js';
import { createGameDateProcessor } from '../../../examples/processor.js';
import { publishCompletion, publishRaw } from '../../../examples/scraper-publish.js';
import {
  BigQueryExecutor,
  type HandlingResult,
  PlayerRegistryReader,
  UnresolvedPlayerTracker,
  unresolvedPlayersTableDdl,
} from '../../../src/index.js';
import {
  type BigQueryStandIn,
  mulberry32,
  type PubSubStandIn,
  startBigQueryStandIn,
  startPubSubStandIn,
} from '../../../src/testing/index.js';
import { hostileMessages } from './hostile-messages.js';

const PROJECT = 'chaos-project';
const T = {
  raw: `${PROJECT}.mlb_raw.player_game_lines`,
  analytics: `${PROJECT}.mlb_analytics.player_game_summary`,
  registry: `${PROJECT}.mlb_reference.mlb_players_registry`,
  unresolved: `${PROJECT}.mlb_reference.unresolved_players`,
};
const JOBS = /\/projects\/[^/]+\/(jobs|queries)$/;
const RESULTS = /\/projects\/[^/]+\/queries\/[^/]+$/;
const INSERT_ALL = /\/insertAll$/;

/** Every fault kind the stand-ins have, seeded; each named so the test can prove it acted. */
function armFaults(
  bigquery: BigQueryStandIn,
  pubsub: PubSubStandIn,
  seed: number,
): Array<{ name: string; hits: number }> {
  const s = (k: number) => seed * 7919 + k;
  const plan = bigquery.faults;
  // An outage longer than the executor's 6 attempts: the handler nacks and Pub/Sub redelivers.
  plan.add({
    name: 'bq outage (retries exhausted)',
    sql: /player_game_lines/,
    method: 'POST',
    path: JOBS,
    after: 2,
    times: 6,
    error: { status: 503, reason: 'backendError' },
  });
  plan.add({
    name: 'bq 503',
    method: 'POST',
    path: JOBS,
    rate: 0.15,
    seed: s(1),
    times: 6,
    error: { status: 503, reason: 'backendError' },
  });
  plan.add({
    // Retry-After longer than maxDelayMs: the executor gives up at once, the handler nacks, and
    // Pub/Sub's redelivery finishes the job.
    name: 'bq 429 Retry-After 2 s',
    method: 'POST',
    path: JOBS,
    rate: 0.1,
    seed: s(2),
    times: 3,
    error: { status: 429, reason: 'rateLimitExceeded', retryAfterSeconds: 2 },
  });
  plan.add({
    name: 'bq 403 rateLimitExceeded',
    method: 'POST',
    path: JOBS,
    rate: 0.1,
    seed: s(3),
    times: 3,
    error: { status: 403, reason: 'rateLimitExceeded' },
  });
  plan.add({
    name: 'bq 500 on results',
    path: RESULTS,
    rate: 0.1,
    seed: s(4),
    times: 3,
    error: { status: 500, reason: 'backendError' },
  });
  plan.add({
    name: 'bq job failed',
    path: JOBS,
    rate: 0.2,
    seed: s(5),
    times: 3,
    jobError: { reason: 'jobBackendError' },
  });
  plan.add({ name: 'bq reset', rate: 0.05, seed: s(6), times: 4, reset: true });
  plan.add({
    name: 'bq answer lost (jobs)',
    method: 'POST',
    path: JOBS,
    rate: 0.1,
    seed: s(7),
    times: 3,
    reset: 'after',
  });
  plan.add({
    name: 'bq answer lost (insertAll)',
    path: INSERT_ALL,
    rate: 0.3,
    seed: s(8),
    times: 4,
    reset: 'after',
  });
  plan.add({
    name: 'bq rows stopped',
    path: INSERT_ALL,
    rate: 0.3,
    seed: s(9),
    times: 4,
    insertErrors: { invalid: [] },
  });
  plan.add({
    name: 'bq 503 insertAll',
    path: INSERT_ALL,
    rate: 0.2,
    seed: s(10),
    times: 4,
    error: { status: 503, reason: 'backendError' },
  });
  plan.add({ name: 'bq slow', rate: 0.1, seed: s(11), times: 5, delayMs: 30 });
  const pubsubRules = [
    pubsub.faults.add({ method: 'Publish', rate: 0.2, seed: s(12), times: 4, code: 'UNAVAILABLE' }),
    pubsub.faults.add({ method: 'Acknowledge', rate: 0.3, seed: s(13), times: 4, code: 'UNAVAILABLE' }),
    pubsub.faults.add({ method: 'ModifyAckDeadline', rate: 0.2, seed: s(14), times: 3, code: 'UNAVAILABLE' }),
    pubsub.faults.add({ method: 'StreamingPull', times: 1, code: 'UNAVAILABLE' }),
  ];
  // The handles keep counting after a rule is spent (the plans forget spent rules).
  return [
    ...plan.rules.map((h) => ({
      get name() {
        return h.id;
      },
      get hits() {
        return h.hits;
      },
    })),
    ...pubsubRules.map((h) => ({
      get name() {
        return `pubsub ${h.rule.method} UNAVAILABLE`;
      },
      get hits() {
        return h.hits;
      },
    })),
  ];
}

interface Run {
  published: { valid: string[]; hostileProcessed: string[]; hostileDeadLettered: string[] };
  processed: Set<string>;
  deadLettered: Map<string, string>;
  redeliveries: number;
  faultHits: Record<string, number>;
  lines: RawLine[];
  tracked: Record<string, number>;
  executor: BigQueryExecutor;
  bigquery: BigQueryStandIn;
}

async function runChaos(seed: number, bigquery: BigQueryStandIn, pubsub: PubSubStandIn): Promise<Run> {
  const client: PubSub = pubsub.client();
  const executor = new BigQueryExecutor({
    client: bigquery.client(),
    projectId: PROJECT,
    retry: {
      // A reset on a kept-alive socket can leave the client waiting: the request timeout abandons it.
      attemptTimeoutMs: 1_500,
      maxAttempts: 6,
      baseDelayMs: 5,
      maxDelayMs: 40,
      random: mulberry32(seed),
    },
  });
  for (const dataset of ['mlb_raw', 'mlb_analytics', 'mlb_reference']) {
    await executor.query(`CREATE SCHEMA IF NOT EXISTS \`${PROJECT}.${dataset}\``);
  }
  await executor.query(
    `CREATE TABLE \`${T.raw}\` (game_date DATE NOT NULL, game_id STRING NOT NULL, player_name STRING NOT NULL, player_type STRING NOT NULL, strikeouts INT64, hits INT64)`,
  );
  await executor.query(
    `CREATE TABLE \`${T.analytics}\` (game_date DATE NOT NULL, game_id STRING NOT NULL, player_lookup STRING NOT NULL, player_type STRING NOT NULL, universal_player_id STRING, strikeouts INT64, hits INT64, processed_by STRING)`,
  );
  await executor.query(
    `CREATE TABLE \`${T.registry}\` (player_lookup STRING NOT NULL, universal_player_id STRING, player_type STRING NOT NULL, processed_at TIMESTAMP NOT NULL)`,
  );
  await executor.query(unresolvedPlayersTableDdl(T.unresolved));
  const lines = rawLines();
  await executor.loadRows(T.raw, lines);
  await executor.loadRows(T.registry, registryRows());

  const [topic] = await client.createTopic('phase2-complete');
  const [deadLetterTopic] = await client.createTopic('phase2-complete-dlq');
  await topic.createSubscription('phase2-complete-sub', {
    ackDeadlineSeconds: 10,
    deadLetterPolicy: { deadLetterTopic: deadLetterTopic.name, maxDeliveryAttempts: 10 },
  });

  // What the dead-letter topic received, read from the Pub/Sub stand-in itself.
  const deadLettered = new Map<string, string>();
  const readDeadLetters = (): void => {
    for (const m of pubsub.published('phase2-complete-dlq')) {
      deadLettered.set(m.attributes.source_message_id ?? m.messageId, m.attributes.dead_letter_reason ?? '?');
    }
  };

  const tracker = new UnresolvedPlayerTracker({
    executor,
    sport: 'mlb',
    source: 'chaos',
    table: T.unresolved,
  });
  const reader = new PlayerRegistryReader({
    executor,
    sport: 'mlb',
    source: 'chaos',
    table: T.registry,
    tracker,
  });
  const processGameDate = createGameDateProcessor({
    executor,
    reader,
    rawTable: T.raw,
    analyticsTable: T.analytics,
    // The REST fault kinds of this test include insertAll's; the Storage Write path has its own.
    writer: 'insert-all',
  });

  const faults = armFaults(bigquery, pubsub, seed);

  const processed = new Set<string>();
  let redeliveries = 0;
  const subscription = client.subscription('phase2-complete-sub', { flowControl: { maxMessages: 4 } });
  const stop = subscribePhaseTransition(subscription, {
    deadLetterTopic: deadLetterTopic as Topic,
    maxDeliveryAttempts: 10,
    process: async (message) => {
      await processGameDate(message);
    },
    onOutcome: (message: Message, result: HandlingResult) => {
      if (result.outcome === 'processed') processed.add(message.id);
      else if (!result.ack) redeliveries++;
    },
  });

  const published = {
    valid: [] as string[],
    hostileProcessed: [] as string[],
    hostileDeadLettered: [] as string[],
  };
  const payloads = completionPayloads(lines);
  const hostile = hostileMessages(seed, GAME_DATES[0] as string);
  // Valid completions, each sent twice (at-least-once upstream), interleaved with the hostile ones.
  for (let i = 0; i < Math.max(payloads.length * 2, hostile.length); i++) {
    const payload = payloads[i % payloads.length];
    if (i < payloads.length * 2 && payload) published.valid.push(await publishCompletion(topic, payload));
    const bad = hostile[i];
    if (bad) {
      const id = await publishRaw(topic, bad.data);
      (bad.expect === 'processed' ? published.hostileProcessed : published.hostileDeadLettered).push(id);
    }
  }

  const all = [...published.valid, ...published.hostileProcessed, ...published.hostileDeadLettered];
  const settled = await until(() => {
    readDeadLetters();
    return all.every((id) => processed.has(id) || deadLettered.has(id));
  }, 45_000);
  await stop();

  const faultHits = Object.fromEntries(faults.map((f) => [f.name, f.hits]));
  bigquery.faults.clear();
  pubsub.faults.clear();
  await client.close();
  if (!settled) throw new Error('some messages were neither processed nor dead-lettered within 45 s');

  const tracked: Record<string, number> = {};
  for (const entry of tracker.entries())
    tracked[`${entry.playerLookup}|${entry.playerType.toUpperCase()}`] = entry.count;
  for (let i = 0; i < 5 && tracker.size > 0; i++) await tracker.flush();
  return { published, processed, deadLettered, redeliveries, faultHits, lines, tracked, executor, bigquery };
}

describe.each([1, 2])('chaos on the demo pipeline (seed %i)', (seed) => {
  let bigquery: BigQueryStandIn;
  let pubsub: PubSubStandIn;
  let run: Run;

  beforeAll(async () => {
    bigquery = await startBigQueryStandIn({ projectId: PROJECT });
    pubsub = await startPubSubStandIn({ projectId: PROJECT, ackDeadlineScale: 1 });
    run = await runChaos(seed, bigquery, pubsub);
  }, 90_000);
  afterAll(async () => {
    await pubsub?.close();
    await bigquery?.close();
  });

  it('every fault kind acted at least once', () => {
    const idle = Object.entries(run.faultHits).filter(([, hits]) => hits === 0);
    // Rate-based rules may stay idle for a seed; most must act, and the run as a whole must be hostile.
    expect(idle.length).toBeLessThanOrEqual(3);
    expect(Object.values(run.faultHits).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(20);
    expect(run.redeliveries).toBeGreaterThan(0);
  });

  it('every input is processed or dead-lettered: valid ones processed, hostile ones dead-lettered', () => {
    for (const id of [...run.published.valid, ...run.published.hostileProcessed]) {
      expect({ id, processed: run.processed.has(id), deadLettered: run.deadLettered.get(id) }).toEqual({
        id,
        processed: true,
        deadLettered: undefined,
      });
    }
    for (const id of run.published.hostileDeadLettered) {
      expect({ id, processed: run.processed.has(id), deadLettered: run.deadLettered.has(id) }).toEqual({
        id,
        processed: false,
        deadLettered: true,
      });
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('rows written = rows expected, and nothing is written twice', async () => {
    const [counts] = await run.executor.query<{ n: number; d: number }>(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT CONCAT(CAST(game_date AS STRING), '|', game_id, '|', player_lookup)) AS d FROM \`${T.analytics}\``,
    );
    expect(counts).toEqual({ n: run.lines.length, d: run.lines.length });
    const keys = await run.executor.query<{ k: string }>(
      `SELECT CONCAT(CAST(game_date AS STRING), '|', game_id, '|', player_lookup) AS k FROM \`${T.analytics}\``,
    );
    expect(new Set(keys.map((r) => r.k))).toEqual(new Set(run.lines.map(analyticsKey)));
  });

  it('every unresolved player is written once with every miss counted', async () => {
    const rows = await run.executor.query<{ key: string; n: number; occurrences: number }>(
      `SELECT CONCAT(player_lookup, '|', player_type) AS key, COUNT(*) AS n, SUM(occurrence_count) AS occurrences FROM \`${T.unresolved}\` GROUP BY 1`,
    );
    expect(Object.keys(run.tracked).length).toBeGreaterThan(0);
    expect(Object.fromEntries(rows.map((r) => [r.key, r.occurrences]))).toEqual(run.tracked);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });
});
