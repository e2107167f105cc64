/**
 * The Pub/Sub stand-in's names for the shared gRPC status helpers (`../shared/grpc-status.ts`).
 * @module
 */
export {
  GRPC_STATUS_CODES as PUBSUB_STATUS_CODES,
  RpcStatusError,
  rpcError,
  statusName,
  toStatusCode,
} from '../shared/grpc-status.js';

/**
 * The name of a gRPC status code, e.g. `'UNAVAILABLE'` (the same type as `GrpcStatusName`).
 *
 * @example
 * ```ts
 * import { startPubSubStandIn, type PubSubStatusName } from 'gcp-pipeline-resilience/testing';
 * const pubsub = await startPubSubStandIn();
 * const refusePublish = (code: PubSubStatusName) => pubsub.faults.add({ method: 'Publish', code, times: 1 });
 * refusePublish('RESOURCE_EXHAUSTED');
 * ```
 */
export type PubSubStatusName = import('../shared/grpc-status.js').GrpcStatusName;
