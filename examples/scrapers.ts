/**
 * `npm run example:scrapers`: a scraper that survives a flaky third-party API, end to end on the
 * stand-ins, in a few seconds, with no Google account.
 *
 * For each game date the scraper fetches a box-score page from the HTTP stand-in with
 * `resilientFetch` (one breaker, retry budget, concurrency limit and rate limit for the API, under the
 * scraper's key), parses the rows, streams them into BigQuery through `BigQueryExecutor` (deterministic
 * insert ids, so a retried insert cannot duplicate a row), and announces the loaded date with a
 * validated `Phase2CompletionMessage` published through `publishValidated`. Meanwhile the API answers
 * 429 with `Retry-After`, 503s, connection resets, a cut-off body and a body so slow it hits the
 * attempt timeout. At the end it counts the rows in the table and the messages on the topic.
 *
 * Usage:
 *
 *     npm run example:scrapers
 *     npm run example:scrapers -- --seed 7
 *
 * @example
 * ```ts
 * const summary = await runScrapers({ seed: 7 });
 * if (!summary.ok) process.exitCode = 1;
 * ```
 */
import { pathToFileURL } from 'node:url';
import {
  BigQueryExecutor,
  HttpHostRegistry,
  type PipelineError,
  type RetryInfo,
  resilientFetch,
} from '../src/index.js';
import {
  mulberry32,
  startBigQueryStandIn,
  startHttpStandIn,
  startPubSubStandIn,
} from '../src/testing/index.js';
import { tolerateClosedPipes } from './closed-pipe.js';
import { parseSeed } from './demo-args.js';
import { publishCompletion } from './scraper-publish.js';

/** Options of {@link runScrapers}. */
export interface ScrapersOptions {
  /** Seed of the retry jitter and of the API's random failures. Default 1. */
  seed?: number;
  /** Game dates to scrape. Default four days from 2026-01-20. */
  dates?: string[];
  /** Progress lines. Default: none. */
  log?: (line: string) => void;
}

/** One row of the box-score page, as the table stores it. */
export interface BoxScoreRow {
  game_date: string;
  game_id: string;
  player: string;
  points: number;
}

/** What {@link runScrapers} counted. */
export interface ScrapersSummary {
  /** True when every date's rows landed exactly once and every date was announced once. */
  ok: boolean;
  /** Rows the API served, over all dates. */
  rowsServed: number;
  /** Rows in the table afterwards, and distinct (game_id, player) among them. */
  rowsInTable: number;
  distinctRows: number;
  /** Completion messages the topic received, one per date expected. */
  messagesPublished: number;
  /** Requests the API received, and how many of them a fault answered. */
  requests: number;
  faultsInjected: number;
  /** Every retry, as `<error name>` per attempt that failed and was retried. */
  retries: string[];
  /** Dates that failed for good, with the typed error's code. */
  failedDates: Record<string, string>;
}

const DEFAULT_DATES = ['2026-01-20', '2026-01-21', '2026-01-22', '2026-01-23'];

/** The API's page for a date: a deterministic set of rows, so the count afterwards can be checked. */
function pageFor(date: string): { data: Array<Omit<BoxScoreRow, 'game_date'>> } {
  const day = Number(date.slice(-2));
  const data: Array<Omit<BoxScoreRow, 'game_date'>> = [];
  for (let game = 1; game <= 2; game++) {
    for (let p = 1; p <= 5; p++) {
      data.push({
        game_id: `${date}-g${game}`,
        player: `player_${game}_${p}`,
        points: (day * p + game) % 40,
      });
    }
  }
  return { data };
}

/** Reads the page's rows, refusing anything that is not the shape the table expects. */
function parseRows(date: string, body: unknown): BoxScoreRow[] {
  const data = (body as { data?: unknown })?.data;
  if (!Array.isArray(data)) throw new TypeError(`page for ${date}: "data" is not an array`);
  return data.map((row: unknown, i: number) => {
    const r = row as Partial<BoxScoreRow>;
    if (typeof r.game_id !== 'string' || typeof r.player !== 'string' || typeof r.points !== 'number') {
      throw new TypeError(`page for ${date}: row ${i} is not {game_id, player, points}`);
    }
    return { game_date: date, game_id: r.game_id, player: r.player, points: r.points };
  });
}

/**
 * Runs the scrapers on the stand-ins and returns what it counted.
 *
 * @example
 * ```ts
 * const summary = await runScrapers({ log: console.log });
 * console.log(summary.rowsInTable, summary.retries.length);
 * ```
 */
export async function runScrapers(options: ScrapersOptions = {}): Promise<ScrapersSummary> {
  const seed = options.seed ?? 1;
  const dates = options.dates ?? DEFAULT_DATES;
  const log = options.log ?? (() => {});
  const [api, bigquery, pubsub] = await Promise.all([
    startHttpStandIn(),
    startBigQueryStandIn({ projectId: 'scrapers-demo' }),
    startPubSubStandIn({ projectId: 'scrapers-demo' }),
  ]);
  const pubsubClient = pubsub.client();
  try {
    for (const date of dates)
      api.serve({ method: 'GET', path: `/v1/boxscores/${date}`, json: pageFor(date) });
    // The API misbehaves: one fault of each kind, in this order, then a seeded rate of 503s.
    api.faults.add({ times: 1, status: 429, headers: { 'retry-after': '1' }, body: '{"error":"slow down"}' });
    api.faults.add({ times: 2, status: 503 });
    api.faults.add({ times: 1, reset: true });
    api.faults.add({ times: 1, truncateBody: 20 });
    api.faults.add({ times: 1, slowBody: { intervalMs: 100, chunkBytes: 8 } });
    api.faults.add({ times: 3, rate: 0.3, seed, status: 503 });

    const executor = new BigQueryExecutor({ client: bigquery.client(), projectId: bigquery.projectId });
    const table = 'scrapers_demo_raw.boxscores';
    await executor.query('CREATE SCHEMA IF NOT EXISTS `scrapers-demo.scrapers_demo_raw`');
    await executor.query(
      `CREATE TABLE IF NOT EXISTS \`scrapers-demo.${table}\` (game_date DATE NOT NULL, game_id STRING NOT NULL, player STRING NOT NULL, points INT64)`,
    );
    const [topic] = await pubsubClient.createTopic('mlb-phase2-raw-complete');

    // One registry per process: the API's breaker, budget and limits, under the scraper's key.
    // The original's breaker (5 failures in 60 s) would open on this deliberately broken API and fail
    // every date with a CircuitBreakerOpenError; this scraper tolerates 10.
    const hosts = new HttpHostRegistry({
      hosts: {
        bdl_boxscores: {
          maxConcurrent: 2,
          rateLimit: { requestsPerSecond: 20, burst: 4 },
          breaker: { failureThreshold: 10 },
        },
      },
    });
    const retries: string[] = [];
    const failedDates: Record<string, string> = {};
    let rowsServed = 0;

    await Promise.all(
      dates.map(async (date) => {
        try {
          const response = await resilientFetch(
            `${api.url}/v1/boxscores/${date}?api_key=demo-key`,
            { headers: { accept: 'application/json' } },
            {
              hosts,
              key: 'bdl_boxscores',
              // The scrapers' preset, with the waits of a demo: 50 ms base, 2 s cap, 1 s per attempt.
              maxAttempts: 6,
              baseDelayMs: 50,
              maxDelayMs: 2000,
              attemptTimeoutMs: 1000,
              random: mulberry32(seed),
              onRetry: (info: RetryInfo) => {
                retries.push(info.error.name);
                log(
                  `retry      ${date} ${info.error.name}: ${info.error.message} (next in ${Math.round(info.delayMs)} ms)`,
                );
              },
            },
          );
          const rows = parseRows(date, await response.json());
          rowsServed += rows.length;
          await executor.insertRows(table, rows, { insertId: (r) => `${r.game_id}:${r.player}` });
          await publishCompletion(
            topic,
            {
              processor_name: 'BdlBoxscoresScraper',
              game_date: date,
              record_count: rows.length,
              output_table: table,
            },
            { scraper: 'bdl_boxscores' },
          );
          log(`loaded     ${date}: ${rows.length} rows, completion published`);
        } catch (error) {
          failedDates[date] = (error as PipelineError).code ?? String(error);
          log(`FAILED     ${date}: ${(error as Error).message}`);
        }
      }),
    );

    const [counts] = await executor.query<{ n: number; distinct_rows: number }>(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT CONCAT(game_id, ':', player)) AS distinct_rows FROM \`scrapers-demo.${table}\``,
    );
    const messagesPublished = pubsub.published('mlb-phase2-raw-complete').length;
    const rowsInTable = Number(counts?.n ?? 0);
    const distinctRows = Number(counts?.distinct_rows ?? 0);
    const expectedRows = dates.length * 10;
    return {
      ok:
        Object.keys(failedDates).length === 0 &&
        rowsInTable === expectedRows &&
        distinctRows === expectedRows &&
        messagesPublished === dates.length,
      rowsServed,
      rowsInTable,
      distinctRows,
      messagesPublished,
      requests: api.requests.length,
      faultsInjected: api.requests.filter((r) => r.fault !== undefined).length,
      retries,
      failedDates,
    };
  } finally {
    await pubsubClient.close();
    await Promise.all([api.close(), bigquery.close(), pubsub.close()]);
  }
}

async function main(): Promise<number> {
  tolerateClosedPipes();
  const args = process.argv.slice(2);
  let seed = 1;
  for (let i = 0; i < args.length; i += 2) {
    const value = args[i + 1];
    if (args[i] !== '--seed' || value === undefined) {
      console.error(
        `${args[i] === '--seed' ? '--seed needs a value' : `unknown argument ${args[i]}`} (use --seed N)`,
      );
      return 2;
    }
    try {
      seed = parseSeed(value, '--seed');
    } catch (error) {
      console.error((error as Error).message);
      return 2;
    }
  }
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const summary = await runScrapers({ seed, log: (line) => console.log(line) });
  console.log(
    `summary: dates_failed=${Object.keys(summary.failedDates).length} rows_served=${summary.rowsServed} ` +
      `rows_in_table=${summary.rowsInTable} distinct=${summary.distinctRows} messages=${summary.messagesPublished} ` +
      `requests=${summary.requests} faults_injected=${summary.faultsInjected} retries=${summary.retries.length}`,
  );
  return summary.ok ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
