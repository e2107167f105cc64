import type { BigQuery } from '@google-cloud/bigquery';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BigQueryStandIn } from '../../../../src/testing/bigquery/index.js';
import { failure, useStandIn } from './stand-in-fixture.js';

const fixture = useStandIn();
let s: BigQueryStandIn;
let bq: BigQuery;
const { since, arm } = fixture;
beforeAll(() => {
  ({ s, bq } = fixture);
});

describe('BigQuery stand-in driven by the real @google-cloud/bigquery client', () => {
  describe('queries', () => {
    it('binds every parameter kind and returns values in the wire format the client decodes', async () => {
      arm();
      const [rows] = await bq.query({
        query: `SELECT @i AS i, @f AS f, @s AS s, @b AS b, @ts AS ts, @d AS d, @n AS n, @bytes AS bytes,
                @arr AS arr, @st AS st, @nul AS nul, (SELECT COUNT(*) FROM ds.people WHERE id IN UNNEST(@ids)) AS matched`,
        params: {
          i: 42,
          f: 1.25,
          s: "it's @here `x`",
          b: true,
          ts: new Date('2024-03-04T05:06:07.891Z'),
          d: bq.date('2024-03-04'),
          n: '12.5',
          bytes: Buffer.from('hi'),
          arr: ['x', 'y'],
          st: { a: 1, b: 'z' },
          nul: null,
          ids: [1, 3, 99],
        },
        types: { n: 'NUMERIC', nul: 'STRING' },
      });
      const row = rows[0] as Record<string, unknown>;
      expect(row.i).toBe(42);
      expect(row.f).toBe(1.25);
      expect(row.s).toBe("it's @here `x`");
      expect(row.b).toBe(true);
      expect((row.ts as { value: string }).value).toBe('2024-03-04T05:06:07.891Z');
      expect((row.d as { value: string }).value).toBe('2024-03-04');
      expect(String(row.n)).toBe('12.5');
      expect(Buffer.isBuffer(row.bytes) && (row.bytes as Buffer).toString()).toBe('hi');
      expect(row.arr).toEqual(['x', 'y']);
      expect(row.st).toEqual({ a: 1, b: 'z' });
      expect(row.nul).toBeNull();
      expect(row.matched).toBe(2);
      const body = since()[0]!.body as { queryParameters: unknown[]; parameterMode: string };
      expect(body.parameterMode).toBe('named');
      expect(body.queryParameters).toHaveLength(12);
    });

    it('binds positional parameters and sends TIMESTAMP as int64 microseconds', async () => {
      const [rows] = await bq.query({
        query: 'SELECT id, joined FROM `test-project.ds.people` WHERE id = ? OR name = ? ORDER BY id',
        params: [1, 'bob'],
      });
      expect(rows.map((r) => r.id)).toEqual([1, 2]);
      const [raw] = await bq.query({
        query: 'SELECT joined FROM ds.people WHERE id = 1',
        skipParsing: true,
      } as never);
      expect(raw).toEqual([{ f: [{ v: '1704067200123456' }] }]);
    });

    it('pages with maxResults and pageToken', async () => {
      arm();
      const [rows] = await bq.query({ query: 'SELECT id FROM ds.people ORDER BY id', maxResults: 2 });
      expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
      const log = since();
      // jobs.query carried maxResults=2; the client follows the pageToken once and, with no
      // maxResults on that call, receives the remaining three rows.
      expect(log.map((r) => r.method)).toEqual(['POST', 'GET']);
      expect((log[0]!.body as { maxResults: number }).maxResults).toBe(2);
      expect(log[1]!.query.pageToken).toBeTruthy();
      const [job] = await bq.createQueryJob({ query: 'SELECT id FROM ds.people ORDER BY id' });
      const [page1, next1] = await job.getQueryResults({ maxResults: 2, autoPaginate: false });
      expect(page1.map((r) => r.id)).toEqual([1, 2]);
      const [page2, next2] = await job.getQueryResults({ ...next1, autoPaginate: false });
      expect(page2.map((r) => r.id)).toEqual([3, 4]);
      const [page3, next3] = await job.getQueryResults({ ...next2, autoPaginate: false });
      expect(page3.map((r) => r.id)).toEqual([5]);
      expect(next3).toBeNull();
    });

    it('reports jobComplete:false for a slow job and the client polls getQueryResults', async () => {
      const rule = s.faults.add({ path: /\/queries$/, pendingPolls: 2 });
      arm();
      const [rows] = await bq.query('SELECT COUNT(*) AS n FROM ds.people');
      expect(rows).toEqual([{ n: 5 }]);
      const log = since();
      const jobId = (log[1]!.path.split('/').pop() ?? '') as string;
      expect(
        log.map((r) => `${r.method} ${r.path.replace('/bigquery/v2/projects/test-project', '')}`),
      ).toEqual(['POST /queries', `GET /queries/${jobId}`, `GET /queries/${jobId}`]);
      expect(log[0]!.fault).toBe(rule.id);
    });

    it('createQueryJob + getQueryResults, and a reused job id is a 409 duplicate', async () => {
      const [job] = await bq.createQueryJob({
        query: 'SELECT name FROM ds.people WHERE id = @id',
        params: { id: 2 },
        jobId: 'job-fixed-1',
      });
      const [rows] = await job.getQueryResults();
      expect(rows).toEqual([{ name: 'bob' }]);
      const [meta] = await job.getMetadata();
      expect(meta.status.state).toBe('DONE');
      expect(meta.statistics.query.statementType).toBe('SELECT');
      const err = await failure(bq.createQueryJob({ query: 'SELECT 1', jobId: 'job-fixed-1' }));
      expect(err.code).toBe(409);
      expect(err.errors?.[0]?.reason).toBe('duplicate');
    });

    it('returns numDmlAffectedRows for INSERT, UPDATE, DELETE and MERGE', async () => {
      await s.run('CREATE TABLE ds.dml (id INT64, v STRING)');
      const affected = async (sql: string) => {
        const [job] = await bq.createQueryJob({ query: sql });
        const [meta] = await job.getMetadata();
        return Number(meta.statistics.query.numDmlAffectedRows);
      };
      expect(await affected("INSERT ds.dml (id, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')")).toBe(3);
      expect(await affected("UPDATE ds.dml SET v = 'z' WHERE id >= 2")).toBe(2);
      expect(await affected('DELETE ds.dml WHERE id = 1')).toBe(1);
      expect(
        await affected(
          "MERGE ds.dml T USING (SELECT 3 AS id, 'm' AS v UNION ALL SELECT 4, 'n') S ON T.id = S.id WHEN MATCHED THEN UPDATE SET v = S.v WHEN NOT MATCHED THEN INSERT (id, v) VALUES (S.id, S.v)",
        ),
      ).toBe(2);
      const [, , resp] = (await bq.query("UPDATE ds.dml SET v = 'q' WHERE TRUE")) as unknown as [
        unknown,
        unknown,
        { numDmlAffectedRows: string },
      ];
      expect(resp.numDmlAffectedRows).toBe('3');
      expect(await s.run('SELECT id, v FROM ds.dml ORDER BY id')).toEqual([
        { id: 2, v: 'q' },
        { id: 3, v: 'q' },
        { id: 4, v: 'q' },
      ]);
      const err = await failure(bq.query('DELETE ds.dml'));
      expect(err.code).toBe(400);
      expect(err.message).toMatch(/DELETE must have a WHERE clause/);
    });

    it('dry runs report the deterministic bytes estimate and change nothing', async () => {
      const [job] = await bq.createQueryJob({ query: 'DELETE ds.people WHERE TRUE', dryRun: true });
      const stats = job.metadata.statistics;
      // 5 ids (8) + names 'ann','bob','cy@example.com','dee','eve' (2 + bytes) + 4 scores (8)
      // + 4 timestamps (8) + tags as text ("[a, b]", "[]", "[c]", "[]", "[]") (2 + length).
      const names = [3, 3, 14, 3, 3].reduce((a, n) => a + n + 2, 0);
      const tags = ['[a, b]', '[]', '[c]', '[]', '[]'].reduce((a, t) => a + t.length + 2, 0);
      expect(Number(stats.totalBytesProcessed)).toBe(5 * 8 + names + 4 * 8 + 4 * 8 + tags);
      expect(stats.query.totalBytesBilled).toBe('0');
      expect(stats.query.statementType).toBe('DELETE');
      expect(await s.run('SELECT COUNT(*) AS n FROM ds.people')).toEqual([{ n: 5 }]);
    });

    it('refuses a query whose bytes billed exceed maximumBytesBilled (10 MiB minimum per table)', async () => {
      const err = await failure(bq.query({ query: 'SELECT * FROM ds.people', maximumBytesBilled: '1000' }));
      expect(err.code).toBe(400);
      expect(err.errors?.[0]?.reason).toBe('bytesBilledLimitExceeded');
      expect(err.message).toBe('Query exceeded limit for bytes billed: 1000. 10485760 or higher required.');
      const [rows] = await bq.query({
        query: 'SELECT COUNT(*) AS n FROM ds.people',
        maximumBytesBilled: String(10 * 1024 * 1024),
      });
      expect(rows).toEqual([{ n: 5 }]);
      const [noScan] = await bq.query({ query: 'SELECT 1 AS one', maximumBytesBilled: '1' });
      expect(noScan).toEqual([{ one: 1 }]);
    });

    it('answers Google-shaped errors for unknown tables and bad SQL', async () => {
      arm();
      const missing = await failure(bq.query('SELECT * FROM ds.nope'));
      expect(missing.code).toBe(404);
      expect(missing.errors?.[0]).toMatchObject({ reason: 'notFound', domain: 'global' });
      expect(missing.message).toMatch(/^Not found: Table test-project:ds\.nope/);
      const bad = await failure(bq.query('SELECT nope FROM ds.people'));
      expect(bad.code).toBe(400);
      expect(bad.errors?.[0]).toMatchObject({ reason: 'invalidQuery', message: 'Unrecognized name: nope' });
      const unsupported = await failure(bq.query('SELECT @@row_count'));
      expect(unsupported.errors?.[0]?.reason).toBe('invalidQuery');
      expect(unsupported.message).toMatch(/system variable @@row_count/);
      expect(since().map((r) => r.status)).toEqual([404, 400, 400]);
    });
  });
});
