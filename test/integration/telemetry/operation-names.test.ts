import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../src/testing/bigquery/index.js';
import { createTestClock } from '../../../src/testing/clock.js';
import { type OtelHarness, registerOtel } from '../../helpers/otel.js';

/** jobs.insert: a DML statement runs as a job of our id. */
const INSERT_JOB = /\/projects\/[^/]+\/jobs$/;

describe('retry operation names of the executor (real clients against the stand-in)', () => {
  let s: BigQueryStandIn;
  let otel: OtelHarness;
  const executor = () =>
    new BigQueryExecutor({
      client: s.client(),
      writeClient: s.writeClient(),
      projectId: 'test-project',
      retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2, clock: createTestClock() },
    });

  beforeAll(async () => {
    s = await startBigQueryStandIn();
    await s.run('CREATE SCHEMA ds');
    otel = registerOtel();
  });
  afterAll(async () => {
    await otel.stop();
    await s.close();
  });

  it('one fixed name per executor method, `bigquery.<method>`: date-sharded tables add no operation name', async () => {
    const shards = ['ds.events_20260101', 'ds.events_20260102', 'ds.events_20260103'];
    for (const table of shards) {
      await s.run(`CREATE TABLE ${table} (id INT64)`);
      s.storageWrite.faults.add({ method: 'AppendRows', times: 1, code: 'UNAVAILABLE' });
      expect((await executor().writeRows(table, [{ id: 1 }, { id: 2 }])).written).toBe(2);
    }
    s.faults.add({
      method: 'POST',
      path: INSERT_JOB,
      error: { status: 503, reason: 'backendError' },
      times: 1,
    });
    expect(await executor().update(`DELETE FROM ${shards[0]} WHERE id = 1`)).toBe(1);

    const attempts = await otel.points('resilience.retry.attempts');
    const retried = attempts.filter((p) => p.attributes['resilience.outcome'] === 'retry');
    const names = new Map<unknown, number>();
    for (const p of retried) {
      const name = p.attributes['resilience.operation.name'];
      names.set(name, (names.get(name) ?? 0) + (p.value as number));
    }
    expect(Object.fromEntries(names)).toEqual({ 'bigquery.writeRows': 3, 'bigquery.update': 1 });
  });
});
