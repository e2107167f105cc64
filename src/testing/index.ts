/**
 * `gcp-pipeline-resilience/testing`: loopback stand-ins of BigQuery, Pub/Sub, Cloud Logging, Cloud
 * Monitoring and Cloud Storage that the real Google clients talk to, of third-party HTTP APIs, and of
 * Slack, SendGrid and an SMTP server for the alert channels, with fault plans.
 * @packageDocumentation
 */
export * from './alerting/index.js';
export * from './bigquery/index.js';
export { createTestClock, type TestClock, type TestClockOptions } from './clock.js';
export * from './http/index.js';
export * from './logging/index.js';
export * from './monitoring/index.js';
export * from './pubsub/index.js';
export type {
  CountedFaultRule,
  FaultHandle,
  FaultPlanOf,
  RequestMatch,
} from './shared/fault-plan.js';
export type {
  GrpcFaultHandle,
  GrpcFaultPlan,
  GrpcFaultRule,
  GrpcInjectedFault,
} from './shared/grpc-faults.js';
export type { GrpcRequestLogEntry } from './shared/grpc-server.js';
export { GRPC_STATUS_NAMES, type GrpcStatusName } from './shared/grpc-status.js';
export { mulberry32 } from './shared/prng.js';
export * from './storage/index.js';
export { type LowerDecoratorsPlugin, lowerDecorators } from './vitest/lower-decorators.js';
