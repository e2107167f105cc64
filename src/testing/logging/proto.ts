import { createRequire } from 'node:module';
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

/** The optional peers of the Logging stand-in, loaded on first use. */
export interface LoggingPeers {
  grpc: typeof Grpc;
  Logging: typeof import('@google-cloud/logging').Logging;
  /** The `LoggingServiceV2` service definition. */
  service: Grpc.ServiceDefinition;
  /** Insecure channel credentials from the grpc-js that the client's own google-gax uses. */
  insecureCredentials(): Grpc.ChannelCredentials;
}

async function load(): Promise<LoggingPeers> {
  const [grpc, protoLoader, logging] = await importPeers(
    'Cloud Logging',
    ['@google-cloud/logging', '@grpc/grpc-js', '@grpc/proto-loader'],
    () =>
      Promise.all([
        import('@grpc/grpc-js').then(interop),
        import('@grpc/proto-loader').then(interop),
        import('@google-cloud/logging').then(interop),
      ]),
  );
  // The gRPC clients and their protos live in @google-cloud/logging-api, a dependency of the client.
  const loggingEntry = resolver().resolve('@google-cloud/logging');
  const apiEntry = createRequire(loggingEntry).resolve('@google-cloud/logging-api');
  const definition = protoLoader.loadSync('google/logging/v2/logging.proto', {
    includeDirs: [protosDir(apiEntry, '@google-cloud/logging-api'), gaxProtosDir(apiEntry)],
    ...PROTO_LOADER_OPTIONS,
  });
  const v2 = (
    grpc.loadPackageDefinition(definition) as unknown as {
      google: { logging: { v2: { LoggingServiceV2: Grpc.ServiceClientConstructor } } };
    }
  ).google.logging.v2;
  const gax = createRequire(apiEntry)('google-gax') as { grpc: typeof Grpc };
  return {
    grpc,
    Logging: logging.Logging,
    service: v2.LoggingServiceV2.service,
    insecureCredentials: () => gax.grpc.credentials.createInsecure(),
  };
}

/** Loads the peers and the service definition once per process. */
export const loadLoggingPeers: () => Promise<LoggingPeers> = once(load);
