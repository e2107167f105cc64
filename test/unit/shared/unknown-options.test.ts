import { describe, expect, it } from 'vitest';
import { type BigQueryClient, BigQueryExecutor } from '../../../src/bigquery/index.js';
import { resilientFetch } from '../../../src/http/index.js';
import { PlayerRegistryReader, UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import {
  CircuitBreaker,
  CircuitBreakerRegistry,
  RetryBudget,
  retry,
  retryWithJitter,
  withRetry,
} from '../../../src/retry/index.js';
import { createMessageHandler, Phase2CompletionMessage } from '../../../src/validation/index.js';

/** Any options object, as a JavaScript caller (or a cast) would pass it. */
type Loose = Record<string, unknown>;
const loose = (o: Loose) => o as never;

/**
 * A client with nothing on it: a call that got past the option check would fail with a
 * `... is not a function` TypeError, which the message checks below would not accept.
 */
const untouchableClient = {} as BigQueryClient;

function thrown(fn: () => unknown): TypeError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return error as TypeError;
  }
  throw new Error('expected a TypeError');
}

async function rejected(promise: Promise<unknown>): Promise<TypeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TypeError);
  return error as TypeError;
}

describe('unknown option keys are refused with a hint', () => {
  it("retry(fn, { retries: 3 }) rejects, naming the key and suggesting 'maxAttempts'", async () => {
    let calls = 0;
    const error = await rejected(retry(() => ++calls, loose({ retries: 3 })));
    expect(error.message).toMatch(/'retries'/);
    expect(error.message).toMatch(/Did you mean 'maxAttempts'\?/);
    expect(calls).toBe(0);
  });

  it('retry(fn, { retries: undefined }) rejects too: the key is unknown whatever its value', async () => {
    let calls = 0;
    const error = await rejected(retry(() => ++calls, loose({ retries: undefined })));
    expect(error.message).toMatch(/Did you mean 'maxAttempts'\?/);
    expect(calls).toBe(0);
  });

  it.each([
    [{ minTimeout: 100 }, 'minTimeout', 'baseDelayMs'],
    [{ maxTimeout: 100 }, 'maxTimeout', 'maxDelayMs'],
    [{ onFailedAttempt: () => undefined }, 'onFailedAttempt', 'onRetry'],
    [{ maxAtempts: 2 }, 'maxAtempts', 'maxAttempts'],
    [{ deadline: 1000 }, 'deadline', 'deadlineMs'],
    [{ abortSignal: new AbortController().signal }, 'abortSignal', 'signal'],
  ])('retry: %o suggests the right name', async (options, key, suggestion) => {
    const error = await rejected(retry(() => 1, loose(options)));
    expect(error.message).toContain(`'${key}'`);
    expect(error.message).toContain(`Did you mean '${suggestion}'?`);
  });

  it('a key with no likely meaning lists the known ones', async () => {
    const error = await rejected(retry(() => 1, loose({ flavour: 'vanilla' })));
    expect(error.message).toContain("'flavour'");
    expect(error.message).toContain('Known options:');
    expect(error.message).toContain('maxAttempts');
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])(
    'a key named like an Object.prototype member (%s) is named as unknown',
    async (key) => {
      const options = JSON.parse(`{${JSON.stringify(key)}: 1}`) as Loose;
      const error = await rejected(retry(() => 1, loose(options)));
      expect(error.message).toContain(`retry: unknown option '${key}'`);
    },
  );

  it('withRetry and the decorator refuse at definition time', () => {
    expect(thrown(() => withRetry(async () => 1, loose({ retries: 3 }))).message).toContain(
      "Did you mean 'maxAttempts'?",
    );
    expect(thrown(() => retryWithJitter(loose({ retries: 3 }))).message).toContain(
      "Did you mean 'maxAttempts'?",
    );
  });

  it('RetryBudget, CircuitBreaker and CircuitBreakerRegistry refuse unknown keys', () => {
    expect(thrown(() => new RetryBudget(loose({ tokens: 10 }))).message).toContain(
      "Did you mean 'maxTokens'?",
    );
    expect(thrown(() => new CircuitBreaker(loose({ resetTimeout: 1000 }))).message).toContain(
      "Did you mean 'openMs'?",
    );
    expect(thrown(() => new CircuitBreaker(loose({ threshold: 3 }))).message).toContain(
      "Did you mean 'failureThreshold'?",
    );
    expect(thrown(() => new CircuitBreakerRegistry(loose({ halfOpenAfter: 1 }))).message).toContain(
      "Did you mean 'openMs'?",
    );
  });

  it('the executor refuses unknown keys in its own options and in every call', async () => {
    expect(thrown(() => new BigQueryExecutor(loose({ project: 'p' }))).message).toContain(
      "Did you mean 'projectId'?",
    );
    expect(
      thrown(() => new BigQueryExecutor(loose({ client: untouchableClient, retry: { retries: 2 } }))).message,
    ).toContain("Did you mean 'maxAttempts'?");
    const bq = new BigQueryExecutor({ client: untouchableClient });
    expect((await rejected(bq.query('SELECT 1', loose({ parameters: { a: 1 } })))).message).toContain(
      "Did you mean 'params'?",
    );
    expect(
      (await rejected(bq.update('DELETE FROM t WHERE 1=1', loose({ useQueryCache: false })))).message,
    ).toContain("Did you mean 'useCache'?");
    expect((await rejected(bq.insertRows('ds.t', [{ a: 1 }], loose({ batchSize: 10 })))).message).toContain(
      "Did you mean 'batchRows'?",
    );
    expect(
      (await rejected(bq.loadRows('ds.t', [{ a: 1 }], loose({ ignoreUnknown: true })))).message,
    ).toContain("Did you mean 'ignoreUnknownValues'?");
    // Keys BigQuery itself takes are not waved through: the executor lists what it hands on.
    expect(
      (await rejected(bq.query('SELECT 1', loose({ defaultDataset: { datasetId: 'x' } })))).message,
    ).toContain("'defaultDataset'");
    expect((await rejected(bq.query('SELECT 1', loose({ retry: { retries: 2 } })))).message).toContain(
      "Did you mean 'maxAttempts'?",
    );
  });

  it('resilientFetch refuses unknown keys (retry options and its own), before any request', async () => {
    let calls = 0;
    const fetch = async () => {
      calls++;
      return new Response('ok');
    };
    const retries = await resilientFetch(
      'https://api.example.test/x',
      undefined,
      loose({ fetch, retries: 3 }),
    ).catch((e: unknown) => e);
    expect(retries).toBeInstanceOf(TypeError);
    expect((retries as Error).message).toContain(
      "resilientFetch: unknown option 'retries'. Did you mean 'maxAttempts'?",
    );
    const typo = await resilientFetch(
      'https://api.example.test/x',
      undefined,
      loose({ fetch, bufferBdy: false }),
    ).catch((e: unknown) => e);
    expect((typo as Error).message).toContain("Did you mean 'bufferBody'?");
    expect(calls).toBe(0);
  });

  it('the message handler refuses unknown keys', () => {
    expect(
      thrown(() => createMessageHandler(Phase2CompletionMessage, () => undefined, loose({ deadLetter: {} })))
        .message,
    ).toContain("Did you mean 'deadLetterTopic'?");
    expect(
      thrown(() =>
        createMessageHandler(
          Phase2CompletionMessage,
          () => undefined,
          loose({ maxAttempts: 5, onInvalid: 'nack' }),
        ),
      ).message,
    ).toContain("Did you mean 'maxDeliveryAttempts'?");
  });

  it('the registry reader and tracker refuse unknown keys', () => {
    const executor = new BigQueryExecutor({ client: untouchableClient });
    expect(
      thrown(() => new UnresolvedPlayerTracker(loose({ executor, sport: 'mlb', source: 's', maxEntry: 10 })))
        .message,
    ).toContain("Did you mean 'maxEntries'?");
    expect(
      thrown(() => new PlayerRegistryReader(loose({ executor, sport: 'mlb', source: 's', cacheTtl: 10 })))
        .message,
    ).toContain("Did you mean 'cacheTtlMs'?");
  });
});

describe('an option of the wrong kind says what it got', () => {
  it('{ maxAttempts: "3" } says it got a string', async () => {
    const error = await rejected(retry(() => 1, loose({ maxAttempts: '3' })));
    expect(error.message).toContain('maxAttempts');
    expect(error.message).toContain('must be a number');
    expect(error.message).toContain('got a string ("3")');
  });

  it.each([
    ['retry', () => retry(() => 1, loose({ onRetry: 'log' }))],
    ['retry', () => retry(() => 1, loose({ signal: { aborted: false } }))],
  ])('%s: a wrong kind is a TypeError', async (_where, call) => {
    await rejected(call());
  });

  it('the executor, the budget, the breaker and the handler check kinds too', async () => {
    expect(thrown(() => new RetryBudget(loose({ maxTokens: '50' }))).message).toContain(
      'got a string ("50")',
    );
    expect(thrown(() => new CircuitBreaker(loose({ openMs: '300s' }))).message).toContain(
      'got a string ("300s")',
    );
    expect(
      thrown(() => new BigQueryExecutor(loose({ retry: { attemptTimeoutMs: '60s' } }))).message,
    ).toContain('got a string ("60s")');
    // A retry option beside `retry` is refused with where it lives.
    expect(thrown(() => new BigQueryExecutor(loose({ attemptTimeoutMs: 60_000 }))).message).toContain(
      'pass it as { retry: { attemptTimeoutMs } }',
    );
    const bq = new BigQueryExecutor({ client: untouchableClient });
    expect(
      (await rejected(bq.insertRows('ds.t', [{ a: 1 }], loose({ batchRows: '500' })))).message,
    ).toContain('got a string ("500")');
    expect(
      thrown(() =>
        createMessageHandler(
          Phase2CompletionMessage,
          () => undefined,
          loose({ maxDeliveryAttempts: '5', onInvalid: 'nack' }),
        ),
      ).message,
    ).toContain('got a string ("5")');
  });
});
