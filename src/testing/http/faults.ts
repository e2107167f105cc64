/**
 * The HTTP stand-in's fault rules: the shared fault-plan core, matched on method and path.
 * @module
 */

import { checkOptions, OPTION_ALIASES, type OptionSpec } from '../../shared/check-options.js';
import {
  type CountedFaultRule,
  createFaultPlanOf,
  type FaultHandle,
  type FaultPlanOf,
  type PickingFaultPlan,
  type RequestMatch,
  requestMatches,
} from '../shared/fault-plan.js';

/**
 * What an HTTP fault rule does (exactly one of these per rule).
 *
 * @example
 * ```ts
 * import { startHttpStandIn, type HttpFaultAction } from 'gcp-pipeline-resilience/testing';
 * const api = await startHttpStandIn({ routes: [{ path: '/v1/games', json: { games: [] } }] });
 * const rateLimited: HttpFaultAction = { status: 429, headers: { 'retry-after': '2' } };
 * api.faults.add({ path: '/v1/games', times: 1, ...rateLimited });
 * ```
 */
export type HttpFaultAction =
  /** Answer with this status (and headers, body) instead of the route; the route does not run. */
  | { status: number; headers?: Record<string, string>; body?: string }
  /** Wait this long (real time), then answer normally. */
  | { delayMs: number }
  /** Never answer (the socket stays open until the client gives up or `close()`). */
  | { hang: true }
  /** `true`: reset the connection before the route runs. `'after'`: run the route, then reset (the answer is lost). */
  | { reset: true | 'after' }
  /** Send the route's status and headers (with the full `content-length`) and only this many body bytes, then reset. */
  | { truncateBody: number }
  /** Send the route's status and headers at once, then the body `chunkBytes` at a time every `intervalMs`. */
  | { slowBody: { intervalMs: number; chunkBytes?: number } };

/**
 * An HTTP fault rule: which requests it matches, how often it acts, and what it does.
 *
 * @example
 * ```ts
 * import { resilientFetch } from 'gcp-pipeline-resilience';
 * import { startHttpStandIn, type HttpFaultRule } from 'gcp-pipeline-resilience/testing';
 * const outage: HttpFaultRule = { method: 'GET', path: '/v1/games', times: 2, status: 503, headers: { 'retry-after': '1' } };
 * const api = await startHttpStandIn({ routes: [{ path: '/v1/games', json: { games: [] } }] });
 * api.faults.add(outage);
 * await resilientFetch(`${api.url}/v1/games`); // two 503s, then the answer
 * ```
 */
export type HttpFaultRule = CountedFaultRule & RequestMatch & HttpFaultAction;

/**
 * The handle `faults.add` returns.
 *
 * @example
 * ```ts
 * import { startHttpStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startHttpStandIn();
 * const h = standIn.faults.add({ path: '/v1/games', times: 1, reset: true });
 * h.hits; // requests it acted on so far
 * ```
 */
export type HttpFaultHandle = FaultHandle<HttpFaultRule>;

/**
 * The fault plan of the HTTP stand-in.
 *
 * @example
 * ```ts
 * import { startHttpStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startHttpStandIn();
 * standIn.faults.add({ path: /^\/v1\//, rate: 0.2, seed: 7, status: 503 });
 * standIn.faults.clear();
 * ```
 */
export type HttpFaultPlan = FaultPlanOf<HttpFaultRule>;

/** What a request looks like to the matcher. */
export interface HttpFaultCandidate {
  method: string;
  path: string;
}

/** Every field an HTTP fault rule may have: a misspelt one (`tims: 1`) would change what the rule does. */
const RULE_SPEC: OptionSpec = {
  name: 'string',
  times: 'number',
  after: 'number',
  rate: 'number',
  seed: 'number',
  method: 'string',
  path: ['string', 'object'],
  status: 'number',
  headers: 'object',
  body: 'string',
  delayMs: 'number',
  hang: 'boolean',
  reset: ['boolean', 'string'],
  truncateBody: 'number',
  slowBody: 'object',
};

function nonNegative(field: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new TypeError(`Fault '${field}' must be a finite number >= 0, got ${value}`);
  }
}

/** @internal Creates the HTTP stand-in's plan. */
export function createHttpFaultPlan(): PickingFaultPlan<HttpFaultRule, HttpFaultCandidate> {
  return createFaultPlanOf<HttpFaultRule, HttpFaultCandidate>({
    actions: ['status', 'delayMs', 'hang', 'reset', 'truncateBody', 'slowBody'],
    validate(rule) {
      checkOptions('HTTP fault rule', rule, RULE_SPEC, OPTION_ALIASES);
      if ('slowBody' in rule) {
        checkOptions(
          'HTTP fault rule slowBody',
          rule.slowBody,
          {
            intervalMs: 'number',
            chunkBytes: 'number',
          },
          OPTION_ALIASES,
        );
      }
      if ('status' in rule && !(Number.isInteger(rule.status) && rule.status >= 100 && rule.status <= 599)) {
        throw new TypeError(`Fault 'status' must be an HTTP status (100-599), got ${rule.status}`);
      }
      if ('delayMs' in rule) nonNegative('delayMs', rule.delayMs);
      if ('truncateBody' in rule) nonNegative('truncateBody', rule.truncateBody);
      if ('slowBody' in rule) {
        nonNegative('slowBody.intervalMs', rule.slowBody.intervalMs);
        if (rule.slowBody.chunkBytes !== undefined && !(rule.slowBody.chunkBytes >= 1)) {
          throw new TypeError(`Fault 'slowBody.chunkBytes' must be >= 1, got ${rule.slowBody.chunkBytes}`);
        }
      }
    },
    matches: (rule, c) => requestMatches(rule, c.method, c.path),
  });
}
