/**
 * The Pub/Sub stand-in's names for the shared gRPC fault plan (`../shared/faults.ts`): the same
 * types, kept under their original names.
 * @module
 */
import type {
  GrpcFaultHandle,
  GrpcFaultPlan,
  GrpcFaultRule,
  GrpcInjectedFault,
} from '../shared/grpc-faults.js';

/**
 * One fault rule of the Pub/Sub stand-in (the same type as `GrpcFaultRule`).
 *
 * @example
 * ```ts
 * import type { PubSubFaultRule } from 'gcp-pipeline-resilience/testing';
 * const rule: PubSubFaultRule = { method: 'Publish', times: 2, code: 'UNAVAILABLE' };
 * ```
 */
export type PubSubFaultRule = GrpcFaultRule;

/**
 * The status a fault answered a Pub/Sub call with (the same type as `GrpcInjectedFault`).
 *
 * @example
 * ```ts
 * import type { PubSubInjectedFault } from 'gcp-pipeline-resilience/testing';
 * const fault: PubSubInjectedFault = { code: 14, message: 'stand-in fault: UNAVAILABLE' };
 * ```
 */
export type PubSubInjectedFault = GrpcInjectedFault;

/**
 * A rule in the Pub/Sub stand-in's plan (the same type as `GrpcFaultHandle`).
 *
 * @example
 * ```ts
 * import { startPubSubStandIn, type PubSubFaultHandle } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startPubSubStandIn();
 * const handle: PubSubFaultHandle = standIn.faults.add({ method: 'Publish', code: 'UNAVAILABLE', times: 1 });
 * ```
 */
export type PubSubFaultHandle = GrpcFaultHandle;

/**
 * The Pub/Sub stand-in's fault plan (the same type as `GrpcFaultPlan`).
 *
 * @example
 * ```ts
 * import { startPubSubStandIn, type PubSubFaultPlan } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startPubSubStandIn();
 * const plan: PubSubFaultPlan = standIn.faults;
 * plan.add({ method: 'Acknowledge', rate: 0.3, seed: 42, code: 'UNAVAILABLE' });
 * ```
 */
export type PubSubFaultPlan = GrpcFaultPlan;
