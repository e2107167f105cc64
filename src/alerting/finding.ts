/**
 * How urgent a finding or an alert is: `critical` pages someone, `error` and `warning` go to the
 * team's channel, `info` and `success` are for the record (a processing summary, a recovery). The
 * monitor's dead-letter findings are `critical` or `warning`. The alert manager routes `critical` and `error`
 * to email and Slack, the others to Slack.
 *
 * @example
 * ```ts
 * import { createAlertManager, type AlertSeverity } from 'gcp-pipeline-resilience';
 * const alerts = createAlertManager();
 * const severityOf = (failedRows: number): AlertSeverity => (failedRows > 100 ? 'critical' : 'error');
 * await alerts.send({ key: 'processor:phase2_games:insert', severity: severityOf(3), title: '3 rows refused' });
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
 * import { createMonitor, type Finding } from 'gcp-pipeline-resilience';
 * const monitor = createMonitor({ sport: 'nba' });
 * const report = await monitor.run({ dryRun: true });
 * const pages: Finding[] = report.findings.filter((f) => f.severity === 'critical');
 * for (const f of pages) console.log(f.key, f.title, f.recoveryCommands.join('\n'));
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
 * import { createMonitor, type AlertDelivery, type Finding } from 'gcp-pipeline-resilience';
 * declare function postToPager(finding: Finding): Promise<boolean>; // false when the pager deduplicated it
 * const monitor = createMonitor({
 *   alertSink: {
 *     async send(finding): Promise<AlertDelivery> {
 *       return (await postToPager(finding)) ? { outcome: 'sent' } : { outcome: 'suppressed', detail: 'deduplicated by the pager' };
 *     },
 *   },
 * });
 * ```
 */
export interface AlertDelivery {
  outcome: 'sent' | 'suppressed';
  detail?: string;
}

/**
 * Where the monitor sends its findings: anything with `send(finding)`. An alert manager, a Slack
 * webhook wrapper, a test double. Resolving to nothing means sent. The monitor passes a `signal`
 * that aborts when its run is stopped (a shutdown's drain ran out): a sink should cut its delivery
 * short then but still record what it delivered (an alert manager does).
 *
 * @example
 * ```ts
 * import { createMonitor, type AlertSink } from 'gcp-pipeline-resilience';
 * const slack: AlertSink = {
 *   async send(finding) {
 *     await fetch(process.env.SLACK_WEBHOOK_URL!, {
 *       method: 'POST',
 *       body: JSON.stringify({ text: `${finding.severity}: ${finding.title}` }),
 *     });
 *   },
 * };
 * const monitor = createMonitor({ sport: 'nba', alertSink: slack });
 * ```
 */
export interface AlertSink {
  // biome-ignore lint/suspicious/noConfusingVoidType: a sink written `async send(f) { await post(f) }` returns Promise<void>
  send(finding: Finding, options?: { signal?: AbortSignal }): Promise<AlertDelivery | void>;
  /**
   * The longest one `send` takes, ms, when the sink bounds it (an alert manager's `deadlineMs`). The
   * monitor refuses an `alertTimeoutMs` that is not longer: it would report as failed an alert that
   * the sink was still delivering.
   */
  readonly deadlineMs?: number;
}
