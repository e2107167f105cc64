import type * as Grpc from '@grpc/grpc-js';
import {
  gaxProtosDir,
  importPeers,
  interop,
  once,
  PROTO_LOADER_OPTIONS,
  protosDir,
  resolver,
} from '../shared/peers.js';

/** The optional peers, loaded on first use so that importing `/testing` never needs them. */
export interface PubSubPeers {
  grpc: typeof Grpc;
  PubSub: typeof import('@google-cloud/pubsub').PubSub;
  publisher: Grpc.ServiceDefinition;
  subscriber: Grpc.ServiceDefinition;
}

async function load(): Promise<PubSubPeers> {
  const [grpc, protoLoader, pubsub] = await importPeers(
    'Pub/Sub',
    ['@google-cloud/pubsub', '@grpc/grpc-js', '@grpc/proto-loader'],
    () =>
      Promise.all([
        import('@grpc/grpc-js').then(interop),
        import('@grpc/proto-loader').then(interop),
        import('@google-cloud/pubsub').then(interop),
      ]),
  );
  const pubsubEntry = resolver().resolve('@google-cloud/pubsub');
  const definition = protoLoader.loadSync('google/pubsub/v1/pubsub.proto', {
    includeDirs: [protosDir(pubsubEntry, '@google-cloud/pubsub'), gaxProtosDir(pubsubEntry)],
    ...PROTO_LOADER_OPTIONS,
  });
  const v1 = (
    grpc.loadPackageDefinition(definition) as unknown as {
      google: { pubsub: { v1: Record<'Publisher' | 'Subscriber', Grpc.ServiceClientConstructor> } };
    }
  ).google.pubsub.v1;
  return { grpc, PubSub: pubsub.PubSub, publisher: v1.Publisher.service, subscriber: v1.Subscriber.service };
}

/** Loads the peers and the service definitions once per process. */
export const loadPubSubPeers: () => Promise<PubSubPeers> = once(load);
