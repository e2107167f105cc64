import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../src/testing/bigquery/index.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

/** Lets pending rejections surface as `unhandledRejection` (Node reports them after the microtasks drain). */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('telemetry hooks under hostile listeners (real client against the stand-in)', () => {
  let s: BigQueryStandIn;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    s = await startBigQueryStandIn();
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    unhandled.length = 0;
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await s.close();
  });

  it('an async onRequest listener that rejects is logged, never an unhandled rejection (which ends a Node process)', async () => {
    const logger = recordingLogger();
    const bq = new BigQueryExecutor({
      client: s.client(),
      retry: { logger },
      onRequest: async () => {
        throw new Error('listener bug');
      },
    });
    expect(await bq.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await settle();
    expect(unhandled).toEqual([]);
    expect(logger.entries.some((e) => e.message.includes('onRequest listener'))).toBe(true);
  });
});
