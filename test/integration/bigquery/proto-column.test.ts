import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './helpers.js';

/**
 * BigQuery allows a column named `__proto__`. The client's row decoder builds each row by
 * assignment (`row[name] = value`), so that column vanished from `query()`'s rows (and an
 * `undefined` key appeared): a value read from BigQuery, lost without a word.
 */
describe('a column named __proto__ in query results', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
    await h.standIn.run('CREATE TABLE ds.p (id INT64, `__proto__` STRING, n INT64)');
    await h.standIn.run("INSERT INTO ds.p (id, `__proto__`, n) VALUES (1, 'top', 2)");
  });
  afterAll(() => h.close());

  it('comes back as an own property with its value, the other columns intact', async () => {
    const rows = await h.executor().query<Record<string, unknown>>('SELECT id, `__proto__`, n FROM ds.p');
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(Object.keys(row)).toEqual(['id', '__proto__', 'n']);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe('top');
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(row.id).toBe(1);
    expect(row.n).toBe(2);
  });

  it('a column of that name holding an object does not become the row prototype', async () => {
    const rows = await h
      .executor()
      .query<Record<string, unknown>>('SELECT 1 AS id, JSON \'{"polluted": true}\' AS `__proto__`');
    const row = rows[0]!;
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect((row as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(row)).toEqual(['id', '__proto__']);
    expect(Object.hasOwn(row, 'undefined')).toBe(false);
  });
});
