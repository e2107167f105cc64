import { describe, expect, it } from 'vitest';
import { DefaultInsertIds } from '../../../src/bigquery/default-insert-ids.js';
import { stableInsertId } from '../../../src/bigquery/insert-id.js';

/** The ids a call of `rows` gets by default, made in order (as insertRows makes its batches). */
function idsOf(rows: ReadonlyArray<Record<string, number | string>>, rowCount?: number): string[] {
  const ids = new DefaultInsertIds((i) => stableInsertId(rows[i]), rowCount);
  return rows.map((row, i) => ids.idOf(i, stableInsertId(row)));
}

describe('default insert ids of one call', () => {
  it('are the rows own stableInsertId when no row repeats', () => {
    const rows = [{ id: 1 }, { id: 2 }, { id: '1' }];
    expect(idsOf(rows)).toEqual(rows.map((r) => stableInsertId(r)));
  });

  it('number the k-th repeat of an identical row: hash-k, whatever the other rows and their order', () => {
    const a = { event: 'free_throw_made', points: 1 };
    const b = { event: 'foul', points: 0 };
    const h = stableInsertId(a);
    expect(idsOf([a, b, { points: 1, event: 'free_throw_made' }, a])).toEqual([
      h,
      stableInsertId(b),
      `${h}-1`,
      `${h}-2`,
    ]);
    // Redelivered in another order: the same multiset of ids, so BigQuery de-duplicates all of it.
    expect(new Set(idsOf([b, a, a, a]))).toEqual(new Set([h, `${h}-1`, `${h}-2`, stableInsertId(b)]));
  });

  it('tell apart different rows whose hashes share the 4-byte prefix used to find repeats', () => {
    // sha256('{"id":15053}') and sha256('{"id":46796}') both start with 67336258.
    const x = { id: 15053 };
    const y = { id: 46796 };
    expect(stableInsertId(x).slice(0, 8)).toBe(stableInsertId(y).slice(0, 8));
    expect(idsOf([x, y])).toEqual([stableInsertId(x), stableInsertId(y)]);
    expect(idsOf([x, y, x, y, x])).toEqual([
      stableInsertId(x),
      stableInsertId(y),
      `${stableInsertId(x)}-1`,
      `${stableInsertId(y)}-1`,
      `${stableInsertId(x)}-2`,
    ]);
  });

  it('match a plain count of earlier equal rows over thousands of rows (the table grows several times)', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => ({ id: (i * 7) % 1700 }));
    const seen = new Map<string, number>();
    const expected = rows.map((row) => {
      const hash = stableInsertId(row);
      const before = seen.get(hash) ?? 0;
      seen.set(hash, before + 1);
      return before === 0 ? hash : `${hash}-${before}`;
    });
    expect(idsOf(rows)).toEqual(expected);
    expect(new Set(expected).size).toBe(5000);
    // Sized for the call's rows (no growth), or for fewer than come (it grows anyway): the same ids.
    expect(idsOf(rows, rows.length)).toEqual(expected);
    expect(idsOf(rows, 600)).toEqual(expected);
  });

  it('asked for a later row first (a report of rows never sent), numbers the rows between in order', () => {
    const a = { id: 1 };
    const rows = [a, { id: 2 }, a, a];
    const ids = new DefaultInsertIds((i) => stableInsertId(rows[i]));
    expect(ids.idOf(3)).toBe(`${stableInsertId(a)}-2`);
    expect(ids.idOf(0)).toBe(stableInsertId(a));
    expect(ids.idOf(2, stableInsertId(a))).toBe(`${stableInsertId(a)}-1`);
    expect(ids.idOf(1)).toBe(stableInsertId({ id: 2 }));
  });
});
