import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { BadRequestError, NotFoundError, QueryGuardError } from '../../../src/errors/index.js';
import {
  GET_JOB,
  type Harness,
  INSERT_JOB,
  JOBS_QUERY,
  jobIdOf,
  QUERY_RESULTS,
  startHarness,
} from './helpers.js';

describe('BigQueryExecutor queries with the real client against the stand-in', () => {
  let h: Harness;
  let bq: BigQueryExecutor;

  beforeAll(async () => {
    h = await startHarness();
    bq = h.executor();
    await h.standIn.client().createDataset('ds');
    await bq.query(
      'CREATE TABLE ds.players (id INT64, name STRING, team STRING, score FLOAT64, game_date DATE)',
    );
    const rows = Array.from({ length: 250 }, (_, i) => ({
      id: i,
      name: `p${i}`,
      team: ['LAL', 'BOS', 'NYK'][i % 3],
      score: i / 4,
      game_date: `2024-06-${String((i % 28) + 1).padStart(2, '0')}`,
    }));
    await bq.loadRows('ds.players', rows);
  });
  afterAll(() => h.close());

  it('binds every named parameter kind and returns decoded values', async () => {
    const [first] = await bq.query<Record<string, unknown>>(
      'SELECT @b AS b, @i AS i, @f AS f, @s AS s, @t AS t, @big AS big, @arr AS arr, @nums AS nums, @n AS n, @d AS d',
      {
        params: {
          b: false,
          i: 42,
          f: 1.5,
          s: "it's @s and `tick`",
          t: new Date('2024-01-02T03:04:05.678Z'),
          big: 9007199254740993n,
          arr: ['a', 'b'],
          nums: [1, 2.5],
          n: null,
          d: new Date('2024-02-29T23:00:00Z'),
        },
        types: { n: 'STRING', d: 'DATE' },
        wrapIntegers: true,
      },
    );
    expect(first).toBeDefined();
    const row = first as Record<string, unknown>;
    expect(row.b).toBe(false);
    expect(String((row.i as { value: string }).value)).toBe('42');
    expect(row.f).toBe(1.5);
    expect(row.s).toBe("it's @s and `tick`");
    expect((row.t as { value: string }).value).toMatch(/^2024-01-02T03:04:05\.678/);
    expect((row.big as { value: string }).value).toBe('9007199254740993');
    expect(row.arr).toEqual(['a', 'b']);
    expect(row.nums).toEqual([1, 2.5]);
    expect(row.n).toBeNull();
    expect((row.d as { value: string }).value).toBe('2024-02-29');
  });

  it('sends a FLOAT64 -0, NaN, Infinity and -Infinity as they are, alone and in arrays', async () => {
    const mark = h.standIn.requests.length;
    // ATAN2(±0, -1) is ±π: the sign of the zero BigQuery received, whatever the results' formatting.
    const [row] = await bq.query<{ x: number; side: number; nan: boolean; inf: number; ninf: number }>(
      'SELECT @x AS x, ATAN2(@x, -1) AS side, IS_NAN(@n) AS nan, @i AS inf, @m AS ninf',
      {
        params: { x: -0, n: Number.NaN, i: Number.POSITIVE_INFINITY, m: Number.NEGATIVE_INFINITY },
        types: { x: 'FLOAT64' },
      },
    );
    expect(row?.side).toBeCloseTo(-Math.PI, 12);
    expect(Object.is(row?.x, -0)).toBe(true);
    expect(row).toMatchObject({ nan: true, inf: Number.POSITIVE_INFINITY, ninf: Number.NEGATIVE_INFINITY });
    const sent = h.standIn.requests.slice(mark).find((r) => JOBS_QUERY.test(r.path));
    const body = sent?.body as
      | { queryParameters: Array<{ name: string; parameterValue: { value: unknown } }> }
      | undefined;
    const values = body?.queryParameters.map((p) => [p.name, p.parameterValue.value]);
    expect(values).toEqual([
      ['x', '-0'],
      ['n', 'NaN'],
      ['i', 'Infinity'],
      ['m', '-Infinity'],
    ]);
    const [listed] = await bq.query<{ sides: number[] }>(
      'SELECT ARRAY(SELECT ATAN2(v, -1) FROM UNNEST(@xs) AS v WITH OFFSET o ORDER BY o) AS sides',
      { params: { xs: [1.5, -0, 0] } },
    );
    expect(listed?.sides.map((s) => Math.sign(s))).toEqual([1, -1, 1]);
    // An inferred -0 is an integer (INT64 has no negative zero): sent as 0, by decision.
    const [inferred] = await bq.query<{ side: number }>('SELECT ATAN2(@z, -1) AS side', {
      params: { z: -0 },
    });
    expect(inferred?.side).toBeCloseTo(Math.PI, 12);
  });

  it('binds positional parameters and arrays in IN UNNEST', async () => {
    const rows = await bq.query<{ id: number }>(
      'SELECT id FROM ds.players WHERE team = ? AND id IN UNNEST(?) ORDER BY id',
      {
        params: ['BOS', [1, 4, 5, 7]],
      },
    );
    expect(rows.map((r) => r.id)).toEqual([1, 4, 7]);
  });

  it('reads every page: the first from jobs.query, the others from the job BigQuery created', async () => {
    const before = h.standIn.requests.length;
    const rows = await bq.query<{ id: number }>('SELECT id FROM ds.players ORDER BY id', { pageSize: 100 });
    expect(rows).toHaveLength(250);
    expect(rows.at(-1)?.id).toBe(249);
    const sent = h.standIn.requests.slice(before);
    expect(sent.map((r) => r.method)).toEqual(['POST', 'GET', 'GET']);
    expect(JOBS_QUERY.test(sent[0]!.path)).toBe(true);
    expect((sent[0]!.body as { maxResults?: number }).maxResults).toBe(100);
    const pages = sent.slice(1);
    expect(pages.every((p) => QUERY_RESULTS.test(p.path) && p.query.pageToken !== undefined)).toBe(true);
    expect(pages.map((p) => p.query.maxResults)).toEqual(['100', '100']);
  });

  it('returns DML affected-row counts', async () => {
    expect(
      await bq.update("UPDATE ds.players SET name = 'x' WHERE team = @t", { params: { t: 'NYK' } }),
    ).toBe(83);
    expect(await bq.update('DELETE FROM ds.players WHERE id >= @from', { params: { from: 240 } })).toBe(10);
    expect(await bq.update('DELETE FROM ds.players WHERE id < 0')).toBe(0);
  });

  it('dry-runs without running or reading results', async () => {
    const before = h.standIn.requests.length;
    const estimate = await bq.dryRun('SELECT name FROM ds.players WHERE team = @t', { params: { t: 'LAL' } });
    expect(estimate.totalBytesProcessed).toBeGreaterThan(0);
    expect(estimate.statementType).toBe('SELECT');
    expect(estimate.referencedTables).toEqual(['test-project.ds.players']);
    const sent = h.standIn.requests.slice(before);
    expect(sent.map((r) => r.method)).toEqual(['POST']);
    expect((sent[0]!.body as { configuration: { dryRun?: boolean } }).configuration.dryRun).toBe(true);
    expect(await bq.query('SELECT 1 AS x', { dryRun: true })).toEqual([]);
  });

  it('sends the byte cap and surfaces bytesBilledLimitExceeded after one attempt', async () => {
    const capped = h.executor({ maximumBytesBilled: 1 });
    const before = h.requests('POST', JOBS_QUERY).length;
    const err = await capped.query('SELECT * FROM ds.players').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).reasons).toContain('bytesBilledLimitExceeded');
    const sent = h.requests('POST', JOBS_QUERY).slice(before);
    expect(sent).toHaveLength(1);
    expect((sent[0]!.body as { maximumBytesBilled: string }).maximumBytesBilled).toBe('1');
    expect(capped.stats).toEqual({ calls: 1, attempts: 1, retries: 0 });
  });

  it('passes useQueryCache, labels and the job timeout through', async () => {
    const before = h.requests('POST', JOBS_QUERY).length;
    await bq.query('SELECT 1 AS x', { useCache: false, labels: { team: 'data' }, jobTimeoutMs: 30_000 });
    await bq.query('SELECT 2 AS x', { retry: { deadlineMs: 20_000 } });
    const [explicit, fromDeadline] = h.requests('POST', JOBS_QUERY).slice(before) as Array<{
      body: { useQueryCache: boolean; labels: Record<string, string>; jobTimeoutMs: string };
    }>;
    expect(explicit?.body.useQueryCache).toBe(false);
    expect(explicit?.body.labels).toEqual({ team: 'data' });
    expect(explicit?.body.jobTimeoutMs).toBe('30000');
    // A call's deadline bounds its job on BigQuery's side too.
    expect(fromDeadline?.body.jobTimeoutMs).toBe('20000');
  });

  it('runs a short query in one jobs.query request, as the raw client does, without a job', async () => {
    const before = h.standIn.requests.length;
    expect(await bq.query('SELECT 1 AS x')).toEqual([{ x: 1 }]);
    const sent = h.standIn.requests.slice(before);
    expect(sent).toHaveLength(1);
    const body = sent[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({
      query: 'SELECT 1 AS x',
      useLegacySql: false,
      formatOptions: { useInt64Timestamp: true },
      jobCreationMode: 'JOB_CREATION_OPTIONAL',
    });
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    // BigQuery's wait stays under the executor's per-request timeout (60 s by default).
    expect(body.timeoutMs).toBe(10_000);
  });

  it("runs a query as a job of the caller's id through jobs.insert, and a script as a job", async () => {
    const before = h.standIn.requests.length;
    expect(await bq.query('SELECT 3 AS x', { jobId: 'caller_job_1' })).toEqual([{ x: 3 }]);
    const sent = h.standIn.requests.slice(before);
    expect(
      sent.map(
        (r) =>
          `${r.method} ${INSERT_JOB.test(r.path) ? 'jobs.insert' : QUERY_RESULTS.test(r.path) ? 'getQueryResults' : r.path}`,
      ),
    ).toEqual(['POST jobs.insert', 'GET getQueryResults']);
    expect(jobIdOf(sent[0]!)).toBe('caller_job_1');
    const mark = h.standIn.requests.length;
    await bq.query('SELECT 4 AS x; SELECT 5 AS y').catch(() => undefined);
    expect(INSERT_JOB.test(h.standIn.requests[mark]!.path)).toBe(true);
  });

  it('refuses a parameter it cannot type before any request', async () => {
    const before = h.standIn.requests.length;
    await expect(bq.query('SELECT @x', { params: { x: { a: 1 } } })).rejects.toThrow(
      /Query parameter 'x' is an object/,
    );
    await expect(bq.query('SELECT @x', { params: { x: null } })).rejects.toBeInstanceOf(TypeError);
    expect(h.standIn.requests.length).toBe(before);
  });

  it('refuses an unfiltered scan of a guarded partitioned table before any request', async () => {
    const guarded = h.executor({ queryGuard: { partitionedTables: { 'ds.players': 'game_date' } } });
    const before = h.standIn.requests.length;
    const err = await guarded
      .query('SELECT * FROM `test-project.ds.players` WHERE team = @t', { params: { t: 'LAL' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryGuardError);
    expect(h.standIn.requests.length).toBe(before);
    const rows = await guarded.query('SELECT COUNT(*) AS n FROM ds.players WHERE game_date = @d', {
      params: { d: '2024-06-01' },
      types: { d: 'DATE' },
    });
    expect(rows).toEqual([{ n: 9 }]);
  });

  it('surfaces invalid SQL and a missing table as typed errors after one attempt', async () => {
    const fresh = h.executor();
    const bad = await fresh.query('SELEC 1').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    const missing = await fresh.query('SELECT * FROM ds.nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(fresh.stats).toEqual({ calls: 2, attempts: 2, retries: 0 });
  });

  it('never calls jobs.get on the happy path', async () => {
    const before = h.requests('GET', GET_JOB).length;
    await bq.query('SELECT 1 AS x');
    expect(h.requests('GET', GET_JOB).length).toBe(before);
  });
});
