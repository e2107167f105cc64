import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BigQuery } from '@google-cloud/bigquery';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadStorageModule } from '../../../../src/bigquery/storage-write/client.js';
import { encodeRow } from '../../../../src/bigquery/storage-write/encode.js';
import { compileSchema } from '../../../../src/bigquery/storage-write/schema.js';
import type { BigQueryStandIn } from '../../../../src/testing/bigquery/index.js';
import { failure, type PartialFailureLike, useStandIn } from './stand-in-fixture.js';

const fixture = useStandIn();
let s: BigQueryStandIn;
let bq: BigQuery;
let tableNo = 0;
beforeAll(() => {
  ({ s, bq } = fixture);
});

/** A new table `ds.pN` from DDL, so tests do not share rows. */
async function ddlTable(columns: string): Promise<string> {
  const name = `p${++tableNo}`;
  await s.run(`CREATE TABLE ds.${name} (${columns})`);
  return name;
}

/** A new table `ds.pN` created through the client's createTable with REST field parameters. */
async function apiTable(fields: Array<Record<string, unknown>>): Promise<string> {
  const name = `p${++tableNo}`;
  await bq.dataset('ds').createTable(name, { schema: fields as never });
  return name;
}

async function rowsOf(table: string, order = 'id'): Promise<unknown[]> {
  return s.run(`SELECT * FROM ds.${table} ORDER BY ${order}`);
}

describe('parameterized types in the BigQuery stand-in, through the real client', () => {
  describe('schemas keep their parameters', () => {
    it('DDL STRING(L), BYTES(L), NUMERIC(P, S), BIGNUMERIC(P, S), nested and added columns come back from tables.get', async () => {
      const table = await ddlTable(
        's STRING(10), b BYTES(4), n NUMERIC(5, 2), p NUMERIC(7), bn BIGNUMERIC(20, 3), st STRUCT<x STRING(2)>, arr ARRAY<NUMERIC(4, 1)>',
      );
      await s.run(`ALTER TABLE ds.${table} ADD COLUMN extra STRING(5)`);
      const [meta] = await bq.dataset('ds').table(table).getMetadata();
      const fields = meta.schema.fields as Array<Record<string, unknown>>;
      const pick = (f: Record<string, unknown>) => ({
        name: f.name,
        maxLength: f.maxLength,
        precision: f.precision,
        scale: f.scale,
      });
      expect(fields.map(pick)).toEqual([
        { name: 's', maxLength: '10', precision: undefined, scale: undefined },
        { name: 'b', maxLength: '4', precision: undefined, scale: undefined },
        { name: 'n', maxLength: undefined, precision: '5', scale: '2' },
        { name: 'p', maxLength: undefined, precision: '7', scale: undefined },
        { name: 'bn', maxLength: undefined, precision: '20', scale: '3' },
        { name: 'st', maxLength: undefined, precision: undefined, scale: undefined },
        { name: 'arr', maxLength: undefined, precision: '4', scale: '1' },
        { name: 'extra', maxLength: '5', precision: undefined, scale: undefined },
      ]);
      expect((fields[5]!.fields as Array<Record<string, unknown>>)[0]?.maxLength).toBe('2');
    });

    it('createTable keeps maxLength, precision and scale as int64 strings, and refuses parameters BigQuery refuses', async () => {
      const table = await apiTable([
        { name: 's', type: 'STRING', maxLength: 3 },
        { name: 'n', type: 'NUMERIC', precision: '5', scale: '2' },
      ]);
      const [meta] = await bq.dataset('ds').table(table).getMetadata();
      expect(meta.schema.fields).toMatchObject([
        { name: 's', type: 'STRING', maxLength: '3' },
        { name: 'n', type: 'NUMERIC', precision: '5', scale: '2' },
      ]);
      for (const bad of [
        { name: 'n', type: 'NUMERIC', precision: '40', scale: '2' },
        { name: 'n', type: 'NUMERIC', precision: '5', scale: '10' },
        { name: 'i', type: 'INT64', maxLength: '4' },
        { name: 's', type: 'STRING', maxLength: '0' },
        { name: 's', type: 'STRING', precision: '4' },
      ]) {
        const err = await failure(
          bq.dataset('ds').createTable(`bad${++tableNo}`, { schema: [bad] as never }),
        );
        expect(err.code).toBe(400);
        expect(err.errors?.[0]?.reason).toBe('invalid');
        expect(err.message).toContain(bad.name);
      }
      const ddl = await failure(bq.query('CREATE TABLE ds.bad_ddl (n NUMERIC(40, 2))'));
      expect(ddl.errors?.[0]?.reason).toBe('invalidQuery');
      expect(await bq.dataset('ds').table('bad_ddl').exists()).toEqual([false]);
    });
  });

  describe('insertAll', () => {
    it('a STRING(L) value longer than L characters is invalid, the request applies nothing, the other rows are stopped', async () => {
      const table = await apiTable([
        { name: 'id', type: 'INT64' },
        { name: 's', type: 'STRING', maxLength: '3' },
      ]);
      const err = (await failure(
        bq
          .dataset('ds')
          .table(table)
          .insert([
            { id: 1, s: 'abcd' },
            { id: 2, s: 'ééé' },
          ]),
      )) as unknown as PartialFailureLike<{ id: number }>;
      expect(err.name).toBe('PartialFailureError');
      const byId = new Map(err.errors.map((e) => [e.row.id, e.errors[0]]));
      expect(byId.get(1)?.reason).toBe('invalid');
      expect(byId.get(1)?.message).toContain('STRING(3) has maximum length 3 but got a value with length 4');
      expect(byId.get(2)?.reason).toBe('stopped');
      expect(await rowsOf(table)).toEqual([]);
      // Three characters of two UTF-8 bytes each fit STRING(3): the limit counts characters.
      await bq
        .dataset('ds')
        .table(table)
        .insert([{ id: 2, s: 'ééé' }]);
      expect(await rowsOf(table)).toEqual([{ id: 2, s: 'ééé' }]);
    });

    it('skipInvalidRows applies the rows that fit and reports the ones that do not (BYTES(L) counts bytes)', async () => {
      const table = await ddlTable('id INT64, b BYTES(2)');
      const err = (await failure(
        bq
          .dataset('ds')
          .table(table)
          .insert(
            [
              { id: 1, b: Buffer.from([1, 2, 3]).toString('base64') },
              { id: 2, b: Buffer.from([1, 2]).toString('base64') },
            ],
            { skipInvalidRows: true },
          ),
      )) as unknown as PartialFailureLike<{ id: number }>;
      expect(err.errors.map((e) => [e.row.id, e.errors[0]?.reason])).toEqual([[1, 'invalid']]);
      expect(err.errors[0]?.errors[0]?.message).toContain(
        'BYTES(2) has maximum length 2 but got a value with length 3',
      );
      expect(await rowsOf(table)).toEqual([{ id: 2, b: Buffer.from([1, 2]) }]);
    });

    it('NUMERIC(P, S) rounds to S digits half away from zero and refuses more than P - S integer digits', async () => {
      const table = await ddlTable('id INT64, n NUMERIC(5, 2), p NUMERIC(3)');
      await bq
        .dataset('ds')
        .table(table)
        .insert([
          { id: 1, n: '1.125', p: '2.5' },
          { id: 2, n: '-1.125', p: '-2.5' },
          { id: 3, n: '999.994', p: 999 },
          { id: 4, n: 12.5e-3, p: '1.5e2' },
        ]);
      expect(await rowsOf(table)).toEqual([
        { id: 1, n: '1.13', p: '3' },
        { id: 2, n: '-1.13', p: '-3' },
        { id: 3, n: '999.99', p: '999' },
        { id: 4, n: '0.01', p: '150' },
      ]);
      for (const row of [
        { id: 5, n: '999.995' },
        { id: 6, n: '1000' },
        { id: 7, p: '999.5' },
      ]) {
        const err = (await failure(
          bq.dataset('ds').table(table).insert([row]),
        )) as unknown as PartialFailureLike;
        expect(err.errors[0]?.errors[0]?.reason).toBe('invalid');
        expect(err.errors[0]?.errors[0]?.message).toMatch(/NUMERIC\((5, 2|3, 0)\) does not fit value/);
      }
      expect(await s.run(`SELECT COUNT(*) AS n FROM ds.${table}`)).toEqual([{ n: 4 }]);
    });

    it('roundingMode ROUND_HALF_EVEN from createTable rounds ties to even; BIGNUMERIC(P, S) is enforced too', async () => {
      const table = await apiTable([
        { name: 'id', type: 'INT64' },
        { name: 'n', type: 'NUMERIC', precision: '2', scale: '0', roundingMode: 'ROUND_HALF_EVEN' },
        { name: 'bn', type: 'BIGNUMERIC', precision: '4', scale: '1' },
      ]);
      await bq
        .dataset('ds')
        .table(table)
        .insert([
          { id: 1, n: '2.5', bn: '1.25' },
          { id: 2, n: '3.5', bn: '-1.25' },
        ]);
      expect(await rowsOf(table)).toEqual([
        { id: 1, n: '2', bn: '1.3' },
        { id: 2, n: '4', bn: '-1.3' },
      ]);
      const err = (await failure(
        bq
          .dataset('ds')
          .table(table)
          .insert([{ id: 3, bn: '1000' }]),
      )) as unknown as PartialFailureLike;
      expect(err.errors[0]?.errors[0]?.message).toContain('BIGNUMERIC(4, 1) does not fit value 1000');
    });
  });

  describe('values insertAll accepted and then could not store, or stored changed', () => {
    it('TIME out of range, DATE before year 1 and DATETIME with a zone are invalid rows; DATE years below 100 keep their year', async () => {
      const table = await ddlTable('id INT64, tm TIME, d DATE, dt DATETIME, bn BIGNUMERIC');
      for (const [row, message] of [
        [{ id: 1, tm: '25:00:00' }, 'Cannot convert value to time (bad value): 25:00:00'],
        [{ id: 2, tm: '12:61:00' }, 'Cannot convert value to time (bad value): 12:61:00'],
        [{ id: 3, d: '0000-01-01' }, 'Cannot convert value to date (bad value): 0000-01-01'],
        [{ id: 4, dt: '2024-01-01 10:00:00+02:00' }, 'Cannot convert value to datetime (bad value)'],
        [{ id: 5, bn: '1.0000000000000000001' }, 'BIGNUMERIC value with more than 18 fractional digits'],
      ] as const) {
        const err = (await failure(
          bq.dataset('ds').table(table).insert([row]),
        )) as unknown as PartialFailureLike;
        expect(err.errors[0]?.errors[0]?.reason).toBe('invalid');
        expect(err.errors[0]?.errors[0]?.message).toContain(message);
      }
      await bq
        .dataset('ds')
        .table(table)
        .insert([
          { id: 6, d: '0050-03-04', tm: '23:59:59.999999', dt: '2024-01-01 10:00:00' },
          { id: 7, dt: '2024-01-01T10:00:00.5' },
        ]);
      expect(
        await s.run(
          `SELECT id, CAST(d AS STRING) AS d, CAST(tm AS STRING) AS tm, dt FROM ds.${table} ORDER BY id`,
        ),
      ).toEqual([
        { id: 6, d: '0050-03-04', tm: '23:59:59.999999', dt: new Date('2024-01-01T10:00:00Z') },
        { id: 7, d: null, tm: null, dt: new Date('2024-01-01T10:00:00.500Z') },
      ]);
      const [rows] = await bq.query({
        query: 'SELECT CAST(@d AS STRING) AS d',
        params: { d: bq.date('0050-03-04') },
      });
      expect(rows).toEqual([{ d: '0050-03-04' }]);
    });
  });

  describe('load jobs', () => {
    it('a row that does not fit its parameters fails the load with invalid; with maxBadRecords the others load, rounded', async () => {
      const table = await ddlTable('id INT64, s STRING(2), n NUMERIC(4, 1)');
      const dir = await mkdtemp(join(tmpdir(), 'bq-params-'));
      try {
        const file = join(dir, 'rows.json');
        await writeFile(file, '{"id":1,"s":"ab","n":"1.25"}\n{"id":2,"s":"abc","n":"1"}\n');
        const err = await failure(
          bq.dataset('ds').table(table).load(file, { sourceFormat: 'NEWLINE_DELIMITED_JSON' }),
        );
        expect(err.errors?.[0]?.reason).toBe('invalid');
        expect(JSON.stringify(err.errors)).toContain(
          'STRING(2) has maximum length 2 but got a value with length 3',
        );
        expect(await rowsOf(table)).toEqual([]);
        const [job] = await bq
          .dataset('ds')
          .table(table)
          .load(file, { sourceFormat: 'NEWLINE_DELIMITED_JSON', maxBadRecords: 1 });
        expect(job.status?.state).toBe('DONE');
        expect(await rowsOf(table)).toEqual([{ id: 1, s: 'ab', n: '1.3' }]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('Storage Write API', () => {
    it('AppendRows answers a row that does not fit its parameters with a FIELDS_ERROR row error and writes none of the request', async () => {
      const table = await ddlTable('id INT64, s STRING(2), n NUMERIC(3, 1)');
      const writeSchema = compileSchema(await loadStorageModule(), [
        { name: 'id', type: 'INT64' },
        { name: 's', type: 'STRING' },
        { name: 'n', type: 'NUMERIC' },
      ]);
      const encoded = (row: Record<string, unknown>) => {
        const out = encodeRow(writeSchema, row, false);
        if ('problems' in out) throw new Error(JSON.stringify(out.problems));
        return Buffer.from(out.bytes);
      };
      const writer = s.writeClient();
      const parent = `projects/test-project/datasets/ds/tables/${table}`;
      const [stream] = await writer.createWriteStream({ parent, writeStream: { type: 'COMMITTED' } });
      const append = (rows: Buffer[], offset: number) =>
        new Promise<{
          error?: { code: number } | null;
          rowErrors?: Array<{ index: string; code: string; message: string }>;
        }>((resolve, reject) => {
          const call = writer.appendRows();
          call.on('data', (answer) => {
            resolve(answer);
            call.end();
          });
          call.on('error', reject);
          call.write({
            writeStream: stream.name,
            offset: { value: offset },
            protoRows: {
              writerSchema: { protoDescriptor: writeSchema.descriptor },
              rows: { serializedRows: rows },
            },
          });
        });
      const refused = await append([encoded({ id: 1, s: 'ab', n: '1.25' }), encoded({ id: 2, s: 'abc' })], 0);
      expect(refused.error?.code).toBe(3);
      expect(refused.rowErrors?.map((r) => [r.index, r.code])).toEqual([['1', 'FIELDS_ERROR']]);
      expect(refused.rowErrors?.[0]?.message).toContain(
        'STRING(2) has maximum length 2 but got a value with length 3',
      );
      expect(await rowsOf(table)).toEqual([]);
      const tooWide = await append([encoded({ id: 3, n: '99.95' })], 0);
      expect(tooWide.rowErrors?.[0]?.message).toContain('NUMERIC(3, 1) does not fit value 99.95');
      const accepted = await append([encoded({ id: 1, s: 'ab', n: '1.25' })], 0);
      expect(accepted.error ?? null).toBeNull();
      expect(await rowsOf(table)).toEqual([{ id: 1, s: 'ab', n: '1.3' }]);
      await writer.close();
    });
  });

  describe('DML', () => {
    it('INSERT of a value too long for STRING(L) fails the job with invalidQuery and applies nothing', async () => {
      const table = await ddlTable('id INT64, s STRING(3)');
      const err = await failure(bq.query(`INSERT ds.${table} (id, s) VALUES (1, 'abc'), (2, 'abcd')`));
      expect(err.code).toBe(400);
      expect(err.errors?.[0]?.reason).toBe('invalidQuery');
      expect(err.message).toContain('Field s: STRING(3) has maximum length 3 but got a value with length 4');
      expect(await rowsOf(table)).toEqual([]);
      // A runtime error: a dry run validates the statement without it, and changes nothing either.
      const [job] = await bq.createQueryJob({
        query: `INSERT ds.${table} (id, s) VALUES (1, 'abcd')`,
        dryRun: true,
      });
      expect(job.metadata.status?.state).toBe('DONE');
      expect(await rowsOf(table)).toEqual([]);
    });

    it('UPDATE and MERGE that would break a parameter change no row; ones that fit apply', async () => {
      const table = await ddlTable('id INT64, s STRING(3), b BYTES(2)');
      await s.run(`INSERT ds.${table} (id, s) VALUES (1, 'a'), (2, 'abc')`);
      const update = await failure(bq.query(`UPDATE ds.${table} SET s = CONCAT(s, 'x') WHERE TRUE`));
      expect(update.message).toContain('STRING(3) has maximum length 3 but got a value with length 4');
      const merge = await failure(
        bq.query(`MERGE ds.${table} t USING (SELECT 2 AS id) src ON t.id = src.id
          WHEN MATCHED THEN UPDATE SET b = b'abc'
          WHEN NOT MATCHED THEN INSERT (id) VALUES (src.id)`),
      );
      expect(merge.message).toContain('BYTES(2) has maximum length 2 but got a value with length 3');
      expect(await rowsOf(table)).toEqual([
        { id: 1, s: 'a', b: null },
        { id: 2, s: 'abc', b: null },
      ]);
      await bq.query(`UPDATE ds.${table} SET s = CONCAT(s, 'x') WHERE id = 1`);
      expect(await rowsOf(table)).toEqual([
        { id: 1, s: 'ax', b: null },
        { id: 2, s: 'abc', b: null },
      ]);
    });

    it('NUMERIC(P, S) written by DML is rounded to S digits; too many integer digits is an error', async () => {
      const table = await ddlTable('id INT64, n NUMERIC(5, 2), bn BIGNUMERIC(6, 3)');
      await bq.query(
        `INSERT ds.${table} (id, n, bn) VALUES (1, 1.125, 2.0005), (2, -1.125, NUMERIC '-2.0005')`,
      );
      await bq.query(`UPDATE ds.${table} SET n = n + 0.004 WHERE id = 1`);
      expect(await rowsOf(table)).toEqual([
        { id: 1, n: '1.13', bn: '2.001' },
        { id: 2, n: '-1.13', bn: '-2.001' },
      ]);
      const err = await failure(bq.query(`INSERT ds.${table} (id, n) VALUES (3, 999.995)`));
      expect(err.errors?.[0]?.reason).toBe('invalidQuery');
      expect(err.message).toContain('Field n: NUMERIC(5, 2) does not fit value 999.995');
      expect(await s.run(`SELECT COUNT(*) AS c FROM ds.${table}`)).toEqual([{ c: 2 }]);
    });

    it('a NULL in a REQUIRED STRUCT field and a NULL ARRAY element are errors, as BigQuery writes neither', async () => {
      const table = await ddlTable('id INT64, st STRUCT<x STRING(2), y INT64 NOT NULL>, arr ARRAY<STRING>');
      const required = await failure(bq.query(`INSERT ds.${table} (id, st) VALUES (1, STRUCT('a', NULL))`));
      expect(required.message).toContain('Required field st.y cannot be null');
      const element = await failure(bq.query(`INSERT ds.${table} (id, arr) VALUES (1, ['a', NULL])`));
      expect(element.message).toContain('Array cannot have a null element; error in writing field arr');
      const nested = await failure(bq.query(`INSERT ds.${table} (id, st) VALUES (1, STRUCT('abc', 1))`));
      expect(nested.message).toContain('Field st.x: STRING(2) has maximum length 2');
      await bq.query(`INSERT ds.${table} (id, st, arr) VALUES (1, STRUCT('ab', 1), ['a'])`);
      expect(await rowsOf(table)).toEqual([{ id: 1, st: { x: 'ab', y: 1 }, arr: ['a'] }]);
    });
  });

  describe('CAST to a parameterized type', () => {
    it('CAST to STRING(L) / BYTES(L) of a longer value is an error, SAFE_CAST gives NULL, a value that fits is kept', async () => {
      const err = await failure(bq.query(`SELECT CAST('abcd' AS STRING(3)) AS x`));
      expect(err.errors?.[0]?.reason).toBe('invalidQuery');
      expect(err.message).toContain('STRING(3) has maximum length 3 but got a value with length 4');
      const bytes = await failure(bq.query(`SELECT CAST(b'abc' AS BYTES(2)) AS x`));
      expect(bytes.message).toContain('BYTES(2) has maximum length 2 but got a value with length 3');
      const [rows] = await bq.query(
        `SELECT CAST('abc' AS STRING(3)) AS a, SAFE_CAST('abcd' AS STRING(3)) AS b, SAFE_CAST(b'abc' AS BYTES(2)) AS c`,
      );
      expect(rows).toEqual([{ a: 'abc', b: null, c: null }]);
    });

    it('CAST to NUMERIC(P, S) / BIGNUMERIC(P, S) rounds half away from zero, is an error past P - S digits, keeps the unparameterized type', async () => {
      const [rows, , response] = await bq.query(
        `SELECT CAST('1.125' AS NUMERIC(5, 2)) AS a, CAST(-2.5 AS NUMERIC(2)) AS b,
                CAST('1.25' AS BIGNUMERIC(4, 1)) AS c, SAFE_CAST(1000 AS NUMERIC(5, 2)) AS d`,
      );
      const plain = (rows as Array<Record<string, unknown>>).map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])),
      );
      expect(plain).toEqual([{ a: '1.13', b: '-3', c: '1.3', d: null }]);
      expect(
        (response as { schema?: { fields?: Array<{ type: string }> } }).schema?.fields?.map((f) => f.type),
      ).toEqual(['NUMERIC', 'NUMERIC', 'BIGNUMERIC', 'NUMERIC']);
      const err = await failure(bq.query(`SELECT CAST(1234.5 AS NUMERIC(5, 2)) AS x`));
      expect(err.message).toContain('NUMERIC(5, 2) does not fit value 1234.5');
    });
  });

  describe('tables.patch', () => {
    it('a schema patch may relax parameters but not tighten them or add them to a column', async () => {
      const table = await apiTable([
        { name: 'id', type: 'INT64' },
        { name: 's', type: 'STRING', maxLength: '3' },
        { name: 'n', type: 'NUMERIC', precision: '5', scale: '2' },
      ]);
      const patch = (s2: Record<string, unknown>, n2: Record<string, unknown>) =>
        bq
          .dataset('ds')
          .table(table)
          .setMetadata({ schema: { fields: [{ name: 'id', type: 'INT64' }, s2, n2] } });
      for (const [s2, n2] of [
        [
          { name: 's', type: 'STRING', maxLength: '2' },
          { name: 'n', type: 'NUMERIC', precision: '5', scale: '2' },
        ],
        [
          { name: 's', type: 'STRING', maxLength: '3' },
          { name: 'n', type: 'NUMERIC', precision: '5', scale: '1' },
        ],
      ]) {
        const err = await failure(patch(s2!, n2!));
        expect(err.code).toBe(400);
        expect(err.message).toContain('type parameters');
      }
      await patch(
        { name: 's', type: 'STRING', maxLength: '10' },
        { name: 'n', type: 'NUMERIC', precision: '8', scale: '3' },
      );
      const [meta] = await bq.dataset('ds').table(table).getMetadata();
      expect(meta.schema.fields).toMatchObject([
        { name: 'id' },
        { name: 's', maxLength: '10' },
        { name: 'n', precision: '8', scale: '3' },
      ]);
    });
  });

  describe('ALTER COLUMN SET DATA TYPE', () => {
    it('widens parameters (a larger L, or none) and refuses narrowing them', async () => {
      const table = await ddlTable('id INT64, s STRING(3)');
      const narrow = await failure(
        bq.query(`ALTER TABLE ds.${table} ALTER COLUMN s SET DATA TYPE STRING(2)`),
      );
      expect(narrow.errors?.[0]?.reason).toBe('invalidQuery');
      await bq.query(`ALTER TABLE ds.${table} ALTER COLUMN s SET DATA TYPE STRING(5)`);
      await bq.query(`INSERT ds.${table} (id, s) VALUES (1, 'abcde')`);
      const long = await failure(bq.query(`INSERT ds.${table} (id, s) VALUES (2, 'abcdef')`));
      expect(long.message).toContain('STRING(5) has maximum length 5');
      await bq.query(`ALTER TABLE ds.${table} ALTER COLUMN s SET DATA TYPE STRING`);
      await bq.query(`INSERT ds.${table} (id, s) VALUES (2, 'abcdef')`);
      expect(await rowsOf(table)).toEqual([
        { id: 1, s: 'abcde' },
        { id: 2, s: 'abcdef' },
      ]);
    });
  });
});
