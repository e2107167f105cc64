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
