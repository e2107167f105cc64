import type * as Grpc from '@grpc/grpc-js';
import { FaultPlan } from '../../../src/testing/shared/grpc-faults.js';
import {
  bindLoopback,
  buildServiceImplementation,
  type GrpcRequestLogEntry,
  methodNames,
  type Unary,
} from '../../../src/testing/shared/grpc-server.js';
import { type GrpcPeers, loopbackClientOptions } from '../../../src/testing/shared/peers.js';

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
