import type { WindowRule } from './state.js';

/**
 * How often alerts whose key starts with a prefix may be sent: at most `maxPerWindow` (default 1) in any
 * `windowMinutes`, counted across every instance that shares the store.
 *
 * @example
 * ```ts
 * import { createAlertManager, DEFAULT_RATE_LIMITS, type RateLimitRule } from 'gcp-pipeline-resilience';
 * const hourly: RateLimitRule = { windowMinutes: 60, maxPerWindow: 5 };
 * const alerts = createAlertManager({ rateLimits: { ...DEFAULT_RATE_LIMITS, 'processor:': hourly } });
 * ```
 */
export interface RateLimitRule {
  windowMinutes: number;
  /** Default 1: one alert per window (a cooldown). */
  maxPerWindow?: number;
}

/**
 * The default rules, by key prefix (the longest matching prefix wins; `''` matches every key), applied
 * across every instance that shares the store: one alert per 15 minutes per key, one per 60 minutes
 * per dead-letter queue and for a missing queue or a check that could not run, 5 per 60 minutes per
 * logging category.
 *
 * @example
 * ```ts
 * import { createAlertManager, DEFAULT_RATE_LIMITS } from 'gcp-pipeline-resilience';
 * const alerts = createAlertManager({ rateLimits: { ...DEFAULT_RATE_LIMITS, 'dlq:': { windowMinutes: 30 } } });
 * ```
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, Readonly<RateLimitRule>>> =
  /* @__PURE__ */ Object.freeze({
    '': Object.freeze({ windowMinutes: 15, maxPerWindow: 1 }),
    'dlq:': Object.freeze({ windowMinutes: 60, maxPerWindow: 1 }),
    'dlq_missing:': Object.freeze({ windowMinutes: 60, maxPerWindow: 1 }),
    'check_failed:': Object.freeze({ windowMinutes: 60, maxPerWindow: 1 }),
    'logging:': Object.freeze({ windowMinutes: 60, maxPerWindow: 5 }),
  });

/** The window of `key`: the rule of its longest matching prefix. */
export function ruleFor(rules: Readonly<Record<string, RateLimitRule>>, key: string): WindowRule {
  let best = '';
  for (const prefix of Object.keys(rules)) {
    if (key.startsWith(prefix) && prefix.length >= best.length) best = prefix;
  }
  const rule = rules[best] ?? DEFAULT_RATE_LIMITS['']!;
  return { windowMs: rule.windowMinutes * 60_000, max: rule.maxPerWindow ?? 1 };
}
