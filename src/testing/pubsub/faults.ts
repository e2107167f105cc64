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
 * import { startPubSubStandIn, type PubSubFaultRule } from 'gcp-pipeline-resilience/testing';
 * const unavailable = (method: string, times: number): PubSubFaultRule => ({ method, times, code: 'UNAVAILABLE' });
 * const pubsub = await startPubSubStandIn();
 * pubsub.faults.add(unavailable('Publish', 2));
 * pubsub.faults.add(unavailable('StreamingPull', 1));
 * ```
 */
export type PubSubFaultRule = GrpcFaultRule;

/**
 * The status a fault answered a Pub/Sub call with (the same type as `GrpcInjectedFault`).
 *
 * @example
 * ```ts
 * import { startPubSubStandIn, type PubSubInjectedFault } from 'gcp-pipeline-resilience/testing';
 * const pubsub = await startPubSubStandIn();
 * pubsub.faults.add({ method: 'Publish', code: 'UNAVAILABLE', times: 2 });
 * // ... publish through pubsub.client(), then:
 * const injected: PubSubInjectedFault[] = pubsub.requests.flatMap((r) => (r.fault ? [r.fault] : []));
 * injected.length; // 2: the client retried through both
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
