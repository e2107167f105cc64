import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/executor.js';

// A row getter, an insertId function, a label or a parameter getter that throws is the caller's code,
// and its message may hold what it was reading (a vault's token). That message went into the TypeError
// as it was, and the thrown error was attached whole as `cause`.
const SECRETS =
  'vault read failed: access_token=SEKRET123 Authorization: Bearer SEKRET456 password=SEKRET789';

function fakeClient() {
  const client = {
    dataset: () => ({ table: () => ({ insert: async () => [{}] }) }),
  };
  return client;
}

const executor = () =>
  new BigQueryExecutor({ client: fakeClient() as never, retry: { baseDelayMs: 0, jitter: 'none' } });

const leakingRow = () => ({
  get a(): number {
    throw new Error(SECRETS);
  },
});

async function thrown(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

function expectNoSecret(error: Error): void {
  expect(error).toBeInstanceOf(TypeError);
  expect(inspect(error, { depth: 10 })).not.toContain('SEKRET');
  expect(error.message).toContain('[REDACTED]');
}

describe("an error the caller's code throws shows no credential", () => {
  it('insertRows: a row getter', async () => {
    expectNoSecret(await thrown(() => executor().insertRows('ds.t', [leakingRow()])));
  });

  it('insertRows: the insertId function', async () => {
    const error = await thrown(() =>
      executor().insertRows('ds.t', [{ a: 1 }], {
        insertId: () => {
          throw new Error(SECRETS);
        },
      }),
    );
    expectNoSecret(error);
    expect(error.message).toContain('insertId function threw for row 0');
  });

  it('loadRows: a row getter', async () => {
    expectNoSecret(await thrown(() => executor().loadRows('ds.t', [leakingRow()])));
  });

  it('query: a parameter getter', async () => {
    expectNoSecret(await thrown(() => executor().query('SELECT @a', { params: leakingRow() })));
  });

  it('query: labels that cannot be read', async () => {
    const labels = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error(SECRETS);
        },
      },
    );
    expectNoSecret(await thrown(() => executor().query('SELECT 1', { labels })));
  });
});
