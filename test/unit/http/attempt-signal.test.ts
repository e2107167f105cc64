import { afterEach, describe, expect, it, vi } from 'vitest';
import { AttemptSignal, abortForFetch } from '../../../src/http/attempt-signal.js';
import { HttpHostRegistry, resilientFetch } from '../../../src/index.js';

/**
 * Whether this Node's `Request` takes a signal that is not an `AbortSignal` (Node 20's undici does;
 * Node 24's refuses it with a TypeError), asked with a bare object rather than with the class under test.
 */
const platformTakesLightSignals = (() => {
  try {
    new Request('http://127.0.0.1:9/x', {
      signal: { aborted: false, addEventListener() {}, removeEventListener() {} } as unknown as AbortSignal,
    });
    return true;
  } catch {
    return false;
  }
})();

describe('AttemptSignal', () => {
  it('runs each abort listener once, with the signal as this, then onabort; removed listeners do not run', () => {
    const signal = new AttemptSignal();
    const seen: string[] = [];
    const kept = function (this: unknown) {
      seen.push(this === signal ? 'kept, this = signal' : 'kept, wrong this');
    };
    const removed = () => seen.push('removed');
    signal.addEventListener('abort', kept);
    signal.addEventListener('abort', kept);
    signal.addEventListener('abort', removed);
    signal.addEventListener('abort', { handleEvent: (event: Event) => seen.push(`object, ${event.type}`) });
    signal.removeEventListener('abort', removed);
    signal.onabort = () => seen.push('onabort');
    expect(signal.listeners('abort')).toHaveLength(2);
    const reason = new Error('timed out');
    signal.abort(reason);
    signal.abort(new Error('second'));
    expect(seen).toEqual(['kept, this = signal', 'object, abort', 'onabort']);
    expect(signal).toMatchObject({ aborted: true, reason });
    expect(() => signal.throwIfAborted()).toThrow(reason);
    expect(signal.listeners('abort')).toHaveLength(0);
  });

  it("a listener's exception does not stop the others or reach the aborter: it is a process warning", async () => {
    const signal = new AttemptSignal();
    let second = false;
    signal.addEventListener('abort', () => {
      throw new Error('listener failed');
    });
    signal.addEventListener('abort', () => {
      second = true;
    });
    const reported = new Promise<Error>((resolve) => process.once('warning', resolve));
    expect(() => signal.abort('x')).not.toThrow();
    expect(second).toBe(true);
    const warning = await reported;
    expect(warning.message).toContain('listener failed');
    expect(warning).toMatchObject({ code: 'GPR_ABORT_LISTENER' });
  });

  it("Node's Request either follows it (Node 20: aborting it aborts the request with the same reason) or refuses it outright (Node 24)", () => {
    const signal = new AttemptSignal();
    if (!platformTakesLightSignals) {
      expect(() => new Request('http://127.0.0.1:9/x', { signal: signal.signal })).toThrow(TypeError);
      return;
    }
    const request = new Request('http://127.0.0.1:9/x', { signal: signal.signal });
    expect(request.signal.aborted).toBe(false);
    const reason = new Error('attempt timed out');
    signal.abort(reason);
    expect(request.signal.aborted).toBe(true);
    expect(request.signal.reason).toBe(reason);
  });
});

describe('abortForFetch', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("gives Node's own fetch the light signal where its Request takes one, else a real AbortSignal, and any other fetch a real AbortSignal", () => {
    const own = abortForFetch(globalThis.fetch);
    if (platformTakesLightSignals) expect(own).toBeInstanceOf(AttemptSignal);
    else expect(own.signal).toBeInstanceOf(AbortSignal);
    const wrapper = (input: string | URL | Request, init?: RequestInit) => fetch(input, init);
    expect(abortForFetch(wrapper).signal).toBeInstanceOf(AbortSignal);
  });

  it('a fetch installed over the global one (a mocking library) receives a real AbortSignal', async () => {
    const signals: unknown[] = [];
    vi.stubGlobal('fetch', async (_input: string | URL | Request, init?: RequestInit) => {
      signals.push(init?.signal);
      return new Response('mocked');
    });
    const response = await resilientFetch('https://api.example.com/x', undefined, {
      hosts: new HttpHostRegistry(),
    });
    await expect(response.text()).resolves.toBe('mocked');
    expect(signals).toHaveLength(1);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
  });
});
