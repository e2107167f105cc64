import { mulberry32 } from '../shared/prng.js';
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
export interface PubSubFaultRule {
  /** The RPC's name as in `pubsub.proto`: `'Publish'`, `'StreamingPull'`, `'Acknowledge'`, `'CreateTopic'`, ... */
  method: string;
  /** The status to answer with, as a number (`14`) or a name (`'UNAVAILABLE'`). */
  code: number | PubSubStatusName;
  /** The status details; defaults to `"stand-in fault: <NAME>"`. */
  message?: string;
  /** How many calls fail before the rule is spent (a positive integer). */
  times?: number;
  /** The probability (0..1) that a matching call fails. */
  rate?: number;
  /** Seed of the PRNG used with `rate` (default 1). */
  seed?: number;
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
export interface PubSubFaultHandle {
  readonly id: string;
  readonly rule: Readonly<PubSubFaultRule>;
  /** How many calls the rule answered. */
  readonly hits: number;
  /** Calls it may still answer (`undefined` when unbounded). */
  readonly remaining: number | undefined;
  remove(): void;
}

/**
 * Fault injection for the Pub/Sub stand-in: rules are consulted in the order added and the first
 * one that fires answers the call.
 *
 * @example
 * ```ts
 * standIn.faults.add({ method: 'Publish', times: 1, code: 'RESOURCE_EXHAUSTED' });
 * // ... exercise the client ...
 * standIn.faults.clear();
 * ```
 */
export interface PubSubFaultPlan {
  /** Adds a rule; throws a `TypeError` for an unknown method or code, or an out-of-range `times`/`rate`. */
  add(rule: PubSubFaultRule): PubSubFaultHandle;
  /** Removes every rule. */
  clear(): void;
  /** The rules still active, in the order they are consulted. */
  readonly rules: readonly PubSubFaultHandle[];
}

interface ActiveRule extends PubSubFaultHandle {
  method: string;
  code: number;
  message: string;
  remaining: number | undefined;
  hits: number;
  rate: number | undefined;
  random: () => number;
}

/** The stand-in's fault plan; `take` is internal (the server asks it once per call). */
export class FaultPlan implements PubSubFaultPlan {
  readonly #rules: ActiveRule[] = [];
  readonly #methods: ReadonlySet<string>;
  #nextId = 1;

  constructor(methods: Iterable<string>) {
    this.#methods = new Set(methods);
  }

  get rules(): readonly PubSubFaultHandle[] {
    return [...this.#rules];
  }

  add(rule: PubSubFaultRule): PubSubFaultHandle {
    if (!this.#methods.has(rule.method)) {
      throw new TypeError(
        `Unknown Pub/Sub RPC '${rule.method}': expected one of ${[...this.#methods].sort().join(', ')}`,
      );
    }
    const code = toStatusCode(rule.code);
    if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) {
      throw new TypeError(`Fault 'times' must be a positive integer, got ${rule.times}`);
    }
    if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) {
      throw new TypeError(`Fault 'rate' must be between 0 and 1, got ${rule.rate}`);
    }
    const active: ActiveRule = {
      id: `fault-${this.#nextId++}`,
      rule: { ...rule },
      method: rule.method,
      code,
      message: rule.message ?? `stand-in fault: ${statusName(code)}`,
      remaining: rule.times,
      hits: 0,
      rate: rule.rate,
      random: mulberry32(rule.seed ?? 1),
      remove: () => {
        const index = this.#rules.indexOf(active);
        if (index >= 0) this.#rules.splice(index, 1);
      },
    };
    this.#rules.push(active);
    return active;
  }

  clear(): void {
    this.#rules.length = 0;
  }

  /** Returns the fault for this call of `method`, if any, and spends it. */
  take(method: string): PubSubInjectedFault | undefined {
    for (let i = 0; i < this.#rules.length; i++) {
      const rule = this.#rules[i]!;
      if (rule.method !== method) continue;
      if (rule.rate !== undefined && rule.random() >= rule.rate) continue;
      rule.hits += 1;
      if (rule.remaining !== undefined) {
        rule.remaining -= 1;
        if (rule.remaining <= 0) this.#rules.splice(i, 1);
      }
      return { code: rule.code, message: rule.message };
    }
    return undefined;
  }
}
