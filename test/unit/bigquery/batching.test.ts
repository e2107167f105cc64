import { describe, expect, it } from 'vitest';
import { planBatches } from '../../../src/bigquery/batching.js';

describe('planBatches', () => {
  it('cuts by row count', () => {
    expect(planBatches([1, 1, 1, 1, 1], { maxRows: 2, maxBytes: 100 })).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('cuts by bytes, never exceeding the limit with more than one row', () => {
    expect(planBatches([40, 40, 40, 10], { maxRows: 100, maxBytes: 100 })).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(planBatches([50, 50, 1], { maxRows: 100, maxBytes: 100 })).toEqual([[0, 1], [2]]);
  });

  it('puts an oversized row alone', () => {
    expect(planBatches([10, 500, 10], { maxRows: 100, maxBytes: 100 })).toEqual([[0], [1], [2]]);
  });

  it('keeps order and covers every index exactly once', () => {
    const sizes = Array.from({ length: 1234 }, (_, i) => (i * 37) % 97);
    const batches = planBatches(sizes, { maxRows: 50, maxBytes: 1000 });
    expect(batches.flat()).toEqual(sizes.map((_, i) => i));
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(50);
      if (b.length > 1) expect(b.reduce((s, i) => s + (sizes[i] as number), 0)).toBeLessThanOrEqual(1000);
    }
  });

  it('returns no batch for no rows', () => {
    expect(planBatches([], { maxRows: 10, maxBytes: 10 })).toEqual([]);
  });

  it('refuses non-positive limits', () => {
    expect(() => planBatches([1], { maxRows: 0, maxBytes: 10 })).toThrow(RangeError);
    expect(() => planBatches([1], { maxRows: 1, maxBytes: 0 })).toThrow(RangeError);
  });
});
