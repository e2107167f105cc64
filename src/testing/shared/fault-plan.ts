/**
 * The fault-plan core every stand-in shares: rules consulted in the order added, each acting on at most
 * `times` matching requests (then it leaves the plan), after letting the first `after` through, with a
 * seeded probability `rate`, counted in `hits`. A stand-in supplies only what a rule matches and which actions it may hold.
 * @module
 */
import type { OptionSpec } from '../../shared/check-options.js';
import { mulberry32 } from './prng.js';

/** The kinds of the counting fields, for a plan's check of a whole rule (unknown keys included). */
export const COUNTED_RULE_SPEC: OptionSpec = {
  name: 'string',
  times: 'number',
  after: 'number',
  rate: 'number',
  seed: 'number',
};

/**
 * The counting part of every stand-in's fault rule: how many matching requests it acts on, after how
 * many, and with which seeded probability. Every `*FaultRule` of `./testing` includes these fields.
 *
 * @example
 * ```ts
 * import {
 *   type CountedFaultRule,
 *   startHttpStandIn,
 *   startPubSubStandIn,
 * } from 'gcp-pipeline-resilience/testing';
 * const flaky: CountedFaultRule = { after: 2, rate: 0.3, seed: 7 }; // from the 3rd request on, 30 %
 * const api = await startHttpStandIn({ routes: [{ path: '/v1/games', json: { games: [] } }] });
 * api.faults.add({ ...flaky, path: '/v1/games', status: 503 });
 * const pubsub = await startPubSubStandIn();
 * pubsub.faults.add({ ...flaky, method: 'Publish', code: 'UNAVAILABLE' });
 * ```
 */
export interface CountedFaultRule {
  /** A name for the request log (default `fault-<n>`). */
  name?: string;
  /** Act on at most this many matching requests (a positive integer; default: unlimited). */
  times?: number;
  /** Let this many matching requests through untouched before acting (default 0): "fail from the 3rd on". */
  after?: number;
  /** Act on each matching request with this probability, 0..1 (default 1). */
  rate?: number;
  /** Seed of the rule's own PRNG (mulberry32) used with `rate` (default 1). */
  seed?: number;
}

/**
 * The handle `faults.add` returns: how often the rule acted, and a way to remove it alone.
 *
 * @example
 * ```ts
 * import { resilientFetch } from 'gcp-pipeline-resilience';
 * import { type FaultHandle, type HttpFaultRule, startHttpStandIn } from 'gcp-pipeline-resilience/testing';
 * const api = await startHttpStandIn({ routes: [{ path: '/v1/games', json: { games: [] } }] });
 * const outage: FaultHandle<HttpFaultRule> = api.faults.add({ path: '/v1/games', status: 503 });
 * await resilientFetch(`${api.url}/v1/games`).catch(() => undefined);
 * outage.hits; // attempts the outage answered
 * outage.remove(); // the API is back
 * ```
 */
export interface FaultHandle<Rule> {
  readonly id: string;
  readonly rule: Readonly<Rule>;
  /** Number of requests the rule acted on. */
  readonly hits: number;
  /** Requests it may still act on (`undefined` when unbounded); a spent rule leaves the plan. */
  readonly remaining: number | undefined;
  remove(): void;
}

/**
 * A stand-in's fault plan (`standIn.faults`): rules added in order, each leaving the plan once spent.
 * Every stand-in's plan has this shape, whatever its rule type.
 *
 * @example
 * ```ts
 * import { type FaultPlanOf, startHttpStandIn } from 'gcp-pipeline-resilience/testing';
 * function failTwice<Rule>(faults: FaultPlanOf<Rule>, rule: Rule): void {
 *   faults.clear();
 *   faults.add(rule);
 *   faults.add(rule);
 * }
 * const api = await startHttpStandIn({ routes: [{ path: '/v1/games', json: { games: [] } }] });
 * failTwice(api.faults, { path: '/v1/games', times: 1, status: 503 });
 * api.faults.rules.length; // 2
 * ```
 */
export interface FaultPlanOf<Rule> {
  add(rule: Rule): FaultHandle<Rule>;
  clear(): void;
  readonly rules: readonly FaultHandle<Rule>[];
}

/** What a stand-in tells the core about its rules. */
export interface FaultPlanSpec<Rule, Candidate> {
  /** The action keys of a rule; a rule must hold exactly one of them. */
  readonly actions: readonly string[];
  /** Extra checks of a rule's action; throws a `TypeError` naming the field. */
  validate?(rule: Rule): void;
  /** Whether the rule applies to the request (before `times` and `rate` are considered). */
  matches(rule: Rule, candidate: Candidate): boolean;
}

/**
 * A plan plus the stand-in's side: `pick` finds the first rule that matches and is due to act, and
 * counts it.
 */
export interface PickingFaultPlan<Rule, Candidate> extends FaultPlanOf<Rule> {
  pick(candidate: Candidate): { handle: FaultHandle<Rule>; rule: Rule } | undefined;
}

interface Entry<Rule> {
  handle: FaultHandle<Rule> & { hits: number };
  rule: Rule;
  random: () => number;
  /** Matching requests let through because of `after`. */
  passed: number;
}

/**
 * Creates a fault plan for one stand-in.
 */
export function createFaultPlanOf<Rule extends CountedFaultRule, Candidate>(
  spec: FaultPlanSpec<Rule, Candidate>,
): PickingFaultPlan<Rule, Candidate> {
  let entries: Entry<Rule>[] = [];
  let counter = 0;
  return {
    add(rule: Rule): FaultHandle<Rule> {
      const present = spec.actions.filter((k) => (rule as Record<string, unknown>)[k] !== undefined);
      if (present.length !== 1) {
        throw new TypeError(
          `A fault rule does exactly one of: ${spec.actions.join(', ')}; got ${present.length === 0 ? 'none' : present.join(' and ')}`,
        );
      }
      if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) {
        throw new TypeError(`Fault 'times' must be a positive integer, got ${rule.times}`);
      }
      if (rule.after !== undefined && !(Number.isInteger(rule.after) && rule.after >= 0)) {
        throw new TypeError(`Fault 'after' must be a non-negative integer, got ${rule.after}`);
      }
      if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) {
        throw new RangeError(`Fault 'rate' must be between 0 and 1, got ${rule.rate}`);
      }
      // mulberry32 would take NaN as 0: two "different" seeds would fail the same calls.
      if (rule.seed !== undefined && !Number.isFinite(rule.seed)) {
        throw new TypeError(`Fault 'seed' must be a finite number, got ${rule.seed}`);
      }
      spec.validate?.(rule);
      counter++;
      const handle = {
        id: rule.name ?? `fault-${counter}`,
        rule,
        hits: 0,
        get remaining() {
          return rule.times === undefined ? undefined : rule.times - handle.hits;
        },
        remove() {
          entries = entries.filter((e) => e.handle !== handle);
        },
      };
      entries.push({ handle, rule, random: mulberry32(rule.seed ?? 1), passed: 0 });
      return handle;
    },
    clear() {
      entries = [];
    },
    get rules() {
      return entries.map((e) => e.handle);
    },
    pick(candidate: Candidate) {
      for (const entry of entries) {
        const { rule } = entry;
        if (!spec.matches(rule, candidate)) continue;
        if (rule.after !== undefined && entry.passed < rule.after) {
          entry.passed++;
          continue;
        }
        if (rule.rate !== undefined && entry.random() >= rule.rate) continue;
        entry.handle.hits++;
        if (entry.handle.remaining === 0) entry.handle.remove();
        return { handle: entry.handle, rule };
      }
      return undefined;
    },
  };
}

/**
 * The request fields an HTTP stand-in's rule (HTTP, BigQuery REST) may match on.
 *
 * @example
 * ```ts
 * import { type RequestMatch, startBigQueryStandIn } from 'gcp-pipeline-resilience/testing';
 * const inserts: RequestMatch = { method: 'POST', path: /\/insertAll$/ };
 * const bigquery = await startBigQueryStandIn();
 * bigquery.faults.add({ ...inserts, times: 2, error: { status: 503, reason: 'backendError' } });
 * ```
 */
export interface RequestMatch {
  /** HTTP method, case-insensitive. */
  method?: string;
  /** The URL path without the query string: a string matches when the path equals it or ends with it. */
  path?: string | RegExp;
}

/** Whether a request's method and path match a rule's `method` and `path` (absent fields match all). */
export function requestMatches(rule: RequestMatch, method: string, path: string): boolean {
  return (!rule.method || rule.method.toUpperCase() === method.toUpperCase()) && pathMatches(rule.path, path);
}

/**
 * Whether a request path matches a rule's `path`: a string matches when the path equals it or ends
 * with it; a RegExp is tested against the path.
 */
export function pathMatches(pattern: string | RegExp | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? path === pattern || path.endsWith(pattern) : pattern.test(path);
}
