import { describe, expect, it } from 'vitest';
import { encodeRow } from '../../../src/bigquery/encode-row.js';
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
