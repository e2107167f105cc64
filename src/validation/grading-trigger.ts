import * as z from 'zod';
import { deferredSchema } from './deferred-schema.js';
import { optional, relativeOrCalendarDate, Sport } from './primitives.js';

/**
 * Phase 6 grading should run. No field is required: `target_date` defaults to `'yesterday'` and must be
 * `'today'`, `'yesterday'` or a real calendar date (checked, so `'tomorrow'` or `'2026-02-30'` is a
 * validation error); `sport` defaults to `'nba'`.
 *
 * Unknown keys are dropped, not rejected.
 *
 * @example
 * ```ts
 * import { GradingTriggerMessage, parseMessage } from 'gcp-pipeline-resilience';
 * parseMessage(GradingTriggerMessage, {}); // { target_date: 'yesterday', sport: 'nba', correlation_id: null }
 * parseMessage(GradingTriggerMessage, { target_date: '2026-01-23', sport: 'mlb' }).sport; // 'mlb'
 * ```
 */
export const GradingTriggerMessage = deferredSchema(() =>
  z
    .object({
      target_date: relativeOrCalendarDate.default('yesterday').describe("'today', 'yesterday' or YYYY-MM-DD"),
      sport: Sport.default('nba').describe('Sport to grade'),
      correlation_id: optional(z.string({ error: 'must be a string' })).describe(
        'Correlation id for tracing',
      ),
    })
    .meta({ title: 'GradingTriggerMessage', description: 'Phase 6 grading trigger' }),
);
/** The parsed {@link GradingTriggerMessage}. @example `const m: GradingTriggerMessage = parseMessage(GradingTriggerMessage, {});` */
export type GradingTriggerMessage = z.infer<typeof GradingTriggerMessage>;
