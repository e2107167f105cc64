import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caught, type Harness, startHarness } from './helpers.js';

/**
 * `update()` answers "how many rows did this statement change". A statement that cannot change rows
 * (a query, DDL) has no such number: it is refused before any request, never answered with 0.
 */
describe('update: only statements that change rows', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
    await h.executor().query('CREATE TABLE ds.kinds (n INT64)');
    await h.executor().loadRows('ds.kinds', [{ n: 1 }, { n: 2 }]);
  });
  afterAll(() => h.close());

  const refused: Array<[string, string]> = [
    ['SELECT 1', 'SELECT'],
    ['select n from ds.kinds', 'SELECT'],
    ['  -- the count\n  (SELECT COUNT(*) FROM ds.kinds)', 'SELECT'],
    ['WITH x AS (SELECT 1 AS n) SELECT n FROM x', 'WITH'],
    ['CREATE TABLE ds.never_made (n INT64)', 'CREATE'],
    ['DROP TABLE ds.kinds', 'DROP'],
    ['ALTER TABLE ds.kinds ADD COLUMN m INT64', 'ALTER'],
  ];
  for (const [sql, word] of refused) {
    it(`refuses ${JSON.stringify(sql)} before any request, naming ${word} and query()`, async () => {
      const before = h.standIn.requests.length;
      const executor = h.executor();
      const error = await caught(executor.update(sql));
      expect(error).toBeInstanceOf(TypeError);
      const message = (error as Error).message;
      expect(message).toContain('BigQueryExecutor.update');
      expect(message).toContain(`opens with ${word}`);
      expect(message).toContain('not DML');
      expect(message).toContain('query()');
      expect(h.standIn.requests.length).toBe(before);
      expect(executor.stats.attempts).toBe(0);
    });
  }

  it('nothing refused ran: the table is whole and the DDL made nothing', async () => {
    expect(await h.executor().query('SELECT n FROM ds.kinds ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }]);
    const error = await caught(h.executor().query('SELECT 1 FROM ds.never_made'));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/never_made/);
  });

  it('still runs DML in any case and after comments, and a script', async () => {
    expect(await h.executor().update('/* bump */ update ds.kinds SET n = n + 10 WHERE n = 1')).toBe(1);
    expect(
      await h.executor().update('DELETE FROM ds.kinds WHERE n = 2; INSERT ds.kinds (n) VALUES (3)'),
    ).toEqual(expect.any(Number));
    expect(await h.executor().query('SELECT n FROM ds.kinds ORDER BY n')).toEqual([{ n: 3 }, { n: 11 }]);
  });
});
