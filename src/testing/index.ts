/**
 * `gcp-pipeline-resilience/testing`: loopback stand-ins of BigQuery, Pub/Sub, Cloud Logging and Cloud
 * Monitoring that the real Google clients talk to, and of third-party HTTP APIs, with fault plans.
 * @packageDocumentation
 */
export * from './bigquery/index.js';
export * from './http/index.js';
export * from './logging/index.js';
export * from './monitoring/index.js';
export * from './pubsub/index.js';
export type {
  GrpcFaultHandle,
  GrpcFaultPlan,
  GrpcFaultRule,
  GrpcInjectedFault,
} from './shared/grpc-faults.js';
export type { GrpcRequestLogEntry } from './shared/grpc-server.js';
export type { GrpcStatusName } from './shared/grpc-status.js';
