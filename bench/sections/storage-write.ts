import { BigQueryExecutor } from '../../src/index.js';
import { startBigQueryStandIn } from '../../src/testing/bigquery/index.js';
import type { Mode, SectionResult, Target } from '../lib/section.js';
import { fmt, median, round, type Table } from '../lib/stats.js';
import { makeRows } from './throughput.js';

const INSERT_BATCH_ROWS = 500;
const STORAGE_METHODS = [
  'CreateWriteStream',
  'AppendRows',
  'GetWriteStream',
  'FinalizeWriteStream',
  'BatchCommitWriteStreams',
] as const;

const COLUMNS = 'processor_name STRING, game_date DATE, record_count INT64, execution_id STRING';

type PathName =
  | 'raw table.insert, batch by batch'
  | 'executor.insertRows (insertAll)'
  | "writeRows mode 'atomic'"
  | "writeRows mode 'committed'"
  | "writeRows mode 'default'";

/**
 * The write paths into one table of the BigQuery stand-in, one call of `rowsPerRun` rows each, at a
 * simulated server latency added to every request (REST insertAll, and every Storage Write RPC and
 * append). The raw path is the user's usual code: `table.insert` of 500-row batches, one after the
 * other; insertRows sends the same batches; writeRows pipelines its appends on one connection.
 */
async function measure(mode: Mode, latencyMs: number) {
  const rowsPerRun = mode === 'smoke' ? 2_000 : 10_000;
  const rounds = mode === 'smoke' ? 1 : 4;
  const standIn = await startBigQueryStandIn();
  try {
    const client = standIn.client();
    await standIn.run('CREATE SCHEMA bench');
    const executor = new BigQueryExecutor({
      client,
      writeClient: standIn.writeClient(),
      projectId: standIn.projectId,
    });
    if (latencyMs > 0) {
      standIn.faults.add({ path: /\/insertAll$/, delayMs: latencyMs });
      for (const method of STORAGE_METHODS) standIn.storageWrite.faults.add({ method, delayMs: latencyMs });
    }
    let tableNo = 0;
    const newTable = async () => {
      const name = `t${tableNo++}`;
      await standIn.run(`CREATE TABLE bench.${name} (${COLUMNS})`);
      return name;
    };
    const paths: Array<{
      name: PathName;
      run: (table: string, rows: ReturnType<typeof makeRows>) => Promise<void>;
    }> = [
      {
        name: 'raw table.insert, batch by batch',
        run: async (table, rows) => {
          const t = client.dataset('bench').table(table);
          for (let i = 0; i < rows.length; i += INSERT_BATCH_ROWS)
            await t.insert(rows.slice(i, i + INSERT_BATCH_ROWS));
        },
      },
      {
        name: 'executor.insertRows (insertAll)',
        run: async (table, rows) => {
          await executor.insertRows(`bench.${table}`, rows, { batchRows: INSERT_BATCH_ROWS });
        },
      },
      ...(['atomic', 'committed', 'default'] as const).map((m) => ({
        name: `writeRows mode '${m}'` as PathName,
        run: async (table: string, rows: ReturnType<typeof makeRows>) => {
          const { written } = await executor.writeRows(`bench.${table}`, rows, { mode: m });
          if (written !== rows.length) throw new Error(`writeRows wrote ${written} of ${rows.length}`);
        },
      })),
    ];
    const rowsPerSec = new Map<PathName, number[]>(paths.map((p) => [p.name, []]));
    for (const p of paths) await p.run(await newTable(), makeRows(rowsPerRun / 10, -1));
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < paths.length; k++) {
        const p = paths[(k + r) % paths.length]!;
        const table = await newTable();
        const rows = makeRows(rowsPerRun, r);
        const t0 = process.hrtime.bigint();
        await p.run(table, rows);
        rowsPerSec.get(p.name)!.push(rowsPerRun / (Number(process.hrtime.bigint() - t0) / 1e9));
        const [count] = await standIn.run(`SELECT COUNT(*) AS n FROM bench.${table}`);
        if (Number(count?.n) !== rowsPerRun)
          throw new Error(`${p.name} left ${count?.n} rows of ${rowsPerRun}`);
      }
    }
    return { rowsPerRun, rounds, rowsPerSec };
  } finally {
    await standIn.close();
  }
}

/** Storage Write API vs insertAll on the stand-in, at 0 ms and 30 ms of simulated latency. */
export async function storageWrite(mode: Mode): Promise<SectionResult> {
  const tables: Table[] = [];
  const targets: Target[] = [];
  const figures: Record<string, unknown> = {};
  for (const latencyMs of [0, 30]) {
    const m = await measure(mode, latencyMs);
    const insertMedian = median(m.rowsPerSec.get('executor.insertRows (insertAll)')!);
    const rawMedian = median(m.rowsPerSec.get('raw table.insert, batch by batch')!);
    tables.push({
      title: `Write paths, ${fmt(m.rowsPerRun)} rows per call, ${latencyMs} ms simulated latency per request`,
      headers: ['Path', 'median rows/s', 'vs insertRows', 'vs raw table.insert'],
      rows: [...m.rowsPerSec.entries()].map(([name, values]) => [
        name,
        fmt(median(values)),
        `${(median(values) / insertMedian).toFixed(2)}x`,
        `${(median(values) / rawMedian).toFixed(2)}x`,
      ]),
      note: `${m.rounds} rounds, rotating order, a fresh table per run, after one warm-up run of each; every run's row count is checked.`,
    });
    figures[`latency${latencyMs}ms`] = {
      rowsPerRun: m.rowsPerRun,
      rounds: m.rounds,
      rowsPerSec: Object.fromEntries(
        [...m.rowsPerSec.entries()].map(([k, v]) => [k, v.map((x) => round(x, 0))]),
      ),
    };
    if (latencyMs === 30) {
      const atomic = median(m.rowsPerSec.get("writeRows mode 'atomic'")!);
      targets.push({
        name: "writeRows 'atomic' ≥ 1.0x insertRows at 30 ms latency",
        met: atomic >= insertMedian,
        detail: `${(atomic / insertMedian).toFixed(2)}x (${fmt(atomic)} vs ${fmt(insertMedian)} rows/s)`,
      });
    }
  }
  return { title: 'Storage Write API vs insertAll (BigQuery stand-in)', tables, figures, targets };
}
