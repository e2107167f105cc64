import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError, PartialInsertError } from '../../../src/errors/index.js';
import { caught } from '../../helpers/caught.js';
import { type Harness, INSERT_ALL, startHarness, UPLOAD } from './helpers.js';

/**
 * A number past Number.MAX_SAFE_INTEGER is already rounded (2 ** 53 + 3 is 9007199254740996), and
 * JSON writes 1e21 as `1e+21`: sent into an INT64 column it is stored as a value the caller did not
 * mean. insertRows and loadRows refuse it for an INT64 column, naming the row, the column and the fix,
 * before any row is sent; bigint and decimal strings go exactly, and numbers into FLOAT64 as before.
 */
describe('insertRows / loadRows: integer numbers past 2^53', () => {
  let h: Harness;
  let tableNo = 0;
  const fresh = async () => {
    const name = `ds.u${++tableNo}`;
    await h
      .executor()
      .query(
        `CREATE TABLE ${name} (id INT64, f FLOAT64, s STRUCT<inner_id INT64, x FLOAT64>, ids ARRAY<INT64>, arr ARRAY<STRUCT<y INT64>>, j JSON)`,
      );
    return name;
  };
  const read = async (table: string) =>
    h.executor().query(`SELECT CAST(id AS STRING) AS id FROM ${table} ORDER BY id`);

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
  });
  afterAll(() => h.close());

  for (const method of ['insertRows', 'loadRows'] as const) {
    const write = (table: string, rows: unknown[]) =>
      method === 'insertRows' ? h.executor().insertRows(table, rows) : h.executor().loadRows(table, rows);
    const sent = (from: number) =>
      h.standIn.requests
        .slice(from)
        .filter((r) => r.method === 'POST' && (INSERT_ALL.test(r.path) || UPLOAD.test(r.path))).length;

    for (const [name, row, column, shown] of [
      ['a column', { id: 2 ** 53 + 2 }, 'id', '9007199254740994'],
      ['1e21 (JSON writes 1e+21)', { id: 1e21 }, 'id', '1e+21'],
      ['a negative one', { id: -(2 ** 60) }, 'id', '-1152921504606846976'],
      ['a struct field', { s: { inner_id: 2 ** 53, x: 1 } }, 's.inner_id', '9007199254740992'],
      ['an array element', { ids: [1, 2 ** 62] }, 'ids[1]', '4611686018427387904'],
      [
        'a field of a struct in an array',
        { arr: [{ y: 1 }, { y: 2 ** 55 }] },
        'arr[1].y',
        '36028797018963968',
      ],
      ['a column named in another case', { ID: 2 ** 53 + 2 }, 'ID', '9007199254740994'],
    ] as const) {
      it(`${method}: ${name} in an INT64 column is a TypeError naming the row, the column and the fix, nothing sent`, async () => {
        const table = await fresh();
        const mark = h.standIn.requests.length;
        const error = await caught(write(table, [{ id: 1 }, row]));
        expect(error).toBeInstanceOf(TypeError);
        const message = (error as Error).message;
        expect(message).toContain(`${method}(ds.${table.slice(3)})`);
        expect(message).toContain('row 1');
        expect(message).toContain(`INT64 column '${column}'`);
        expect(message).toContain(shown);
        expect(message).toContain('bigint');
        expect(message).toContain('decimal string');
        expect(sent(mark)).toBe(0);
        expect(await read(table)).toEqual([]);
      });
    }

    it(`${method}: bigint and decimal strings are written exactly, safe numbers and -0 as numbers`, async () => {
      const table = await fresh();
      await write(table, [
        { id: 9007199254740993n },
        { id: '9223372036854775807' },
        { id: '-9223372036854775808' },
        { id: 9007199254740991 },
        { id: -0 },
        { s: { inner_id: 2n ** 60n + 1n }, ids: [2n ** 62n + 1n, '4611686018427387905'] },
      ]);
      expect(
        await h
          .executor()
          .query(
            `SELECT CAST(id AS STRING) AS id, CAST(s.inner_id AS STRING) AS si, ARRAY_LENGTH(ids) AS n FROM ${table} ORDER BY id`,
          ),
      ).toEqual(
        expect.arrayContaining([
          { id: '9007199254740993', si: null, n: 0 },
          { id: '9223372036854775807', si: null, n: 0 },
          { id: '-9223372036854775808', si: null, n: 0 },
          { id: '9007199254740991', si: null, n: 0 },
          { id: '0', si: null, n: 0 },
          { id: null, si: '1152921504606846977', n: 2 },
        ]),
      );
    });

    it(`${method}: a number past 2^53 in a FLOAT64 column, a FLOAT64 struct field or a JSON value is written as before`, async () => {
      const table = await fresh();
      await write(table, [{ id: 1, f: 1e21, s: { x: 2 ** 60 }, j: { big: 2 ** 60 } }]);
      const [row] = await h.executor().query<{ f: number; x: number }>(`SELECT f, s.x AS x FROM ${table}`);
      expect(row).toEqual({ f: 1e21, x: 2 ** 60 });
    });
  }

  it('insertRows: a bigint past INT64 is refused by BigQuery for its row, reported, not lost silently', async () => {
    const table = await fresh();
    const error = await caught(h.executor().insertRows(table, [{ id: 1 }, { id: 2n ** 63n }]));
    expect(error).toBeInstanceOf(PartialInsertError);
    expect((error as PartialInsertError).failures.map((f) => f.index)).toEqual([1]);
  });

  it('an unsafe number in a column the table does not have is left to BigQuery (its own unknown-field error)', async () => {
    const table = await fresh();
    const error = await caught(h.executor().insertRows(table, [{ id: 1, other: 2 ** 60 }]));
    expect(error).toBeInstanceOf(PartialInsertError);
  });

  it('insertRows: NaN and Infinity into INT64 are refused by BigQuery for their rows and reported, the others written', async () => {
    const table = await fresh();
    const error = await caught(
      h.executor().insertRows(table, [{ id: 1 }, { id: Number.NaN }, { id: Number.POSITIVE_INFINITY }]),
    );
    expect(error).toBeInstanceOf(PartialInsertError);
    expect((error as PartialInsertError).failures.map((f) => f.index)).toEqual([1, 2]);
  });

  it('insertRows: decimal strings with a sign or spaces are sent as given (BigQuery parses them), never through a number', async () => {
    const table = await fresh();
    const mark = h.standIn.requests.length;
    await h.executor().insertRows(table, [{ id: '+9007199254740993' }]);
    const [request] = h.standIn.requests.slice(mark).filter((r) => INSERT_ALL.test(r.path));
    expect((request?.body as { rows?: Array<{ json: unknown }> } | undefined)?.rows?.[0]?.json).toEqual({
      id: '+9007199254740993',
    });
  });

  it('an unsafe number for a table that does not exist: the NotFoundError of the table, nothing sent', async () => {
    const mark = h.standIn.requests.length;
    const error = await caught(h.executor().insertRows('ds.missing', [{ id: 2 ** 60 }]));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(h.standIn.requests.slice(mark).filter((r) => INSERT_ALL.test(r.path))).toEqual([]);
  });

  it('a role without tables.get: the ForbiddenError says why the write read the schema, nothing sent', async () => {
    const table = await fresh();
    const rule = h.standIn.faults.add({
      method: 'GET',
      path: new RegExp(`/tables/${table.slice(3)}$`),
      error: { status: 403, reason: 'accessDenied', message: 'Permission bigquery.tables.get denied' },
    });
    const mark = h.standIn.requests.length;
    const error = await caught(h.executor().insertRows(table, [{ id: 1 }, { id: 2 ** 60 }]));
    rule.remove();
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).toMatch(
      /reading the table's schema \(tables\.get\) to check row 1's integer number past 2\^53 .*Permission bigquery\.tables\.get denied/,
    );
    expect(h.standIn.requests.slice(mark).filter((r) => INSERT_ALL.test(r.path))).toEqual([]);
  });

  it('looks the schema up only when a row holds an unsafe integer number: once per call, never for ordinary rows', async () => {
    const table = await fresh();
    const tablesGet = () =>
      h.standIn.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/tables/${table.slice(3)}`))
        .length;
    await h.executor().insertRows(table, [{ id: 1, f: 1.5 }, { id: 2 }]);
    expect(tablesGet()).toBe(0);
    await h.executor().insertRows(table, [
      { id: 1, f: 2 ** 60 },
      { id: 2, f: 2 ** 61 },
    ]);
    expect(tablesGet()).toBe(1);
  });

  it('a number reached through toJSON or a boxed Number is checked as it is sent; the message counts the others', async () => {
    const table = await fresh();
    const rows = [
      { id: 1 },
      { id: { toJSON: () => 2 ** 60 } },
      // biome-ignore lint/suspicious/noExplicitAny: a boxed Number, as a hostile caller passes it
      { id: new (Number as any)(2 ** 61) },
      { ids: [2 ** 62, 2 ** 62, 1] },
      { f: 2 ** 62 },
    ];
    const error = await caught(h.executor().insertRows(table, rows));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(
      "row 1: INT64 column 'id': the number 1152921504606847000 is past",
    );
    expect((error as Error).message).toContain('(3 more in this call)');
  });
});

describe('insertRows / loadRows: the schema lookup and the caller abort reason', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
    await h.executor().query('CREATE TABLE ds.a (id INT64)');
  });
  afterAll(() => h.close());

  for (const method of ['insertRows', 'loadRows'] as const) {
    it(`${method}: a signal aborted with its default reason rejects with that AbortError, not a TypeError from the message`, async () => {
      const controller = new AbortController();
      controller.abort();
      const signal = controller.signal;
      const write = h.executor()[method]('ds.a', [{ id: 2 ** 60 }], { retry: { signal } });
      await expect(write).rejects.toBe(signal.reason);
    });

    it(`${method}: one reason shared by many calls (a shutdown) comes back untouched, its message not grown`, async () => {
      const reason = new Error('shutting down');
      const signal = AbortSignal.abort(reason);
      for (let i = 0; i < 3; i++) {
        await expect(h.executor()[method]('ds.a', [{ id: 2 ** 60 }], { retry: { signal } })).rejects.toBe(
          reason,
        );
      }
      expect(reason.message).toBe('shutting down');
    });
  }
});
