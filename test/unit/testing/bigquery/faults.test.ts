import { describe, expect, it } from 'vitest';
import { createFaultPlan, mulberry32 } from '../../../../src/testing/bigquery/faults.js';
import {
  microsToSecondsText,
  microsToText,
  parseDateDays,
  parseTimestampMicros,
} from '../../../../src/testing/bigquery/time.js';

const query = {
  method: 'POST',
  path: '/bigquery/v2/projects/p/queries',
  sql: 'SELECT 1',
  kind: 'jobCreate' as const,
};
const results = { method: 'GET', path: '/bigquery/v2/projects/p/queries/job1', kind: 'other' as const };
const insertAll = {
  method: 'POST',
  path: '/bigquery/v2/projects/p/datasets/d/tables/t/insertAll',
  kind: 'insertAll' as const,
};

describe('fault plan matching', () => {
  it('matches a string path by equality or suffix and a RegExp by test', () => {
    const plan = createFaultPlan();
    const suffix = plan.add({ path: '/queries', error: { status: 500, reason: 'backendError' } });
    expect(plan.pick(results)).toBeUndefined();
    expect(plan.pick(query)?.handle).toBe(suffix);
    plan.clear();
    const re = plan.add({ path: /\/queries\/[^/]+$/, hang: true });
    expect(plan.pick(results)?.handle).toBe(re);
    expect(plan.pick(query)).toBeUndefined();
  });

  it('filters by method (case-insensitive) and by the statement', () => {
    const plan = createFaultPlan();
    plan.add({ method: 'get', sql: /FROM ds\.t/, reset: true });
    expect(plan.pick({ ...results, sql: 'SELECT * FROM ds.t' })?.handle.id).toBe('fault-1');
    expect(plan.pick({ ...results, sql: 'SELECT 1' })).toBeUndefined();
    expect(plan.pick({ ...query, sql: 'SELECT * FROM ds.t' })).toBeUndefined();
  });

  it('acts `times` times, counts hits, and the first due rule wins', () => {
    const plan = createFaultPlan();
    const first = plan.add({ name: 'first', times: 2, delayMs: 1 });
    const second = plan.add({ name: 'second', error: { status: 503, reason: 'backendError' } });
    const picks = [1, 2, 3, 4].map(() => plan.pick(query)?.handle.id);
    expect(picks).toEqual(['first', 'first', 'second', 'second']);
    expect(first.hits).toBe(2);
    expect(second.hits).toBe(2);
    // A spent rule leaves the plan (as in every stand-in); an unbounded one stays until removed.
    expect(first.remaining).toBe(0);
    expect(second.remaining).toBeUndefined();
    expect(plan.rules).toEqual([second]);
    second.remove();
    expect(plan.pick(query)).toBeUndefined();
    expect(plan.rules).toEqual([]);
  });

  it('acts at a seeded rate, the same requests for the same seed', () => {
    const run = (seed: number) => {
      const plan = createFaultPlan();
      plan.add({ rate: 0.3, seed, error: { status: 500, reason: 'backendError' } });
      return Array.from({ length: 1000 }, () => plan.pick(query) !== undefined);
    };
    const a = run(42);
    expect(run(42)).toEqual(a);
    expect(run(43)).not.toEqual(a);
    const acted = a.filter(Boolean).length;
    expect(acted).toBeGreaterThan(250);
    expect(acted).toBeLessThan(350);
  });

  it('applies job and insert actions only to requests of their kind', () => {
    const plan = createFaultPlan();
    plan.add({ jobError: { reason: 'jobBackendError' } });
    plan.add({ insertErrors: { invalid: [0] } });
    plan.add({ pendingPolls: 1, path: '/never' });
    expect(plan.pick(results)).toBeUndefined();
    expect(plan.pick(query)?.handle.id).toBe('fault-1');
    expect(plan.pick(insertAll)?.handle.id).toBe('fault-2');
  });

  it('refuses a rule with no action, two actions or a rate outside [0, 1]', () => {
    const plan = createFaultPlan();
    expect(() => plan.add({} as never)).toThrow(TypeError);
    expect(() => plan.add({ hang: true, delayMs: 5 } as never)).toThrow(TypeError);
    expect(() => plan.add({ rate: 2, hang: true })).toThrow(RangeError);
  });

  it('mulberry32 is deterministic and in [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 100 }, () => a());
    expect(xs).toEqual(Array.from({ length: 100 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('timestamp parsing (microsecond exact)', () => {
  it.each([
    ['1970-01-01T00:00:00.000001Z', 1n],
    ['1970-01-01 00:00:01 UTC', 1_000_000n],
    ['1970-01-01 01:00:00+01:00', 0n],
    ['1969-12-31T23:00:00-01', 0n],
    ['2024/01/02 03:04', 1_704_164_640_000_000n],
    ['2024-01-02', 1_704_153_600_000_000n],
  ])('%s', (text, micros) => {
    expect(parseTimestampMicros(text)).toBe(micros);
  });

  it('rejects impossible dates and text', () => {
    expect(parseTimestampMicros('2023-02-29 00:00:00')).toBeUndefined();
    expect(parseTimestampMicros('yesterday')).toBeUndefined();
    expect(parseDateDays('2024-02-30')).toBeUndefined();
    expect(parseDateDays('1970-01-11')).toBe(10);
  });

  it('formats microseconds for DuckDB and as float seconds', () => {
    expect(microsToText(1_704_067_200_123_456n)).toBe('2024-01-01 00:00:00.123456+00');
    expect(microsToText(-1n)).toBe('1969-12-31 23:59:59.999999+00');
    expect(microsToSecondsText(1_500_000n)).toBe('1.5');
    expect(microsToSecondsText(2_000_000n)).toBe('2');
  });
});
