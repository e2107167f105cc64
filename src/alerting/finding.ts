/**
 * How urgent a finding or an alert is: `critical` pages someone, `error` and `warning` go to the
 * team's channel, `info` and `success` are for the record (a processing summary, a recovery). The
 * monitor's dead-letter findings are `critical` or `warning`. The alert manager routes `critical` and `error`
 * to email and Slack, the others to Slack.
 *
 * @example
 * ```ts
 * import type { AlertSeverity } from 'gcp-pipeline-resilience';
 * const severity: AlertSeverity = 'critical';
 * ```
 */
export type AlertSeverity = 'critical' | 'error' | 'warning' | 'info' | 'success';

/**
 * One thing a check found that someone may need to act on, in a shape an alert channel can send
 * without knowing which check made it.
 *
 * `key` is stable across runs for the same condition (`dlq:<subscription>`, `dlq_missing:<subscription>`,
 * `logging:<category>`, `check_failed:<check>`), so rate limits and de-duplication can key on it.
 *
 * @example
 * ```ts
 * import type { Finding } from 'gcp-pipeline-resilience';
 * const finding: Finding = {
 *   key: 'dlq:nba-phase2-raw-complete-dlq-sub',
 *   source: 'dead_letters',
 *   severity: 'critical',
 *   title: '4 messages in dead-letter queue nba-phase2-raw-complete-dlq-sub',
 *   message: 'Phase 2 raw completions (phase2 -> phase3) could not be processed.',
 *   fields: { messages: 4, oldest_age_seconds: 120 },
 *   recoveryCommands: ['npx gpr dlq replay --from nba-phase2-raw-complete-dlq-sub --to nba-phase2-raw-complete --dry-run'],
 * };
 * ```
 */
export interface Finding {
  /** Stable identity of the condition: the same key on every run while it lasts. */
  key: string;
  /** Which check made it: `'dead_letters'`, `'logging'`, `'monitor'`. */
  source: string;
  severity: AlertSeverity;
  /** One line, for a subject or a Slack title. */
  title: string;
  /** A few sentences: what, where, since when. */
  message: string;
  /** Details for a table or Slack fields (at most a dozen, short values). */
  fields: Record<string, string | number | boolean>;
  /** Commands that inspect or fix the condition, most useful first. */
  recoveryCommands: string[];
}

/**
 * What a sink did with a finding: `sent`, or `suppressed` (by its own rate limit or routing). A sink
 * that throws has failed; the monitor records that and carries on with the next finding.
 *
 * @example
 * ```ts
 * import type { AlertDelivery } from 'gcp-pipeline-resilience';
 * const delivery: AlertDelivery = { outcome: 'suppressed', detail: 'rate limited: 5 in the last 60 min' };
 * ```
 */
export interface AlertDelivery {
  outcome: 'sent' | 'suppressed';
  detail?: string;
}

/**
 * Where the monitor sends its findings: anything with `send(finding)`. An alert manager, a Slack
 * webhook wrapper, a test double. Resolving to nothing means sent.
 *
 * @example
 * ```ts
 * import type { AlertSink } from 'gcp-pipeline-resilience';
 * const slack: AlertSink = {
 *   async send(finding) {
 *     await fetch(process.env.SLACK_WEBHOOK_URL!, {
 *       method: 'POST',
 *       body: JSON.stringify({ text: `${finding.severity}: ${finding.title}` }),
 *     });
 *   },
 * };
 * ```
 */
export interface AlertSink {
  // biome-ignore lint/suspicious/noConfusingVoidType: a sink written `async send(f) { await post(f) }` returns Promise<void>
  send(finding: Finding): Promise<AlertDelivery | void>;
  /**
   * The longest one `send` takes, ms, when the sink bounds it (an alert manager's `deadlineMs`). The
   * monitor refuses an `alertTimeoutMs` that is not longer: it would report as failed an alert that
   * the sink was still delivering.
   */
  readonly deadlineMs?: number;
}
