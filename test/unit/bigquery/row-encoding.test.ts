import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRow } from '../../../src/bigquery/encode-row.js';
import { BigQueryExecutor } from '../../../src/bigquery/executor.js';
import { stableInsertId } from '../../../src/bigquery/insert-id.js';

/** A client that records every insert: a refused row must be refused before any request. */
function recordingClient() {
  const sent: unknown[][] = [];
  const client = {
    dataset: () => ({
      table: () => ({
        insert: async (rows: unknown[]) => {
          sent.push(rows);
          return [{}];
        },
      }),
    }),
  };
  return { client: client as never, sent };
}

/** A client with @google-cloud/common's `request`: records the exact text of every insertAll body. */
function bodyRecordingClient() {
  const bodies: string[] = [];
  const table = {
    request: async (reqOpts: { body: string }) => {
      bodies.push(reqOpts.body);
      return [{}];
    },
    insert: async () => [{}],
  };
  return { client: { dataset: () => ({ table: () => table }) } as never, bodies };
}

class Money {
  #cents: number;
  constructor(cents: number) {
    this.#cents = cents;
  }
  get cents(): number {
    return this.#cents;
  }
}

class PlayerRow {
  constructor(
    readonly player_lookup: string,
    readonly points: number,
  ) {}
}

describe('rows are sent faithfully or refused up front', () => {
  it.each([
    ['a Map', { stats: new Map([['points', 30]]) }, "'stats'", /Map/],
    ['a Set', { tags: new Set(['a']) }, "'tags'", /Set/],
    ['a nested Map', { game: { box: new Map() } }, "'game.box'", /Map/],
    [
      'a class instance whose data JSON would drop (getter, private field)',
      { price: new Money(250) },
      "'price'",
      /Money/,
    ],
    ['a RegExp', { pattern: /x/ }, "'pattern'", /RegExp/],
    ['an Error', { failure: new Error('x') }, "'failure'", /Error/],
    ['a Float64Array', { samples: new Float64Array([1.5]) }, "'samples'", /Float64Array/],
    ['a function', { f: () => 1 }, "'f'", /function/],
    ['a symbol', { s: Symbol('x') }, "'s'", /symbol/],
    ['a WeakMap', { w: new WeakMap() }, "'w'", /WeakMap/],
    ['a Promise', { p: Promise.resolve(1) }, "'p'", /Promise/],
  ])(
    '%s is a TypeError naming the row index and the field path, before any request',
    async (_label, bad, path, what) => {
      const { client, sent } = recordingClient();
      const bq = new BigQueryExecutor({ client });
      const rows = [{ id: 0 }, { id: 1 }, { id: 2, ...bad }];
      const error = await bq.insertRows('ds.t', rows).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain('row 2');
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toMatch(what);
      await expect(bq.loadRows('ds.t', rows)).rejects.toThrow(/row 2/);
      expect(sent).toEqual([]);
    },
  );

  it('a circular reference is a TypeError naming the field, not a stack overflow', () => {
    const row: Record<string, unknown> = { id: 1, nested: {} };
    (row.nested as Record<string, unknown>).back = row;
    expect(() => encodeRow(row)).toThrow(TypeError);
    expect(() => encodeRow(row)).toThrow(/'nested\.back'.*circular/);
  });

  it('the same object twice (not a cycle) is fine', () => {
    const shared = { a: 1 };
    expect(encodeRow({ x: shared, y: [shared, shared] })).toEqual({ x: { a: 1 }, y: [{ a: 1 }, { a: 1 }] });
  });

  it('an own __proto__ key (from JSON.parse) is sent as data, not lost', () => {
    const row = JSON.parse('{"id": 1, "__proto__": {"polluted": true}}') as object;
    const encoded = encodeRow(row);
    expect(Object.keys(encoded)).toEqual(['id', '__proto__']);
    expect(JSON.stringify(encoded)).toBe('{"id":1,"__proto__":{"polluted":true}}');
    expect(Object.getPrototypeOf(encoded)).toBe(Object.prototype);
    expect(stableInsertId(row)).not.toBe(stableInsertId({ id: 1 }));
  });

  it('a plain data class (own fields only) is sent as its fields', () => {
    expect(encodeRow(new PlayerRow('lebronjames', 30))).toEqual({ player_lookup: 'lebronjames', points: 30 });
    expect(encodeRow({ row: new PlayerRow('x', 1) })).toEqual({ row: { player_lookup: 'x', points: 1 } });
  });

  it('boxed primitives, ArrayBuffer and toJSON are sent as their values', () => {
    expect(
      encodeRow({
        n: Object(5),
        s: Object('x'),
        b: Object(true),
        buf: new Uint8Array([104, 105]).buffer,
        j: { toJSON: () => '2024-01-01' },
      }),
    ).toEqual({ n: 5, s: 'x', b: true, buf: 'aGk=', j: '2024-01-01' });
  });

  it('NaN and ±Infinity are sent as the strings BigQuery reads into FLOAT64', () => {
    expect(encodeRow({ a: Number.NaN, b: Number.POSITIVE_INFINITY, c: Number.NEGATIVE_INFINITY })).toEqual({
      a: 'NaN',
      b: 'Infinity',
      c: '-Infinity',
    });
  });

  it('two rows that used to collapse into one id are now refused or kept apart', () => {
    expect(() => stableInsertId({ id: 1, stats: new Map([['a', 1]]) })).toThrow(TypeError);
    const withProto = JSON.parse('{"id": 1, "__proto__": 1}') as object;
    expect(stableInsertId(withProto)).not.toBe(stableInsertId({ id: 1 }));
  });

  it('two different JSON rows never share a default insert id (fast-check)', () => {
    const row = fc.dictionary(
      fc.oneof(fc.string({ maxLength: 6 }), fc.constant('__proto__')),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 4 },
    );
    fc.assert(
      fc.property(row, row, (aText, bText) => {
        // Rows as they arrive from JSON: own __proto__ keys included.
        const a = JSON.parse(JSON.stringify(aText)) as object;
        const b = JSON.parse(JSON.stringify(bText)) as object;
        const same = canonical(a) === canonical(b);
        expect(stableInsertId(a) === stableInsertId(b)).toBe(same);
      }),
      { numRuns: 300, seed: 6 },
    );
  });
});

/** An independent canonical form: sorted keys, own keys only, -0 as 0 (JSON has no -0). */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

describe('what is sent is what JSON would send, and a row is a JSON object', () => {
  it('a sparse array is sent with null in its holes (valid JSON), with the id of that row', async () => {
    const { client, bodies } = bodyRecordingClient();
    const bq = new BigQueryExecutor({ client });
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    const sparse = { id: 1, tags: [1, , 3] };
    await bq.insertRows('ds.t', [{ id: 0, tags: [] }, sparse]);
    expect(bodies).toHaveLength(1);
    const body = JSON.parse(bodies[0] as string) as { rows: Array<{ insertId: string; json: unknown }> };
    expect(body.rows[1]?.json).toEqual({ id: 1, tags: [1, null, 3] });
    expect(body.rows[1]?.insertId).toBe(stableInsertId({ id: 1, tags: [1, null, 3] }));
    expect(stableInsertId(sparse)).toBe(stableInsertId({ id: 1, tags: [1, null, 3] }));
  });

  it('every insertAll body is valid JSON whose rows are the rows as JSON sends them (fast-check)', async () => {
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.sparseArray(fc.integer(), { maxLength: 4 }),
      fc.array(fc.oneof(fc.constant(undefined), fc.integer()), { maxLength: 3 }),
      fc.date({ noInvalidDate: true }),
      fc.bigInt(),
    );
    const row = fc.dictionary(fc.string({ maxLength: 5 }), value, { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 4 }), async (rows) => {
        const { client, bodies } = bodyRecordingClient();
        await new BigQueryExecutor({ client }).insertRows('ds.t', rows);
        const sent = bodies.flatMap(
          (b) => (JSON.parse(b) as { rows: Array<{ insertId: string; json: unknown }> }).rows,
        );
        expect(sent.map((r) => r.json)).toEqual(
          rows.map((r) => JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v)))),
        );
      }),
      { numRuns: 150, seed: 9 },
    );
  });

  it.each([
    ['a number', { toJSON: () => 5 }],
    ['an array', { toJSON: () => [1, 2] }],
    ['a string (a Date as the row)', new Date(0)],
    ['null', { toJSON: () => null }],
  ])('a row whose JSON form is %s is a TypeError naming the row, before any request', async (_l, bad) => {
    const { client, bodies } = bodyRecordingClient();
    const bq = new BigQueryExecutor({ client });
    const error = await bq.insertRows('ds.t', [{ id: 0 }, bad as object]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/row 1\b.*JSON object/);
    expect(bodies).toEqual([]);
    expect(() => encodeRow(bad)).toThrow(TypeError);
  });

  it('a toJSON is applied once per value, as JSON does; one returning itself is not a stack overflow', () => {
    const self: Record<string, unknown> = { id: 7 };
    self.toJSON = () => self;
    const error = (() => {
      try {
        encodeRow({ nested: self });
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain("'nested.toJSON'");
  });

  it.each([
    ['a value', { name: 'Lu\uD83Dka' }, "'name'"],
    ['a nested value', { player: { names: ['ok', 'x\uDC00'] } }, "'player.names[1]'"],
    ['a key', { 'bad\uD800key': 1 }, 'bad'],
  ])(
    'a string with a lone surrogate in %s (not valid UTF-8) is a TypeError naming the field',
    async (_l, bad, path) => {
      const { client, bodies } = bodyRecordingClient();
      const bq = new BigQueryExecutor({ client });
      const error = await bq.insertRows('ds.t', [{ id: 0 }, bad]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain('row 1');
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toMatch(/surrogate/);
      expect(bodies).toEqual([]);
      // A well-formed emoji is fine.
      expect(encodeRow({ name: 'Luka \uD83C\uDFC0' })).toEqual({ name: 'Luka \uD83C\uDFC0' });
    },
  );

  it('a boxed bigint is sent as its decimal string', () => {
    expect(encodeRow({ big: Object(2n ** 70n) })).toEqual({ big: '1180591620717411303424' });
  });

  it('two different rows given the same insert id by the key function are refused up front, naming both', async () => {
    const { client, bodies } = bodyRecordingClient();
    const bq = new BigQueryExecutor({ client });
    const rows = [
      { game: 'g1', player: 'a', points: 30 },
      { game: 'g1', player: 'b', points: 10 },
      { game: 'g1', player: 'a', points: 31 },
    ];
    const error = await bq
      .insertRows('ds.t', rows, { insertId: (r) => `${r.game}:${r.player}` })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/rows 0 and 2\b/);
    expect((error as Error).message).toContain('g1:a');
    expect(bodies).toEqual([]);
  });

  it('a refused insert id is quoted cut and without the credential it holds (a key function returning the whole row)', async () => {
    const { client, bodies } = bodyRecordingClient();
    const bq = new BigQueryExecutor({ client });
    const token = `ya29.${'a0AfH6SMB'.repeat(8)}`;
    const rows = [{ id: 1, token }];
    const whole = await bq
      .insertRows('ds.t', rows, { insertId: (r) => JSON.stringify(r).repeat(3) })
      .catch((e: unknown) => e);
    expect(whole).toBeInstanceOf(TypeError);
    expect((whole as Error).message).not.toContain('a0AfH6SMB');
    expect((whole as Error).message).toMatch(/\(\d+ characters\)$/);
    const huge = await bq
      .insertRows('ds.t', rows, { insertId: () => 'x'.repeat(5_000_000) })
      .catch((e: unknown) => e);
    expect(huge).toBeInstanceOf(TypeError);
    expect((huge as Error).message.length).toBeLessThan(400);
    expect((huge as Error).message).toContain('5000000 characters');
    expect(bodies).toEqual([]);
  });

  it('the same row twice under one insert id is a legitimate duplicate: sent, and de-duplicated by BigQuery', async () => {
    const { client, bodies } = bodyRecordingClient();
    const bq = new BigQueryExecutor({ client });
    const rows = [
      { game: 'g1', player: 'a', points: 30 },
      { points: 30, player: 'a', game: 'g1' },
    ];
    await bq.insertRows('ds.t', rows, { insertId: (r) => `${r.game}:${r.player}` });
    const sent = (JSON.parse(bodies[0] as string) as { rows: Array<{ insertId: string }> }).rows;
    expect(sent.map((r) => r.insertId)).toEqual(['g1:a', 'g1:a']);
  });
});
