import type { Mode, Target } from '../lib/section.js';
import { fmt, median, round, type Table } from '../lib/stats.js';

/**
 * The executor's per-call cost over a raw client call, both against the BigQuery stand-in: the same
 * `SELECT 1`, alternating call by call, median over many calls. The difference is mostly noise next
 * to an HTTP round trip and a DuckDB query, which is the point: what the executor adds must not show.
 * The executor and the stand-in are loaded lazily so that the rest of §1 runs without them.
 */
export async function executorOverhead(
  mode: Mode,
): Promise<{ table: Table; figures: unknown; targets: Target[] }> {
  const title = 'Executor per-call cost over the raw client (SELECT 1 on the BigQuery stand-in)';
  let lib: typeof import('../../src/index.js') & { BigQueryExecutor?: unknown };
  let testing: typeof import('../../src/testing/bigquery/index.js');
  try {
    lib = await import('../../src/index.js');
    testing = await import('../../src/testing/bigquery/index.js');
    if (typeof lib.BigQueryExecutor !== 'function')
      throw new Error('BigQueryExecutor is not exported from src/index.ts yet');
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    return {
      table: { title, headers: ['Status'], rows: [[`not measured: ${why}`]] },
      figures: { skipped: why },
      targets: [],
    };
  }
  const calls = mode === 'smoke' ? 20 : 600;
  const standIn = await testing.startBigQueryStandIn();
  try {
    const client = standIn.client();
    const executor = new lib.BigQueryExecutor({ client: standIn.client(), projectId: standIn.projectId });
    const sql = 'SELECT 1 AS x';
    const raw: number[] = [];
    const ours: number[] = [];
    const time = async (f: () => Promise<unknown>, into: number[]) => {
      const t0 = process.hrtime.bigint();
      await f();
      into.push(Number(process.hrtime.bigint() - t0) / 1e6);
    };
    for (let i = 0; i < Math.min(50, calls); i++) {
      await client.query(sql);
      await executor.query(sql);
    }
    for (let i = 0; i < calls; i++) {
      if (i % 2 === 0) {
        await time(() => client.query(sql), raw);
        await time(() => executor.query(sql), ours);
      } else {
        await time(() => executor.query(sql), ours);
        await time(() => client.query(sql), raw);
      }
    }
    const rawMed = median(raw);
    const oursMed = median(ours);
    const diff = oursMed - rawMed;
    return {
      table: {
        title,
        headers: ['Call', 'median ms/call', 'difference'],
        rows: [
          ['bigquery.query(sql) (raw client)', rawMed.toFixed(3), '—'],
          [
            'executor.query(sql)',
            oursMed.toFixed(3),
            `${diff >= 0 ? '+' : ''}${fmt(diff * 1000)} µs (${((diff / rawMed) * 100).toFixed(1)} %)`,
          ],
        ],
        note: `${fmt(calls)} calls each, alternating, after 50 warm-up calls each; one process, loopback HTTP.`,
      },
      figures: {
        calls,
        rawMedianMs: round(rawMed, 4),
        executorMedianMs: round(oursMed, 4),
        differenceMs: round(diff, 4),
      },
      targets: [],
    };
  } finally {
    await standIn.close();
  }
}
