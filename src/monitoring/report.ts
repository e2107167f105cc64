import type { AlertSeverity, Finding } from '../alerting/index.js';
import type { PipelineError } from '../errors/index.js';
import { serializeError } from '../logging/index.js';
import type { DeadLetterCheckResult } from './dead-letters/check.js';
import type { LoggingCheckResult } from './logging-check.js';

/**
 * One check of a run: its result, the typed error that stopped it, or why it did not run.
 *
 * @example
 * ```ts
 * import type { CheckOutcome, LoggingCheckResult } from 'gcp-pipeline-resilience';
 * function errors(outcome: CheckOutcome<LoggingCheckResult>): number | undefined {
 *   return outcome.status === 'ok' ? outcome.result.totalErrors : undefined;
 * }
 * ```
 */
export type CheckOutcome<T> =
  | { status: 'ok'; result: T }
  | { status: 'failed'; error: PipelineError }
  | { status: 'skipped'; reason: string };

/**
 * What happened to one finding's alert: `sent` / `suppressed` (by the sink), `failed` (the sink
 * threw), `would_send` (dry run: nothing was sent), `no_sink` (no sink is configured), `not_sent`
 * (the run's signal aborted before this finding's turn: a shutdown stopped the run).
 *
 * @example
 * ```ts
 * import { createMonitor, type NotificationRecord } from 'gcp-pipeline-resilience';
 * const monitor = createMonitor({ sport: 'nba' });
 * const report = await monitor.run({ dryRun: true });
 * const wouldSend: NotificationRecord[] = report.notifications.filter((n) => n.outcome === 'would_send');
 * for (const n of wouldSend) console.log(`${n.severity} ${n.key}: ${n.title}`);
 * ```
 */
export interface NotificationRecord {
  key: string;
  severity: AlertSeverity;
  title: string;
  outcome: 'sent' | 'suppressed' | 'failed' | 'would_send' | 'no_sink' | 'not_sent';
  detail?: string;
  error?: PipelineError;
}

/**
 * The monitor's report: one object for every consumer (the HTTP response, the CLI, an alert
 * manager). `status` is `degraded` when some check (or part of one) could not run, else
 * `errors_found` when there are findings, else `healthy`; `errorsFound` and `degraded` say both
 * independently. `JSON.stringify(report)` gives its JSON, errors as `{ name, code, message, transient }`.
 *
 * @example
 * ```ts
 * import { createMonitor } from 'gcp-pipeline-resilience';
 * const report = await createMonitor({ sport: 'nba' }).run({ dryRun: true });
 * console.log(report.status, report.summary.dlqMessages, report.findings.map((f) => f.key));
 * console.log(JSON.stringify(report));
 * ```
 */
export interface MonitorReport {
  status: 'healthy' | 'errors_found' | 'degraded';
  errorsFound: boolean;
  degraded: boolean;
  /** ISO 8601. */
  checkedAt: string;
  projectId: string;
  /** True when nothing was sent: `notifications` say what would have been. */
  dryRun: boolean;
  deadLetters: CheckOutcome<DeadLetterCheckResult>;
  logging: CheckOutcome<LoggingCheckResult>;
  /** Every finding of every check, in check order. */
  findings: Finding[];
  notifications: NotificationRecord[];
  summary: {
    /** Messages in the watched dead-letter subscriptions (known counts). */
    dlqMessages: number;
    /** Entries counted over every logging category. */
    loggingErrors: number;
    /** The checks, subscriptions and categories that could not be read, e.g. `dead_letters:orders-dlq-sub`. */
    failed: string[];
    /** Findings the sink sent (`sent` notifications). */
    alertsSent: number;
    /** Findings the sink held back: its rate limit (another run or instance sent them in this window) or routing. */
    alertsSuppressed: number;
    /** Findings whose sending failed (the sink threw or timed out). */
    alertsFailed: number;
    /** Findings not sent because the run was stopped first (`not_sent` notifications). */
    alertsNotSent: number;
  };
}

/** Whether a finding says the monitor could not see something (rather than something it saw). */
export function isBlindSpot(finding: Finding): boolean {
  return finding.key.startsWith('check_failed:') && finding.severity === 'error';
}

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // `this[key]` is the value before its own toJSON ran: a PipelineError's toJSON keeps every field
  // (errors, reasons, ...), whereas a report keeps only the searchable shape of serializeError.
  const original = this[key];
  return original instanceof Error ? serializeError(original) : value;
}

/** Adds the non-enumerable `toJSON` that serializes the report's errors safely. */
export function withJson<T extends object>(report: T): T {
  Object.defineProperty(report, 'toJSON', {
    value(this: T) {
      const plain = { ...this } as Record<string, unknown>;
      return JSON.parse(JSON.stringify(plain, replacer));
    },
    enumerable: false,
  });
  return report;
}
