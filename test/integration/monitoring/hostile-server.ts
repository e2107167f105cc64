import type { MetricServiceClient } from '@google-cloud/monitoring';
import type * as Grpc from '@grpc/grpc-js';
import { loadMonitoringPeers } from '../../../src/testing/monitoring/proto.js';
import { FaultPlan } from '../../../src/testing/shared/grpc-faults.js';
import {
  bindLoopback,
  buildServiceImplementation,
  type GrpcRequestLogEntry,
  type Msg,
  methodNames,
  type Unary,
} from '../../../src/testing/shared/grpc-server.js';
import { type GrpcPeers, loopbackClientOptions } from '../../../src/testing/shared/peers.js';
import { toWireTimestamp } from '../../../src/testing/shared/timestamp.js';

/**
 * A gRPC server of a Google API (from a stand-in's peers) whose one method answers as `impl` says:
 * a service misbehaving in ways the stand-ins do not, for the real client to meet. Resolves to the
 * client options that reach it, the requests it got, and its shutdown.
 */
export async function serveHostile(
  peers: GrpcPeers<unknown>,
  name: string,
  method: string,
  impl: Unary,
  projectId: string,
): Promise<{
  clientOptions: ReturnType<typeof loopbackClientOptions>;
  requests: GrpcRequestLogEntry[];
  shutdown(): void;
}> {
  const [service] = peers.services as [Grpc.ServiceDefinition];
  const requests: GrpcRequestLogEntry[] = [];
  const server = new peers.grpc.Server();
  server.addService(
    service,
    buildServiceImplementation(
      { faults: new FaultPlan(name, methodNames(service)), requests },
      name,
      service,
      {
        [method]: impl,
      },
    ),
  );
  const port = await bindLoopback(peers.grpc, server);
  return {
    clientOptions: loopbackClientOptions(peers, port, projectId),
    requests,
    shutdown: () => server.forceShutdown(),
  };
}

/** One gauge series of `value` for the subscription `id`, as Cloud Monitoring answers it. */
export function gaugeSeries(id: string, value: unknown, at: Date = new Date()): Msg {
  return {
    resource: { type: 'pubsub_subscription', labels: { subscription_id: id } },
    metricKind: 'GAUGE',
    valueType: 'INT64',
    points: [{ interval: { endTime: toWireTimestamp(at) }, value: { int64Value: value } }],
  };
}

/**
 * A Cloud Monitoring whose ListTimeSeries answers `page(n, ids, request)`: `n` counts its requests
 * from 0, `ids` are the subscriptions the request's filter names. With a real client on it, its
 * requests and its shutdown.
 */
export async function hostileMonitoring(
  projectId: string,
  page: (n: number, ids: string[], request: Msg) => Msg,
) {
  const peers = await loadMonitoringPeers();
  let n = 0;
  const server = await serveHostile(
    peers,
    'Cloud Monitoring',
    'ListTimeSeries',
    (request: Msg) => {
      const ids = [...String(request.filter).matchAll(/"([^"]+)"/g)]
        .map((m) => m[1]!)
        .filter((id) => !id.includes('/') && id !== 'pubsub_subscription');
      return page(n++, ids, request);
    },
    projectId,
  );
  const client = new peers.client.MetricServiceClient(server.clientOptions as never) as MetricServiceClient;
  return {
    client,
    requests: server.requests,
    async close() {
      await client.close();
      server.shutdown();
    },
  };
}
