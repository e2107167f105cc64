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
  type Executor = new (options: Record<string, unknown>) => { query(sql: string): Promise<unknown> };
  let BigQueryExecutor: Executor;
  let testing: typeof import('../../src/testing/bigquery/index.js');
  try {
    const lib = (await import('../../src/index.js')) as Record<string, unknown>;
    testing = await import('../../src/testing/bigquery/index.js');
    if (typeof lib.BigQueryExecutor !== 'function')
      throw new Error('BigQueryExecutor is not exported from src/index.ts yet');
    BigQueryExecutor = lib.BigQueryExecutor as Executor;
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    return {
      table: { title, headers: ['Status'], rows: [[`not measured: ${why}`]] },
      figures: { skipped: why },
      targets: [],
    };
  }
  const calls = mode === 'smoke' ? 20 : 400;
  const standIn = await testing.startBigQueryStandIn();
  try {
    const client = standIn.client();
    const executor = new BigQueryExecutor({ client: standIn.client(), projectId: standIn.projectId });
    const sql = 'SELECT 1 AS x';
    // Three paths: the client's fast path (jobs.query, one request), the client doing what the executor
    // does (jobs.insert with a job id, then getQueryResults: two requests), and the executor.
    const paths: Array<{ name: string; run: () => Promise<unknown>; ms: number[] }> = [
      { name: 'bigquery.query(sql) (raw client, jobs.query)', run: () => client.query(sql), ms: [] },
      {
        name: 'createQueryJob + getQueryResults (raw client, jobs.insert)',
        run: async () => {
          const [job] = await client.createQueryJob({ query: sql });
          return job.getQueryResults();
        },
        ms: [],
      },
      { name: 'executor.query(sql)', run: () => executor.query(sql), ms: [] },
    ];
    for (let i = 0; i < Math.min(50, calls); i++) for (const p of paths) await p.run();
    for (let i = 0; i < calls; i++) {
      for (let k = 0; k < paths.length; k++) {
        const p = paths[(k + i) % paths.length]!;
        const t0 = process.hrtime.bigint();
        await p.run();
        p.ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }
    const med = paths.map((p) => median(p.ms));
    const vs = (i: number, j: number) => {
      const diff = med[i]! - med[j]!;
      return `${diff >= 0 ? '+' : ''}${fmt(diff * 1000)} µs (${((diff / med[j]!) * 100).toFixed(1)} %)`;
    };
    return {
      table: {
        title,
        headers: ['Call', 'median ms/call', 'vs jobs.query path', 'vs jobs.insert path'],
        rows: paths.map((p, i) => [
          p.name,
          med[i]!.toFixed(3),
          i === 0 ? '—' : vs(i, 0),
          i === 1 ? '—' : vs(i, 1),
        ]),
        note:
          `${fmt(calls)} calls each, rotating order, after 50 warm-up calls each; one process, loopback HTTP. ` +
          'The executor sends a short query through jobs.query with a requestId (one request, as the first ' +
          'row), so a retry after a lost answer finds the same job instead of running it twice.',
      },
      figures: {
        calls,
        medianMs: Object.fromEntries(paths.map((p, i) => [p.name, round(med[i]!, 4)])),
        executorOverJobsInsertMs: round(med[2]! - med[1]!, 4),
        executorOverJobsQueryMs: round(med[2]! - med[0]!, 4),
      },
      targets: [],
    };
  } finally {
    await standIn.close();
  }
}
