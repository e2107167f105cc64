import { describe, expect, it } from 'vitest';
import { HttpHostRegistry, type ResilientFetchOptions, resilientFetch } from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { scriptedFetch } from './fake-fetch.js';

const START = Date.parse('2026-03-01T12:00:00Z');

describe('resilientFetch: the host key of URLs with extra slashes after the scheme', () => {
  it('http:///a.example and http:///b.example are two hosts, not the first one twice', async () => {
    const clock = createTestClock({ startMs: START });
    const hosts = new HttpHostRegistry({ clock });
    const fetch = scriptedFetch([{ status: 200, body: 'ok' }]);
    const options: ResilientFetchOptions = { clock, hosts, fetch, random: () => 0.5 };
    await resilientFetch('http:///a.example/x', undefined, options);
    await resilientFetch('http:///b.example/y', undefined, options);
    await resilientFetch('http://\\c.example/z', undefined, options);
    await resilientFetch('http://\t/d.example/', undefined, options);
    await resilientFetch('http://\t/e.example/', undefined, options);
    expect(Object.keys(hosts.states()).sort()).toEqual([
      'a.example',
      'b.example',
      'c.example',
      'd.example',
      'e.example',
    ]);
  });
});

describe('HttpHostRegistry.states(): keys are own entries', () => {
  it('a call keyed __proto__ is listed, not turned into the prototype', async () => {
    const clock = createTestClock({ startMs: START });
    const hosts = new HttpHostRegistry({ clock });
    const fetch = scriptedFetch([{ status: 200, body: 'ok' }]);
    await resilientFetch('http://a.example/x', undefined, { clock, hosts, fetch, key: '__proto__' });
    const states = hosts.states();
    expect(Object.keys(states)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(states)).toBe(Object.prototype);
  });
});
