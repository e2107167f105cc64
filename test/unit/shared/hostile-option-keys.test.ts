import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { withRetry } from '../../../src/retry/index.js';
import { optionsProblem, readOptions } from '../../../src/shared/check-options.js';

const spec = { maxAttempts: 'number', baseDelayMs: 'number' } as const;

describe('option keys of objects that are not plain objects of this realm', () => {
  it('a plain object from another realm (node:vm) is accepted, its Object.prototype getter (__proto__) is no option', async () => {
    const options = vm.runInNewContext('({ maxAttempts: 2, baseDelayMs: 0 })') as { maxAttempts: number };
    expect(optionsProblem('x', options, spec, [])).toBeUndefined();
    expect(Object.keys(readOptions('x', options))).toEqual(['maxAttempts', 'baseDelayMs']);
    let calls = 0;
    const fail = async () => {
      calls += 1;
      throw Object.assign(new Error('unavailable'), { code: 14 });
    };
    await expect(withRetry(fail, options)()).rejects.toThrow('unavailable');
    expect(calls).toBe(2);
  });

  it('an own __proto__ key (JSON.parse) is still refused as unknown', () => {
    expect(optionsProblem('x', JSON.parse('{"__proto__": {"maxAttempts": 1}}'), spec, [])?.message).toMatch(
      /unknown option '__proto__'/,
    );
  });

  it('a Proxy whose getPrototypeOf throws is a TypeError returned by optionsProblem, its token redacted', () => {
    const options = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('trap token=abcdef0123456789');
        },
      },
    );
    let problem: unknown;
    expect(() => {
      problem = optionsProblem('x', options, spec, []);
    }).not.toThrow();
    expect(problem).toBeInstanceOf(TypeError);
    expect((problem as Error).message).toMatch(/^x: the options could not be read/);
    expect((problem as Error).message).not.toContain('abcdef0123456789');
  });

  it('a Proxy with an endless prototype chain is refused, not walked forever', () => {
    let steps = 0;
    const endless: object = new Proxy(
      {},
      {
        getPrototypeOf() {
          // Bounded here so that a failing run ends; the library must stop long before this.
          if (++steps > 100_000) throw new Error('walked 100000 prototypes');
          return endless;
        },
      },
    );
    const problem = optionsProblem('x', Object.create(endless), spec, []);
    expect(problem).toBeInstanceOf(TypeError);
    expect(problem?.message).toMatch(/prototype chain/);
    expect(steps).toBeLessThan(1_000);
    steps = 0;
    expect(() => readOptions('x', Object.create(endless))).toThrow(/prototype chain/);
    expect(steps).toBeLessThan(1_000);
  });
});
