import { describe, expect, it } from 'vitest';
import { runScrapers } from '../../../examples/scrapers.js';

describe('examples/scrapers.ts on the stand-ins', () => {
  it('rides out every fault of the flaky API and loads every date exactly once', async () => {
    const summary = await runScrapers({ seed: 1 });
    expect(summary.failedDates).toEqual({});
    expect(summary.ok).toBe(true);
    expect(summary).toMatchObject({
      rowsServed: 40,
      rowsInTable: 40,
      distinctRows: 40,
      messagesPublished: 4,
    });
    // Each kind of fault was met and retried: 429 with Retry-After, 503, resets, a cut-off body, a slow body.
    expect(new Set(summary.retries)).toEqual(
      new Set([
        'HttpTooManyRequestsError',
        'HttpServiceUnavailableError',
        'NetworkError',
        'OperationTimeoutError',
      ]),
    );
    // Every injected fault cost exactly one retry, and nothing else did.
    expect(summary.retries).toHaveLength(summary.faultsInjected);
    expect(summary.requests).toBe(4 + summary.faultsInjected);
  }, 60_000);
});
