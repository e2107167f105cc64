import { describe, expect, it } from 'vitest';
import { PlayerRegistryReader } from '../../../src/registry/index.js';
import { isAbortError, polyfillSignal, rejection } from '../../helpers/polyfill-signal.js';
import { MemoryExecutor } from './memory-executor.js';

function reader(): PlayerRegistryReader {
  return new PlayerRegistryReader({ executor: new MemoryExecutor(), sport: 'mlb', source: 'test', env: {} });
}

describe('PlayerRegistryReader with a polyfilled signal that aborts without a reason', () => {
  it('getUniversalId, already aborted: an AbortError, not undefined', async () => {
    const signal = polyfillSignal();
    signal.abort();
    expect(isAbortError(await rejection(reader().getUniversalId('mike_trout', { signal })))).toBe(true);
  });

  it('getUniversalIdsBatch, already aborted: an AbortError, not undefined', async () => {
    const signal = polyfillSignal();
    signal.abort();
    expect(isAbortError(await rejection(reader().getUniversalIdsBatch(['mike_trout'], { signal })))).toBe(
      true,
    );
  });

  it('getUniversalId aborted while its query is in flight: an AbortError, and no registry failure is logged', async () => {
    const errors: string[] = [];
    const executor = new MemoryExecutor();
    // A query that never answers: only the abort ends the wait.
    executor.query = () => new Promise<never>(() => {});
    const r = new PlayerRegistryReader({
      executor,
      sport: 'mlb',
      source: 'test',
      env: {},
      logger: { debug() {}, info() {}, warn() {}, error: (message: string) => errors.push(message) },
    });
    const signal = polyfillSignal();
    const p = rejection(r.getUniversalId('mike_trout', { signal }));
    await new Promise((resolve) => setImmediate(resolve));
    signal.abort();
    expect(isAbortError(await p)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('getUniversalIdsBatch aborted while its query is in flight: an AbortError, and no registry failure is logged', async () => {
    const errors: string[] = [];
    const executor = new MemoryExecutor();
    // A query that never answers: only the abort ends the wait.
    executor.query = () => new Promise<never>(() => {});
    const r = new PlayerRegistryReader({
      executor,
      sport: 'mlb',
      source: 'test',
      env: {},
      logger: { debug() {}, info() {}, warn() {}, error: (message: string) => errors.push(message) },
    });
    const signal = polyfillSignal();
    const p = rejection(r.getUniversalIdsBatch(['mike_trout'], { signal }));
    await new Promise((resolve) => setImmediate(resolve));
    signal.abort();
    expect(isAbortError(await p)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('a real reason, and an explicit null, reach the caller unchanged', async () => {
    const reason = new Error('stop');
    const real = new AbortController();
    real.abort(reason);
    expect(await rejection(reader().getUniversalId('mike_trout', { signal: real.signal }))).toBe(reason);
    const withNull = new AbortController();
    withNull.abort(null);
    expect(await rejection(reader().getUniversalId('mike_trout', { signal: withNull.signal }))).toBeNull();
  });
});
