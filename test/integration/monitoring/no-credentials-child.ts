/**
 * A monitor run with the clients the monitor makes itself, in a process without Google credentials
 * (Pub/Sub goes to the stand-in named by PUBSUB_EMULATOR_HOST; Monitoring and Logging have no
 * emulator and no credentials). Prints the report's summary as one JSON line, closes the monitor
 * and lets the process end on its own. Run as its own process: `node --import tsx no-credentials-child.ts`.
 */
import { createMonitor } from '../../../src/index.js';

const monitor = createMonitor({
  projectId: process.env.GCP_PROJECT_ID ?? 'no-credentials',
  deadLetters: {
    subscriptions: [
      {
        subscription: 'orders-dlq-sub',
        severity: 'critical',
        description: 'orders',
        phaseFrom: 'a',
        phaseTo: 'b',
      },
    ],
    callTimeoutMs: 5000,
  },
  logging: { callTimeoutMs: 5000 },
});
const report = await monitor.run({ dryRun: true });
await monitor.close();
const deadLetters = report.deadLetters.status === 'ok' ? report.deadLetters.result : undefined;
process.stdout.write(
  `${JSON.stringify({
    status: report.status,
    failed: report.summary.failed,
    dlqMessages: report.summary.dlqMessages,
    monitoringError: deadLetters?.monitoringError?.message,
  })}\n`,
);
