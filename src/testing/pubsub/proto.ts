import type * as Grpc from '@grpc/grpc-js';
import { loadGrpcPeers, once } from '../shared/peers.js';

/** The optional peers, loaded on first use so that importing `/testing` never needs them. */
export interface PubSubPeers {
  grpc: typeof Grpc;
  PubSub: typeof import('@google-cloud/pubsub').PubSub;
  publisher: Grpc.ServiceDefinition;
  subscriber: Grpc.ServiceDefinition;
}

/** Loads the peers and the service definitions once per process. */
export const loadPubSubPeers: () => Promise<PubSubPeers> = once(async () => {
  const peers = await loadGrpcPeers({
    standIn: 'Pub/Sub',
    clientPackage: '@google-cloud/pubsub',
    importClient: () => import('@google-cloud/pubsub'),
    proto: 'google/pubsub/v1/pubsub.proto',
    services: ['google.pubsub.v1.Publisher', 'google.pubsub.v1.Subscriber'],
  });
  const [publisher, subscriber] = peers.services as [Grpc.ServiceDefinition, Grpc.ServiceDefinition];
  return { grpc: peers.grpc, PubSub: peers.client.PubSub, publisher, subscriber };
});
