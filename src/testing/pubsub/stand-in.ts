import type { ClientConfig, PubSub } from '@google-cloud/pubsub';
import type { Clock } from '../../retry/clock.js';
import { checkOptions, OPTION_ALIASES, optionsProblem } from '../../shared/check-options.js';
import { FaultPlan } from '../shared/grpc-faults.js';
import { bindLoopback, methodNames } from '../shared/grpc-server.js';
import {
  Broker,
  type PubSubStandInMessage,
  type PubSubSubscriptionMetrics,
  type PubSubSubscriptionStats,
} from './broker.js';
import type { PubSubFaultPlan } from './faults.js';
import { qualify } from './names.js';
import { loadPubSubPeers } from './proto.js';
import { buildImplementation, type PubSubRequestLogEntry } from './services.js';

/**
 * Options of {@link startPubSubStandIn}.
 *
 * @example
 * ```ts
 * import { createTestClock, startPubSubStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startPubSubStandIn({ projectId: 'demo', ackDeadlineScale: 0.01 });
 * // Virtual timers: a nack under a 10 s minimum backoff comes back once the clock has moved 10 s.
 * const clock = createTestClock();
 * const virtual = await startPubSubStandIn({ clock });
 * clock.advance(10_000);
 * ```
 */
export interface PubSubStandInOptions {
  /** The project of the client `client()` returns and of the short names helpers accept. Default `'test-project'`. */
  projectId?: string;
  /** The port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /**
   * Multiplies every ack deadline, so that expiry can be tested without waiting the 10 s minimum
   * Pub/Sub enforces: `0.01` makes a 10 s deadline last 100 ms. Default 1 (real time).
   */
  ackDeadlineScale?: number;
  /**
   * Runs the stand-in's timers: ack deadlines and the retry policy's redelivery backoff. Pass
   * `createTestClock()` and move it with `advance` to test a 10 s backoff or a deadline without
   * waiting. Default: real timers. Publish times stay wall-clock times.
   */
  clock?: Pick<Clock, 'schedule'>;
}

/**
 * Options of {@link PubSubStandIn.waitForPublished}.
 *
 * @example
 * ```ts
 * import { startPubSubStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startPubSubStandIn();
 * await standIn.waitForPublished('orders-dlq', { count: 2, timeoutMs: 3000 });
 * ```
 */
export interface PubSubWaitOptions {
  /** How many messages the topic must have received in total. Default 1. */
  count?: number;
  /** Rejects after this long. Default 5000 ms. */
  timeoutMs?: number;
}

/**
 * A running Pub/Sub stand-in.
 *
 * @example
 * ```ts
 * import { startPubSubStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startPubSubStandIn();
 * const pubsub = standIn.client();
 * const [topic] = await pubsub.createTopic('orders');
 * await topic.publishMessage({ json: { id: 1 } });
 * console.log(standIn.published('orders').length); // 1
 * await pubsub.close();
 * await standIn.close();
 * ```
 */
export interface PubSubStandIn {
  /** `'127.0.0.1:PORT'`, for `apiEndpoint` or `PUBSUB_EMULATOR_HOST`. */
  readonly endpoint: string;
  readonly projectId: string;
  /**
   * A real `PubSub` client pointed at the stand-in: emulator mode (insecure channel, no
   * credentials) and a fixed universe domain, so no metadata-server lookup happens.
   */
  client(options?: ClientConfig): PubSub;
  /** Fault injection by RPC name. */
  readonly faults: PubSubFaultPlan;
  /** Every RPC received, in arrival order (StreamingPull: every inbound stream request). */
  readonly requests: PubSubRequestLogEntry[];
  /** What a topic received so far (short id or full name), dead-letter forwards included. */
  published(topic: string): PubSubStandInMessage[];
  /** Resolves with the topic's messages once it has received `count` of them. */
  waitForPublished(topic: string, options?: PubSubWaitOptions): Promise<PubSubStandInMessage[]>;
  /** Counters of a subscription (short id or full name), `undefined` if it does not exist. */
  subscriptionStats(subscription: string): PubSubSubscriptionStats | undefined;
  /** What Cloud Monitoring would report for every subscription, read live (the Monitoring stand-in's source). */
  subscriptionMetrics(): PubSubSubscriptionMetrics[];
  /** Ends every stream, clears every ack-deadline timer and stops the server. Idempotent. */
  close(): Promise<void>;
}

/** The options of `waitForPublished`. */
const WAIT_SPEC = { count: 'number', timeoutMs: 'number' } as const;

/**
 * Starts a Pub/Sub v1 gRPC server on 127.0.0.1 that the real `@google-cloud/pubsub` client talks to:
 * topics, subscriptions (ack deadline, dead-letter policy, retry policy backoff), Publish, Pull, StreamingPull,
 * Acknowledge and ModifyAckDeadline (0 = nack), with delivery-attempt counting and dead-lettering.
 * Other RPCs answer UNIMPLEMENTED. Needs the optional peers `@google-cloud/pubsub`, `@grpc/grpc-js`
 * and `@grpc/proto-loader`.
 *
 * @example
 * ```ts
 * import { startPubSubStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startPubSubStandIn();
 * standIn.faults.add({ method: 'Publish', times: 2, code: 'UNAVAILABLE' });
 * const pubsub = standIn.client();
 * const [topic] = await pubsub.createTopic('orders');
 * await topic.publishMessage({ data: Buffer.from('hi') }); // survives via the client's own retry
 * console.log(standIn.requests.filter((r) => r.method === 'Publish').length); // 3
 * await pubsub.close();
 * await standIn.close();
 * ```
 */
export async function startPubSubStandIn(options: PubSubStandInOptions = {}): Promise<PubSubStandIn> {
  // A misspelt option (`projectID`) would be ignored, every helper then looking in `test-project`.
  checkOptions(
    'startPubSubStandIn',
    options,
    { projectId: 'string', port: 'number', ackDeadlineScale: 'number', clock: 'object' },
    OPTION_ALIASES,
  );
  if (options.clock !== undefined && typeof options.clock.schedule !== 'function') {
    throw new TypeError('startPubSubStandIn: option clock must have a schedule function (createTestClock())');
  }
  const projectId = options.projectId ?? 'test-project';
  const ackDeadlineScale = options.ackDeadlineScale ?? 1;
  if (!(ackDeadlineScale > 0)) {
    throw new TypeError(`ackDeadlineScale must be a positive number, got ${ackDeadlineScale}`);
  }
  const { grpc, PubSub: PubSubClass, publisher, subscriber } = await loadPubSubPeers();

  const broker = new Broker({ ackDeadlineScale, clock: options.clock });
  const faults = new FaultPlan('Pub/Sub', methodNames(publisher, subscriber));
  const requests: PubSubRequestLogEntry[] = [];
  const ctx = { broker, faults, requests };

  // grpc-js refuses requests over 4 MiB by default (RESOURCE_EXHAUSTED, which the client retries);
  // Pub/Sub takes 10 MB per request and answers INVALID_ARGUMENT beyond. No transport limit here:
  // the broker checks the size and answers as Pub/Sub does.
  const server = new grpc.Server({ 'grpc.max_receive_message_length': -1 });
  // Handlers are wrapped before addService: grpc-js copies them when the service is added.
  server.addService(publisher, buildImplementation(ctx, publisher, 'publisher'));
  server.addService(subscriber, buildImplementation(ctx, subscriber, 'subscriber'));
  const port = await bindLoopback(grpc, server, options.port);
  const endpoint = `127.0.0.1:${port}`;
  const clients: PubSub[] = [];
  let closing: Promise<void> | undefined;

  return {
    endpoint,
    projectId,
    faults,
    requests,
    client(clientOptions?: ClientConfig): PubSub {
      const client = new PubSubClass({
        projectId,
        apiEndpoint: endpoint,
        emulatorMode: true,
        // A universe domain given up front spares google-gax its metadata-server lookup.
        universeDomain: 'googleapis.com',
        ...clientOptions,
      });
      clients.push(client);
      return client;
    },
    published: (topic) => broker.published(qualify('topics', projectId, topic)),
    waitForPublished: (topic, wait = {}) => {
      // `{ timeout: 100 }` would wait the default 5 s instead.
      const problem = optionsProblem('waitForPublished', wait, WAIT_SPEC, OPTION_ALIASES);
      if (problem) return Promise.reject(problem);
      return broker.waitForPublished(
        qualify('topics', projectId, topic),
        wait.count ?? 1,
        wait.timeoutMs ?? 5000,
      );
    },
    subscriptionStats: (subscription) => broker.stats(qualify('subscriptions', projectId, subscription)),
    subscriptionMetrics: () => broker.metrics(),
    close() {
      closing ??= (async () => {
        broker.close();
        server.forceShutdown();
        await Promise.allSettled(clients.map((client) => client.close()));
      })();
      return closing;
    },
  };
}
