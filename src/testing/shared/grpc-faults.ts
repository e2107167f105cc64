/**
 * The fault plan of the gRPC stand-ins (Pub/Sub, Cloud Logging, Cloud Monitoring): the shared core of
 * `fault-plan.ts` with rules that name an RPC and answer it with a gRPC status.
 * @module
 */
import { checkOptions, OPTION_ALIASES } from '../../shared/check-options.js';
import {
  COUNTED_RULE_SPEC,
  type CountedFaultRule,
  createFaultPlanOf,
  type FaultHandle,
  type FaultPlanOf,
  type PickingFaultPlan,
} from './fault-plan.js';
import { type GrpcStatusName, statusName, toStatusCode } from './grpc-status.js';

/**
 * One fault rule of a gRPC stand-in: answer the next calls of an RPC with a gRPC status instead of
 * serving them.
 *
 * - `times` alone: the next `times` calls fail, then the rule is spent.
 * - `rate` (0..1): each call fails with that probability, drawn from a PRNG seeded with `seed`
 *   (default 1), so a run is reproducible; with `times` too, at most `times` calls fail.
 * - neither: every call fails until `faults.clear()`.
 *
 * For a streaming RPC the fault answers the stream as it opens (its first request).
 *
 * `served: true` makes it a lost answer: a unary call is carried out first (a Publish stores its
 * messages, an Acknowledge acknowledges) and only then answered with the status, as when the
 * response is lost on the way back and the client cannot tell whether the call took effect.
 *
 * @example
 * ```ts
 * import { startPubSubStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startPubSubStandIn();
 * standIn.faults.add({ method: 'Publish', times: 2, code: 'UNAVAILABLE' });
 * standIn.faults.add({ method: 'Acknowledge', rate: 0.3, seed: 42, code: 14, message: 'flaky' });
 * standIn.faults.add({ method: 'Publish', times: 1, code: 'UNAVAILABLE', served: true }); // stored, answer lost
 * ```
 */
export interface GrpcFaultRule extends CountedFaultRule {
  /** The RPC's name as in the service's proto: `'Publish'`, `'ListLogEntries'`, `'ListTimeSeries'`, ... */
  method: string;
  /** The status to answer with, as a number (`14`) or a name (`'UNAVAILABLE'`). */
  code: number | GrpcStatusName;
  /** The status details; defaults to `"stand-in fault: <NAME>"`. */
  message?: string;
  /** Carry the (unary) call out before answering with the status: its answer is lost. Default false. */
  served?: boolean;
}

/**
 * The status a fault answered a call with, as recorded in the request log.
 *
 * @example
 * ```ts
 * import { startPubSubStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startPubSubStandIn();
 * const injected = standIn.requests.filter((r) => r.fault?.code === 14).length;
 * ```
 */
export interface GrpcInjectedFault {
  code: number;
  message: string;
  /** The call was carried out before the status was sent (a lost answer). */
  served?: boolean;
}

/**
 * A rule in a gRPC stand-in's plan, as `add` returns it: how often it fired, and a way to remove it.
 *
 * @example
 * ```ts
 * import { startPubSubStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startPubSubStandIn();
 * const unavailable = standIn.faults.add({ method: 'Publish', code: 'UNAVAILABLE' });
 * // ... the client retries for a while ...
 * console.log(unavailable.hits);
 * unavailable.remove();
 * ```
 */
export type GrpcFaultHandle = FaultHandle<GrpcFaultRule>;

/**
 * Fault injection for a gRPC stand-in: rules are consulted in the order added and the first one that
 * fires answers the call. `add` throws a `TypeError` for an unknown method or code, or an
 * out-of-range `times`/`rate`.
 *
 * @example
 * ```ts
 * import { startLoggingStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startLoggingStandIn();
 * standIn.faults.add({ method: 'ListLogEntries', times: 1, code: 'RESOURCE_EXHAUSTED' });
 * // ... exercise the client ...
 * standIn.faults.clear();
 * ```
 */
export type GrpcFaultPlan = FaultPlanOf<GrpcFaultRule>;

const GRPC_RULE_SPEC = {
  ...COUNTED_RULE_SPEC,
  method: 'string',
  code: ['number', 'string'],
  message: 'string',
  served: 'boolean',
} as const;

/** A gRPC stand-in's fault plan; `take` is internal (the server asks it once per call). */
export class FaultPlan implements GrpcFaultPlan {
  readonly #plan: PickingFaultPlan<GrpcFaultRule, string>;

  /** `service` names the API in error messages (`'Pub/Sub'`, `'Cloud Logging'`). */
  constructor(service: string, methods: Iterable<string>) {
    const known = new Set(methods);
    this.#plan = createFaultPlanOf<GrpcFaultRule, string>({
      actions: ['code'],
      validate(rule) {
        // `time: 2` for `times: 2` would fail every call for the rest of the test.
        checkOptions(`${service} fault rule`, rule, GRPC_RULE_SPEC, OPTION_ALIASES);
        if (!known.has(rule.method)) {
          throw new TypeError(
            `Unknown ${service} RPC '${rule.method}': expected one of ${[...known].sort().join(', ')}`,
          );
        }
        toStatusCode(rule.code);
        if (rule.served !== undefined && typeof rule.served !== 'boolean') {
          throw new TypeError(`Fault 'served' must be true or false, got ${JSON.stringify(rule.served)}`);
        }
      },
      matches: (rule, method) => rule.method === method,
    });
  }

  get rules(): readonly GrpcFaultHandle[] {
    return this.#plan.rules;
  }

  add(rule: GrpcFaultRule): GrpcFaultHandle {
    return this.#plan.add({ ...rule });
  }

  clear(): void {
    this.#plan.clear();
  }

  /** Returns the fault for this call of `method`, if any, and spends it. */
  take(method: string): GrpcInjectedFault | undefined {
    const picked = this.#plan.pick(method);
    if (picked === undefined) return undefined;
    const code = toStatusCode(picked.rule.code);
    const fault: GrpcInjectedFault = {
      code,
      message: picked.rule.message ?? `stand-in fault: ${statusName(code)}`,
    };
    if (picked.rule.served === true) fault.served = true;
    return fault;
  }
}
