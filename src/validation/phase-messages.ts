import * as z from 'zod';
import { deferredSchema } from './deferred-schema.js';
import { nonNegativeCount, optional, PhaseStatus, requiredDate, requiredText } from './primitives.js';

const text = deferredSchema(() => z.string({ error: 'must be a string' }));

/**
 * A Phase 2 (raw) processor finished. Topic `nba-phase2-raw-complete`, consumed by the phase2→3
 * orchestrator. `processor_name` and `game_date` required; `phase` defaults to `'phase_2_raw'`, `status` to
 * `'success'`, `record_count` to `0` (never negative); the optional strings default to `null`.
 *
 * Unknown keys are dropped, not rejected: a newer
 * producer adding a field must not send an older consumer's traffic to the dead-letter topic.
 *
 * @example
 * ```ts
 * import { parseMessage, Phase2CompletionMessage } from 'gcp-pipeline-resilience';
 * const msg = parseMessage(Phase2CompletionMessage, { processor_name: 'BdlGamesProcessor', game_date: '2026-01-24' });
 * msg.status; // 'success'
 * msg.record_count; // 0
 * ```
 */
export const Phase2CompletionMessage = deferredSchema(() =>
  z
    .object({
      processor_name: requiredText.describe("Processor that completed, e.g. 'BdlGamesProcessor'"),
      game_date: requiredDate.describe('Game date, YYYY-MM-DD'),
      phase: text.default('phase_2_raw').describe('Pipeline phase identifier'),
      execution_id: optional(text).describe('Unique execution identifier'),
      correlation_id: optional(text).describe('Correlation id for tracing'),
      output_table: optional(text).describe('Output BigQuery table'),
      output_dataset: optional(text).describe('Output BigQuery dataset'),
      status: PhaseStatus.default('success').describe('Processing status'),
      record_count: nonNegativeCount.default(0).describe('Records processed'),
      timestamp: optional(text).describe('Completion timestamp'),
    })
    .meta({
      title: 'Phase2CompletionMessage',
      description: 'Phase 2 processor completion (nba-phase2-raw-complete)',
    }),
);
/** The parsed {@link Phase2CompletionMessage} (defaults applied). @example `const m: Phase2CompletionMessage = parseMessage(Phase2CompletionMessage, raw);` */
export type Phase2CompletionMessage = z.infer<typeof Phase2CompletionMessage>;

/**
 * A Phase 3 (analytics) processor finished. Topic `nba-phase3-analytics-complete`, consumed by the
 * phase3→4 orchestrator. Like {@link Phase2CompletionMessage} but `phase` defaults to
 * `'phase_3_analytics'`, there is a free-form `metadata` object, and there is no `output_dataset` and
 * no `timestamp` (keys with those names are dropped like any unknown key).
 *
 * Unknown keys are dropped, not rejected.
 *
 * @example
 * ```ts
 * import { parseMessage, Phase3CompletionMessage } from 'gcp-pipeline-resilience';
 * const msg = parseMessage(Phase3CompletionMessage, {
 *   processor_name: 'PlayerGameSummaryProcessor', game_date: '2026-01-24', metadata: { rows: 12 },
 * });
 * msg.phase; // 'phase_3_analytics'
 * ```
 */
export const Phase3CompletionMessage = deferredSchema(() =>
  z
    .object({
      processor_name: requiredText.describe('Processor that completed'),
      game_date: requiredDate.describe('Game date, YYYY-MM-DD'),
      phase: text.default('phase_3_analytics').describe('Pipeline phase identifier'),
      execution_id: optional(text).describe('Unique execution identifier'),
      correlation_id: optional(text).describe('Correlation id for tracing'),
      output_table: optional(text).describe('Output BigQuery table'),
      status: PhaseStatus.default('success').describe('Processing status'),
      record_count: nonNegativeCount.default(0).describe('Records processed'),
      metadata: optional(z.record(z.string(), z.unknown(), { error: 'must be an object' })).describe(
        'Additional metadata from the processor',
      ),
    })
    .meta({
      title: 'Phase3CompletionMessage',
      description: 'Phase 3 processor completion (nba-phase3-analytics-complete)',
    }),
);
/** The parsed {@link Phase3CompletionMessage}. @example `const m: Phase3CompletionMessage = parseMessage(Phase3CompletionMessage, raw);` */
export type Phase3CompletionMessage = z.infer<typeof Phase3CompletionMessage>;

/**
 * Phase 3 analytics should start for a date. Topic `nba-phase3-trigger`. Only `game_date` is required;
 * `trigger_source` defaults to `'phase2_to_phase3'`; `completed_processors` is a list of names or `null`.
 *
 * Unknown keys are dropped, not rejected.
 *
 * @example
 * ```ts
 * import { parseMessage, Phase3AnalyticsMessage } from 'gcp-pipeline-resilience';
 * const msg = parseMessage(Phase3AnalyticsMessage, { game_date: '2026-01-24', completed_processors: ['nbac_schedule'] });
 * msg.trigger_source; // 'phase2_to_phase3'
 * ```
 */
export const Phase3AnalyticsMessage = deferredSchema(() =>
  z
    .object({
      game_date: requiredDate.describe('Game date, YYYY-MM-DD'),
      trigger_source: text.default('phase2_to_phase3').describe('What triggered Phase 3'),
      correlation_id: optional(text).describe('Correlation id for tracing'),
      completed_processors: optional(z.array(text, { error: 'must be an array of strings' })).describe(
        'Phase 2 processors that completed',
      ),
    })
    .meta({ title: 'Phase3AnalyticsMessage', description: 'Phase 3 analytics trigger (nba-phase3-trigger)' }),
);
/** The parsed {@link Phase3AnalyticsMessage}. @example `const m: Phase3AnalyticsMessage = parseMessage(Phase3AnalyticsMessage, raw);` */
export type Phase3AnalyticsMessage = z.infer<typeof Phase3AnalyticsMessage>;
