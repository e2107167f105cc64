import * as z from 'zod';
import { deferredSchema } from './deferred-schema.js';
import { calendarDate, optional, queryBoolean } from './primitives.js';

/**
 * Parameters of the self-heal HTTP function. All optional: `target_date` a real date or `null`,
 * `force_heal` and `skip_phase3` default to `false`. The booleans also accept the query-string
 * spellings (`'true'`, `'1'`, `'yes'`, `'off'`, ...; see {@link queryBoolean}).
 *
 * Unknown keys are dropped, not rejected.
 *
 * @example
 * ```ts
 * import { parseMessage, SelfHealRequest } from 'gcp-pipeline-resilience';
 * parseMessage(SelfHealRequest, { target_date: '2026-01-23', force_heal: 'true' });
 * // { target_date: '2026-01-23', force_heal: true, skip_phase3: false }
 * ```
 */
export const SelfHealRequest = deferredSchema(() =>
  z
    .object({
      target_date: optional(calendarDate).describe('Target date, YYYY-MM-DD'),
      force_heal: queryBoolean.default(false).describe('Heal even if the data looks complete'),
      skip_phase3: queryBoolean.default(false).describe('Skip the Phase 3 checks'),
    })
    .meta({ title: 'SelfHealRequest', description: 'Self-heal HTTP request' }),
);
/** The parsed {@link SelfHealRequest}. @example `const r: SelfHealRequest = parseMessage(SelfHealRequest, req.query);` */
export type SelfHealRequest = z.infer<typeof SelfHealRequest>;

/**
 * Parameters of the scraper availability monitor. `date` a real date or `null` (the function then
 * checks yesterday); `send_alert` defaults to `true`.
 *
 * Unknown keys are dropped, not rejected.
 *
 * @example
 * ```ts
 * import { parseMessage, ScraperAvailabilityRequest } from 'gcp-pipeline-resilience';
 * parseMessage(ScraperAvailabilityRequest, { send_alert: 'false' }); // { date: null, send_alert: false }
 * ```
 */
export const ScraperAvailabilityRequest = deferredSchema(() =>
  z
    .object({
      date: optional(calendarDate).describe('Date to check, YYYY-MM-DD (defaults to yesterday)'),
      send_alert: queryBoolean.default(true).describe('Send a Slack alert when issues are found'),
    })
    .meta({ title: 'ScraperAvailabilityRequest', description: 'Scraper availability monitor HTTP request' }),
);
/** The parsed {@link ScraperAvailabilityRequest}. @example `const r: ScraperAvailabilityRequest = parseMessage(ScraperAvailabilityRequest, {});` */
export type ScraperAvailabilityRequest = z.infer<typeof ScraperAvailabilityRequest>;

/**
 * Parameters of the daily health summary. `target_date` a real date or `null` (the function then
 * summarizes today); `send_slack` defaults to `true`.
 *
 * Unknown keys are dropped, not rejected.
 *
 * @example
 * ```ts
 * import { HealthSummaryRequest, parseMessage } from 'gcp-pipeline-resilience';
 * parseMessage(HealthSummaryRequest, {}); // { target_date: null, send_slack: true }
 * ```
 */
export const HealthSummaryRequest = deferredSchema(() =>
  z
    .object({
      target_date: optional(calendarDate).describe('Summary date, YYYY-MM-DD (defaults to today)'),
      send_slack: queryBoolean.default(true).describe('Send the Slack summary'),
    })
    .meta({ title: 'HealthSummaryRequest', description: 'Daily health summary HTTP request' }),
);
/** The parsed {@link HealthSummaryRequest}. @example `const r: HealthSummaryRequest = parseMessage(HealthSummaryRequest, {});` */
export type HealthSummaryRequest = z.infer<typeof HealthSummaryRequest>;
