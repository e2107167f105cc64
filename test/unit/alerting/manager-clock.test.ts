import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  type AlertChannel,
  AlertConfigError,
  AlertDeliveryError,
  type AlertMessage,
  createAlertManager,
  memoryRateLimitStore,
} from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const alert = { key: 'processor:phase2:insert', severity: 'error' as const, title: 'phase2: insert failed' };

function recordingChannel(name: string) {
  const received: AlertMessage[] = [];
  const channel: AlertChannel = {
    name,
    async send(message, context) {
      context.countAttempt();
      received.push(message);
    },
  };
  return { channel, received };
}

/** A manager whose clock's `schedule` is replaced by `schedule`. */
function setup(schedule: (ms: number, callback: () => void) => () => void) {
  const clock = createTestClock();
  const slack = recordingChannel('slack');
  const logger = recordingLogger();
  const alerts = createAlertManager({
    channels: [slack.channel],
    routes: { error: ['slack'] },
    rateLimits: { 'processor:*': { windowMinutes: 60, maxPerWindow: 1 } },
    store: memoryRateLimitStore(),
    logger,
    clock: { now: clock.now, sleep: clock.sleep, schedule },
    now: () => T0 + clock.now(),
    env: {},
    shutdown: false,
  });
  return { clock, slack, logger, alerts };
}

describe('createAlertManager with a misbehaving clock', () => {
  it('a schedule that returns a timer handle: the alert is sent and recorded, not failed', async () => {
    const clock = createTestClock();
    const { alerts, slack } = setup((ms, callback) => {
      clock.schedule(ms, callback);
      return { ref() {}, unref() {} } as unknown as () => void;
    });
    const result = await alerts.send(alert);
    expect(result.outcome).toBe('sent');
    expect(result.recorded).toBe(true);
    expect(slack.received).toHaveLength(1);
    // Recorded: the window's one delivery is used up.
    expect((await alerts.send(alert)).reason).toBe('rate_limited');
  });

  it('a schedule that throws: nothing is sent, the claim is released, the send rejects and is logged', async () => {
    const clock = createTestClock();
    let broken = true;
    const { alerts, slack, logger } = setup((ms, callback) => {
      if (broken) throw new Error('clock is closed');
      return clock.schedule(ms, callback);
    });
    const error = await alerts.send(alert).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AlertDeliveryError);
    expect(String((error as Error).message)).toMatch(/clock is closed/);
    expect(slack.received).toHaveLength(0);
    expect(logger.entries.some((e) => e.level === 'error' && /not delivered/.test(e.message))).toBe(true);
    // The slot was released: once the clock works, the alert goes out at once (not in_flight).
    broken = false;
    const result = await alerts.send(alert);
    expect(result.outcome).toBe('sent');
    expect(slack.received).toHaveLength(1);
  });

  it('a clock whose schedule is not a function is refused when the manager is made', () => {
    const clock = createTestClock();
    expect(() =>
      createAlertManager({
        clock: { now: clock.now, sleep: clock.sleep, schedule: 5 as unknown as () => () => void },
        env: {},
        shutdown: false,
      }),
    ).toThrow(AlertConfigError);
  });
});

describe('createAlertManager: a signal shared by many sends', () => {
  it('adds one abort listener to the caller signal however many sends share it, and none after', async () => {
    const clock = createTestClock();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const channel: AlertChannel = {
      name: 'slack',
      async send(_message, context) {
        context.countAttempt();
        await held;
      },
    };
    const alerts = createAlertManager({
      channels: [channel],
      routes: { error: ['slack'] },
      store: memoryRateLimitStore(),
      logger: recordingLogger(),
      clock,
      now: () => T0 + clock.now(),
      env: {},
      shutdown: false,
    });
    const run = new AbortController();
    const sends = Array.from({ length: 20 }, (_, i) =>
      alerts.send({ ...alert, key: `processor:p${i}:insert` }, { signal: run.signal }),
    );
    for (let i = 0; i < 20; i += 1) await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(getEventListeners(run.signal, 'abort').length).toBeLessThanOrEqual(1);
    release();
    const results = await Promise.all(sends);
    expect(results.every((r) => r.outcome === 'sent')).toBe(true);
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });
});
