/**
 * The demo's last step: the monitor, run on the stand-ins the way Cloud Scheduler would run it
 * (`createMonitor(...).run({ dryRun: true })`), then a dry-run replay of the dead-letter queue.
 */
import type { Logging } from '@google-cloud/logging';
import type { MetricServiceClient } from '@google-cloud/monitoring';
import type { PubSub } from '@google-cloud/pubsub';
import { createMonitor } from '../src/index.js';

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
}

/** Options of {@link runDemoMonitor}: the clients and the names the pipeline used. */
export interface DemoMonitorOptions {
  projectId: string;
  clients: { pubsub: PubSub; monitoring: MetricServiceClient; logging: Logging };
  /** The dead-letter subscription, the topic a replay goes back to, and the subscription that feeds the DLQ. */
  deadLetterSubscription: string;
  sourceTopic: string;
  sourceSubscription: string;
}

/**
 * Runs the monitor (dry run: nothing is sent) and a dry-run replay, and returns the figures of the
 * `monitor:` line.
 *
 * @example
 * ```ts
 * const monitor = await runDemoMonitor({ projectId, clients, deadLetterSubscription, sourceTopic, sourceSubscription });
 * console.log(monitorLine(monitor));
 * ```
 */
export async function runDemoMonitor(options: DemoMonitorOptions): Promise<DemoMonitorSummary> {
  const monitor = createMonitor({
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
    logging: { lookbackMinutes: 15, threshold: 0 },
  });
  try {
    const report = await monitor.run({ dryRun: true });
    const replay = await monitor.replay({ from: options.deadLetterSubscription, dryRun: true });
    return {
      status: report.status,
      dlqMessages: report.summary.dlqMessages,
      loggingErrors: report.summary.loggingErrors,
      replayable: replay.wouldReplay.length,
      findings: report.findings.map((f) => f.key),
    };
  } finally {
    await monitor.close();
  }
}

/**
 * The demo's last line: `monitor: dlq_messages=N logging_errors=N replayable=N`.
 *
 * @example
 * ```ts
 * monitorLine({ status: 'errors_found', dlqMessages: 4, loggingErrors: 1, replayable: 4, findings: [] });
 * // 'monitor: dlq_messages=4 logging_errors=1 replayable=4'
 * ```
 */
export function monitorLine(m: DemoMonitorSummary): string {
  return `monitor: dlq_messages=${m.dlqMessages} logging_errors=${m.loggingErrors} replayable=${m.replayable}`;
}
