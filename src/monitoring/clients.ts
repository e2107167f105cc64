import type { Logging } from '@google-cloud/logging';
import type { MetricServiceClient } from '@google-cloud/monitoring';
import type { PubSub, v1 } from '@google-cloud/pubsub';
import type {
  MonitorLoggingClient,
  MonitorMetricClient,
  MonitorPubSubClient,
  MonitorSubscriberClient,
} from './client-types.js';

/**
 * The Google clients the monitor uses. Each one is optional: a missing client is created on first
 * use with Application Default Credentials (`@google-cloud/pubsub`, `@google-cloud/monitoring` and
 * `@google-cloud/logging` are optional peer dependencies, loaded only then). Pass your own to share
 * connections, to point at an emulator or at the `/testing` stand-ins.
 *
 * @example
 * ```ts
 * import { PubSub } from '@google-cloud/pubsub';
 * import { MetricServiceClient } from '@google-cloud/monitoring';
 * import { Logging } from '@google-cloud/logging';
 * import { createMonitor, type MonitorClients } from 'gcp-pipeline-resilience';
 * const clientsFor = (projectId: string): MonitorClients => ({
 *   pubsub: new PubSub({ projectId }),
 *   monitoring: new MetricServiceClient(),
 *   logging: new Logging({ projectId }),
 * });
 * const monitor = createMonitor({ sport: 'nba', clients: clientsFor('my-project') });
 * ```
 */
export interface MonitorClients {
  /** Publishes replays and, through its configuration, builds the subscriber that peeks and pulls. */
  pubsub?: MonitorPubSubClient;
  /** The unary Pull / Acknowledge / ModifyAckDeadline client; default: built from `pubsub`'s configuration. */
  subscriber?: MonitorSubscriberClient;
  /** Reads the Pub/Sub metrics (`ListTimeSeries`). */
  monitoring?: MonitorMetricClient;
  /** Reads log entries (`ListLogEntries`). */
  logging?: MonitorLoggingClient;
}

/*
 * The monitor's own code reads the answers through the clients' full types (type-only imports, absent
 * from the published declarations). The given clients are only known to have the methods listed in
 * `client-types.ts`, which are the ones called; these views say so in one place.
 */
const asPubSub = (client: MonitorPubSubClient) => client as unknown as PubSub;
const asSubscriber = (client: MonitorSubscriberClient) => client as unknown as v1.SubscriberClient;
const asMetricClient = (client: MonitorMetricClient) => client as unknown as MetricServiceClient;
const asLogging = (client: MonitorLoggingClient) => client as unknown as Logging;

/** `Logging` has no `close()`; its gax clients do. Closing them lets the process exit. */
export async function closeLoggingClient(logging: MonitorLoggingClient): Promise<void> {
  const parts = logging as unknown as {
    loggingService?: { close?: () => Promise<void> };
    configService?: { close?: () => Promise<void> };
    api?: Record<string, { close?: () => Promise<void> }>;
  };
  const gaxClients = [parts.loggingService, parts.configService, ...Object.values(parts.api ?? {})];
  await Promise.allSettled(gaxClients.map((client) => client?.close?.()));
}

/**
 * Makes a gax client's gRPC stub now and waits for it. The generated clients make it on their first
 * call and, if that fails (no credentials), reject a promise nobody awaits
 * (`this.initialize().catch((err) => { throw err; })`): an unhandled rejection, which ends a Node
 * process. Made here, the failure is this call's error and the check reports it.
 */
async function stubReady(client: unknown): Promise<void> {
  await (client as { initialize?: () => Promise<unknown> } | undefined)?.initialize?.();
}

/** Loads an optional peer, or throws one error that says which package to install for what. */
async function peer<T>(name: string, purpose: string, load: () => Promise<T>): Promise<T> {
  try {
    const mod = (await load()) as T & { default?: T };
    return mod.default && typeof mod.default === 'object' ? mod.default : mod;
  } catch (cause) {
    throw new Error(`${purpose} needs the optional peer dependency ${name}: npm install ${name}`, { cause });
  }
}

/**
 * The clients of one monitor, created on first use and closed by `close()` (only those it created).
 */
export class ClientSet {
  readonly #given: MonitorClients;
  readonly #projectId: string;
  readonly #created: Array<{ close(): Promise<unknown> }> = [];
  #pubsub?: Promise<PubSub>;
  #subscriber?: Promise<v1.SubscriberClient>;
  #monitoring?: Promise<MetricServiceClient>;
  #logging?: Promise<Logging>;

  constructor(given: MonitorClients, projectId: string) {
    this.#given = given;
    this.#projectId = projectId;
  }

  pubsub(): Promise<PubSub> {
    this.#pubsub ??= this.#given.pubsub
      ? Promise.resolve(asPubSub(this.#given.pubsub))
      : peer('@google-cloud/pubsub', 'The dead-letter monitor', () => import('@google-cloud/pubsub')).then(
          (mod) => this.#own(new mod.PubSub({ projectId: this.#projectId })),
        );
    return this.#pubsub;
  }

  subscriber(): Promise<v1.SubscriberClient> {
    this.#subscriber ??= this.#given.subscriber
      ? this.#ready(asSubscriber(this.#given.subscriber), stubReady)
      : (async () => {
          const mod = await peer(
            '@google-cloud/pubsub',
            'The dead-letter monitor',
            () => import('@google-cloud/pubsub'),
          );
          const config = await (await this.pubsub()).getClientConfig();
          // An emulator configuration carries the port as a string; the GAPIC client wants a number.
          const { port, ...rest } = config;
          const subscriber = this.#own(
            new mod.v1.SubscriberClient({ ...rest, ...(port === undefined ? {} : { port: Number(port) }) }),
          );
          return this.#ready(subscriber, stubReady);
        })();
    return this.#retryable(this.#subscriber, () => {
      this.#subscriber = undefined;
    });
  }

  monitoring(): Promise<MetricServiceClient> {
    this.#monitoring ??= this.#given.monitoring
      ? this.#ready(asMetricClient(this.#given.monitoring), stubReady)
      : peer(
          '@google-cloud/monitoring',
          'Counting dead letters through Cloud Monitoring',
          () => import('@google-cloud/monitoring'),
        ).then((mod) =>
          this.#ready(this.#own(new mod.MetricServiceClient({ projectId: this.#projectId })), stubReady),
        );
    return this.#retryable(this.#monitoring, () => {
      this.#monitoring = undefined;
    });
  }

  logging(): Promise<Logging> {
    // `Logging` calls its `loggingService` (a gax client) for ListLogEntries.
    const ready = (logging: Logging) => stubReady((logging as { loggingService?: unknown }).loggingService);
    this.#logging ??= this.#given.logging
      ? this.#ready(asLogging(this.#given.logging), ready)
      : peer(
          '@google-cloud/logging',
          'The Cloud Logging error check',
          () => import('@google-cloud/logging'),
        ).then((mod) => {
          const logging = new mod.Logging({ projectId: this.#projectId });
          this.#created.push({ close: () => closeLoggingClient(logging) });
          return this.#ready(logging, ready);
        });
    return this.#retryable(this.#logging, () => {
      this.#logging = undefined;
    });
  }

  /** Closes the clients this set created (never the ones it was given). */
  async close(): Promise<void> {
    await Promise.allSettled(this.#created.splice(0).map((client) => client.close()));
  }

  /** `client` once `prepare` has succeeded for it. */
  async #ready<T>(client: T, prepare: (client: T) => Promise<void>): Promise<T> {
    await prepare(client);
    return client;
  }

  /**
   * `pending`, forgotten if it fails: a gax client whose stub could not be made keeps that failure
   * for good, so the next check makes a new client (the failed one is closed with the others).
   */
  #retryable<T>(pending: Promise<T>, forget: () => void): Promise<T> {
    return pending.catch((error: unknown) => {
      forget();
      throw error;
    });
  }

  #own<T extends { close(): Promise<unknown> }>(client: T): T {
    this.#created.push(client);
    return client;
  }
}
