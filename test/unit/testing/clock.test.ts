import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../src/testing/clock.js';

describe('createTestClock refuses times that would corrupt it', () => {
  it.each([Number.NaN, Number.POSITIVE_INFINITY])(
    'advance(%s) throws a RangeError and leaves now() as it was',
    (ms) => {
      const clock = createTestClock({ startMs: 1000 });
      expect(() => clock.advance(ms)).toThrow(/advance: ms must be a finite number, got (NaN|Infinity)/);
      expect(clock.now()).toBe(1000);
    },
  );

  it('sleep(NaN) rejects instead of making now() NaN', async () => {
    const clock = createTestClock();
    await expect(clock.sleep(Number.NaN)).rejects.toThrow(/sleep: ms must be a finite number, got NaN/);
    expect(clock.now()).toBe(0);
  });

  it('schedule(NaN) throws instead of leaving a timer that never fires', () => {
    const clock = createTestClock();
    expect(() => clock.schedule(Number.NaN, () => {})).toThrow(/schedule: ms must be a number, got NaN/);
    expect(clock.pendingTimers).toBe(0);
  });

  it('startMs must be finite', () => {
    expect(() => createTestClock({ startMs: Number.NaN })).toThrow(
      /startMs must be a finite number, got NaN/,
    );
  });

  it('still fires timers in order and lets a negative advance be a no-op', () => {
    const clock = createTestClock();
    const fired: number[] = [];
    clock.schedule(20, () => fired.push(20));
    clock.schedule(10, () => fired.push(10));
    clock.advance(-5);
    expect(clock.now()).toBe(0);
    clock.advance(25);
    expect(fired).toEqual([10, 20]);
    expect(clock.now()).toBe(25);
  });
});
