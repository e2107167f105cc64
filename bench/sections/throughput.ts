import { decodePubSubMessage, Phase2CompletionMessage } from '../../src/index.js';
import { startBigQueryStandIn } from '../../src/testing/bigquery/index.js';
import { interleave } from '../lib/measure.js';
import type { Mode, SectionResult, Target } from '../lib/section.js';
import { fmt, median, round, type Table } from '../lib/stats.js';

const BATCH_ROWS = 500;

/** The rows of the insert benchmarks (also the storage-write section's). */
export function makeRows(n: number, round: number) {
  return Array.from({ length: n }, (_, i) => ({
    processor_name: `Processor${i % 17}`,
    game_date: '2026-01-24',
    record_count: i,
    execution_id: `exec-${round}-${i}`,
  }));
}

const schema = 'processor_name:STRING,game_date:DATE,record_count:INTEGER,execution_id:STRING';

/**
 * insertRows vs raw table.insert on the BigQuery stand-in: the same rows, the same batch size, into a
 * fresh table per run, alternating which goes first (interleaved rounds). The raw client keeps its own
 * defaults (random insertIds, its own retries); the executor uses deterministic insertIds and turns
 * the client's retries off.
 */
async function insertThroughput(mode: Mode) {
  // Loaded lazily so that the decode half of this section runs even before the executor is exported.
  const { BigQueryExecutor } = (await import('../../src/index.js')) as Record<string, unknown> & {
    BigQueryExecutor?: new (
      options: Record<string, unknown>,
    ) => {
      insertRows(
        table: string,
        rows: unknown[],
        options: { batchRows: number },
      ): Promise<{ inserted: number }>;
    };
  };
  if (typeof BigQueryExecutor !== 'function')
    throw new Error('BigQueryExecutor is not exported from src/index.ts yet');
  const rowsPerRun = mode === 'smoke' ? 2_000 : 20_000;
  const rounds = mode === 'smoke' ? 2 : 6;
  const standIn = await startBigQueryStandIn();
  try {
    const client = standIn.client();
    const [dataset] = await client.createDataset('bench');
    const executor = new BigQueryExecutor({ client, projectId: standIn.projectId });
    const raw: number[] = [];
    const ours: number[] = [];
    let tableNo = 0;
    const newTable = async () => {
      const name = `t${tableNo++}`;
      await dataset.createTable(name, { schema });
      return name;
    };
    const runRaw = async (r: number, n = rowsPerRun) => {
      const name = await newTable();
      const table = dataset.table(name);
      const rows = makeRows(n, r);
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < rows.length; i += BATCH_ROWS) await table.insert(rows.slice(i, i + BATCH_ROWS));
      raw.push(n / (Number(process.hrtime.bigint() - t0) / 1e9));
    };
    const runOurs = async (r: number, n = rowsPerRun) => {
      const name = await newTable();
      const rows = makeRows(n, r);
      const t0 = process.hrtime.bigint();
      const result = await executor.insertRows(`bench.${name}`, rows, { batchRows: BATCH_ROWS });
      ours.push(n / (Number(process.hrtime.bigint() - t0) / 1e9));
      if (result.inserted !== n) throw new Error(`insertRows inserted ${result.inserted} of ${n}`);
    };
    // One unmeasured warm-up of each (a tenth of the rows), then alternate the order round by round.
    await runRaw(-1, rowsPerRun / 10);
    await runOurs(-1, rowsPerRun / 10);
    raw.length = 0;
    ours.length = 0;
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        await runRaw(r);
        await runOurs(r);
      } else {
        await runOurs(r);
        await runRaw(r);
      }
    }
    return { rowsPerRun, rounds, rawRowsPerSec: raw, oursRowsPerSec: ours };
  } finally {
    await standIn.close();
  }
}

function pushEnvelope(i: number) {
  const payload = {
    processor_name: 'BdlGamesProcessor',
    game_date: '2026-01-24',
    execution_id: `exec-${i}`,
    correlation_id: `corr-${i}`,
    output_table: 'nba_raw.bdl_games',
    status: 'success',
    record_count: 1234,
    timestamp: '2026-01-24T12:00:00Z',
  };
  return {
    message: {
      data: Buffer.from(JSON.stringify(payload)).toString('base64'),
      attributes: { source: 'bench' },
      messageId: String(1_000_000 + i),
      publishTime: '2026-01-24T12:00:00.000Z',
    },
    subscription: 'projects/test-project/subscriptions/bench',
  };
}

/** decodePubSubMessage + validation vs JSON.parse(base64) + schema.parse by hand, interleaved. */
async function decodeThroughput(mode: Mode) {
  const envelopes = Array.from({ length: 1024 }, (_, i) => pushEnvelope(i));
  let i = 0;
  const timings = await interleave(
    [
      {
        name: 'decodePubSubMessage(Phase2CompletionMessage, envelope)',
        run: () => decodePubSubMessage(Phase2CompletionMessage, envelopes[i++ & 1023]),
      },
      {
        name: 'JSON.parse(base64) + Phase2CompletionMessage.parse by hand',
        run: () => {
          const env = envelopes[i++ & 1023]!;
          return Phase2CompletionMessage.parse(
            JSON.parse(Buffer.from(env.message.data, 'base64').toString('utf8')),
          );
        },
      },
    ],
    mode === 'smoke'
      ? { rounds: 3, batchMs: 5, warmupMs: 20, iterations: 500 }
      : { rounds: 30, batchMs: 4, warmupMs: 300, iterations: 5_000 },
  );
  return timings;
}

/** §4 Data-path throughput on the stand-ins. */
export async function throughput(mode: Mode): Promise<SectionResult> {
  const tables: Table[] = [];
  const targets: Target[] = [];
  const figures: Record<string, unknown> = {};

  const dec = await decodeThroughput(mode);
  const [ours, byHand] = dec;
  const decodeRatio = byHand!.medianNs / ours!.medianNs;
  tables.push({
    title: 'Push-envelope decode + validation (messages/s, one core)',
    headers: ['Path', 'median µs/message', 'messages/s', 'vs by hand'],
    rows: dec.map((t) => [
      t.name,
      (t.medianNs / 1000).toFixed(2),
      fmt(1e9 / t.medianNs),
      `${(byHand!.medianNs / t.medianNs).toFixed(2)}x`,
    ]),
    note: 'Interleaved rounds, median. Ours also reads attributes, messageId, publishTime and deliveryAttempt, checks the size limit and maps every failure to a typed error.',
  });
  figures.decode = dec.map((t) => ({
    name: t.name,
    medianNs: round(t.medianNs, 1),
    messagesPerSec: round(1e9 / t.medianNs, 0),
    nsPerCallByRound: t.nsPerCallByRound.map((v) => round(v, 1)),
  }));
  figures.decodeRatioOursOverByHand = round(decodeRatio, 3);

  let ins: Awaited<ReturnType<typeof insertThroughput>>;
  try {
    ins = await insertThroughput(mode);
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    tables.push({
      title: 'Streaming insert on the BigQuery stand-in',
      headers: ['Status'],
      rows: [[`not measured: ${why}`]],
    });
    figures.insert = { skipped: why };
    targets.push({
      name: 'insertRows not slower than raw table.insert (within noise)',
      met: false,
      detail: `not measured: ${why}`,
    });
    return { title: '4. Data-path throughput on the stand-ins', tables, figures, targets };
  }
  const rawMed = median(ins.rawRowsPerSec);
  const oursMed = median(ins.oursRowsPerSec);
  const ratio = oursMed / rawMed;
  tables.push({
    title: `Streaming insert on the BigQuery stand-in (${fmt(ins.rowsPerRun)} rows, ${BATCH_ROWS} rows per request)`,
    headers: ['Path', 'median rows/s', 'runs (rows/s)', 'vs raw'],
    rows: [
      [
        'raw table.insert, batch by batch',
        fmt(rawMed),
        ins.rawRowsPerSec.map((v) => fmt(v)).join(', '),
        '1.00x',
      ],
      [
        'executor.insertRows',
        fmt(oursMed),
        ins.oursRowsPerSec.map((v) => fmt(v)).join(', '),
        `${ratio.toFixed(2)}x`,
      ],
    ],
    note: `${ins.rounds} interleaved rounds (order alternates), a fresh table per run, after one warm-up run of ${fmt(ins.rowsPerRun / 10)} rows each.`,
  });
  figures.insert = {
    rowsPerRun: ins.rowsPerRun,
    batchRows: BATCH_ROWS,
    rounds: ins.rounds,
    rawRowsPerSec: ins.rawRowsPerSec.map((v) => round(v, 0)),
    oursRowsPerSec: ins.oursRowsPerSec.map((v) => round(v, 0)),
    ratioOursOverRaw: round(ratio, 3),
  };
  // Paired by round (the two runs of a round are adjacent in time): the machine's drift cancels out.
  const paired = median(ins.oursRowsPerSec.map((v, r) => v / ins.rawRowsPerSec[r]!));
  (figures.insert as Record<string, unknown>).pairedRatioMedian = round(paired, 3);
  targets.push({
    name: 'insertRows not slower than raw table.insert (within noise: median of per-round ratios ≥ 0.95)',
    met: paired >= 0.95,
    detail: `median per-round ratio ${paired.toFixed(2)}x (ratio of medians ${ratio.toFixed(2)}x)`,
  });
  return { title: '4. Data-path throughput on the stand-ins', tables, figures, targets };
}
