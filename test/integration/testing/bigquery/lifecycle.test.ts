import { describe, expect, it } from 'vitest';
import { startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';

/**
 * Listening TCP servers of this process (each stand-in holds its REST and its Storage Write one), once
 * the handles closed in this turn are gone.
 */
async function listening(): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
}

describe('BigQuery stand-in: starting and stopping', () => {
  it('a start that fails (its port is taken) leaves nothing running behind it', async () => {
    const first = await startBigQueryStandIn({ projectId: 'p' });
    try {
      const port = Number(new URL(first.endpoint).port);
      const before = await listening();
      await expect(startBigQueryStandIn({ projectId: 'p', port })).rejects.toThrow(/EADDRINUSE/);
      // Before, the second stand-in's Storage Write server stayed up and kept the process alive.
      expect(await listening()).toBe(before);
      const [rows] = await first.client({ autoRetry: false }).query('SELECT 1 AS one');
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await first.close();
    }
  });
});
