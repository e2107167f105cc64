import { describe, expect, it } from 'vitest';
import type { RowFailure } from '../../../src/errors/index.js';
import {
  PlayerRegistryReader,
  type RegistryExecutor,
  type RegistryQueryOptions,
} from '../../../src/registry/index.js';

/**
 * A registry executor whose queries wait until released or until the signal the reader passes aborts:
 * an implementation of the registry's own interface (not a mock of a Google client).
 */
class HeldExecutor implements RegistryExecutor {
  readonly calls: Array<{
    params: Record<string, unknown>;
    signal: AbortSignal | undefined;
    settled: boolean;
  }> = [];
  readonly #release: Array<() => void> = [];

  query<T>(_sql: string, options?: RegistryQueryOptions): Promise<T[]> {
    const call = { params: options?.params ?? {}, signal: options?.retry?.signal, settled: false };
    this.calls.push(call);
    return new Promise<T[]>((resolve, reject) => {
      const done = (): void => {
        call.settled = true;
      };
      this.#release.push(() => {
        done();
        const lookup = call.params.player_lookup;
        resolve((lookup === undefined ? [] : [{ universal_player_id: `id_${String(lookup)}` }]) as T[]);
      });
      call.signal?.addEventListener(
        'abort',
        () => {
          done();
          reject(call.signal?.reason);
        },
        { once: true },
      );
    });
  }

  releaseAll(): void {
    for (const release of this.#release.splice(0)) release();
  }

  async insertRows(): Promise<{ inserted: number; failed: RowFailure[] }> {
    return { inserted: 0, failed: [] };
  }
}

function reader(executor: RegistryExecutor): PlayerRegistryReader {
  return new PlayerRegistryReader({ executor, sport: 'mlb', source: 'test', env: {} });
}

/** Lets pending microtasks and one macrotask run. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PlayerRegistryReader: a lookup honours the caller AbortSignal end to end', () => {
  it('a single lookup aborted mid-flight rejects with the reason at once and aborts its query', async () => {
    const executor = new HeldExecutor();
    const r = reader(executor);
    const controller = new AbortController();
    const lookup = r.getUniversalId('loganwebb', { signal: controller.signal });
    const outcome = lookup.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await tick();
    expect(executor.calls).toHaveLength(1);
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await tick();
    expect(await outcome).toBe(reason);
    // Nothing pending: the query was told to stop and ended; nothing was cached or tracked.
    expect(executor.calls[0]?.signal?.aborted).toBe(true);
    expect(executor.calls[0]?.settled).toBe(true);
    expect(r.tracker.size).toBe(0);
    // The next lookup asks again (the aborted query is not shared or cached).
    const again = r.getUniversalId('loganwebb');
    await tick();
    expect(executor.calls).toHaveLength(2);
    executor.releaseAll();
    await expect(again).resolves.toBe('id_loganwebb');
  });

  it('an already aborted signal rejects before any query', async () => {
    const executor = new HeldExecutor();
    const r = reader(executor);
    const reason = new Error('too late');
    await expect(r.getUniversalId('loganwebb', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(r.getUniversalIdsBatch(['loganwebb'], { signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    expect(executor.calls).toHaveLength(0);
  });

  it('one caller abandoning a shared lookup does not cancel it for another; the query stops when the last one leaves', async () => {
    const executor = new HeldExecutor();
    const r = reader(executor);
    const first = new AbortController();
    const second = new AbortController();
    const a = r.getUniversalId('gerritcole', { signal: first.signal });
    const b = r.getUniversalId('gerritcole', { signal: second.signal });
    const aOutcome = a.catch((error: unknown) => error);
    await tick();
    expect(executor.calls).toHaveLength(1);
    first.abort(new Error('a left'));
    await tick();
    expect((await aOutcome) as Error).toMatchObject({ message: 'a left' });
    expect(executor.calls[0]?.signal?.aborted).toBe(false);
    executor.releaseAll();
    await expect(b).resolves.toBe('id_gerritcole');

    const c = new AbortController();
    const d = new AbortController();
    const cOutcome = r.getUniversalId('aaronjudge', { signal: c.signal }).catch((error: unknown) => error);
    const dOutcome = r.getUniversalId('aaronjudge', { signal: d.signal }).catch((error: unknown) => error);
    await tick();
    expect(executor.calls).toHaveLength(2);
    c.abort(new Error('c left'));
    d.abort(new Error('d left'));
    await tick();
    expect(await cOutcome).toMatchObject({ message: 'c left' });
    expect(await dOutcome).toMatchObject({ message: 'd left' });
    expect(executor.calls[1]?.signal?.aborted).toBe(true);
    expect(executor.calls[1]?.settled).toBe(true);
  });

  it('a lookup without a signal waiting on a shared query keeps it alive when a signalled one leaves', async () => {
    const executor = new HeldExecutor();
    const r = reader(executor);
    const controller = new AbortController();
    const plain = r.getUniversalId('loganwebb');
    const signalled = r.getUniversalId('loganwebb', { signal: controller.signal }).catch((e: unknown) => e);
    await tick();
    controller.abort(new Error('left'));
    await tick();
    expect(await signalled).toMatchObject({ message: 'left' });
    expect(executor.calls[0]?.signal?.aborted).toBe(false);
    executor.releaseAll();
    await expect(plain).resolves.toBe('id_loganwebb');
  });

  it('a batch lookup aborted mid-flight rejects with the reason and aborts its query; nothing is cached or tracked', async () => {
    const executor = new HeldExecutor();
    const r = reader(executor);
    const controller = new AbortController();
    const outcome = r
      .getUniversalIdsBatch(['loganwebb', 'gerritcole'], { signal: controller.signal })
      .catch((error: unknown) => error);
    await tick();
    expect(executor.calls).toHaveLength(1);
    const reason = new Error('batch abandoned');
    controller.abort(reason);
    await tick();
    expect(await outcome).toBe(reason);
    expect(executor.calls[0]?.signal?.aborted).toBe(true);
    expect(executor.calls[0]?.settled).toBe(true);
    expect(r.tracker.size).toBe(0);
    expect(r.stats.cacheHits).toBe(0);
  });

  it('a signal that is not an AbortSignal is a TypeError naming the option', async () => {
    const r = reader(new HeldExecutor());
    await expect(r.getUniversalId('x', { signal: 'soon' as never })).rejects.toThrow(/signal/);
  });
});
