import { describe, expect, it } from 'vitest';
import { buildQueryParameters, inferParameterType } from '../../../src/bigquery/params.js';

describe('inferParameterType (the original order, extended)', () => {
  it.each([
    [true, 'BOOL'],
    [false, 'BOOL'],
    [0, 'INT64'],
    [-42, 'INT64'],
    [2 ** 60, 'INT64'],
    [1.5, 'FLOAT64'],
    [12345678901234567890n, 'INT64'],
    ['LAL', 'STRING'],
    ['', 'STRING'],
    [new Date(0), 'TIMESTAMP'],
  ])('%o -> %s', (value, type) => {
    expect(inferParameterType(value)).toEqual({ type });
  });

  it('types arrays from their elements, integers and fractions together as FLOAT64', () => {
    expect(inferParameterType(['a', 'b'])).toEqual({ type: 'ARRAY', arrayType: { type: 'STRING' } });
    expect(inferParameterType([1, 2])).toEqual({ type: 'ARRAY', arrayType: { type: 'INT64' } });
    expect(inferParameterType([1, 2.5])).toEqual({ type: 'ARRAY', arrayType: { type: 'FLOAT64' } });
    expect(inferParameterType([new Date(0)])).toEqual({ type: 'ARRAY', arrayType: { type: 'TIMESTAMP' } });
  });

  it.each([
    [{ a: 1 }, /'p' is an object/],
    [new Map(), /'p' is a Map/],
    [undefined, /'p' is undefined/],
    [null, /'p' is null: give its type in `types`/],
    [[], /'p' is an empty array/],
    [[1, 'a'], /'p' mixes INT64 and STRING/],
    [[[1]], /'p'\[0\] is an array/],
    [[1, null], /'p'\[1\] is null/],
    [() => 1, /'p' is function/],
  ])('refuses %o with a TypeError naming the parameter', (value, message) => {
    expect(() => inferParameterType(value, 'p')).toThrow(TypeError);
    expect(() => inferParameterType(value, 'p')).toThrow(message);
  });
});

describe('buildQueryParameters', () => {
  it('returns undefined without parameters', () => {
    expect(buildQueryParameters()).toBeUndefined();
    expect(buildQueryParameters({})).toBeUndefined();
    expect(buildQueryParameters([])).toBeUndefined();
  });

  it('encodes every named kind in the REST shape', () => {
    const at = new Date(Date.UTC(2024, 0, 1, 12, 0, 0, 123));
    expect(
      buildQueryParameters({
        ok: true,
        n: 5,
        x: 1.25,
        big: 2n ** 62n,
        s: 'a@b',
        at,
        ids: [1, 2],
        tags: ['x'],
      }),
    ).toEqual({
      parameterMode: 'named',
      queryParameters: [
        { name: 'ok', parameterType: { type: 'BOOL' }, parameterValue: { value: true } },
        { name: 'n', parameterType: { type: 'INT64' }, parameterValue: { value: 5 } },
        { name: 'x', parameterType: { type: 'FLOAT64' }, parameterValue: { value: 1.25 } },
        {
          name: 'big',
          parameterType: { type: 'INT64' },
          parameterValue: { value: '4611686018427387904' },
        },
        { name: 's', parameterType: { type: 'STRING' }, parameterValue: { value: 'a@b' } },
        {
          name: 'at',
          parameterType: { type: 'TIMESTAMP' },
          parameterValue: { value: '2024-01-01T12:00:00.123Z' },
        },
        {
          name: 'ids',
          parameterType: { type: 'ARRAY', arrayType: { type: 'INT64' } },
          parameterValue: { arrayValues: [{ value: 1 }, { value: 2 }] },
        },
        {
          name: 'tags',
          parameterType: { type: 'ARRAY', arrayType: { type: 'STRING' } },
          parameterValue: { arrayValues: [{ value: 'x' }] },
        },
      ],
    });
  });

  it('a hole in a typed array is refused like an undefined element, before any request (it went as a null element)', () => {
    const ids: number[] = [1];
    ids[2] = 3;
    expect(() => buildQueryParameters({ ids }, { ids: ['INT64'] })).toThrow(
      new TypeError("Query parameter 'ids'[1] is undefined: BigQuery arrays cannot hold NULL"),
    );
    expect(() => buildQueryParameters({ ids }, { ids: 'ARRAY<INT64>' })).toThrow(/'ids'\[1\] is undefined/);
  });

  it('sends typed nulls and typed empty arrays', () => {
    expect(
      buildQueryParameters(
        { gone: null, none: [], d: null },
        { gone: 'TIMESTAMP', none: ['STRING'], d: 'ARRAY<INT64>' },
      )?.queryParameters,
    ).toEqual([
      { name: 'gone', parameterType: { type: 'TIMESTAMP' }, parameterValue: { value: null } },
      {
        name: 'none',
        parameterType: { type: 'ARRAY', arrayType: { type: 'STRING' } },
        parameterValue: { arrayValues: [] },
      },
      {
        name: 'd',
        parameterType: { type: 'ARRAY', arrayType: { type: 'INT64' } },
        parameterValue: { arrayValues: [] },
      },
    ]);
  });

  it('lets an explicit type win and converts where it is exact', () => {
    const p = buildQueryParameters(
      { d: new Date(Date.UTC(2024, 1, 29, 23)), n: '12', f: 3, price: '10.50', when: '2024-01-01 00:00:00' },
      { d: 'DATE', n: 'INTEGER', f: 'FLOAT', price: 'NUMERIC', when: 'TIMESTAMP' },
    )?.queryParameters;
    expect(p?.map((q) => [q.parameterType.type, q.parameterValue.value])).toEqual([
      ['DATE', '2024-02-29'],
      ['INT64', '12'],
      ['FLOAT64', 3],
      ['NUMERIC', '10.50'],
      ['TIMESTAMP', '2024-01-01 00:00:00'],
    ]);
  });

  it('refuses values that do not fit their explicit type', () => {
    expect(() => buildQueryParameters({ n: 1.5 }, { n: 'INT64' })).toThrow(
      /'n' is number, which cannot be sent as INT64/,
    );
    expect(() => buildQueryParameters({ s: 1 }, { s: 'STRING' })).toThrow(/cannot be sent as STRING/);
    expect(() => buildQueryParameters({ a: 'x' }, { a: ['STRING'] })).toThrow(
      /but its type is ARRAY<STRING>/,
    );
    expect(() => buildQueryParameters({ a: ['x'] }, { a: 'STRING' })).toThrow(
      /is an array but its type is STRING/,
    );
    expect(() => buildQueryParameters({ a: 1 }, { a: 'WHATEVER' as 'STRING' })).toThrow(
      /unknown BigQuery type/,
    );
    expect(() => buildQueryParameters({ a: 1 }, { b: 'STRING' })).toThrow(/'b', which is not a parameter/);
    expect(() => buildQueryParameters({ 'a-b': 1 })).toThrow(/not a valid identifier/);
  });

  it('encodes positional parameters, naming them by position in errors', () => {
    expect(buildQueryParameters([1.5, null], ['FLOAT64', 'STRING'])).toEqual({
      parameterMode: 'positional',
      queryParameters: [
        { parameterType: { type: 'FLOAT64' }, parameterValue: { value: 1.5 } },
        { parameterType: { type: 'STRING' }, parameterValue: { value: null } },
      ],
    });
    expect(() => buildQueryParameters(['a', { x: 1 }])).toThrow(/Query parameter #2 is an object/);
    expect(() => buildQueryParameters(['a'], { a: 'STRING' })).toThrow(/positional types/);
    expect(() => buildQueryParameters({ a: 1 }, ['STRING'])).toThrow(/named types/);
  });
});

describe("buildQueryParameters: INT64 values outside BigQuery's range", () => {
  const MAX = 2n ** 63n - 1n;
  const MIN = -(2n ** 63n);
  it('sends the ends of the range as they are', () => {
    const built = buildQueryParameters({ hi: MAX, lo: MIN, s: ` ${MAX} ` }, { s: 'INT64' });
    expect(built?.queryParameters.map((p) => p.parameterValue.value)).toEqual([
      MAX.toString(),
      MIN.toString(),
      MAX.toString(),
    ]);
  });

  for (const [name, value, types] of [
    ['a bigint past 2^63 - 1', MAX + 1n, undefined],
    ['a bigint below -2^63', MIN - 1n, undefined],
    ['an integer number past 2^63', 2 ** 64, undefined],
    ['a decimal string past 2^63 - 1', '9223372036854775808', { x: 'INT64' }],
    ['a bigint in an INT64 array', [1n, MAX + 1n], undefined],
  ] as const) {
    it(`refuses ${name} before sending, naming the parameter and the range`, () => {
      expect(() => buildQueryParameters({ x: value }, types as never)).toThrow(TypeError);
      expect(() => buildQueryParameters({ x: value }, types as never)).toThrow(/'x'.*outside INT64's range/);
    });
  }
});

describe('buildQueryParameters: an INT64 number past 2^53', () => {
  // 2 ** 53 + 1 cannot be a number: the literal 9007199254740993 is already 9007199254740992.
  for (const [name, params, types, label] of [
    ['inferred', { id: Number('9007199254740993') }, undefined, "'id'"],
    ['typed INT64', { id: 2 ** 60 }, { id: 'INT64' }, "'id'"],
    ['typed by an alias', { id: -(2 ** 53) - 2 }, { id: 'INTEGER' }, "'id'"],
    ['in an inferred array', { ids: [1, 2 ** 53 + 2] }, undefined, "'ids'\\[1\\]"],
    ['positional', [2 ** 55], undefined, '#1'],
  ] as const) {
    it(`is refused (${name}), naming the parameter and suggesting a bigint or a string`, () => {
      const build = () => buildQueryParameters(params as never, types as never);
      expect(build).toThrow(TypeError);
      expect(build).toThrow(new RegExp(`${label}.*MAX_SAFE_INTEGER.*bigint \\(-?\\d+n\\).*string`));
    });
  }

  it('past INT64 itself (1e300) says so, briefly, and names the types that hold it', () => {
    // Before: a 600-character message suggesting a bigint of 301 digits, which INT64 refuses too.
    const build = () => buildQueryParameters({ x: 1e300 });
    expect(build).toThrow(/'x' is 1\d+\.\.\., outside INT64's range.*NUMERIC or BIGNUMERIC/);
    expect(() => build()).toThrow(expect.objectContaining({ message: expect.stringMatching(/^.{0,200}$/) }));
  });

  it('keeps sending safe integers as numbers, and the same values as bigint or string exactly', () => {
    const built = buildQueryParameters(
      { a: 2 ** 53 - 1, b: -(2 ** 53 - 1), c: 9007199254740993n, d: '9007199254740993' },
      { d: 'INT64' },
    );
    expect(built?.queryParameters.map((p) => p.parameterValue.value)).toEqual([
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      '9007199254740993',
      '9007199254740993',
    ]);
  });

  it('sends a large number typed FLOAT64 as it is', () => {
    const built = buildQueryParameters({ x: 2 ** 60 }, { x: 'FLOAT64' });
    expect(built?.queryParameters[0]?.parameterValue.value).toBe(2 ** 60);
  });
});
