import type { GrpcPeers } from '../shared/peers.js';
import { loadGrpcPeers, once } from '../shared/peers.js';

/** The optional peers of the Logging stand-in and its `LoggingServiceV2` definition. */
export type LoggingPeers = GrpcPeers<typeof import('@google-cloud/logging')>;

/**
 * Loads the peers once per process. The gRPC clients and their protos live in
 * `@google-cloud/logging-api`, a dependency of the client.
 */
export const loadLoggingPeers: () => Promise<LoggingPeers> = once(() =>
  loadGrpcPeers({
    standIn: 'Cloud Logging',
    clientPackage: '@google-cloud/logging',
    importClient: () => import('@google-cloud/logging'),
    protoPackage: '@google-cloud/logging-api',
    proto: 'google/logging/v2/logging.proto',
    services: ['google.logging.v2.LoggingServiceV2'],
  }),
);
