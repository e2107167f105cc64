import { describe, expect, it } from 'vitest';
import { createShutdownCoordinator } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { FakeProcess } from '../../helpers/fake-process.js';

/**
 * A JavaScript caller has no `NodeSignal` type to catch a typo: `'sigterm'` would be an event that
 * never fires (no drain on SIGTERM, silently), and `'SIGKILL'` cannot be caught at all (Node throws a
 * raw `uv_signal_start EINVAL` when the first task joins). Both are refused at construction.
 */
describe('createShutdownCoordinator: signals are catchable signal names', () => {
  const refused: Array<[string, unknown]> = [
    ['a lower-case name', 'sigterm'],
    ['a name without SIG', 'TERM'],
    ['a misspelt name, an event that would never fire', 'SIGTREM'],
    ['a made-up name', 'SIGSHUTDOWN'],
    ['SIGKILL, which cannot be caught', 'SIGKILL'],
    ['SIGSTOP, which cannot be caught', 'SIGSTOP'],
    ['a number', 15],
    ['undefined', undefined],
  ];

  it.each(refused)('%s is a TypeError naming the entry', (_, signal) => {
    expect(() =>
      createShutdownCoordinator({
        process: new FakeProcess(),
        clock: createTestClock(),
        signals: ['SIGINT', signal] as never,
      }),
    ).toThrow(/createShutdownCoordinator: signals\[1\] must be the name of a signal Node can catch/);
  });

  it('the usual names are taken', () => {
    expect(() =>
      createShutdownCoordinator({
        process: new FakeProcess(),
        clock: createTestClock(),
        signals: ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR2', 'SIGBREAK'],
      }),
    ).not.toThrow();
  });
});
