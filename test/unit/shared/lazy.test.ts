import { describe, expect, it } from 'vitest';
import { lazy } from '../../../src/shared/lazy.js';

describe('lazy', () => {
  it('builds nothing until the first call, then builds once and returns the same value', () => {
    let builds = 0;
    const value = lazy(() => {
      builds += 1;
      return { built: builds };
    });
    expect(builds).toBe(0);
    const first = value();
    expect(value()).toBe(first);
    expect(builds).toBe(1);
  });

  it('keeps a falsy value instead of building it again', () => {
    let builds = 0;
    const value = lazy(() => {
      builds += 1;
      return undefined;
    });
    value();
    value();
    expect(builds).toBe(1);
  });

  it('builds again on the next call when the build threw (nothing half-built is kept)', () => {
    let builds = 0;
    const value = lazy(() => {
      builds += 1;
      if (builds === 1) throw new Error('first build fails');
      return 'second';
    });
    expect(() => value()).toThrow('first build fails');
    expect(value()).toBe('second');
  });
});
