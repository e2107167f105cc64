import type { MetricServiceClient } from '@google-cloud/monitoring';
import type * as Grpc from '@grpc/grpc-js';
import { checkOptions, OPTION_ALIASES } from '../../shared/check-options.js';
import { FaultPlan, type GrpcFaultPlan } from '../shared/grpc-faults.js';
import {
  bindLoopback,
  buildServiceImplementation,
  type GrpcRequestLogEntry,
  methodNames,
} from '../shared/grpc-server.js';
import { loopbackClientOptions } from '../shared/peers.js';
import { loadRe2Compiler } from '../shared/re2.js';
import { loadMonitoringPeers } from './proto.js';
import { listTimeSeries, type PubSubMetricsSource } from './time-series.js';

/**
 * Options of {@link startMonitoringStandIn}.
 *
 * @example
 * ```ts
 * import { startMonitoringStandIn, startPubSubStandIn } from 'gcp-pipeline-resilience/testing';
 * const pubsub = await startPubSubStandIn({ projectId: 'demo' });
 * const monitoring = await startMonitoringStandIn({ pubsub, projectId: 'demo' });
 * ```
 */
export interface MonitoringStandInOptions {
  /** The Pub/Sub stand-in whose live state the `pubsub.googleapis.com/subscription/*` metrics report. */
  pubsub: PubSubMetricsSource;
  /** The project of the client `client()` returns. Default `'test-project'`. */
  projectId?: string;
  /** The port on 127.0.0.1; default 0 (any free port). */
  port?: number;
}

/**
 * A running Cloud Monitoring stand-in.
 *
 * @example
 * ```ts
 * import { startMonitoringStandIn, startPubSubStandIn } from 'gcp-pipeline-resilience/testing';
 * const pubsub = await startPubSubStandIn();
 * const monitoring = await startMonitoringStandIn({ pubsub });
 * const client = monitoring.client();
 * const now = Math.floor(Date.now() / 1000);
 * const [series] = await client.listTimeSeries({
 *   name: 'projects/test-project',
 *   filter: 'metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages"',
 *   interval: { startTime: { seconds: now - 300 }, endTime: { seconds: now } },
 * });
 * await monitoring.close();
 * await pubsub.close();
 * ```
 */
export interface MonitoringStandIn {
  /** `'127.0.0.1:PORT'`. */
  readonly endpoint: string;
  readonly projectId: string;
  /** A real `MetricServiceClient` pointed at the stand-in (insecure channel, no credentials). */
  client(options?: ConstructorParameters<typeof MetricServiceClient>[0]): MetricServiceClient;
  /** Fault injection by RPC name (`'ListTimeSeries'`, ...). */
  readonly faults: GrpcFaultPlan;
  /** Every RPC received, in arrival order. */
  readonly requests: GrpcRequestLogEntry[];
  /** Stops the server and closes the clients it handed out. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a Cloud Monitoring v3 `MetricService` on 127.0.0.1 that the real `@google-cloud/monitoring`
 * client talks to. `ListTimeSeries` serves `pubsub.googleapis.com/subscription/num_undelivered_messages`,
 * `oldest_unacked_message_age` (gauges) and `dead_letter_message_count` (delta) for every
 * subscription of the given Pub/Sub stand-in, read live: one raw point per series, no sampling delay.
 * Filters are Monitoring filters (`metric.type = "..." AND resource.labels.subscription_id =
 * one_of(...)`). `aggregation` aligns (ALIGN_DELTA, ALIGN_RATE, ALIGN_SUM on the delta; ALIGN_MEAN,
 * ALIGN_MIN, ALIGN_MAX, ALIGN_SUM, ALIGN_COUNT, ALIGN_NEXT_OLDER on the gauges) and reduces
 * (REDUCE_SUM, REDUCE_MEAN, REDUCE_MIN, REDUCE_MAX, REDUCE_COUNT over `groupByFields`); anything else,
 * an `orderBy` or a `secondaryAggregation` is INVALID_ARGUMENT. `pageSize` (points, or series in the
 * HEADERS view) and `pageToken` page the answer. Other RPCs answer UNIMPLEMENTED. Needs the optional peers
 * `@google-cloud/monitoring`, `@grpc/grpc-js`, `@grpc/proto-loader` and `re2js`.
 *
 * @example
 * ```ts
 * import { startMonitoringStandIn, startPubSubStandIn } from 'gcp-pipeline-resilience/testing';
 * const pubsub = await startPubSubStandIn();
 * const monitoring = await startMonitoringStandIn({ pubsub });
 * monitoring.faults.add({ method: 'ListTimeSeries', code: 'PERMISSION_DENIED' });
 * // ... the monitor falls back to peeking at the subscriptions ...
 * await monitoring.close();
 * await pubsub.close();
 * ```
 */
export async function startMonitoringStandIn(options: MonitoringStandInOptions): Promise<MonitoringStandIn> {
  if (
    typeof (options as Partial<MonitoringStandInOptions> | undefined)?.pubsub?.subscriptionMetrics !==
    'function'
  ) {
    throw new TypeError(
      'startMonitoringStandIn: option pubsub is required: a Pub/Sub stand-in (or an object with subscriptionMetrics()) whose subscriptions the metrics report',
    );
  }
  checkOptions(
    'startMonitoringStandIn',
    options,
    { pubsub: 'object', projectId: 'string', port: 'number' },
    OPTION_ALIASES,
  );
  const projectId = options.projectId ?? 'test-project';
  const [peers, compilePattern] = await Promise.all([loadMonitoringPeers(), loadRe2Compiler()]);
  const [service] = peers.services as [Grpc.ServiceDefinition];
  const faults = new FaultPlan('Cloud Monitoring', methodNames(service));
  const requests: GrpcRequestLogEntry[] = [];
  const source = options.pubsub;

  const server = new peers.grpc.Server();
  server.addService(
    service,
    buildServiceImplementation({ faults, requests }, 'Cloud Monitoring', service, {
      ListTimeSeries: (req) => listTimeSeries(source, req, compilePattern),
    }),
  );
  const port = await bindLoopback(peers.grpc, server, options.port);
  const clients: MetricServiceClient[] = [];
  let closing: Promise<void> | undefined;

  return {
    endpoint: `127.0.0.1:${port}`,
    projectId,
    faults,
    requests,
    client(clientOptions) {
      const client = new peers.client.MetricServiceClient({
        ...loopbackClientOptions(peers, port, projectId),
        ...clientOptions,
      });
      clients.push(client);
      return client;
    },
    close() {
      closing ??= (async () => {
        server.forceShutdown();
        await Promise.allSettled(clients.map((c) => c.close()));
      })();
      return closing;
    },
  };
}
