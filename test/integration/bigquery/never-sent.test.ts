import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { NetworkError } from '../../../src/errors/index.js';
import { caught, fastRetry, type Harness, startHarness } from './helpers.js';

/** A loopback port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A write whose request never reached BigQuery (the connection was refused, or DNS had no address)
 * cannot have created its job: the call rejects with that error, not
 * with JOB_OUTCOME_UNKNOWN ("its rows may or may not be written"), which sends the user looking for
 * a job that does not exist.
 */
describe('a write whose request was never sent is not an unknown outcome', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('connection refused: update and loadRows reject with the NetworkError', async () => {
    const port = await closedPort();
    const bq = new BigQueryExecutor({
      client: h.standIn.client({ apiEndpoint: `http://127.0.0.1:${port}` }),
      retry: fastRetry,
    });
    for (const call of [
      () => bq.update('UPDATE ds.t SET n = 1 WHERE true'),
      () => bq.loadRows('ds.t', [{ n: 1 }]),
    ]) {
      const error = await caught(call());
      expect(error).toBeInstanceOf(NetworkError);
      expect(error).toMatchObject({ systemCode: 'ECONNREFUSED' });
    }
  });
});
