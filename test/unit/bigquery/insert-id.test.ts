import { describe, expect, it } from 'vitest';
import { encodeRow, type JsonValue } from '../../../src/bigquery/encode-row.js';
import { canonicalJson, stableInsertId } from '../../../src/bigquery/insert-id.js';

describe('encodeRow', () => {
  it('turns Date, bigint, bytes and non-finite numbers into JSON BigQuery accepts', () => {
    expect(
      encodeRow({
        at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)),
        big: 9007199254740993n,
        bytes: Buffer.from('hi'),
        nan: Number.NaN,
        inf: Number.NEGATIVE_INFINITY,
        gone: undefined,
        nested: { list: [1, undefined, new Date(0)] },
      }),
    ).toEqual({
      at: '2024-01-02T03:04:05.006Z',
      big: '9007199254740993',
      bytes: 'aGk=',
      nan: 'NaN',
      inf: '-Infinity',
      nested: { list: [1, null, '1970-01-01T00:00:00.000Z'] },
    });
  });

  it('uses the client value classes by their .value', () => {
    class BigQueryDate {
      constructor(public value: string) {}
    }
    expect(encodeRow({ d: new BigQueryDate('2024-01-01') })).toEqual({ d: '2024-01-01' });
  });

  it('refuses functions, symbols, invalid dates and non-object rows, naming the field', () => {
    expect(() => encodeRow({ f: () => 1 })).toThrow(/'f' is a function/);
    expect(() => encodeRow({ a: { s: Symbol('x') } })).toThrow(/'a\.s' is a symbol/);
    expect(() => encodeRow({ d: new Date(Number.NaN) })).toThrow(/'d' is an invalid Date/);
    expect(() => encodeRow([1])).toThrow(/plain object, got an array/);
    expect(() => encodeRow(null)).toThrow(/got null/);
  });
});

describe('stableInsertId', () => {
  it('sorts keys at every level before hashing', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(stableInsertId({ a: 1, b: { c: 2, d: 3 } })).toBe(stableInsertId({ b: { d: 3, c: 2 }, a: 1 }));
  });

  it('is a 64-character hex SHA-256, fixed across processes', () => {
    const id = stableInsertId({ id: 1, name: 'a' });
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    // sha256 of the canonical JSON '{"id":1,"name":"a"}', computed independently
    expect(id).toBe('7f0fc1050a42a0cb28309f997dc4e3885be66f7a0436945c98f778edc24e01f4');
  });

  it('differs when any value differs, including types', () => {
    const ids = new Set([
      stableInsertId({ id: 1 }),
      stableInsertId({ id: '1' }),
      stableInsertId({ id: 2 }),
      stableInsertId({ id: 1, x: null }),
      stableInsertId({ id: [1] }),
    ]);
    expect(ids.size).toBe(5);
  });

  it('hashes what is sent: a Date and its ISO string give the same id', () => {
    expect(stableInsertId({ at: new Date(0) })).toBe(stableInsertId({ at: '1970-01-01T00:00:00.000Z' }));
  });
});

describe('canonicalJson (fast path)', () => {
  // The original map/join implementation, kept here as the reference the ids were pinned against.
  const reference = (value: unknown): string => {
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(obj[k])}`).join(',')}}`;
  };

  it('gives the same text as the reference for sorted, unsorted, numeric and non-ASCII keys', () => {
    const rows = [
      { a: 1, b: 2 },
      { b: 2, a: 1 },
      { '10': 'x', '9': 'y', a: [], B: {} },
      { é: 'ü', e: '\u{1F600}', lone: '\ud800', q: '"\\\n' },
      { z: [{ y: null, x: [1, -0, 1.5e300, true] }], a: { c: { b: 1, a: 2 } } },
      {},
      // A flat row with an own __proto__ key (JSON.parse makes one): data, written in its place.
      JSON.parse('{"b":1,"__proto__":"p","a":null}') as Record<string, unknown>,
    ];
    for (const row of rows) {
      // encodeRow refuses a lone surrogate (no UTF-8 form); canonicalJson itself must still escape it.
      const encoded = 'lone' in row ? (row as JsonValue) : encodeRow(row);
      expect(canonicalJson(encoded)).toBe(reference(encoded));
      expect(Buffer.byteLength(canonicalJson(encoded))).toBe(Buffer.byteLength(JSON.stringify(encoded)));
    }
  });
});

describe('canonicalJson (property-list path)', () => {
  const reference = (value: unknown): string => {
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(obj[k])}`).join(',')}}`;
  };

  it('matches the reference for nested objects with different keys, rows in a row and key orders', () => {
    const values = [
      { b: { y: 1, x: { q: 1, p: 2 } }, a: [{ z: 1 }, { c: 2, b: 3 }], c: { x: 9 } },
      [{ b: 1, a: 2 }, { d: 1 }, [{ c: 0 }]],
      { '10': { '9': 1, '10': 2 }, '9': [{ a: 1 }] },
      // Same keys in another order right after a cached key list.
      { execution_id: 'e', processor_name: 'p' },
      { processor_name: 'p', execution_id: 'e' },
      { processor_name: 'p', execution_id: 'e', extra: null },
    ];
    for (const value of values) expect(canonicalJson(value as never)).toBe(reference(value));
  });

  it('falls back to the reference walk for objects JSON.stringify would read differently', () => {
    const ownProto = JSON.parse('{"a":{"__proto__":{"x":1}},"b":{"c":1}}');
    const hidden: Record<string, unknown> = { k: 1 };
    Object.defineProperty(hidden, 'x', { value: 5, enumerable: false });
    const nested = { a: hidden, b: { x: 2 } };
    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, {
      b: 1,
      a: { d: 1, c: 2 },
    });
    for (const value of [ownProto, nested, nullProto]) expect(canonicalJson(value)).toBe(reference(value));
  });
});
