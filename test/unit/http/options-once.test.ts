import { describe, expect, it } from 'vitest';
import {
  createResilientFetch,
  HttpHostRegistry,
  type ResilientFetchOptions,
  resilientFetch,
} from '../../../src/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { rejection } from '../../helpers/polyfill-signal.js';

function base() {
  const clock = createTestClock();
  return {
    clock,
    hosts: new HttpHostRegistry({ clock, breaker: false }),
    fetch: async () => new Response('ok'),
  };
}

/** Options whose `maxAttempts` getter counts its reads: valid on the first, a string afterwards. */
function counting(): { options: ResilientFetchOptions; reads: () => number } {
  let reads = 0;
  const options = {
    ...base(),
    get maxAttempts(): number {
      reads++;
      return (reads === 1 ? 2 : 'many') as number;
    },
  };
  return { options, reads: () => reads };
}

describe('resilientFetch reads its options once, into what it checked', () => {
  it('a getter is read once per call: one that answers the check and then something else cannot reach the call', async () => {
    const { options, reads } = counting();
    const response = await resilientFetch('https://a.example/', undefined, options);
    expect(response.status).toBe(200);
    expect(reads()).toBe(1);
  });

  it('createResilientFetch reads its defaults once, not again on each call that adds options', async () => {
    const { options, reads } = counting();
    const call = createResilientFetch(options);
    expect(reads()).toBe(1);
    expect((await call('https://a.example/', undefined, { name: 'one' })).status).toBe(200);
    expect((await call('https://a.example/', undefined, { name: 'two' })).status).toBe(200);
    expect(reads()).toBe(1);
  });

  it("a call's own '__proto__' key (options from JSON.parse) is refused as unknown, not read as a prototype", async () => {
    const call = createResilientFetch(base());
    const given = JSON.parse('{"__proto__": {"maxAttempts": 1}}') as ResilientFetchOptions;
    const e = await rejection(call('https://a.example/', undefined, given));
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toMatch(/unknown option '__proto__'/);
  });
});
