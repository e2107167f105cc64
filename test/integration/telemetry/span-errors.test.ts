import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../src/testing/bigquery/index.js';
import { caught } from '../../helpers/caught.js';
import { type OtelHarness, registerOtel } from '../../helpers/otel.js';

describe('error text on spans (real client against the stand-in)', () => {
  let s: BigQueryStandIn;
  let otel: OtelHarness;

  beforeAll(async () => {
    s = await startBigQueryStandIn();
    otel = registerOtel();
  });
  afterAll(async () => {
    await otel.stop();
    await s.close();
  });

  it('a failed call records the error type and its wording, never the values BigQuery quotes in its message', async () => {
    const bq = new BigQueryExecutor({ client: s.client(), retry: { maxAttempts: 1 } });
    const error = await caught(bq.query("SELECT CAST('alice@example.com' AS INT64) AS n"));
    expect(String((error as Error).message)).toContain('alice@example.com');
    const failed = otel.spans().filter((span) => span.status.code === 2);
    expect(failed.length).toBeGreaterThan(0);
    for (const span of failed) {
      const texts = [
        span.status.message ?? '',
        ...span.events.map((e) => String(e.attributes?.['exception.message'] ?? '')),
      ];
      for (const text of texts) expect(text).not.toContain('alice@example.com');
      expect(span.status.message).toMatch(/^BadRequestError: .*HTTP 400.*Bad int64 value: \?$/);
      expect(span.attributes['error.type']).toBeTypeOf('string');
    }
  });
});
