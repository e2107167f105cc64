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

/** The optional peers of the Monitoring stand-in, loaded on first use. */
export interface MonitoringPeers {
  grpc: typeof Grpc;
  MetricServiceClient: typeof import('@google-cloud/monitoring').MetricServiceClient;
  /** The `MetricService` service definition. */
  service: Grpc.ServiceDefinition;
  /** Insecure channel credentials from the grpc-js that the client's own google-gax uses. */
  insecureCredentials(): Grpc.ChannelCredentials;
}

async function load(): Promise<MonitoringPeers> {
  const [grpc, protoLoader, monitoring] = await importPeers(
    'Cloud Monitoring',
    ['@google-cloud/monitoring', '@grpc/grpc-js', '@grpc/proto-loader'],
    () =>
      Promise.all([
        import('@grpc/grpc-js').then(interop),
        import('@grpc/proto-loader').then(interop),
        import('@google-cloud/monitoring').then(interop),
      ]),
  );
  const entry = resolver().resolve('@google-cloud/monitoring');
  const definition = protoLoader.loadSync('google/monitoring/v3/metric_service.proto', {
    includeDirs: [protosDir(entry, '@google-cloud/monitoring'), gaxProtosDir(entry)],
    ...PROTO_LOADER_OPTIONS,
  });
  const v3 = (
    grpc.loadPackageDefinition(definition) as unknown as {
      google: { monitoring: { v3: { MetricService: Grpc.ServiceClientConstructor } } };
    }
  ).google.monitoring.v3;
  const gax = createRequire(entry)('google-gax') as { grpc: typeof Grpc };
  return {
    grpc,
    MetricServiceClient: monitoring.MetricServiceClient,
    service: v3.MetricService.service,
    insecureCredentials: () => gax.grpc.credentials.createInsecure(),
  };
}

/** Loads the peers and the service definition once per process. */
export const loadMonitoringPeers: () => Promise<MonitoringPeers> = once(load);
