/**
 * A subscription's retry policy: how long Pub/Sub holds a nacked or expired message back before it
 * delivers it again.
 * @module
 */
import { seconds } from './settings.js';

/** A subscription's `retryPolicy` in milliseconds, defaults applied. */
export interface RetryBackoff {
  minimumMs: number;
  maximumMs: number;
}

/** Pub/Sub's defaults for a bound the policy leaves out (`RetryPolicy` in pubsub.proto). */
const DEFAULT_MINIMUM_SECONDS = 10;
const DEFAULT_MAXIMUM_SECONDS = 600;

/**
 * The backoff of a subscription's `retryPolicy` (range-checked before, by `checkSubscriptionSettings`),
 * each bound defaulting as in Pub/Sub; `undefined` without a policy, where Pub/Sub redelivers "as soon
 * as possible".
 */
export function retryBackoffOf(resource: Record<string, unknown>): RetryBackoff | undefined {
  const policy = resource.retryPolicy as
    | { minimumBackoff?: unknown; maximumBackoff?: unknown }
    | null
    | undefined;
  if (!policy) return undefined;
  return {
    minimumMs: (seconds(policy.minimumBackoff) ?? DEFAULT_MINIMUM_SECONDS) * 1000,
    maximumMs: (seconds(policy.maximumBackoff) ?? DEFAULT_MAXIMUM_SECONDS) * 1000,
  };
}

/**
 * How long a message waits before its next delivery after `failedDeliveries` nacks or expiries (1 for
 * the first): the minimum, doubled per further failure, capped at the maximum. Pub/Sub documents the
 * delay as "exponential based on provided minimum and maximum backoffs" without the factor; doubling
 * is the stand-in's choice (docs/decisions/pubsub-stand-in.md).
 */
export function redeliveryDelayMs(backoff: RetryBackoff, failedDeliveries: number): number {
  // Capped so that 2^exponent stays finite (0 × Infinity would be NaN): 2^30 × 1 ms is past 600 s.
  const exponent = Math.min(30, Math.max(0, failedDeliveries - 1));
  return Math.min(backoff.maximumMs, backoff.minimumMs * 2 ** exponent);
}
