/**
 * The demo's last step: the monitor, run on the stand-ins twice the way Cloud Scheduler would run it
 * on two fresh instances, each with its own alert manager and its own Cloud Storage client: the first
 * run sends one alert per dead-letter queue to Slack, the second (same window) sends none, because the
 * rate limit lives in the shared store, not in memory. Then a dry-run replay of the dead-letter queue.
 */
import type { Logging } from '@google-cloud/logging';
import type { MetricServiceClient } from '@google-cloud/monitoring';
import type { PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import {
  createAlertManager,
  createMonitor,
  gcsRateLimitStore,
  type Logger,
  type MonitorReport,
  silentLogger,
  slackChannel,
} from '../src/index.js';

/** What the monitor saw after the run. */
export interface DemoMonitorSummary {
  /** `healthy`, `errors_found` or `degraded`. */
  status: string;
  /** Messages waiting in the dead-letter subscription (from Cloud Monitoring). */
  dlqMessages: number;
  /** Error entries the run logged that the logging check counted. */
  loggingErrors: number;
  /** Messages a replay would republish (dry run). */
  replayable: number;
  /** The findings' keys, e.g. `dlq:mlb-phase2-raw-complete-dlq-sub`. */
  findings: string[];
  /** Alerts the first run sent. */
  alertsSent: number;
  /** Alerts the second run (a new instance, same window) held back because the first had sent them. */
  alertsSuppressed: number;
  /** Alerts the second run sent anyway (0 when the shared limit works). */
  secondRunSent: number;
  /** The `detail` of each notification of both runs, for the demo's log. */
  notifications: string[];
}

/** Options of {@link runDemoMonitor}: the clients and the names the pipeline used. */
export interface DemoMonitorOptions {
  projectId: string;
  clients: { pubsub: PubSub; monitoring: MetricServiceClient; logging: Logging };
  /** The dead-letter subscription, the topic a replay goes back to, and the subscription that feeds the DLQ. */
  deadLetterSubscription: string;
  sourceTopic: string;
  sourceSubscription: string;
  /** Where alerts go: the Slack stand-in's webhook, and a new Storage client per instance for the shared limits. */
  alerting: { webhookUrl: string; storage: () => Storage; bucket: string; logger?: Logger };
}

/**
 * Runs the monitor twice, as two fresh instances in the same window would (each with its own alert
 * manager and Storage client), then a dry-run replay; returns the figures of the `monitor:` line.
 *
 * @example
 * ```ts
 * const monitor = await runDemoMonitor({ projectId, clients, deadLetterSubscription, sourceTopic, sourceSubscription, alerting });
 * console.log(monitorLine(monitor));
 * ```
 */
export async function runDemoMonitor(options: DemoMonitorOptions): Promise<DemoMonitorSummary> {
  const instance = () =>
    createMonitor({
      projectId: options.projectId,
      clients: options.clients,
      deadLetters: {
        subscriptions: [
          {
            subscription: options.deadLetterSubscription,
            severity: 'critical',
            description: 'Phase 2 raw-data completions the phase-transition handler could not process',
            phaseFrom: 'phase2',
            phaseTo: 'phase3',
            sourceTopic: options.sourceTopic,
            sourceSubscription: options.sourceSubscription,
          },
        ],
      },
      // The original's threshold: a category alerts above 5 errors in 15 minutes.
      logging: { lookbackMinutes: 15 },
      alertSink: createAlertManager({
        channels: [slackChannel({ webhookUrl: options.alerting.webhookUrl })],
        store: gcsRateLimitStore({ storage: options.alerting.storage(), bucket: options.alerting.bucket }),
        logger: options.alerting.logger ?? silentLogger,
      }),
    });
  const runOnce = async (): Promise<MonitorReport> => {
    const monitor = instance();
    try {
      return await monitor.run();
    } finally {
      await monitor.close();
    }
  };
  const first = await runOnce();
  const second = await runOnce();
  const monitor = instance();
  try {
    const replay = await monitor.replay({ from: options.deadLetterSubscription, dryRun: true });
    return {
      status: first.status,
      dlqMessages: first.summary.dlqMessages,
      loggingErrors: first.summary.loggingErrors,
      replayable: replay.wouldReplay.length,
      findings: first.findings.map((f) => f.key),
      alertsSent: first.summary.alertsSent,
      alertsSuppressed: second.summary.alertsSuppressed,
      secondRunSent: second.summary.alertsSent,
      notifications: [first, second].flatMap((report, run) =>
        report.notifications.map(
          (n) => `run ${run + 1} ${n.key}: ${n.outcome}${n.detail ? ` (${n.detail})` : ''}`,
        ),
      ),
    };
  } finally {
    await monitor.close();
  }
}

/**
 * The demo's last line: `monitor: dlq_messages=N logging_errors=N alerts_sent=N alerts_suppressed=N replayable=N`.
 *
 * @example
 * ```ts
 * monitorLine(summary.monitor);
 * // 'monitor: dlq_messages=4 logging_errors=5 alerts_sent=1 alerts_suppressed=1 replayable=4'
 * ```
 */
export function monitorLine(m: DemoMonitorSummary): string {
  return `monitor: dlq_messages=${m.dlqMessages} logging_errors=${m.loggingErrors} alerts_sent=${m.alertsSent} alerts_suppressed=${m.alertsSuppressed} replayable=${m.replayable}`;
}
