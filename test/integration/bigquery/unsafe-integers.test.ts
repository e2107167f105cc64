import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/errors/index.js';
import { caught, type Harness, startHarness } from './helpers.js';

/**
 * An INT64 past Number.MAX_SAFE_INTEGER has no exact JavaScript number: decoded as one it is another
 * integer (9007199254740993 reads as ...992), an id that silently names another row. Without
 * `wrapIntegers` the call rejects, naming the column and the value; with it the value is exact.
 */
describe('query: INT64 values a number cannot hold', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  for (const [name, sql, column, value] of [
    ['a column', 'SELECT 1 AS ok, 9007199254740993 AS id', 'id', '9007199254740993'],
    ['a negative one', 'SELECT -9007199254740993 AS id', 'id', '-9007199254740993'],
    ['an array element', 'SELECT [1, 9223372036854775807] AS ids', 'ids', '9223372036854775807'],
    ['a struct field', 'SELECT STRUCT(9007199254740993 AS inner_id) AS s', 's.inner_id', '9007199254740993'],
    [
      'a field of a struct in an array, after NULLs',
      'SELECT [STRUCT(CAST(NULL AS INT64) AS y), STRUCT(-9007199254740993 AS y)] AS arr',
      'arr.y',
      '-9007199254740993',
    ],
  ] as const) {
    it(`rejects ${name} instead of rounding it, naming the column, the value and wrapIntegers`, async () => {
      const error = await caught(h.executor().query(sql));
      expect(error).toBeInstanceOf(PipelineError);
      expect(error).toMatchObject({ code: 'UNSAFE_INTEGER', transient: false });
      const message = (error as Error).message;
      expect(message).toContain(`column ${column}`);
      expect(message).toContain(value);
      expect(message).toContain('wrapIntegers: true');
    });
  }

  it('returns the largest safe integers as numbers, and every value exactly with wrapIntegers', async () => {
    expect(await h.executor().query('SELECT 9007199254740991 AS a, -9007199254740991 AS b')).toEqual([
      { a: 9007199254740991, b: -9007199254740991 },
    ]);
    const [row] = await h.executor().query<{ id: { value: string } }>('SELECT 9007199254740993 AS id', {
      wrapIntegers: true,
    });
    expect(row?.id.value).toBe('9007199254740993');
  });
});
