import { execFile, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import { BigQueryExecutor } from '../../src/index.js';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../src/testing/bigquery/index.js';
import type { Mode, SectionResult, Target } from '../lib/section.js';
import { fmt, median, round, type Table } from '../lib/stats.js';

const run = promisify(execFile);

/** Wall time of one awaited call, ms. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Requests the stand-in received while `fn` ran. */
async function requestsOf(standIn: BigQueryStandIn, fn: () => Promise<unknown>): Promise<number> {
  const before = standIn.requests.length;
  await fn();
  return standIn.requests.length - before;
}

/**
 * Two paths alternated call by call (the order flips each call), after a warm-up: the median time of
 * each and the ratio of medians. Alternating cancels the machine's drift between the two.
 */
async function alternate(
  calls: number,
  raw: () => Promise<unknown>,
  ours: () => Promise<unknown>,
): Promise<{ rawMs: number[]; oursMs: number[] }> {
  for (let i = 0; i < Math.min(20, calls); i++) {
    await raw();
    await ours();
  }
  const rawMs: number[] = [];
  const oursMs: number[] = [];
  for (let i = 0; i < calls; i++) {
    if (i % 2 === 0) {
      rawMs.push(await timed(raw));
      oursMs.push(await timed(ours));
    } else {
      oursMs.push(await timed(ours));
      rawMs.push(await timed(raw));
    }
  }
  return { rawMs, oursMs };
}

const insertSchema = 'processor_name:STRING,game_date:DATE,record_count:INTEGER,execution_id:STRING';
function insertRowsOf(n: number, tag: string) {
  return Array.from({ length: n }, (_, i) => ({
    processor_name: `Processor${i % 17}`,
    game_date: '2026-01-24',
    record_count: i,
    execution_id: `${tag}-${i}`,
  }));
}

/**
 * §5 The BigQuery path against the raw client's usual calls, on the stand-in with the real client:
 * short queries (`bigquery.query()`, one jobs.query), a paged query, streaming inserts with a
 * realistic round trip (the raw loop a user writes: `await table.insert(chunk)` chunk after chunk),
 * and the resident memory of a million-row insert (in a child process, so nothing else is counted).
 */
export async function bigquery(mode: Mode): Promise<SectionResult> {
  const smoke = mode === 'smoke';
  const tables: Table[] = [];
  const targets: Target[] = [];
  const figures: Record<string, unknown> = {};
  const pagedRows = smoke ? 2_000 : 10_000;
  const pageSize = pagedRows / 5;
  // BigQuery cuts result pages by size (about 10 MB); the stand-in cuts them at pageSize rows, so an
  // ordinary query of pagedRows rows reads 5 pages through either path.
  const standIn = await startBigQueryStandIn({ maxPageRows: pageSize });
  try {
    const client = standIn.client();
    const executor = new BigQueryExecutor({ client, projectId: standIn.projectId });

    // Short query: SELECT 1, 200 calls each.
    const shortCalls = smoke ? 20 : 200;
    const sql = 'SELECT 1 AS x';
    const rawRequests = await requestsOf(standIn, () => client.query(sql));
    const oursRequests = await requestsOf(standIn, () => executor.query(sql));
    const short = await alternate(
      shortCalls,
      () => client.query(sql),
      () => executor.query(sql),
    );
    const shortRatio = median(short.oursMs) / median(short.rawMs);

    // A 10,000-row query over 5 pages (2,000 rows per page) from a loaded table, each path's usual call.
    await client.createDataset('bench');
    await executor.query('CREATE TABLE bench.paged (id INT64, name STRING)');
    await executor.loadRows(
      'bench.paged',
      Array.from({ length: pagedRows }, (_, id) => ({ id, name: `player-${id}` })),
    );
    const pagedSql = 'SELECT id, name FROM bench.paged';
    let rawCount = 0;
    let oursCount = 0;
    const rawPaged = async () => {
      const [rows] = await client.query(pagedSql);
      rawCount = rows.length;
    };
    const oursPaged = async () => {
      oursCount = (await executor.query(pagedSql)).length;
    };
    const rawPagedRequests = await requestsOf(standIn, rawPaged);
    const oursPagedRequests = await requestsOf(standIn, oursPaged);
    if (rawCount !== pagedRows || oursCount !== pagedRows) {
      throw new Error(`paged query read ${rawCount} (raw) / ${oursCount} (executor) of ${pagedRows} rows`);
    }
    const paged = await alternate(smoke ? 4 : 30, rawPaged, oursPaged);
    const pagedRatio = median(paged.oursMs) / median(paged.rawMs);

    tables.push({
      title: 'Queries: executor.query against the raw bigquery.query() (stand-in, real client)',
      headers: [
        'Query',
        'requests per query (raw / executor)',
        'raw median ms',
        'executor median ms',
        'executor / raw',
      ],
      rows: [
        [
          `SELECT 1, ${shortCalls} calls each`,
          `${rawRequests} / ${oursRequests}`,
          median(short.rawMs).toFixed(2),
          median(short.oursMs).toFixed(2),
          `${shortRatio.toFixed(3)}x`,
        ],
        [
          `${fmt(pagedRows)} rows over 5 pages of ${fmt(pageSize)}, ${paged.rawMs.length} calls each`,
          `${rawPagedRequests} / ${oursPagedRequests}`,
          median(paged.rawMs).toFixed(2),
          median(paged.oursMs).toFixed(2),
          `${pagedRatio.toFixed(3)}x`,
        ],
      ],
      note: 'Calls alternate one by one (the order flips each call) after 20 warm-up calls each; one process, loopback HTTP.',
    });
    figures.shortQuery = {
      calls: shortCalls,
      requestsPerQuery: { raw: rawRequests, executor: oursRequests },
      medianMs: { raw: round(median(short.rawMs), 3), executor: round(median(short.oursMs), 3) },
      ratioExecutorOverRaw: round(shortRatio, 3),
    };
    figures.pagedQuery = {
      rows: pagedRows,
      pageSize,
      calls: paged.rawMs.length,
      requests: { raw: rawPagedRequests, executor: oursPagedRequests },
      medianMs: { raw: round(median(paged.rawMs), 3), executor: round(median(paged.oursMs), 3) },
      ratioExecutorOverRaw: round(pagedRatio, 3),
    };
    targets.push(
      {
        name: 'short query: 1.0 request per query, as raw bigquery.query()',
        met: oursRequests === 1 && rawRequests === 1,
        detail: `raw ${rawRequests}, executor ${oursRequests}`,
      },
      {
        name: 'short query: executor time / raw time ≤ 1.05',
        met: shortRatio <= 1.05,
        detail: `${shortRatio.toFixed(3)}x`,
      },
      {
        name: 'paged query: executor time / raw time ≤ 1.05, same request count',
        met: pagedRatio <= 1.05 && oursPagedRequests === rawPagedRequests,
        detail: `${pagedRatio.toFixed(3)}x; requests raw ${rawPagedRequests}, executor ${oursPagedRequests}`,
      },
    );

    // Streaming inserts: 20,000 rows, 500 per request, with every insertAll delayed by 30 ms and by 0,
    // against a stand-in in a child process (see bigquery-stand-in-child.ts).
    const insertRowsPerRun = smoke ? 2_000 : 20_000;
    const batchRows = 500;
    const remote = await childStandIn();
    const insertRows: Table['rows'] = [];
    const insertFigures: Record<string, unknown> = {};
    try {
      const remoteClient = new BigQuery({
        projectId: remote.projectId,
        apiEndpoint: remote.endpoint,
        authClient: new PassThroughClient(),
      });
      const remoteExecutor = new BigQueryExecutor({ client: remoteClient, projectId: remote.projectId });
      await remoteClient.createDataset('bench');
      const dataset = remoteClient.dataset('bench');
      let tableNo = 0;
      const newTable = async () => {
        const name = `ins${tableNo++}`;
        await dataset.createTable(name, { schema: insertSchema });
        return name;
      };
      /** Every row is in the table (this also applies the stand-in's streaming buffer, untimed). */
      const expectRows = async (name: string, n: number) => {
        const [[row]] = await remoteClient.query(`SELECT COUNT(*) AS n FROM bench.${name}`);
        if ((row as { n: number }).n !== n)
          throw new Error(`bench.${name} holds ${String(row.n)} of ${n} rows`);
      };
      for (const delayMs of [30, 0]) {
        const rawRate: number[] = [];
        const oursRate: number[] = [];
        const rounds = smoke ? 1 : delayMs > 0 ? 3 : 6;
        await remote.setDelay(delayMs);
        for (let r = -1; r < rounds; r++) {
          const n = r < 0 ? insertRowsPerRun / 10 : insertRowsPerRun;
          const rawRun = async () => {
            const name = await newTable();
            const table = dataset.table(name);
            const rows = insertRowsOf(n, `raw${r}`);
            const ms = await timed(async () => {
              for (let i = 0; i < rows.length; i += batchRows)
                await table.insert(rows.slice(i, i + batchRows));
            });
            await expectRows(name, n);
            if (r >= 0) rawRate.push(n / (ms / 1000));
          };
          const oursRun = async () => {
            const name = await newTable();
            const rows = insertRowsOf(n, `ours${r}`);
            let inserted = 0;
            const ms = await timed(async () => {
              inserted = (await remoteExecutor.insertRows(`bench.${name}`, rows, { batchRows })).inserted;
            });
            if (inserted !== n) throw new Error(`insertRows inserted ${inserted} of ${n}`);
            await expectRows(name, n);
            if (r >= 0) oursRate.push(n / (ms / 1000));
          };
          if (r % 2 === 0) {
            await rawRun();
            await oursRun();
          } else {
            await oursRun();
            await rawRun();
          }
        }
        const paired = median(oursRate.map((v, k) => v / rawRate[k]!));
        insertRows.push([
          `${delayMs} ms per insertAll`,
          fmt(median(rawRate)),
          fmt(median(oursRate)),
          `${paired.toFixed(2)}x`,
        ]);
        insertFigures[`delay${delayMs}ms`] = {
          rounds,
          rawRowsPerSec: rawRate.map((v) => round(v, 0)),
          oursRowsPerSec: oursRate.map((v) => round(v, 0)),
          pairedRatioMedian: round(paired, 3),
        };
        targets.push({
          name:
            delayMs > 0
              ? `insertRows (default concurrency 4) ≥ 3.5x the raw sequential table.insert loop at ${delayMs} ms per insertAll`
              : 'insertRows ≥ 1.0x the raw sequential table.insert loop at 0 ms (within noise: ≥ 0.95)',
          met: delayMs > 0 ? paired >= 3.5 : paired >= 0.95,
          detail: `median per-round ratio ${paired.toFixed(2)}x`,
        });
      }
    } finally {
      await remote.close();
    }
    tables.push({
      title: `Streaming insert: ${fmt(insertRowsPerRun)} rows, ${batchRows} per request (stand-in, real client)`,
      headers: [
        'Stand-in delay',
        'raw table.insert loop, rows/s',
        'executor.insertRows, rows/s',
        'executor / raw',
      ],
      rows: insertRows,
      note: "The raw loop is what a user writes: `await table.insert(chunk)` for each chunk, one after another. The executor keeps its default of 4 requests in flight. Rounds alternate which goes first; a fresh table per run; one unmeasured warm-up run each; every run's rows are counted in the table afterwards (untimed). The stand-in runs in a child process, as BigQuery runs elsewhere: its work (parsing, row checks, its streaming buffer) does not take the client's CPU time, but it shares this machine's 2 cores with the client and with other processes, so the delay overlaps less than over a real network.",
    });
    figures.insert = { rowsPerRun: insertRowsPerRun, batchRows, ...insertFigures };

    // Resident memory of insertRows of 1,000,000 small rows, in a child process.
    const memory = await insertMemory(standIn, smoke ? 100_000 : 1_000_000);
    tables.push({
      title: `Resident memory of insertRows(${fmt(memory.rows)} small rows) (child process, stand-in in the parent)`,
      headers: [
        'Rows JSON',
        'RSS without rows',
        'RSS with the rows built',
        'peak RSS during the call',
        'added by the call',
        'peak JS heap added',
        'added / rows JSON',
      ],
      rows: [
        [
          `${(memory.jsonBytes / 2 ** 20).toFixed(1)} MiB`,
          `${(memory.rssStart / 2 ** 20).toFixed(1)} MiB`,
          `${(memory.rssBefore / 2 ** 20).toFixed(1)} MiB`,
          `${(memory.rssPeak / 2 ** 20).toFixed(1)} MiB`,
          `${((memory.rssPeak - memory.rssBefore) / 2 ** 20).toFixed(1)} MiB`,
          `${((memory.heapPeak - memory.heapBefore) / 2 ** 20).toFixed(1)} MiB`,
          `${memory.ratio.toFixed(2)}x`,
        ],
      ],
      note: 'RSS and heap sampled every 5 ms. "With the rows built" is after the caller built its rows (JS objects) and a full GC; the call adds to that. The rows themselves are the caller\'s, not the call\'s.',
    });
    figures.insertMemory = memory;
    targets.push({
      name: 'insertRows of 1,000,000 small rows adds resident memory ≤ 1.5x the rows’ JSON size',
      met: memory.ratio <= 1.5,
      detail: `${memory.ratio.toFixed(2)}x (${((memory.rssPeak - memory.rssBefore) / 2 ** 20).toFixed(1)} MiB added for ${(memory.jsonBytes / 2 ** 20).toFixed(1)} MiB of JSON)`,
    });
  } finally {
    await standIn.close();
  }
  return { title: '5. The BigQuery path against the raw client', tables, figures, targets };
}

interface MemoryFigures {
  rows: number;
  jsonBytes: number;
  /** The child before it built the rows. */
  rssStart: number;
  rssBefore: number;
  heapBefore: number;
  heapPeak: number;
  rssPeak: number;
  ratio: number;
  inserted: number;
}

async function insertMemory(standIn: BigQueryStandIn, rows: number): Promise<MemoryFigures> {
  await standIn.client().dataset('bench').createTable('memory', { schema: 'id:INTEGER,name:STRING' });
  const child = fileURLToPath(new URL('../lib/insert-memory-child.ts', import.meta.url));
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--expose-gc', child, standIn.endpoint, standIn.projectId, String(rows)],
    { maxBuffer: 1 << 20 },
  );
  const figures = JSON.parse(stdout.trim().split('\n').at(-1) as string) as Omit<MemoryFigures, 'ratio'>;
  if (figures.inserted !== rows) throw new Error(`memory run inserted ${figures.inserted} of ${rows}`);
  return { ...figures, ratio: round((figures.rssPeak - figures.rssBefore) / figures.jsonBytes, 3) };
}

interface ChildStandIn {
  endpoint: string;
  projectId: string;
  /** Sets the delay of every insertAll (0: none). */
  setDelay(delayMs: number): Promise<void>;
  close(): Promise<void>;
}

/** A BigQuery stand-in in a child process (bench/lib/bigquery-stand-in-child.ts). */
async function childStandIn(): Promise<ChildStandIn> {
  const path = fileURLToPath(new URL('../lib/bigquery-stand-in-child.ts', import.meta.url));
  const child = fork(path, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the stand-in child exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        resolve(m as Record<string, unknown>);
      });
    });
  const ready = await next();
  return {
    endpoint: String(ready.endpoint),
    projectId: String(ready.projectId),
    async setDelay(delayMs) {
      const answer = next();
      child.send({ delayMs });
      await answer;
    },
    async close() {
      const answer = next();
      child.send({ close: true });
      const closed = await answer;
      if (closed.closed !== true)
        throw new Error(`the stand-in child failed to close: ${String(closed.error)}`);
    },
  };
}
