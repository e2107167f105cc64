import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../src/testing/bigquery/index.js';

describe('writeRows with a retry clock whose schedule returns a timer handle (real clients, stand-in)', () => {
  let s: BigQueryStandIn;

  beforeAll(async () => {
    s = await startBigQueryStandIn();
    await s.run('CREATE SCHEMA ds');
    await s.run('CREATE TABLE ds.t (id INT64 NOT NULL)');
  });
  afterAll(async () => {
    await s.close();
  });

  it('writes the rows and reports them written: the append timer it cannot cancel does not fail the call', async () => {
    // `(ms, cb) => setTimeout(cb, ms)` returns a Timeout, not the cancel function the Clock contract
    // asks for; a written append must not become an error when its timer is "cancelled".
    const handles: NodeJS.Timeout[] = [];
    const clock = {
      now: () => Date.now(),
      sleep: async () => undefined,
      schedule: (ms: number, callback: () => void) => {
        const handle = setTimeout(callback, ms);
        handles.push(handle);
        return handle as unknown as () => void;
      },
    };
    const executor = new BigQueryExecutor({
      client: s.client(),
      writeClient: s.writeClient(),
      projectId: 'test-project',
      retry: { maxAttempts: 2, baseDelayMs: 1, clock },
    });
    try {
      const result = await executor.writeRows('ds.t', [{ id: 1 }, { id: 2 }, { id: 3 }]);
      expect(result.written).toBe(3);
      expect((await s.run('SELECT id FROM ds.t ORDER BY id')).map((r) => Number(r.id))).toEqual([1, 2, 3]);
    } finally {
      for (const handle of handles) clearTimeout(handle);
    }
  });
});
