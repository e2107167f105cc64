import * as z from 'zod';
import { deferredSchema } from './deferred-schema.js';
import { calendarDate, nonNegativeCount, optional, requiredText, ScraperStatus } from './primitives.js';

const text = deferredSchema(() => z.string({ error: 'must be a string' }));

/**
 * A Phase 1 scraper finished. Topic `nba-phase1-scrapers-complete`, consumed by the Phase 2 raw
 * processors. `scraper_name`, `gcs_path`, `execution_id` and `status` are required (`status` has no
 * default and no `'skipped'`); `game_date` and `record_count` may be `null` but when present must be a
 * real date and a count >= 0; `recovery` defaults to `false` (recovery fields come from the cleanup
 * processor).
 *
 * Unknown keys are dropped, not rejected.
 *
 * @example
 * ```ts
 * import { parseMessage, ScraperCompletionMessage } from 'gcp-pipeline-resilience';
 * const msg = parseMessage(ScraperCompletionMessage, {
 *   scraper_name: 'bdl_player_boxscores', gcs_path: 'gs://bucket/2026-01-24/boxscores.json',
 *   execution_id: 'exec-123', status: 'success', record_count: 240,
 * });
 * msg.recovery; // false
 * msg.game_date; // null
 * ```
 */
export const ScraperCompletionMessage = deferredSchema(() =>
  z
    .object({
      scraper_name: requiredText.describe("Scraper name, e.g. 'bdl_player_boxscores'"),
      gcs_path: requiredText.describe('GCS path of the scraped file'),
      execution_id: requiredText.describe('Unique scraper execution identifier'),
      status: ScraperStatus.describe('Scraper execution status'),
      game_date: optional(calendarDate).describe('Game date, YYYY-MM-DD'),
      record_count: optional(nonNegativeCount).describe('Records scraped'),
      triggered_at: optional(text).describe('Scraper trigger timestamp'),
      recovery: z
        .boolean({ error: 'must be a boolean' })
        .default(false)
        .describe('Whether this is a recovery message'),
      recovery_reason: optional(text).describe("Reason for recovery, e.g. 'cleanup_processor'"),
      original_execution_id: optional(text).describe('Original execution id of a recovery'),
    })
    .meta({
      title: 'ScraperCompletionMessage',
      description: 'Phase 1 scraper completion (nba-phase1-scrapers-complete)',
    }),
);
/** The parsed {@link ScraperCompletionMessage}. @example `const m: ScraperCompletionMessage = parseMessage(ScraperCompletionMessage, raw);` */
export type ScraperCompletionMessage = z.infer<typeof ScraperCompletionMessage>;
