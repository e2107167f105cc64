import { describe, expect, it } from 'vitest';
import {
  type AlertChannel,
  AlertConfigError,
  AlertDeliveryError,
  type AlertMessage,
  type AlertResult,
  createAlertManager,
  createShutdownCoordinator,
  ForbiddenError,
  memoryRateLimitStore,
  NetworkError,
  type RateLimitStore,
  ServiceUnavailableError,
} from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { FakeProcess } from '../../helpers/fake-process.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

const T0 = Date.parse('2026-12-01T10:00:00Z');

/** A channel that records what it gets and fails as told. */
function recordingChannel(name: string, behavior: (n: number) => 'ok' | Error = () => 'ok') {
  const received: AlertMessage[] = [];
  const channel: AlertChannel = {
    name,
    async send(message, context) {
      context.countAttempt();
      const outcome = behavior(received.length + 1);
      received.push(message);
      if (outcome !== 'ok') throw outcome;
    },
  };
  return { channel, received };
}

function setup(extra: Parameters<typeof createAlertManager>[0] = {}) {
  const clock = createTestClock();
  const slack = recordingChannel('slack');
  const email = recordingChannel('email');
  const logger = recordingLogger();
  const lines = logger.entries;
  const store = memoryRateLimitStore();
  const make = (more: Parameters<typeof createAlertManager>[0] = {}) =>
    createAlertManager({
      channels: [slack.channel, email.channel],
      store,
      logger,
      clock,
      now: () => T0 + clock.now(),
      env: {},
      ...extra,
      ...more,
    });
  return { clock, slack, email, lines, store, alerts: make(), make };
}

/** A store no request reaches: every read and write is refused. */
function unreachableStore(): RateLimitStore {
  const refuse = async (): Promise<never> => {
    throw new NetworkError('connect ECONNREFUSED');
  };
  return { name: 'gone', read: refuse, write: refuse };
}

const alert = { key: 'processor:phase2:insert', severity: 'error' as const, title: 'phase2: insert failed' };

describe('createAlertManager: routing and levels', () => {
  it('routes error and critical to email and Slack, warning, info and success to Slack only', async () => {
    const { alerts, slack, email } = setup();
    await alerts.send({ ...alert, key: 'a' });
    await alerts.send({ ...alert, key: 'b', severity: 'critical' });
    await alerts.send({ ...alert, key: 'c', severity: 'warning' });
    await alerts.send({ ...alert, key: 'd', severity: 'info' });
    const result = await alerts.send({ ...alert, key: 'e', severity: 'success' });
    expect(slack.received.map((m) => m.key)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(email.received.map((m) => m.key)).toEqual(['a', 'b']);
    expect(result.channels).toEqual([
      { channel: 'slack', status: 'sent', attempts: 1 },
      { channel: 'email', status: 'skipped', attempts: 0, detail: 'not routed for success' },
      { channel: 'log', status: 'sent', attempts: 1 },
    ]);
    expect(result.detail).toBe('sent to slack');
  });

  it('stamps the environment (ENVIRONMENT, default production) and the time on every message', async () => {
    const { make, slack } = setup();
    await make({ env: { ENVIRONMENT: 'staging' } }).send(alert);
    await make().send({ ...alert, key: 'other' });
    expect(slack.received.map((m) => m.environment)).toEqual(['staging', 'production']);
    expect(slack.received[0]!.at.toISOString()).toBe('2026-12-01T10:00:00.000Z');
  });

  it('writes one structured log line per alert: error for urgent ones, info for a suppressed one', async () => {
    const { alerts, lines } = setup();
    await alerts.send({ ...alert, fields: { rows: 3 } });
    await alerts.send(alert);
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['error', 'alert sent: phase2: insert failed'],
      ['info', 'alert suppressed: phase2: insert failed'],
    ]);
    expect(lines[0]!.fields).toMatchObject({
      alert: {
        key: 'processor:phase2:insert',
        severity: 'error',
        outcome: 'sent',
        rate_limit: 'allowed',
        recorded: true,
        channels: { slack: 'sent', email: 'sent' },
        fields: { rows: 3 },
      },
    });
    expect(lines[1]!.fields).toMatchObject({ alert: { outcome: 'suppressed', reason: 'rate_limited' } });
  });

  it('a logger that throws does not turn a delivered alert into a failure', async () => {
    const boom = () => {
      throw new Error('logger down');
    };
    const { make } = setup();
    const alerts = make({ logger: { debug: boom, info: boom, warn: boom, error: boom } });
    await expect(alerts.send(alert)).resolves.toMatchObject({ outcome: 'sent' });
  });

  it('custom routes, custom channels, and no routed channel means the log line alone', async () => {
    const pager = recordingChannel('pager');
    const { make, slack } = setup();
    const alerts = make({
      channels: [slack.channel, pager.channel],
      routes: { critical: ['pager', 'slack'], warning: [] },
    });
    await alerts.send({ ...alert, key: 'x', severity: 'critical' });
    const warning = await alerts.send({ ...alert, key: 'y', severity: 'warning' });
    expect(pager.received.map((m) => m.key)).toEqual(['x']);
    expect(slack.received.map((m) => m.key)).toEqual(['x']);
    expect(warning).toMatchObject({ outcome: 'sent', detail: 'logged only (no channel routed)' });
  });
});

describe('createAlertManager: rate limits', () => {
  it('sends a key once per window (default 15 min), then again after the window', async () => {
    const { alerts, slack, clock } = setup();
    expect((await alerts.send(alert)).outcome).toBe('sent');
    clock.advance(14 * 60_000);
    const held = await alerts.send(alert);
    expect(held).toMatchObject({
      outcome: 'suppressed',
      reason: 'rate_limited',
      rateLimit: 'limited',
      window: { sent: 1, max: 1, windowMs: 900_000, nextAllowedAt: '2026-12-01T10:15:00.000Z' },
    });
    expect(held.detail).toContain('next allowed at 2026-12-01T10:15:00.000Z');
    clock.advance(60_000 + 1);
    expect((await alerts.send(alert)).outcome).toBe('sent');
    expect(slack.received).toHaveLength(2);
  });

  it('window boundaries: held back 1 ms before nextAllowedAt, sent at it; a 5-per-hour window slides', async () => {
    const { alerts, clock } = setup();
    await alerts.send(alert);
    clock.advance(15 * 60_000 - 1);
    const held = await alerts.send(alert);
    expect(held.outcome).toBe('suppressed');
    expect(held.window?.nextAllowedAt).toBe('2026-12-01T10:15:00.000Z');
    clock.advance(1);
    expect((await alerts.send(alert)).outcome).toBe('sent');

    const category = { key: 'logging:gcs_errors', severity: 'warning' as const, title: 'GCS errors' };
    const start = clock.now();
    for (let i = 0; i < 5; i++) {
      expect((await alerts.send(category)).outcome).toBe('sent');
      clock.advance(10 * 60_000);
    }
    // 50 minutes in: five in the last hour, the sixth waits until the first leaves the window.
    const sixth = await alerts.send(category);
    expect(sixth).toMatchObject({ outcome: 'suppressed', window: { sent: 5, max: 5 } });
    expect(Date.parse(sixth.window!.nextAllowedAt!)).toBe(T0 + start + 60 * 60_000);
    clock.advance(start + 60 * 60_000 - clock.now());
    expect((await alerts.send(category)).outcome).toBe('sent');
    expect((await alerts.send(category)).outcome).toBe('suppressed');
  });

  it('uses the rule of the longest key prefix: 60 min per DLQ, 5 per 60 min per logging category', async () => {
    const { alerts, slack, clock } = setup();
    const dlq = { key: 'dlq:orders-dlq-sub', severity: 'critical' as const, title: '4 dead letters' };
    await alerts.send(dlq);
    clock.advance(30 * 60_000);
    expect((await alerts.send(dlq)).outcome).toBe('suppressed');
    const category = {
      key: 'logging:bigquery_errors',
      severity: 'warning' as const,
      title: 'BigQuery errors',
    };
    const outcomes = [];
    for (let i = 0; i < 7; i++) outcomes.push((await alerts.send(category)).outcome);
    expect(outcomes).toEqual(['sent', 'sent', 'sent', 'sent', 'sent', 'suppressed', 'suppressed']);
    expect(slack.received).toHaveLength(6);
  });

  it('instances sharing a store share the limit; force passes it and still counts', async () => {
    const { make, slack } = setup();
    const a = make();
    const b = make();
    await a.send(alert);
    expect((await b.send(alert)).outcome).toBe('suppressed');
    expect(await b.send(alert, { force: true })).toMatchObject({
      outcome: 'sent',
      rateLimit: 'forced',
      recorded: true,
    });
    expect(slack.received).toHaveLength(2);
  });

  it('backfill mode holds back everything but critical, without asking the store', async () => {
    const reads: string[] = [];
    const base = memoryRateLimitStore();
    const store: RateLimitStore = {
      ...base,
      name: 'counting',
      read: (k) => {
        reads.push(k);
        return base.read(k);
      },
    };
    const { make, slack } = setup({ store });
    const alerts = make({ backfillMode: true });
    expect(await alerts.send(alert, { force: true })).toMatchObject({
      outcome: 'suppressed',
      reason: 'backfill',
      rateLimit: 'not_checked',
    });
    expect((await alerts.send({ ...alert, severity: 'critical' })).outcome).toBe('sent');
    expect(slack.received).toHaveLength(1);
    // Claim and record of the critical alert only: the held-back one never reached the store.
    expect(reads).toEqual(['processor:phase2:insert', 'processor:phase2:insert']);
  });
});

describe('createAlertManager: failures', () => {
  it('a failing channel does not stop the others, and the result says which failed and why', async () => {
    const { make, slack } = setup();
    const email = recordingChannel('email', () => new ServiceUnavailableError('SendGrid answered HTTP 503'));
    const result = await make({ channels: [slack.channel, email.channel] }).send(alert);
    expect(result.outcome).toBe('sent');
    expect(result.channels[1]).toMatchObject({ channel: 'email', status: 'failed', attempts: 1 });
    expect(result.channels[1]!.error).toBeInstanceOf(ServiceUnavailableError);
    expect(result.detail).toBe(
      'sent to slack; email failed (SERVICE_UNAVAILABLE: SendGrid answered HTTP 503)',
    );
  });

  it('when every channel fails: AlertDeliveryError, an error log line, and the slot is released at once', async () => {
    const { make, lines } = setup();
    let down = true;
    const slack = recordingChannel('slack', () => (down ? new NetworkError('socket hang up') : 'ok'));
    const alerts = make({ channels: [slack.channel] });
    const error = await alerts.send(alert).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertDeliveryError);
    const failed = error as AlertDeliveryError;
    expect(failed.transient).toBe(true);
    expect(failed.message).toContain('slack failed (NETWORK_ERROR: socket hang up)');
    expect(failed.result.channels[0]).toMatchObject({ channel: 'slack', status: 'failed' });
    expect(lines.at(-1)).toMatchObject({
      level: 'error',
      message: 'alert not delivered: phase2: insert failed',
    });
    down = false;
    // No wait for the lease: the failed sender released its slot.
    expect((await alerts.send(alert)).outcome).toBe('sent');
  });

  it('a store that throws: the alert is sent anyway and the result says the limit was unavailable', async () => {
    const store: RateLimitStore = {
      name: 'broken',
      read: async () => {
        throw new ServiceUnavailableError('store down');
      },
      write: async () => true,
    };
    const { make, slack } = setup({ store });
    const result = await make().send(alert);
    expect(result).toMatchObject({ outcome: 'sent', rateLimit: 'unavailable' });
    expect(result.rateLimitError).toBeInstanceOf(ServiceUnavailableError);
    expect(result.recorded).toBeUndefined();
    expect(result.detail).toBe(
      "sent to slack, email; rate-limit store broken unavailable (SERVICE_UNAVAILABLE: store down): sent within this instance's own limit (1 per 15 min)",
    );
    expect(slack.received).toHaveLength(1);
    const forced = await make().send({ ...alert, key: 'other' }, { force: true });
    expect(forced.detail).toBe(
      'sent to slack, email; rate-limit store broken unavailable (SERVICE_UNAVAILABLE: store down): forced, sent without a limit',
    );
  });

  it('a store that is down: each instance still sends an alert at most once per window (duplicates bounded by instances, not by sends)', async () => {
    // Not retried (the identity lost its access to the bucket), so the sends happen at known times.
    let down = true;
    const base = memoryRateLimitStore();
    const store: RateLimitStore = {
      name: 'flaky',
      read: async (key, signal) => {
        if (down) throw new ForbiddenError('store down');
        return base.read(key, signal);
      },
      write: base.write,
    };
    const { make, slack, clock, lines } = setup({ store });
    const a = make();
    expect(await a.send(alert)).toMatchObject({ outcome: 'sent', rateLimit: 'unavailable' });
    // The same instance, the same window, the store still down: held back by what it sent itself.
    clock.advance(5 * 60_000);
    const held = await a.send(alert);
    expect(held).toMatchObject({
      outcome: 'suppressed',
      reason: 'rate_limited',
      rateLimit: 'unavailable',
      window: { sent: 1, max: 1, windowMs: 900_000, nextAllowedAt: '2026-12-01T10:15:00.000Z' },
    });
    expect(held.rateLimitError).toBeInstanceOf(ForbiddenError);
    expect(held.detail).toBe(
      'suppressed: rate-limit store flaky unavailable (FORBIDDEN: store down) and this instance already sent it once in the window (1 per 15 min); next allowed at 2026-12-01T10:15:00.000Z',
    );
    expect(lines.at(-1)).toMatchObject({
      level: 'info',
      fields: { alert: { outcome: 'suppressed', reason: 'rate_limited', rate_limit: 'unavailable' } },
    });
    // Another instance knows nothing of it: it sends (a duplicate, one per instance).
    expect(await make().send(alert)).toMatchObject({ outcome: 'sent', rateLimit: 'unavailable' });
    // force still passes; another key is not held back.
    expect(await a.send(alert, { force: true })).toMatchObject({ outcome: 'sent', rateLimit: 'unavailable' });
    expect((await a.send({ ...alert, key: 'processor:phase2:other' })).outcome).toBe('sent');
    // A window after the forced send (which counts, as the store counts it): the instance sends again.
    clock.advance(15 * 60_000);
    expect(await a.send(alert)).toMatchObject({ outcome: 'sent', rateLimit: 'unavailable' });
    expect(slack.received.map((m) => m.key)).toEqual([
      alert.key,
      alert.key,
      alert.key,
      'processor:phase2:other',
      alert.key,
    ]);
    // Once the store answers, its word decides again.
    down = false;
    expect(await make().send(alert)).toMatchObject({ outcome: 'sent', rateLimit: 'allowed' });
  });

  it('a store that is down: sends of one key running at once on one instance go out once, not once each', async () => {
    const { make, slack } = setup({ store: unreachableStore() });
    const a = make();
    const results = await Promise.all(Array.from({ length: 5 }, () => a.send(alert)));
    expect(results.map((r) => r.outcome).sort()).toEqual([
      'sent',
      'suppressed',
      'suppressed',
      'suppressed',
      'suppressed',
    ]);
    expect(slack.received).toHaveLength(1);
  });

  it('a store that is down: a send that reached no channel gives its slot back, so the next one goes out', async () => {
    let failing = true;
    const slack = recordingChannel('slack', () =>
      failing ? new ServiceUnavailableError('slack down') : 'ok',
    );
    const { make } = setup({ store: unreachableStore() });
    const a = make({ channels: [slack.channel], routes: { error: ['slack'] } });
    await expect(a.send(alert)).rejects.toBeInstanceOf(AlertDeliveryError);
    failing = false;
    expect(await a.send(alert)).toMatchObject({ outcome: 'sent', rateLimit: 'unavailable' });
    expect(await a.send(alert)).toMatchObject({ outcome: 'suppressed', rateLimit: 'unavailable' });
  });

  it('a delivery the store recorded still counts for its instance when the store goes down in the same window', async () => {
    let down = false;
    const base = memoryRateLimitStore();
    const store: RateLimitStore = {
      name: 'flaky',
      read: async (key, signal) => {
        if (down) throw new NetworkError('connect ECONNREFUSED');
        return base.read(key, signal);
      },
      write: base.write,
    };
    const { make, slack } = setup({ store });
    const a = make({ rateLimits: { '': { windowMinutes: 15, maxPerWindow: 2 } } });
    expect(await a.send(alert)).toMatchObject({ outcome: 'sent', rateLimit: 'allowed' });
    down = true;
    expect(await a.send(alert)).toMatchObject({ outcome: 'sent', rateLimit: 'unavailable' });
    expect(await a.send(alert)).toMatchObject({
      outcome: 'suppressed',
      rateLimit: 'unavailable',
      window: { sent: 2, max: 2 },
    });
    expect(slack.received).toHaveLength(2);
  });

  it('a store that is down and a clock stepped back: what the instance sent "in the future" does not hold an alert back', async () => {
    const store: RateLimitStore = {
      name: 'broken',
      read: async () => {
        throw new ForbiddenError('no access to the bucket');
      },
      write: async () => true,
    };
    let wall = T0;
    const { make, slack } = setup({ store, now: () => wall });
    const alerts = make();
    expect((await alerts.send(alert)).outcome).toBe('sent');
    expect((await alerts.send(alert)).outcome).toBe('suppressed');
    wall = T0 - 24 * 60 * 60_000;
    expect(await alerts.send(alert)).toMatchObject({ outcome: 'sent', rateLimit: 'unavailable' });
    expect(slack.received).toHaveLength(2);
  });

  it('a store that never answers is given storeTimeoutMs, then the alert is sent', async () => {
    const clock = createTestClock();
    const store: RateLimitStore = {
      name: 'hung',
      read: (_key, signal) =>
        new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
      write: async () => true,
    };
    const { make, slack } = setup({ store, clock, now: () => T0 + clock.now() });
    const pending = make().send(alert);
    await new Promise((r) => setImmediate(r));
    clock.advance(3000);
    const result = await pending;
    expect(result).toMatchObject({ outcome: 'sent', rateLimit: 'unavailable' });
    expect(result.rateLimitError?.code).toBe('OPERATION_TIMEOUT');
    expect(slack.received).toHaveLength(1);
  });

  it('a store that refuses every connection is reported by its refusal, even when the budget ends while the last refusal is on its way', async () => {
    // A loaded instance: each refusal takes 1.2 s to come back. The third try starts between 2.4 s
    // and 2.7 s (whatever the jitter) and is still waiting for its refusal when the 3 s budget ends.
    // All the store ever said is that it refused the connection: that is what the result must say.
    const clock = createTestClock();
    let reads = 0;
    const store: RateLimitStore = {
      name: 'gone',
      async read(_key, signal) {
        reads++;
        await clock.sleep(1200, signal);
        throw new NetworkError('connect ECONNREFUSED 127.0.0.1:9');
      },
      write: async () => true,
    };
    const { make, slack } = setup({ store, clock, now: () => T0 + clock.now() });
    const result = await make().send(alert);
    expect(reads).toBe(3);
    expect(result).toMatchObject({ outcome: 'sent', rateLimit: 'unavailable' });
    expect(result.rateLimitError?.code).toBe('NETWORK_ERROR');
    expect(result.rateLimitError?.message).toContain('ECONNREFUSED');
    expect(result.detail).toContain('rate-limit store gone unavailable (NETWORK_ERROR: connect ECONNREFUSED');
    expect(slack.received).toHaveLength(1);
  });

  it('a store slower than its per-request timeout is asked again for the whole storeTimeoutMs, not a fixed number of times', async () => {
    // Each request the store makes gives up after 2 s (as gcsRateLimitStore's requestTimeoutMs does
    // on a loaded instance); the first four reads time out, the fifth answers, 8.6 s into a 15 s budget.
    const clock = createTestClock();
    const base = memoryRateLimitStore();
    let reads = 0;
    const store: RateLimitStore = {
      name: 'slow',
      async read(key, signal) {
        reads++;
        if (reads <= 4) {
          await clock.sleep(2000, signal);
          throw new NetworkError('network timeout at: http://storage/o/alert');
        }
        return base.read(key, signal);
      },
      write: base.write,
    };
    const { make, slack } = setup({ store, clock, now: () => T0 + clock.now() });
    const alerts = make({ deadlineMs: 45_000, storeTimeoutMs: 15_000 });
    expect(await alerts.send(alert)).toMatchObject({ outcome: 'sent', rateLimit: 'allowed', recorded: true });
    expect(reads).toBe(6);
    // The delivery is in the store: a second instance is held back instead of sending without a limit.
    expect(await make({ store: base }).send(alert)).toMatchObject({
      outcome: 'suppressed',
      reason: 'rate_limited',
    });
    expect(slack.received).toHaveLength(1);
  });

  it("a store that never answers cannot take the channels' share of the deadline: the claim gets at most a third", async () => {
    const clock = createTestClock();
    const store: RateLimitStore = {
      name: 'hung',
      read: (_key, signal) =>
        new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
      write: async () => true,
    };
    // Slack takes 1 s to answer: it needs its share of the deadline after the claim gave up.
    const received: string[] = [];
    const slow: AlertChannel = {
      name: 'slack',
      async send(message, context) {
        await clock.sleep(1000, context.signal);
        received.push(message.key);
      },
    };
    const { make } = setup({ store, clock, now: () => T0 + clock.now() });
    // A storeTimeoutMs as long as the deadline is refused: it would leave the channels nothing.
    expect(() => make({ channels: [slow], deadlineMs: 9000, storeTimeoutMs: 9000 })).toThrow(
      expect.objectContaining({ field: 'storeTimeoutMs' }),
    );
    // Without one, a short deadline gets a claim of a third of it (not the 3 s default).
    const pending = make({ channels: [slow], deadlineMs: 3000 }).send(alert);
    void pending.catch(() => {});
    for (let i = 0; i < 12; i++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(250);
    }
    const result = await pending;
    expect(result).toMatchObject({ outcome: 'sent', rateLimit: 'unavailable' });
    expect(received).toEqual([alert.key]);
  });

  it('a write whose answer was lost is recognized as our own claim on the retry', async () => {
    const base = memoryRateLimitStore();
    let writes = 0;
    const store: RateLimitStore = {
      name: 'lossy',
      read: base.read,
      async write(key, text, version) {
        const ok = await base.write(key, text, version);
        writes++;
        if (writes === 1) throw new NetworkError('socket hang up after the write');
        return ok;
      },
    };
    const { make, slack } = setup({ store });
    const alerts = make();
    expect(await alerts.send(alert)).toMatchObject({ outcome: 'sent', rateLimit: 'allowed', recorded: true });
    expect((await alerts.send(alert)).outcome).toBe('suppressed');
    expect(slack.received).toHaveLength(1);
  });

  it('a delivery that cannot be recorded says so (the claim then expires after its lease)', async () => {
    const base = memoryRateLimitStore();
    let writes = 0;
    const store: RateLimitStore = {
      name: 'flaky',
      read: base.read,
      async write(key, text, version) {
        writes++;
        if (writes > 1) throw new ServiceUnavailableError('store down');
        return base.write(key, text, version);
      },
    };
    const { make, clock } = setup({ store });
    const alerts = make();
    const result = await alerts.send(alert);
    expect(result).toMatchObject({ outcome: 'sent', recorded: false });
    expect(result.detail).toContain('delivery not recorded (SERVICE_UNAVAILABLE: store down)');
    // Meanwhile the claim holds the slot; after the 60 s lease another sender may send again.
    expect((await make({ store: { ...base, name: 'same' } }).send(alert)).reason).toBe('in_flight');
    clock.advance(60_001);
    expect((await make({ store: { ...base, name: 'same' } }).send(alert)).outcome).toBe('sent');
  });
});

describe('createAlertManager: bad input', () => {
  it('refuses bad options with an AlertConfigError naming the field', () => {
    const slack = recordingChannel('slack').channel;
    const cases: Array<[unknown, string]> = [
      [{ chanels: [] }, 'chanels'],
      [{ channels: [slack, slack] }, 'channels[1].name'],
      [{ channels: [{ ...slack, name: 'log' }] }, 'channels[0].name'],
      [{ channels: [{ name: 'x' }] }, 'channels[0]'],
      [{ channels: [slack], routes: { error: ['email'] } }, 'routes.error[0]'],
      [{ rateLimits: { 'dlq:': { windowMinutes: 0 } } }, 'rateLimits.dlq:.windowMinutes'],
      [{ deadlineMs: 20_000, claimLeaseMs: 10_000 }, 'claimLeaseMs'],
      [{ store: {} }, 'store'],
    ];
    for (const [options, field] of cases) {
      let caught: unknown;
      try {
        createAlertManager(options as never);
      } catch (e) {
        caught = e;
      }
      expect(caught, field).toBeInstanceOf(AlertConfigError);
      expect((caught as AlertConfigError).field).toBe(field);
    }
  });

  it('refuses a malformed alert before anything is sent', async () => {
    const { alerts, slack } = setup();
    await expect(alerts.send({ ...alert, key: '' })).rejects.toMatchObject({ field: 'alert.key' });
    await expect(alerts.send({ ...alert, severity: 'fatal' as never })).rejects.toMatchObject({
      field: 'alert.severity',
    });
    await expect(alerts.send({ ...alert, fields: { x: {} as never } })).rejects.toMatchObject({
      field: 'alert.fields.x',
    });
    expect(slack.received).toHaveLength(0);
  });
});

describe('createAlertManager: a channel that never answers', () => {
  it('is given up at the deadline even if it ignores its signal; the others are not held back', async () => {
    const { make, clock, slack } = setup();
    const stuck: AlertChannel = { name: 'email', send: () => new Promise(() => {}) };
    const pending = make({ channels: [slack.channel, stuck] }).send(alert);
    await new Promise((r) => setImmediate(r));
    clock.advance(9000);
    const result = await pending;
    expect(result.outcome).toBe('sent');
    expect(result.channels[1]).toMatchObject({ channel: 'email', status: 'failed' });
    expect(result.channels[1]!.error?.code).toBe('OPERATION_TIMEOUT');
    expect(slack.received).toHaveLength(1);
  });
});

describe('createAlertManager: deadlineMs bounds the whole send, recording included', () => {
  /** Lets the virtual clock run in steps of `stepMs` until `pending` settles (at most `maxMs`). */
  async function runClock(
    clock: ReturnType<typeof createTestClock>,
    pending: Promise<unknown>,
    maxMs: number,
  ) {
    let settled = false;
    void pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let ms = 0; ms < maxMs && !settled; ms += 250) {
      await new Promise((r) => setImmediate(r));
      if (!settled) clock.advance(250);
    }
  }

  it('a channel that takes the whole deadline and a slow store: the send still ends within deadlineMs, and a lease of deadlineMs keeps a second instance out', async () => {
    const base = memoryRateLimitStore();
    let writes = 0;
    let second: Promise<AlertResult> | undefined;
    const { make, clock, slack } = setup();
    const store: RateLimitStore = {
      name: 'slow',
      read: base.read,
      async write(key, text, version) {
        writes++;
        if (writes === 2) {
          // Recording the first delivery takes 2.5 s; meanwhile another instance sees the alert.
          await clock.sleep(2500);
          second = make({ store: { ...base, name: 'other' }, channels: [slack.channel] }).send(alert);
          await second;
        }
        return base.write(key, text, version);
      },
    };
    // Email honors the signal but not the deadline it was given (a custom channel may do that).
    const email: AlertChannel = {
      name: 'email',
      send: (_m, context) =>
        new Promise((_, reject) =>
          context.signal.addEventListener('abort', () => reject(context.signal.reason)),
        ),
    };
    const start = clock.now();
    const pending = make({
      store,
      channels: [slack.channel, email],
      deadlineMs: 9000,
      storeTimeoutMs: 3000,
      claimLeaseMs: 9000,
    }).send(alert);
    await runClock(clock, pending, 30_000);
    const result = await pending;
    expect(result).toMatchObject({ outcome: 'sent', recorded: true });
    expect(clock.now() - start).toBeLessThanOrEqual(9000);
    expect(await second).toMatchObject({ outcome: 'suppressed', reason: 'in_flight' });
    expect(slack.received).toHaveLength(1);
  });
});

describe('createAlertManager: nothing escapes a send', () => {
  it('a logger whose methods are async and reject causes no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const reject = async () => {
        throw new Error('log sink down');
      };
      const { make } = setup();
      const alerts = make({ logger: { debug: reject, info: reject, warn: reject, error: reject } });
      await expect(alerts.send(alert)).resolves.toMatchObject({ outcome: 'sent' });
      await expect(alerts.send(alert)).resolves.toMatchObject({ outcome: 'suppressed' });
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('a channel that throws a value nothing can read is a failed channel, and its slot is released', async () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        getPrototypeOf() {
          throw new Error('trap');
        },
        has() {
          throw new Error('trap');
        },
        ownKeys() {
          throw new Error('trap');
        },
        getOwnPropertyDescriptor() {
          throw new Error('trap');
        },
      },
    );
    let throwing = true;
    const odd: AlertChannel = {
      name: 'slack',
      async send() {
        if (throwing) throw hostile;
      },
    };
    const { make, lines } = setup();
    const alerts = make({ channels: [odd] });
    const error = await alerts.send(alert).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertDeliveryError);
    expect((error as AlertDeliveryError).result.channels[0]).toMatchObject({
      channel: 'slack',
      status: 'failed',
    });
    expect(lines.at(-1)).toMatchObject({
      level: 'error',
      message: 'alert not delivered: phase2: insert failed',
    });
    throwing = false;
    // Released at once: the next send goes out without waiting for the lease.
    expect((await alerts.send(alert)).outcome).toBe('sent');
  });
});

describe('createAlertManager: SIGTERM while a send is in flight', () => {
  it('a send in flight is a shutdown task: SIGTERM waits for it, then the signal is raised again', async () => {
    const target = new FakeProcess(7);
    const shutdown = createShutdownCoordinator({ process: target, clock: createTestClock() });
    let answer = (): void => {};
    const slow: AlertChannel = {
      name: 'slack',
      send: () =>
        new Promise<void>((resolve) => {
          answer = resolve;
        }),
    };
    const { make, lines } = setup();
    const pending = make({ channels: [slow], shutdown }).send(alert);
    await new Promise((r) => setImmediate(r));
    expect(shutdown.size).toBe(1);
    target.emit('SIGTERM');
    await new Promise((r) => setImmediate(r));
    expect(target.kills).toEqual([]);
    answer();
    expect((await pending).outcome).toBe('sent');
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    expect(lines.at(-1)?.message).toBe('alert sent: phase2: insert failed');
    expect(target.kills).toEqual([[7, 'SIGTERM']]);
  });

  it('joins nothing once the send is over, nor with shutdown: false; a coordinator that is not one is refused', async () => {
    const target = new FakeProcess(7);
    const shutdown = createShutdownCoordinator({ process: target, clock: createTestClock() });
    const { make } = setup();
    await make({ shutdown }).send(alert);
    expect(shutdown.size).toBe(0);
    expect(target.listenerCount('SIGTERM')).toBe(0);
    await make({ shutdown: false }).send({ ...alert, key: 'other' });
    expect(() => make({ shutdown: {} as never })).toThrow(AlertConfigError);
  });
});
