/**
 * Type-level tests, checked by `npm run typecheck` (never run): the real Google clients are accepted
 * wherever the public API takes a client, although the public declarations describe the clients
 * structurally (`src/bigquery/client-types.ts`, `src/monitoring/client-types.ts`,
 * `src/alerting/rate-limit/client-types.ts`) and import none of the optional peers. Each
 * `@ts-expect-error` proves that a check bites: an object without the methods the library calls is
 * refused.
 */
import { BigQuery } from '@google-cloud/bigquery';
import { v1 as storageV1 } from '@google-cloud/bigquery-storage';
import { Logging } from '@google-cloud/logging';
import { MetricServiceClient } from '@google-cloud/monitoring';
import { type Message, PubSub, v1 as pubsubV1 } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import {
  type BigQueryClient,
  BigQueryExecutor,
  type BigQueryWriteClient,
  type createMessageHandler,
  createShutdownCoordinator,
  type GcsRateLimitStoreOptions,
  gcsRateLimitStore,
  type MessagePublisher,
  type MonitorClients,
  Phase2CompletionMessage,
  publishValidated,
  type ShutdownTrigger,
  type SubscriberMessage,
} from '../../src/index.js';
import type {
  BigQueryStandIn,
  PubSubStandIn,
  PubSubStandInMessage,
  SmtpStandInOptions,
  StorageStandInObject,
} from '../../src/testing/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T | undefined => undefined;

// BigQuery: the executor and the functional helpers take the client; writeRows takes the write client.
const bigquery: BigQueryClient = new BigQuery({ autoRetry: false });
const writeClient: BigQueryWriteClient = new storageV1.BigQueryWriteClient();
const executor = new BigQueryExecutor({
  client: new BigQuery(),
  writeClient: new storageV1.BigQueryWriteClient(),
});
// Results keep the caller's row type.
export async function typedRows(): Promise<number> {
  const rows = await executor.query<{ game_id: number }>('SELECT 1 AS game_id');
  return rows[0]?.game_id ?? 0;
}
// @ts-expect-error: a client without request() and dataset() is not a BigQuery client.
const notBigQuery: BigQueryClient = { query: async () => [] };

// Pub/Sub: a Topic publishes, a Message is handled, the monitor takes PubSub and the subscriber client.
const pubsub = new PubSub({ projectId: 'p' });
const topic: MessagePublisher = pubsub.topic('t');
export const published: Promise<string> = publishValidated(pubsub.topic('t'), Phase2CompletionMessage, {
  processor_name: 'p',
  phase: 'phase_2_raw',
  execution_id: 'e',
  correlation_id: 'c',
  game_date: '2024-01-15',
  output_table: 'nba_raw.games',
  output_dataset: 'nba_raw',
  status: 'success',
  record_count: 1,
});
declare const handler: ReturnType<typeof createMessageHandler>;
declare const message: Message;
export const handled: Promise<void> = handler.subscription(message);
const subscriberMessage: SubscriberMessage = message;
// With @types/node loaded the data stays a Buffer (its methods too).
export const text: string = subscriberMessage.data.toString('utf8');
assertType<Equal<SubscriberMessage['data'], Buffer>>();
// @ts-expect-error: an object without publishMessage is not a publisher.
const notPublisher: MessagePublisher = { publish: async () => 'id' };

const clients: MonitorClients = {
  pubsub,
  subscriber: new pubsubV1.SubscriberClient(),
  monitoring: new MetricServiceClient(),
  logging: new Logging({ projectId: 'p' }),
};
// @ts-expect-error: the logging client must have getEntries.
const notLogging: MonitorClients = { logging: { entries: async () => [] } };

// Cloud Storage: the alert rate-limit store.
const gcs: GcsRateLimitStoreOptions = { storage: new Storage(), bucket: 'alert-state' };
export const store = gcsRateLimitStore({ storage: new Storage(), bucket: 'alert-state' });

// The shutdown coordinator takes process and the signals of @types/node.
declare const nodeSignals: NodeJS.Signals[];
export const coordinator = createShutdownCoordinator({ process, signals: nodeSignals });
assertType<Equal<Exclude<ShutdownTrigger, 'beforeExit' | 'manual'>, NodeJS.Signals>>();

// The ./testing stand-ins hand out the real clients, which the main entry accepts.
declare const bigQueryStandIn: BigQueryStandIn;
declare const pubSubStandIn: PubSubStandIn;
assertType<Equal<ReturnType<BigQueryStandIn['client']>, BigQuery>>();
export const standInExecutor = new BigQueryExecutor({
  client: bigQueryStandIn.client(),
  writeClient: bigQueryStandIn.writeClient(),
});
export const standInClients: MonitorClients = { pubsub: pubSubStandIn.client() };
// The stand-ins' bytes are Buffers where @types/node is loaded (NodeBuffer, so that a project
// without it still compiles the testing declarations).
assertType<Equal<PubSubStandInMessage['data'], Buffer>>();
assertType<Equal<StorageStandInObject['content'], Buffer>>();
assertType<Equal<NonNullable<SmtpStandInOptions['tls']>['key'], string | Buffer>>();

export { bigquery, clients, gcs, notBigQuery, notLogging, notPublisher, topic, writeClient };
