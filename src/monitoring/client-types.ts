/**
 * The parts of the Google clients the monitor calls, declared structurally so that the package's
 * public types need none of the optional peers. A real `PubSub`, `v1.SubscriberClient`,
 * `MetricServiceClient` and `Logging` are each one (`test/types/client-types.ts` proves it); so is an
 * object of your own with the same methods. The monitor reads the answers in the shapes the Google
 * APIs document.
 * @module
 */
import type { MessagePublisher } from '../validation/index.js';

/**
 * What the monitor calls on a `PubSub` of `@google-cloud/pubsub`.
 *
 * @example
 * ```ts
 * import { PubSub } from '@google-cloud/pubsub';
 * import { createMonitor, type MonitorPubSubClient } from 'gcp-pipeline-resilience';
 * const pubsub: MonitorPubSubClient = new PubSub({ projectId: 'nba-props-platform' });
 * const monitor = createMonitor({ projectId: 'nba-props-platform', sport: 'nba', clients: { pubsub } });
 * ```
 */
export interface MonitorPubSubClient {
  /**
   * The topic a replay publishes to, with `messageOrdering: true`: a message that had an ordering
   * key is republished with it.
   */
  topic(name: string, options?: { messageOrdering?: boolean }): MessagePublisher;
  /** The configuration the default subscriber client is built from (project, endpoint, credentials). */
  getClientConfig(): Promise<object>;
}

/**
 * What the monitor calls on a `v1.SubscriberClient` of `@google-cloud/pubsub` (unary calls only).
 *
 * @example
 * ```ts
 * import { v1 } from '@google-cloud/pubsub';
 * import { createMonitor, type MonitorSubscriberClient } from 'gcp-pipeline-resilience';
 * const subscriber: MonitorSubscriberClient = new v1.SubscriberClient();
 * const monitor = createMonitor({ projectId: 'nba-props-platform', sport: 'nba', clients: { subscriber } });
 * ```
 */
export interface MonitorSubscriberClient {
  pull(
    request: { subscription?: string | null; maxMessages?: number | null },
    options?: object,
  ): Promise<unknown>;
  acknowledge(
    request: { subscription?: string | null; ackIds?: string[] | null },
    options?: object,
  ): Promise<unknown>;
  modifyAckDeadline(
    request: { subscription?: string | null; ackIds?: string[] | null; ackDeadlineSeconds?: number | null },
    options?: object,
  ): Promise<unknown>;
  getSubscription(request: { subscription?: string | null }, options?: object): Promise<unknown>;
}

/**
 * What the monitor calls on a `MetricServiceClient` of `@google-cloud/monitoring`.
 *
 * @example
 * ```ts
 * import { MetricServiceClient } from '@google-cloud/monitoring';
 * import { createMonitor, type MonitorMetricClient } from 'gcp-pipeline-resilience';
 * const monitoring: MonitorMetricClient = new MetricServiceClient();
 * const monitor = createMonitor({ projectId: 'nba-props-platform', sport: 'nba', clients: { monitoring } });
 * ```
 */
export interface MonitorMetricClient {
  listTimeSeries(
    request: { name?: string | null; filter?: string | null },
    options?: object,
  ): Promise<unknown>;
}

/**
 * What the monitor calls on a `Logging` of `@google-cloud/logging`.
 *
 * @example
 * ```ts
 * import { Logging } from '@google-cloud/logging';
 * import { createMonitor, type MonitorLoggingClient } from 'gcp-pipeline-resilience';
 * const logging: MonitorLoggingClient = new Logging({ projectId: 'nba-props-platform' });
 * const monitor = createMonitor({ projectId: 'nba-props-platform', sport: 'nba', clients: { logging } });
 * ```
 */
export interface MonitorLoggingClient {
  getEntries(options?: { filter?: string; pageSize?: number; orderBy?: string }): Promise<unknown>;
}
