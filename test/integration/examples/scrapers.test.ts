import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
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

describe('npm run example:scrapers -- --seed N', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  it.each([
    ['', /--seed needs a whole number .*, got ""/],
    ['0x10', /--seed needs a whole number .*, got "0x10"/],
  ])(
    'refuses --seed %j with exit 2 before running, rather than running another seed',
    async (raw, message) => {
      const failure = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'examples/scrapers.ts', '--seed', raw],
        { cwd: root },
      ).then(
        () => undefined,
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(failure?.code).toBe(2);
      expect(failure?.stderr).toMatch(message);
      expect(failure?.stdout).toBe('');
    },
    60_000,
  );
});
