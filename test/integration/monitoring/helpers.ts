import { request } from 'node:http';
import type { PubSub, Topic } from '@google-cloud/pubsub';
import { v1 } from '@google-cloud/pubsub';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { CliIo, DeadLetterSubscription, MonitorClients } from '../../../src/index.js';
import { replayDeadLetters } from '../../../src/index.js';
import type { Clock } from '../../../src/retry/clock.js';
import {
  type LoggingStandIn,
  type MonitoringStandIn,
  type PubSubStandIn,
  type PubSubStandInOptions,
  startLoggingStandIn,
  startMonitoringStandIn,
  startPubSubStandIn,
} from '../../../src/testing/index.js';

/** The three stand-ins the monitor talks to, and real clients pointed at them. */
export interface Gcp {
  projectId: string;
  pubsub: PubSubStandIn;
  monitoring: MonitoringStandIn;
  logging: LoggingStandIn;
  pubsubClient: PubSub;
  clients: MonitorClients;
  close(): Promise<void>;
}

export async function startGcp(
  projectId: string,
  options: Pick<PubSubStandInOptions, 'ackDeadlineScale' | 'clock'> = {},
): Promise<Gcp> {
  const pubsub = await startPubSubStandIn({ projectId, ...options });
  const monitoring = await startMonitoringStandIn({ pubsub, projectId });
  const logging = await startLoggingStandIn({ projectId });
  const pubsubClient = pubsub.client();
  const clients: MonitorClients = {
    pubsub: pubsubClient,
    monitoring: monitoring.client(),
    logging: logging.client(),
  };
  return {
    projectId,
    pubsub,
    monitoring,
    logging,
    pubsubClient,
    clients,
    async close() {
      await Promise.allSettled([monitoring.close(), logging.close()]);
      await pubsubClient.close();
      await pubsub.close();
    },
  };
}

/** The replay suites' ack deadlines run at this fraction of real time. */
export const REPLAY_ACK_DEADLINE_SCALE = 0.01;

/**
 * A clock whose timers run at `scale` of real time, like a stand-in's ack deadlines: the replay's
 * lease renewals then keep pace with the leases they renew.
 */
export function scaledClock(scale: number): { schedule(ms: number, callback: () => void): () => void } {
  return {
    schedule(ms, callback) {
      const timer = setTimeout(callback, ms * scale);
      return () => clearTimeout(timer);
    },
  };
}

/**
 * The stand-ins of one test file of the replay (ack deadlines at 1/100: a lease the run could not
 * hand back expires in 0.1-0.6 s), started before its tests and closed after them, faults cleared
 * before each; and `replay`, which runs `replayDeadLetters` in that project with their clients.
 * With `clock`, the Pub/Sub stand-in's ack deadlines and the replay's lease renewals run on it
 * instead, at full length: no lease expires unless the test moves the clock, however slow the
 * machine (at 1/100, a 10 s deadline is 100 ms of real time, which a loaded machine can spend
 * between a pull and the lease the run then takes).
 */
export function replaySuite(
  projectId: string,
  suite: { clock?: Pick<Clock, 'schedule'> } = {},
): {
  /** The started stand-ins (each field read when used: they start in `beforeAll`). */
  gcp: Omit<Gcp, 'close'>;
  replay: (
    options: Parameters<typeof replayDeadLetters>[0],
    run?: Parameters<typeof replayDeadLetters>[1],
  ) => ReturnType<typeof replayDeadLetters>;
} {
  let started: Gcp | undefined;
  beforeAll(async () => {
    started = await startGcp(
      projectId,
      suite.clock ? { clock: suite.clock } : { ackDeadlineScale: REPLAY_ACK_DEADLINE_SCALE },
    );
  });
  beforeEach(() => {
    started?.pubsub.faults.clear();
  });
  afterAll(async () => {
    await started?.close();
  });
  const get = (): Gcp => {
    if (started === undefined) throw new Error('the stand-ins start in beforeAll');
    return started;
  };
  const gcp = {
    projectId,
    get pubsub() {
      return get().pubsub;
    },
    get monitoring() {
      return get().monitoring;
    },
    get logging() {
      return get().logging;
    },
    get pubsubClient() {
      return get().pubsubClient;
    },
    get clients() {
      return get().clients;
    },
  };
  return {
    gcp,
    replay: (options, run = {}) =>
      replayDeadLetters(
        { projectId, ...options },
        { clients: get().clients, clock: suite.clock ?? scaledClock(REPLAY_ACK_DEADLINE_SCALE), ...run },
      ),
  };
}

/** A unary subscriber client on the stand-in, for reading a subscription independently of the code under test. */
export function rawSubscriber(pubsub: PubSub): v1.SubscriberClient {
  return new v1.SubscriberClient({ ...pubsub.options, port: Number(pubsub.options.port) });
}

/**
 * Creates `<name>` with `<name>-sub`, and a dead-letter topic `<name>-dlq` with `<name>-dlq-sub`, the
 * source subscription's dead-letter policy pointing at it.
 */
export async function createPipeline(
  pubsub: PubSub,
  name: string,
): Promise<{ topic: Topic; dlq: Topic; sub: string; dlqSub: string }> {
  const [topic] = await pubsub.createTopic(name);
  const [dlq] = await pubsub.createTopic(`${name}-dlq`);
  await dlq.createSubscription(`${name}-dlq-sub`);
  await topic.createSubscription(`${name}-sub`, {
    deadLetterPolicy: { deadLetterTopic: dlq.name, maxDeliveryAttempts: 5 },
  });
  return { topic, dlq, sub: `${name}-sub`, dlqSub: `${name}-dlq-sub` };
}

/** Publishes dead-lettered messages straight to the DLQ topic, as `createMessageHandler` does. */
export async function deadLetter(
  dlq: Topic,
  messages: Array<{ data: string; reason: string; attributes?: Record<string, string> }>,
): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, m] of messages.entries()) {
    ids.push(
      await dlq.publishMessage({
        data: Buffer.from(m.data),
        attributes: {
          dead_letter_reason: m.reason,
          error_code: m.reason === 'invalid_json' ? 'MESSAGE_DECODE' : 'MESSAGE_VALIDATION',
          error_message: `bad message ${i}`,
          source_message_id: `src-${i}`,
          source_input: 'message',
          ...m.attributes,
        },
      }),
    );
  }
  return ids;
}

/** Pulls everything from a subscription and hands it back (nack): what it holds right now. */
export async function contents(
  subscriber: v1.SubscriberClient,
  projectId: string,
  subscription: string,
): Promise<Array<{ messageId: string; attributes: Record<string, string>; data: string }>> {
  const path = `projects/${projectId}/subscriptions/${subscription}`;
  const seen: Array<{ messageId: string; attributes: Record<string, string>; data: string }> = [];
  const ackIds: string[] = [];
  for (;;) {
    const [response] = await subscriber.pull({
      subscription: path,
      maxMessages: 1000,
      returnImmediately: true,
    });
    const received = response.receivedMessages ?? [];
    if (received.length === 0) break;
    for (const r of received) {
      ackIds.push(r.ackId!);
      seen.push({
        messageId: r.message!.messageId!,
        attributes: { ...(r.message!.attributes ?? {}) },
        data: Buffer.from(r.message!.data as Uint8Array).toString(),
      });
    }
  }
  if (ackIds.length > 0)
    await subscriber.modifyAckDeadline({ subscription: path, ackIds, ackDeadlineSeconds: 0 });
  return seen;
}

/** Two dead letters on `<name>`'s DLQ and one logged BigQuery error: a dead-letter and a logging finding. */
export async function seedTwoFindings(gcp: Gcp, name: string): Promise<void> {
  const { dlq } = await createPipeline(gcp.pubsubClient, name);
  await deadLetter(dlq, [
    { data: '{', reason: 'invalid_json' },
    { data: '{}', reason: 'validation_failed' },
  ]);
  const log = gcp.logging.client().log('app');
  await log.write(
    log.entry({ severity: 'ERROR', resource: { type: 'global' } }, 'BigQuery query failed: boom'),
  );
}

/** The configuration of `<name>-dlq-sub` (made by {@link createPipeline}), replayed to `<name>`. */
export function watch(name: string, extra: Partial<DeadLetterSubscription> = {}): DeadLetterSubscription {
  return {
    subscription: `${name}-dlq-sub`,
    severity: 'critical',
    description: `${name} completions`,
    phaseFrom: 'phase2',
    phaseTo: 'phase3',
    sourceTopic: name,
    ...extra,
  };
}

/** The CLI's I/O on the stand-ins' clients, with what it printed. */
export function cliIo(gcp: Gcp, env: Record<string, string> = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
    env: { GCP_PROJECT_ID: gcp.projectId, ...env },
    clients: gcp.clients,
  };
}

/** An HTTP answer with a JSON body, as the monitor's handler gives it. */
export interface JsonAnswer {
  status: number | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: the body's shape is what each test asserts
  json: any;
}

/** `POST` to the local server on `port` (no keep-alive), and its JSON answer. */
export function post(
  port: number,
  path: string,
  body: string | Buffer = '',
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  return new Promise<JsonAnswer>((resolve, reject) => {
    const req = request({ port, path, method: 'POST', agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
