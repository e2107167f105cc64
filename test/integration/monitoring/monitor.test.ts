import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlertSink,
  createMonitor,
  type DeadLetterSubscription,
  type Finding,
  MonitorConfigError,
  type MonitorOptions,
} from '../../../src/index.js';
import { createPipeline, type Gcp, seedTwoFindings, startGcp } from './helpers.js';

const PROJECT = 'monitor-run';
let gcp: Gcp;
let watched: DeadLetterSubscription[];

function recordingSink(fail?: (finding: Finding) => boolean): AlertSink & { sent: Finding[] } {
  const sent: Finding[] = [];
  return {
    sent,
    async send(finding) {
      if (fail?.(finding)) throw new Error(`channel down for ${finding.key}`);
      sent.push(finding);
    },
  };
}

function monitor(options: MonitorOptions = {}) {
  return createMonitor({
    projectId: PROJECT,
    clients: gcp.clients,
    deadLetters: { subscriptions: watched, callTimeoutMs: 2000 },
    logging: { threshold: 0, resourceTypes: [], callTimeoutMs: 2000 },
    ...options,
  });
}

beforeAll(async () => {
  gcp = await startGcp(PROJECT);
  await createPipeline(gcp.pubsubClient, 'calm');
  watched = [
    {
      subscription: 'calm-dlq-sub',
      severity: 'critical',
      description: 'Calm',
      phaseFrom: 'p1',
      phaseTo: 'p2',
      sourceTopic: 'calm',
    },
  ];
});

beforeEach(() => {
  gcp.logging.clear();
  gcp.logging.faults.clear();
  gcp.monitoring.faults.clear();
  gcp.pubsub.faults.clear();
});

afterAll(async () => {
  await gcp.close();
});

describe('the monitor’s report', () => {
  it('is healthy when every queue is empty and no error was logged', async () => {
    const sink = recordingSink();
    const report = await monitor({ alertSink: sink }).run();
    expect(report).toMatchObject({
      status: 'healthy',
      errorsFound: false,
      degraded: false,
      dryRun: false,
      findings: [],
      notifications: [],
      summary: { dlqMessages: 0, loggingErrors: 0, failed: [] },
    });
    expect(report.deadLetters.status).toBe('ok');
    expect(report.logging.status).toBe('ok');
    expect(sink.sent).toEqual([]);
  });

  it('alerts on dead letters and on logging errors alike, through the sink', async () => {
    await seedTwoFindings(gcp, 'busy');
    const sink = recordingSink();
    const m = monitor({
      alertSink: sink,
      deadLetters: {
        subscriptions: [
          ...watched,
          {
            subscription: 'busy-dlq-sub',
            severity: 'critical',
            description: 'Busy',
            phaseFrom: 'p2',
            phaseTo: 'p3',
            sourceTopic: 'busy',
          },
        ],
      },
    });
    const report = await m.run();
    expect(report.status).toBe('errors_found');
    expect(report.summary).toMatchObject({ dlqMessages: 2, loggingErrors: 1 });
    expect(sink.sent.map((f) => f.key)).toEqual(['dlq:busy-dlq-sub', 'logging:bigquery_errors']);
    expect(report.notifications.map((n) => [n.key, n.outcome])).toEqual([
      ['dlq:busy-dlq-sub', 'sent'],
      ['logging:bigquery_errors', 'sent'],
    ]);
    const [dlqFinding] = sink.sent;
    expect(dlqFinding).toMatchObject({
      severity: 'critical',
      title: '2 messages in dead-letter queue busy-dlq-sub',
      fields: { messages: 2, phase_from: 'p2', phase_to: 'p3', source_topic: 'busy' },
    });
    expect(dlqFinding?.recoveryCommands[0]).toBe(
      `npx gpr dlq replay --project ${PROJECT} --from busy-dlq-sub --to busy --dry-run`,
    );
    await m.close();
  });

  it('honors dryRun: sends nothing and says what it would have sent', async () => {
    const log = gcp.logging.client().log('app');
    await log.write(log.entry({ severity: 'ERROR', resource: { type: 'global' } }, 'GCS upload failed'));
    const sink = recordingSink();
    const report = await monitor({ alertSink: sink }).run({ dryRun: true });
    expect(sink.sent).toEqual([]);
    expect(report.dryRun).toBe(true);
    expect(report.notifications).toEqual([
      expect.objectContaining({ key: 'logging:gcs_errors', outcome: 'would_send', severity: 'warning' }),
    ]);
  });

  it('a sink that throws fails that finding only; the next one is still sent', async () => {
    const log = gcp.logging.client().log('app');
    await log.write([
      log.entry({ severity: 'ERROR', resource: { type: 'global' } }, 'BigQuery query failed'),
      log.entry({ severity: 'ERROR', resource: { type: 'global' } }, 'Firestore transaction failed'),
    ]);
    const sink = recordingSink((f) => f.key === 'logging:bigquery_errors');
    const report = await monitor({ alertSink: sink }).run();
    expect(report.notifications.map((n) => [n.key, n.outcome, n.error?.message])).toEqual([
      ['logging:bigquery_errors', 'failed', 'channel down for logging:bigquery_errors'],
      ['logging:firestore_errors', 'sent', undefined],
    ]);
    expect(sink.sent.map((f) => f.key)).toEqual(['logging:firestore_errors']);
  });

  it('a sink that never answers times out (alertTimeoutMs) and the run still ends', async () => {
    const log = gcp.logging.client().log('app');
    await log.write(log.entry({ severity: 'ERROR', resource: { type: 'global' } }, 'GCS upload failed'));
    const hanging: AlertSink = { send: () => new Promise(() => undefined) };
    const report = await monitor({ alertSink: hanging, alertTimeoutMs: 50 }).run();
    expect(report.notifications).toEqual([
      expect.objectContaining({
        key: 'logging:gcs_errors',
        outcome: 'failed',
        error: expect.objectContaining({ name: 'OperationTimeoutError' }),
      }),
    ]);
  });

  it('is degraded when a check fails, and says which and why; the other check still reports', async () => {
    gcp.logging.faults.add({ method: 'ListLogEntries', code: 'PERMISSION_DENIED' });
    const report = await monitor().run();
    expect(report.status).toBe('degraded');
    expect(report.degraded).toBe(true);
    expect(report.deadLetters.status).toBe('ok');
    expect(report.summary.failed).toEqual([
      'logging:bigquery_errors',
      'logging:firestore_errors',
      'logging:gcs_errors',
      'logging:library_errors',
    ]);
    const json = JSON.parse(JSON.stringify(report));
    const category = json.logging.result.categories[0];
    expect(category.error).toEqual({
      name: 'ForbiddenError',
      code: 'FORBIDDEN',
      message: expect.stringContaining('stand-in fault: PERMISSION_DENIED'),
      transient: false,
    });
    expect(json.findings[0]).toMatchObject({
      key: 'check_failed:logging:bigquery_errors',
      severity: 'error',
    });
  });

  it('a client that fails every call fails each category; a check can be skipped or turned off', async () => {
    const report = await monitor({
      clients: {
        ...gcp.clients,
        logging: { getEntries: () => Promise.reject(new Error('socket hang up')) } as never,
      },
    }).run({ includeLogging: true });
    expect(report.logging.status).toBe('ok'); // the check ran; each of its categories failed
    expect(report.status).toBe('degraded');
    expect(report.findings[0]?.message).toBe(
      'NETWORK_ERROR: Network request failed (ECONNRESET): socket hang up',
    );
    const skipped = await monitor().run({ includeLogging: false });
    expect(skipped.logging).toEqual({ status: 'skipped', reason: 'excluded from this run' });
    const off = await createMonitor({
      projectId: PROJECT,
      clients: gcp.clients,
      logging: false,
      deadLetters: { subscriptions: watched },
    }).run();
    expect(off.logging).toEqual({ status: 'skipped', reason: 'not configured' });
  });

  it('refuses a run that would look at nothing instead of answering healthy', async () => {
    const offAndExcluded = createMonitor({
      projectId: PROJECT,
      clients: gcp.clients,
      logging: false,
      deadLetters: { subscriptions: watched },
    }).run({ includeDeadLetters: false });
    await expect(offAndExcluded).rejects.toBeInstanceOf(MonitorConfigError);
    await expect(monitor().run({ includeDeadLetters: false, includeLogging: false })).rejects.toMatchObject({
      code: 'MONITOR_CONFIG',
      message: expect.stringContaining('nothing to check'),
    });
    // One check left is a real run.
    expect((await monitor().run({ includeLogging: false })).deadLetters.status).toBe('ok');
  });

  it('serializes to JSON with no Error objects left and no stack traces', async () => {
    gcp.monitoring.faults.add({ method: 'ListTimeSeries', code: 'PERMISSION_DENIED' });
    const report = await monitor().run();
    const text = JSON.stringify(report);
    expect(text).not.toMatch(/"stack"|at .*\.ts:\d+/);
    const json = JSON.parse(text);
    expect(json.deadLetters.result.monitoringError).toMatchObject({
      code: 'FORBIDDEN',
      name: 'ForbiddenError',
    });
    expect(json.status).toBe('healthy'); // counts still came from peeks: the monitor was not blind
    expect(json.findings.map((f: Finding) => f.key)).toEqual(['check_failed:monitoring']);
  });
});
