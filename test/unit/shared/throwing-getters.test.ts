import { describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { PlayerRegistryReader, UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import { retry } from '../../../src/retry/index.js';
import { MemoryExecutor } from '../registry/memory-executor.js';

/** An options object whose `key` getter throws `Error('getter exploded')`. */
function exploding<T extends object>(base: T, key: string): T {
  return Object.defineProperty({ ...base }, key, {
    enumerable: true,
    get() {
      throw new Error('getter exploded');
    },
  });
}

/** What `run` threw or rejected with. */
async function failure(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

function expectUnreadable(error: unknown, where: RegExp, key: string): void {
  expect(error).toBeInstanceOf(TypeError);
  expect((error as Error).message).toMatch(where);
  expect((error as Error).message).toContain(`option ${key} could not be read`);
  expect((error as Error).message).toContain('getter exploded');
  expect(((error as Error).cause as Error).message).toBe('getter exploded');
}

describe('an options object with a throwing getter is a clear TypeError naming the option', () => {
  const stable = { client: {} as never };

  it('new BigQueryExecutor: a top-level option and a retry option', async () => {
    expectUnreadable(
      await failure(() => new BigQueryExecutor(exploding({}, 'location'))),
      /^new BigQueryExecutor: /,
      'location',
    );
    expectUnreadable(
      await failure(() => new BigQueryExecutor({ retry: exploding({ baseDelayMs: 1 }, 'maxAttempts') })),
      /^new BigQueryExecutor: option retry: /,
      'maxAttempts',
    );
  });

  it('executor calls reject (never throw synchronously, never an unhandled crash)', async () => {
    const bq = new BigQueryExecutor(stable);
    expectUnreadable(
      await failure(() => bq.query('SELECT 1', exploding({}, 'params'))),
      /BigQueryExecutor\.query/,
      'params',
    );
    expectUnreadable(
      await failure(() => bq.query('SELECT 1', { retry: exploding({}, 'signal') })),
      /BigQueryExecutor\.query/,
      'signal',
    );
    expectUnreadable(
      await failure(() => bq.insertRows('ds.t', [{ a: 1 }], exploding({}, 'batchRows'))),
      /BigQueryExecutor\.insertRows/,
      'batchRows',
    );
  });

  it('retry itself', async () => {
    expectUnreadable(
      await failure(() => retry(async () => 1, exploding({}, 'maxAttempts'))),
      /^retry/,
      'maxAttempts',
    );
  });

  it('the registry reader, its lookups and the tracker', async () => {
    const base = { executor: new MemoryExecutor(), sport: 'mlb', source: 's', env: {} };
    expectUnreadable(
      await failure(() => new PlayerRegistryReader(exploding(base, 'cacheTtlMs'))),
      /^new PlayerRegistryReader: /,
      'cacheTtlMs',
    );
    expectUnreadable(
      await failure(() => new UnresolvedPlayerTracker(exploding(base, 'source'))),
      /^new UnresolvedPlayerTracker: /,
      'source',
    );
    const reader = new PlayerRegistryReader(base);
    expectUnreadable(
      await failure(() => reader.getUniversalId('x', exploding({}, 'required'))),
      /^getUniversalId: /,
      'required',
    );
  });

  it('a getter read once: a value that changes after the check cannot half-configure the executor', async () => {
    let reads = 0;
    const options = Object.defineProperty({ client: {} as never }, 'location', {
      enumerable: true,
      get() {
        reads += 1;
        if (reads > 1) throw new Error('second read');
        return 'EU';
      },
    });
    const bq = new BigQueryExecutor(options);
    expect(reads).toBe(1);
    expect(bq).toBeInstanceOf(BigQueryExecutor);
  });
});
