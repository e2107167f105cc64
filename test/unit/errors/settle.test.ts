import { describe, expect, it } from 'vitest';
import { NetworkError, NotFoundError, PipelineError, settle } from '../../../src/errors/index.js';

describe('settle', () => {
  it('resolves ok with the value of a promise', async () => {
    expect(await settle(Promise.resolve(42))).toEqual({ ok: true, value: 42 });
  });

  it('resolves ok with the value of a sync or async function', async () => {
    expect(await settle(() => 'sync')).toEqual({ ok: true, value: 'sync' });
    expect(await settle(async () => ['a'])).toEqual({ ok: true, value: ['a'] });
  });

  it('keeps undefined values as a success', async () => {
    expect(await settle(async () => undefined)).toEqual({ ok: true, value: undefined });
  });

  it('turns a rejection into a typed error', async () => {
    const result = await settle(
      Promise.reject(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })),
    );
    expect(result.ok).toBe(false);
    if (result.ok) throw new Error('unreachable');
    expect(result.error).toBeInstanceOf(NetworkError);
    expect(result.error.transient).toBe(true);
  });

  it('catches a synchronous throw from the function', async () => {
    const result = await settle(() => {
      throw 'boom';
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN', message: 'Unknown error (a string was thrown): boom' },
    });
  });

  it('passes typed errors through unchanged', async () => {
    const typed = new NotFoundError('gone');
    const result = await settle(async () => {
      throw typed;
    });
    expect(result).toEqual({ ok: false, error: typed });
    if (!result.ok) expect(result.error).toBeInstanceOf(PipelineError);
  });

  it('accepts a thenable', async () => {
    // biome-ignore lint/suspicious/noThenProperty: a thenable is exactly what this test needs
    const thenable = { then: (resolve: (v: number) => void) => resolve(7) } as PromiseLike<number>;
    expect(await settle(thenable)).toEqual({ ok: true, value: 7 });
  });
});
