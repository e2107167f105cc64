import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';

type PartialFailureLike<R = unknown> = {
  name: string;
  errors: Array<{ row: R; errors: Array<{ reason: string; message: string }> }>;
};
type ApiErrorLike = { code?: number; message: string; errors?: Array<{ reason?: string; message?: string }> };

async function failure(
  p: Promise<unknown>,
): Promise<ApiErrorLike & { name?: string; response?: { headers?: unknown } }> {
  try {
    await p;
  } catch (err) {
    return err as ApiErrorLike;
  }
  throw new Error('expected the call to fail');
}

describe('BigQuery stand-in driven by the real @google-cloud/bigquery client', () => {
  let s: BigQueryStandIn;
  let bq: BigQuery;
  let mark = 0;
  const since = () => s.requests.slice(mark);

  beforeAll(async () => {
    s = await startBigQueryStandIn({ projectId: 'test-project' });
    bq = s.client({ autoRetry: false });
    await bq.createDataset('ds');
    await bq.dataset('ds').createTable('people', {
      schema: [
        { name: 'id', type: 'INT64', mode: 'REQUIRED' },
        { name: 'name', type: 'STRING' },
        { name: 'score', type: 'FLOAT64' },
        { name: 'joined', type: 'TIMESTAMP' },
        { name: 'tags', type: 'STRING', mode: 'REPEATED' },
      ],
    });
    await s.run(`INSERT ds.people (id, name, score, joined, tags) VALUES
      (1, 'ann', 1.5, TIMESTAMP '2024-01-01 00:00:00.123456 UTC', ['a', 'b']),
      (2, 'bob', 2.5, TIMESTAMP '2024-02-01 00:00:00 UTC', []),
      (3, 'cy@example.com', NULL, NULL, ['c']),
      (4, 'dee', 4.0, TIMESTAMP '2024-04-01 00:00:00 UTC', []),
      (5, 'eve', 5.0, TIMESTAMP '2024-05-01 00:00:00 UTC', [])`);
  });
  afterAll(() => s.close());
  afterEach(() => {
    s.faults.clear();
  });
  const arm = () => {
    mark = s.requests.length;
  };

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

  describe('translated GoogleSQL runs on DuckDB with BigQuery results', () => {
    it.each([
      ["SELECT DATE_SUB(DATE '2024-03-01', INTERVAL 1 DAY) AS v", '2024-02-29'],
      ["SELECT DATE_ADD(DATE '2024-01-31', INTERVAL 1 MONTH) AS v", '2024-02-29'],
      [
        "SELECT TIMESTAMP_SUB(TIMESTAMP '2024-01-01 00:00:00 UTC', INTERVAL 90 MINUTE) AS v",
        new Date('2023-12-31T22:30:00Z'),
      ],
      [
        "SELECT TIMESTAMP_ADD(TIMESTAMP '2024-01-01 00:00:00+02', INTERVAL 1 HOUR) AS v",
        new Date('2023-12-31T23:00:00Z'),
      ],
      [
        "SELECT TIMESTAMP_DIFF(TIMESTAMP '2024-01-02 00:00:00 UTC', TIMESTAMP '2024-01-01 12:00:00 UTC', HOUR) AS v",
        12,
      ],
      ["SELECT DATE_DIFF(DATE '2024-03-01', DATE '2024-02-01', DAY) AS v", 29],
      ["SELECT DATE_TRUNC(DATE '2024-03-17', MONTH) AS v", '2024-03-01'],
      ["SELECT SAFE_CAST('x1' AS INT64) AS v", null],
      ["SELECT CAST('7' AS INT64) + 1 AS v", 8],
      ['SELECT SAFE_DIVIDE(1, 0) AS v', null],
      ['SELECT DIV(7, 2) AS v', 3],
      ['SELECT COUNTIF(x > 1) AS v FROM UNNEST([1, 2, 3]) AS x', 2],
      ['SELECT IFNULL(NULL, 5) AS v', 5],
      ['SELECT ARRAY_LENGTH([1, 2, 3]) AS v', 3],
      ['SELECT SUM(x * o) AS v FROM UNNEST([10, 20, 30]) AS x WITH OFFSET AS o', 80],
      ["SELECT STRUCT(1 AS a, 'x' AS b) AS v", { a: 1, b: 'x' }],
      ['SELECT ARRAY<INT64>[1, 2] AS v', [1, 2]],
      ["SELECT FORMAT_TIMESTAMP('%Y-%m', TIMESTAMP '2024-05-06 00:00:00 UTC') AS v", '2024-05'],
      ["SELECT UNIX_MICROS(TIMESTAMP '1970-01-01 00:00:01 UTC') AS v", 1_000_000],
      ['SELECT TIMESTAMP_MICROS(1500000) AS v', new Date(1500)],
      ["SELECT REGEXP_CONTAINS('abc', r'^a') AS v", true],
      ['SELECT CAST(1.5 AS NUMERIC) * 2 AS v', '3'],
      ['SELECT LOGICAL_AND(x) AS v FROM UNNEST([TRUE, FALSE]) AS x', false],
      ["SELECT * EXCEPT (a) FROM (SELECT 1 AS a, 'kept' AS v)", 'kept'],
      ['SELECT CURRENT_DATE() = DATE(CURRENT_TIMESTAMP()) AS v', true],
    ])('%s', async (sql, expected) => {
      const [row] = await s.run(sql);
      expect(row?.v).toEqual(expected);
    });
  });

  describe('tables and datasets', () => {
    it('creates, reads and deletes datasets and tables with modes, partitioning and clustering', async () => {
      await bq.createDataset('life');
      const [table] = await bq.dataset('life').createTable('events', {
        schema: [
          { name: 'id', type: 'INTEGER', mode: 'REQUIRED' },
          { name: 'ts', type: 'TIMESTAMP' },
          { name: 'attrs', type: 'RECORD', fields: [{ name: 'k', type: 'STRING' }] },
        ],
        timePartitioning: { type: 'DAY', field: 'ts' },
        clustering: { fields: ['id'] },
      });
      const [meta] = await table.getMetadata();
      expect(meta.schema.fields.map((f: { name: string; mode: string }) => `${f.name}:${f.mode}`)).toEqual([
        'id:REQUIRED',
        'ts:NULLABLE',
        'attrs:NULLABLE',
      ]);
      expect(meta.timePartitioning).toEqual({ type: 'DAY', field: 'ts' });
      expect(meta.clustering).toEqual({ fields: ['id'] });
      const dup = await failure(bq.dataset('life').createTable('events', { schema: 'id:INTEGER' }));
      expect(dup.code).toBe(409);
      expect(dup.errors?.[0]?.reason).toBe('duplicate');
      const inUse = await failure(bq.dataset('life').delete());
      expect(inUse.code).toBe(400);
      expect(inUse.errors?.[0]?.reason).toBe('resourceInUse');
      await table.delete();
      expect((await table.exists())[0]).toBe(false);
      const gone = await failure(table.getMetadata());
      expect(gone.code).toBe(404);
      expect(gone.message).toBe('Not found: Table test-project:life.events');
      await bq.dataset('life').delete({ force: true });
      expect((await bq.dataset('life').exists())[0]).toBe(false);
    });

    it('patches table metadata: description, an added column, REQUIRED relaxed; refuses a new REQUIRED column', async () => {
      const [table] = await bq.dataset('ds').createTable('patched', {
        schema: [{ name: 'id', type: 'INTEGER', mode: 'REQUIRED' }],
      });
      await table.setMetadata({
        description: 'after',
        schema: [
          { name: 'id', type: 'INTEGER', mode: 'NULLABLE' },
          { name: 'extra', type: 'STRING' },
        ],
      });
      const [meta] = await table.getMetadata();
      expect(meta.description).toBe('after');
      expect(meta.schema.fields.map((f: { name: string; mode: string }) => `${f.name}:${f.mode}`)).toEqual([
        'id:NULLABLE',
        'extra:NULLABLE',
      ]);
      await table.insert([{ extra: 'x' }], { partialRetries: 0 });
      expect(await s.run('SELECT id, extra FROM ds.patched')).toEqual([{ id: null, extra: 'x' }]);
      const refused = await failure(
        table.setMetadata({
          schema: [...meta.schema.fields, { name: 'must', type: 'STRING', mode: 'REQUIRED' }],
        }),
      );
      expect(refused.code).toBe(400);
      expect(refused.errors?.[0]?.reason).toBe('invalid');
    });

    it('accepts resumable uploads (POST metadata, PUT data) as well as multipart ones', async () => {
      const start = await fetch(
        `${s.endpoint}/upload/bigquery/v2/projects/test-project/jobs?uploadType=resumable`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            configuration: {
              load: {
                destinationTable: { projectId: 'test-project', datasetId: 'ds', tableId: 'resumable' },
                sourceFormat: 'NEWLINE_DELIMITED_JSON',
                schema: { fields: [{ name: 'id', type: 'INTEGER' }] },
              },
            },
            jobReference: { jobId: 'resumable-1' },
          }),
        },
      );
      const session = start.headers.get('location');
      expect(session).toMatch(/upload_id=/);
      const put = await fetch(session!, { method: 'PUT', body: '{"id":7}\n{"id":8}\n' });
      const job = (await put.json()) as {
        status: { state: string };
        statistics: { load: { outputRows: string } };
      };
      expect(job.status.state).toBe('DONE');
      expect(job.statistics.load.outputRows).toBe('2');
      expect(await s.run('SELECT SUM(id) AS total FROM ds.resumable')).toEqual([{ total: 15 }]);
    });

    it('records PARTITION BY / CLUSTER BY / OPTIONS of CREATE TABLE in the table metadata', async () => {
      await bq.query(`CREATE TABLE IF NOT EXISTS \`test-project.ds.parts\` (
          id INT64 NOT NULL, ts TIMESTAMP, note STRING OPTIONS(description = 'free text'))
        PARTITION BY DATE(ts) CLUSTER BY id OPTIONS(description = 'partitioned', require_partition_filter = true)`);
      const [meta] = await bq.dataset('ds').table('parts').getMetadata();
      expect(meta.timePartitioning).toEqual({ type: 'DAY', field: 'ts' });
      expect(meta.clustering).toEqual({ fields: ['id'] });
      expect(meta.description).toBe('partitioned');
      expect(meta.requirePartitionFilter).toBe(true);
      expect(meta.schema.fields[0]).toMatchObject({ name: 'id', type: 'INTEGER', mode: 'REQUIRED' });
      const [job] = await bq.createQueryJob({ query: 'CREATE TABLE IF NOT EXISTS ds.parts (x INT64)' });
      expect((await job.getMetadata())[0].statistics.query.ddlOperationPerformed).toBe('SKIP');
    });
  });

  describe('streaming inserts', () => {
    it('applies a row once per insertId and lists rows with tabledata.list', async () => {
      await bq.dataset('ds').createTable('stream', { schema: 'id:INTEGER,name:STRING' });
      const table = bq.dataset('ds').table('stream');
      const rows = [
        { insertId: 'r1', json: { id: 1, name: 'a' } },
        { insertId: 'r2', json: { id: 2, name: 'b' } },
        { insertId: 'r1', json: { id: 1, name: 'a' } },
      ];
      await table.insert(rows, { raw: true, partialRetries: 0 });
      await table.insert(rows.slice(0, 2), { raw: true, partialRetries: 0 });
      const [listed] = await table.getRows();
      expect(listed).toEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ]);
      const [meta] = await table.getMetadata();
      expect(meta.numRows).toBe('2');
      expect(meta.streamingBuffer.estimatedRows).toBe('2');
    });

    it('rejects a batch with an invalid row: invalid for it, stopped for the others, nothing applied', async () => {
      await bq.dataset('ds').createTable('strict', { schema: 'id:INTEGER,name:STRING' });
      const table = bq.dataset('ds').table('strict');
      const err = (await failure(
        table.insert([{ id: 1 }, { id: 'x' }, { id: 3, nme: 'typo' }], { partialRetries: 0 }),
      )) as unknown as PartialFailureLike;
      expect(err.name).toBe('PartialFailureError');
      expect(err.errors.map((e) => e.errors.map((x) => x.reason).join())).toEqual([
        'stopped',
        'invalid',
        'invalid',
      ]);
      expect(err.errors[2]!.errors[0]!.message).toBe('no such field: nme.');
      expect(await s.run('SELECT COUNT(*) AS n FROM ds.strict')).toEqual([{ n: 0 }]);
      await failure(table.insert([{ id: 1 }, { id: 'x' }], { partialRetries: 0, skipInvalidRows: true }));
      expect(await s.run('SELECT id FROM ds.strict')).toEqual([{ id: 1 }]);
    });
  });

  describe('load jobs from NDJSON uploads', () => {
    it('loads through createWriteStream (multipart upload) and through table.load(file)', async () => {
      const table = bq.dataset('ds').table('loaded');
      arm();
      const stream = table.createWriteStream({
        sourceFormat: 'NEWLINE_DELIMITED_JSON',
        schema: {
          fields: [
            { name: 'id', type: 'INTEGER' },
            { name: 'tags', type: 'STRING', mode: 'REPEATED' },
          ],
        },
      });
      const done = new Promise<void>((resolve, reject) => {
        stream.on('complete', () => resolve());
        stream.on('error', reject);
      });
      stream.end('{"id":1,"tags":["a"]}\n{"id":2,"tags":[]}\n');
      await done;
      const upload = since().find((r) => r.path.startsWith('/upload/'))!;
      expect(upload.query.uploadType).toBe('multipart');
      expect((upload.body as { data: string }).data).toContain('{"id":1');
      const dir = await mkdtemp(join(tmpdir(), 'bq-stand-in-'));
      try {
        const file = join(dir, 'rows.json');
        await writeFile(file, '{"id":3,"tags":["x","y"]}\n');
        const [job] = await table.load(file, { sourceFormat: 'NEWLINE_DELIMITED_JSON' });
        expect(job.status?.state).toBe('DONE');
        expect(job.statistics?.load?.outputRows).toBe('1');
        const bad = join(dir, 'bad.json');
        await writeFile(bad, '{"id":4}\n{"id":"four"}\n');
        const err = await failure(table.load(bad, { sourceFormat: 'NEWLINE_DELIMITED_JSON' }));
        expect(err.errors?.[0]?.reason).toBe('invalid');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      expect(await s.run('SELECT id, tags FROM ds.loaded ORDER BY id')).toEqual([
        { id: 1, tags: ['a'] },
        { id: 2, tags: [] },
        { id: 3, tags: ['x', 'y'] },
      ]);
    });
  });

  describe('fault plan', () => {
    it('error: a Google error body with Retry-After, exactly one request, nothing applied', async () => {
      const rule = s.faults.add({
        path: /\/insertAll$/,
        times: 1,
        error: { status: 503, reason: 'backendError', retryAfterSeconds: 7 },
      });
      arm();
      const err = (await failure(
        bq
          .dataset('ds')
          .table('stream')
          .insert([{ id: 9 }], { partialRetries: 0 }),
      )) as ApiErrorLike & {
        response: { headers: Record<string, string> };
      };
      expect(err.code).toBe(503);
      expect(err.errors?.[0]).toMatchObject({ reason: 'backendError', domain: 'global' });
      expect(err.response.headers['retry-after']).toBe('7');
      expect(since()).toHaveLength(1);
      expect(since()[0]).toMatchObject({ fault: rule.id, status: 503 });
      expect(rule.hits).toBe(1);
      expect(await s.run('SELECT COUNT(*) AS n FROM ds.stream WHERE id = 9')).toEqual([{ n: 0 }]);
    });

    it('reset: true loses the request; reset: "after" applies it and loses the answer', async () => {
      await bq.dataset('ds').createTable('resets', { schema: 'id:INTEGER' });
      const table = bq.dataset('ds').table('resets');
      s.faults.add({ path: /\/resets\/insertAll$/, times: 1, reset: true });
      const before = (await failure(
        table.insert([{ insertId: 'a', json: { id: 1 } }], { raw: true, partialRetries: 0 }),
      )) as ApiErrorLike & {
        code?: unknown;
      };
      expect(String((before as { code?: unknown }).code ?? before.message)).toMatch(
        /ECONNRESET|socket hang up/,
      );
      expect(await s.run('SELECT COUNT(*) AS n FROM ds.resets')).toEqual([{ n: 0 }]);
      s.faults.add({ path: /\/resets\/insertAll$/, times: 1, reset: 'after' });
      await failure(table.insert([{ insertId: 'a', json: { id: 1 } }], { raw: true, partialRetries: 0 }));
      expect(await s.run('SELECT COUNT(*) AS n FROM ds.resets')).toEqual([{ n: 1 }]);
      await table.insert([{ insertId: 'a', json: { id: 1 } }], { raw: true, partialRetries: 0 });
      expect(await s.run('SELECT COUNT(*) AS n FROM ds.resets')).toEqual([{ n: 1 }]);
    });

    it('delayMs answers normally after the delay', async () => {
      const rule = s.faults.add({ method: 'POST', path: '/queries', times: 1, delayMs: 30 });
      arm();
      const [rows] = await bq.query('SELECT 1 AS one');
      expect(rows).toEqual([{ one: 1 }]);
      expect(since()[0]).toMatchObject({ fault: rule.id, status: 200 });
    });

    it('jobError fails the job: jobs.query answers the HTTP error, jobs.insert the DONE job with errorResult', async () => {
      s.faults.add({
        sql: /FROM ds\.people/,
        times: 2,
        jobError: { reason: 'jobBackendError', message: 'boom' },
      });
      const viaQuery = await failure(bq.query('SELECT id FROM ds.people'));
      expect(viaQuery.code).toBe(400);
      expect(viaQuery.errors?.[0]).toMatchObject({ reason: 'jobBackendError', message: 'boom' });
      const viaJob = await failure(
        bq.createQueryJob({ query: 'SELECT id FROM ds.people', jobId: 'failing-job' }),
      );
      expect(viaJob.errors?.[0]?.reason).toBe('jobBackendError');
      const [meta] = await bq.job('failing-job').getMetadata();
      expect(meta.status).toMatchObject({
        state: 'DONE',
        errorResult: { reason: 'jobBackendError', message: 'boom' },
      });
      const results = await failure(bq.job('failing-job', { location: 'US' }).getQueryResults());
      expect(results.code).toBe(400);
      const [ok] = await bq.query('SELECT COUNT(*) AS n FROM ds.people');
      expect(ok).toEqual([{ n: 5 }]);
    });

    it('insertErrors: invalid for the listed rows, stopped for the others, none applied', async () => {
      s.faults.add({ path: /\/stream\/insertAll$/, times: 1, insertErrors: { invalid: [1] } });
      const err = (await failure(
        bq
          .dataset('ds')
          .table('stream')
          .insert([{ id: 10 }, { id: 11 }, { id: 12 }], { partialRetries: 0 }),
      )) as unknown as PartialFailureLike<{ id: number }>;
      expect(err.errors.map((e) => [e.row.id, e.errors[0]!.reason])).toEqual([
        [10, 'stopped'],
        [11, 'invalid'],
        [12, 'stopped'],
      ]);
      expect(await s.run('SELECT COUNT(*) AS n FROM ds.stream WHERE id >= 10')).toEqual([{ n: 0 }]);
    });

    it('rate with a seed acts on the same requests every run', async () => {
      const pattern = async () => {
        s.faults.clear();
        s.faults.add({
          path: '/queries',
          rate: 0.5,
          seed: 7,
          error: { status: 500, reason: 'backendError' },
        });
        const out: boolean[] = [];
        for (let i = 0; i < 8; i++)
          out.push(
            await bq.query('SELECT 1 AS x').then(
              () => true,
              () => false,
            ),
          );
        return out;
      };
      const first = await pattern();
      expect(first).toEqual(await pattern());
      expect(first.filter((ok) => !ok).length).toBeGreaterThan(0);
      expect(first.filter((ok) => ok).length).toBeGreaterThan(0);
    });

    it('jobs.cancel stops a running job', async () => {
      s.faults.add({ path: /\/jobs$/, pendingPolls: 5 });
      const [job] = await bq.createQueryJob({
        query: "UPDATE ds.people SET name = 'x' WHERE TRUE",
        jobId: 'slow-job',
      });
      expect(job.metadata.status.state).toBe('RUNNING');
      const [cancelled] = (await job.cancel()) as unknown as [
        { job: { status: { state: string; errorResult: { reason: string } } } },
      ];
      expect(cancelled.job.status).toMatchObject({ state: 'DONE', errorResult: { reason: 'stopped' } });
      expect(await s.run("SELECT COUNT(*) AS n FROM ds.people WHERE name = 'x'")).toEqual([{ n: 0 }]);
    });

    it('hang never answers, and close() still ends the socket', async () => {
      const other = await startBigQueryStandIn();
      const client = other.client({ autoRetry: false });
      other.faults.add({ hang: true });
      const pending = client.getDatasets().then(
        () => 'answered',
        () => 'failed',
      );
      while (other.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      const settled = await Promise.race([pending, new Promise((r) => setTimeout(() => r('pending'), 50))]);
      expect(settled).toBe('pending');
      expect(other.requests[0]!.status).toBeUndefined();
      await other.close();
      expect(await pending).toBe('failed');
    });
  });
});
