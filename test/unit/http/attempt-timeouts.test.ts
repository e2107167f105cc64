import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTimeout, stopTimeout } from '../../../src/http/attempt-timeouts.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('attempt timeouts (one timer per duration)', () => {
  it('fires each timeout once, when due, in order; a stopped one never fires', () => {
    const fired: string[] = [];
    startTimeout(100, () => fired.push('a'));
    vi.advanceTimersByTime(30);
    const b = startTimeout(100, () => fired.push('b'));
    vi.advanceTimersByTime(30);
    startTimeout(100, () => fired.push('c'));
    stopTimeout(b);
    stopTimeout(b);
    vi.advanceTimersByTime(39);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(fired).toEqual(['a']);
    vi.advanceTimersByTime(58);
    expect(fired).toEqual(['a']);
    vi.advanceTimersByTime(2);
    expect(fired).toEqual(['a', 'c']);
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual(['a', 'c']);
  });

  it('durations are independent, and one timer serves every timeout of a duration', () => {
    const fired: number[] = [];
    for (let i = 0; i < 1000; i++) startTimeout(50, () => fired.push(50));
    startTimeout(20, () => fired.push(20));
    expect(vi.getTimerCount()).toBe(2);
    vi.advanceTimersByTime(21);
    expect(fired).toEqual([20]);
    vi.advanceTimersByTime(30);
    expect(fired).toHaveLength(1001);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stopping every timeout leaves nothing pending once its timer has run; new ones still fire', () => {
    const fired: string[] = [];
    const all = Array.from({ length: 100 }, () => startTimeout(10, () => fired.push('stopped')));
    for (const pending of all) stopTimeout(pending);
    vi.advanceTimersByTime(11);
    expect(vi.getTimerCount()).toBe(0);
    startTimeout(10, () => fired.push('new'));
    vi.advanceTimersByTime(11);
    expect(fired).toEqual(['new']);
  });

  it('a callback that throws does not stop the others; its error is thrown from the timer', () => {
    const fired: string[] = [];
    startTimeout(10, () => {
      throw new Error('listener failed');
    });
    startTimeout(10, () => fired.push('second'));
    expect(() => vi.advanceTimersByTime(11)).toThrow('listener failed');
    expect(fired).toEqual(['second']);
  });
});
