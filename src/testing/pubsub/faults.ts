import {
  type CountedFaultRule,
  createFaultPlanOf,
  type FaultHandle,
  type FaultPlanOf,
  type PickingFaultPlan,
} from '../shared/fault-plan.js';
import { type PubSubStatusName, statusName, toStatusCode } from './status.js';

/**
 * One fault rule: answer the next calls of an RPC with a gRPC status instead of serving them.
 *
 * - `times` alone: the next `times` calls fail, then the rule is spent.
 * - `rate` (0..1): each call fails with that probability, drawn from a PRNG seeded with `seed`
 *   (default 1), so a run is reproducible; with `times` too, at most `times` calls fail.
 * - neither: every call fails until `faults.clear()`.
 *
 * For `StreamingPull` the fault answers the stream as it opens (its first request).
 *
 * @example
 * ```ts
 * standIn.faults.add({ method: 'Publish', times: 2, code: 'UNAVAILABLE' });
 * standIn.faults.add({ method: 'Acknowledge', rate: 0.3, seed: 42, code: 14, message: 'flaky' });
 * ```
 */
export interface PubSubFaultRule extends CountedFaultRule {
  /** The RPC's name as in `pubsub.proto`: `'Publish'`, `'StreamingPull'`, `'Acknowledge'`, `'CreateTopic'`, ... */
  method: string;
  /** The status to answer with, as a number (`14`) or a name (`'UNAVAILABLE'`). */
  code: number | PubSubStatusName;
  /** The status details; defaults to `"stand-in fault: <NAME>"`. */
  message?: string;
}

/**
 * The status a fault answered a call with, as recorded in the request log.
 *
 * @example
 * ```ts
 * const injected = standIn.requests.filter((r) => r.fault?.code === 14).length;
 * ```
 */
export interface PubSubInjectedFault {
  code: number;
  message: string;
}

/**
 * A rule in the plan, as `add` returns it: how often it fired, and a way to remove it alone.
 *
 * @example
 * ```ts
 * const unavailable = standIn.faults.add({ method: 'Publish', code: 'UNAVAILABLE' });
 * // ... the client retries for a while ...
 * expect(unavailable.hits).toBeGreaterThan(0);
 * unavailable.remove();
 * ```
 */
export type PubSubFaultHandle = FaultHandle<PubSubFaultRule>;

/**
 * Fault injection for the Pub/Sub stand-in: rules are consulted in the order added and the first
 * one that fires answers the call. `add` throws a `TypeError` for an unknown method or code, or an
 * out-of-range `times`/`rate`.
 *
 * @example
 * ```ts
 * standIn.faults.add({ method: 'Publish', times: 1, code: 'RESOURCE_EXHAUSTED' });
 * // ... exercise the client ...
 * standIn.faults.clear();
 * ```
 */
export type PubSubFaultPlan = FaultPlanOf<PubSubFaultRule>;

/** The stand-in's fault plan; `take` is internal (the server asks it once per call). */
export class FaultPlan implements PubSubFaultPlan {
  readonly #plan: PickingFaultPlan<PubSubFaultRule, string>;

  constructor(methods: Iterable<string>) {
    const known = new Set(methods);
    this.#plan = createFaultPlanOf<PubSubFaultRule, string>({
      actions: ['code'],
      validate(rule) {
        if (!known.has(rule.method)) {
          throw new TypeError(
            `Unknown Pub/Sub RPC '${rule.method}': expected one of ${[...known].sort().join(', ')}`,
          );
        }
        toStatusCode(rule.code);
      },
      matches: (rule, method) => rule.method === method,
    });
  }

  get rules(): readonly PubSubFaultHandle[] {
    return this.#plan.rules;
  }

  add(rule: PubSubFaultRule): PubSubFaultHandle {
    return this.#plan.add({ ...rule });
  }

  clear(): void {
    this.#plan.clear();
  }

  /** Returns the fault for this call of `method`, if any, and spends it. */
  take(method: string): PubSubInjectedFault | undefined {
    const picked = this.#plan.pick(method);
    if (picked === undefined) return undefined;
    const code = toStatusCode(picked.rule.code);
    return { code, message: picked.rule.message ?? `stand-in fault: ${statusName(code)}` };
  }
}
