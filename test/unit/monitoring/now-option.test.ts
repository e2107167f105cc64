import { describe, expect, it } from 'vitest';
import {
  checkDeadLetters,
  checkLoggingErrors,
  createMonitor,
  MonitorConfigError,
} from '../../../src/index.js';

/** Clients that must never be reached: the clock is checked before any call. */
const unreachable = new Proxy(
  {},
  {
    get() {
      throw new Error('a client was used');
    },
  },
);

describe('a now() that does not answer a valid Date', () => {
  const bad: Array<[string, () => unknown]> = [
    ['an invalid Date', () => new Date('2026-03-29T02:30:00 bogus')],
    ['a number', () => Date.now()],
    ['a string', () => '2026-03-29T02:30:00Z'],
  ];

  it.each(bad)('%s: a run rejects with a MonitorConfigError on now, not a RangeError', async (_, now) => {
    const monitor = createMonitor({
      projectId: 'my-project',
      now: now as () => Date,
      logging: false,
      clients: { pubsub: unreachable, monitoring: unreachable, logging: unreachable } as never,
    });
    const error = await monitor.run({ dryRun: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MonitorConfigError);
    expect((error as MonitorConfigError).field).toBe('now');
  });

  it.each(bad)('%s: the one-off checks reject the same way', async (_, now) => {
    for (const check of [checkDeadLetters, checkLoggingErrors]) {
      const error = await check({
        projectId: 'my-project',
        now: now as () => Date,
        clients: { pubsub: unreachable, monitoring: unreachable, logging: unreachable } as never,
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MonitorConfigError);
      expect((error as MonitorConfigError).field).toBe('now');
    }
  });
});
