import { describe, expect, it } from 'vitest';
import { type AlertChannel, createAlertManager, memoryRateLimitStore } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

/** Cloud Logging refuses an entry over 256 KB: the alert's log line must stay well under. */
const CLOUD_LOGGING_ENTRY_BYTES = 256 * 1024;

/** A manager with one channel that delivers, and the logger its log line goes to. */
function loggingManager() {
  const channel: AlertChannel = { name: 'slack', send: async (_m, c) => c.countAttempt() };
  const logger = recordingLogger();
  const alerts = createAlertManager({
    channels: [channel],
    store: memoryRateLimitStore(),
    logger,
    clock: createTestClock(),
    env: {},
    shutdown: false,
  });
  return { alerts, logger };
}

describe('createAlertManager: the log line of a huge alert', () => {
  it('stays under Cloud Logging’s entry limit and says what it left out', async () => {
    const { alerts, logger } = loggingManager();
    const fields = Object.fromEntries(
      Array.from({ length: 1000 }, (_, i) => [`field_${i}_${'n'.repeat(1000)}`, 'x'.repeat(10_000)]),
    );
    const result = await alerts.send({
      key: 'processor:phase2:insert',
      severity: 'error',
      title: 'phase2: insert failed',
      fields,
      source: 's'.repeat(1_000_000),
    });
    expect(result.outcome).toBe('sent');
    const [line] = logger.entries;
    const size = Buffer.byteLength(JSON.stringify({ message: line!.message, ...line!.fields }), 'utf8');
    expect(size).toBeLessThan(CLOUD_LOGGING_ENTRY_BYTES / 4);
    const logged = (line!.fields as { alert: Record<string, unknown> }).alert;
    expect(logged.fields_omitted).toBeGreaterThan(900);
    expect(Object.values(logged.fields as Record<string, string>)[0]).toMatch(/…$/);
  });
});

describe('createAlertManager: the log line of an alert holding a credential', () => {
  it('shows none of it, also where the 500-character cut of a field runs through it', async () => {
    const { alerts, logger } = loggingManager();
    const password = 'zQ9'.repeat(30);
    await alerts.send({
      key: 'processor:phase2:insert',
      severity: 'error',
      title: 'phase2: insert failed',
      fields: {
        request: 'GET https://api.example.com/x failed: Authorization: Bearer ya29.zzAlertFieldTokenzz',
        upstream: `${'-'.repeat(480)} https://svc:${password}@db.example.com/`,
      },
    });
    const printed = JSON.stringify(logger.entries);
    expect(printed).not.toContain('zzAlertFieldTokenzz');
    for (const pair of ['zQ', 'Q9', '9z']) expect(printed).not.toContain(pair);
  });
});
