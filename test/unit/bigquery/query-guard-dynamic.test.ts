import { describe, expect, it } from 'vitest';
import { checkPartitionFilter } from '../../../src/bigquery/query-guard.js';
import { QueryGuardError } from '../../../src/errors/index.js';

const guard = { partitionedTables: { 'mlb_raw.games': 'game_date' } };

function refusal(sql: string): string | undefined {
  try {
    checkPartitionFilter(sql, guard);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(QueryGuardError);
    return (err as QueryGuardError).rule;
  }
}

describe('query guard and EXECUTE IMMEDIATE', () => {
  it('checks the SQL of a literal as a statement of its own', () => {
    expect(refusal("EXECUTE IMMEDIATE 'SELECT * FROM mlb_raw.games'")).toBe('partition_filter');
    expect(refusal('execute /* x */ immediate "SELECT * FROM `mlb_raw.games`"')).toBe('partition_filter');
    expect(refusal("EXECUTE IMMEDIATE '''SELECT *\nFROM mlb_raw.games'''")).toBe('partition_filter');
    expect(refusal("EXECUTE IMMEDIATE r'SELECT * FROM mlb_raw.games'")).toBe('partition_filter');
    expect(
      refusal("BEGIN\n  SELECT 1;\n  EXECUTE IMMEDIATE 'SELECT * FROM mlb_raw.games' INTO x;\nEND"),
    ).toBe('partition_filter');
  });

  it('refuses a literal holding an escape, which could hide a name (a raw literal is read as written)', () => {
    expect(refusal("EXECUTE IMMEDIATE 'SELECT * FROM mlb_raw.g\\u0061mes'")).toBe('dynamic_sql');
    expect(refusal("EXECUTE IMMEDIATE 'SELECT 1 WHERE x = \\'a\\''")).toBe('dynamic_sql');
    expect(refusal('EXECUTE IMMEDIATE "SELECT 1 WHERE x = \'a\'"')).toBeUndefined();
  });

  it('folds literals joined by ||', () => {
    expect(refusal("EXECUTE IMMEDIATE 'SELECT * FROM mlb_raw.g' || 'ames'")).toBe('partition_filter');
    expect(
      refusal(
        "EXECUTE IMMEDIATE 'SELECT * FROM mlb_raw.games ' || 'WHERE game_date = @d' USING DATE '2026-01-01' AS d",
      ),
    ).toBeUndefined();
  });

  it('checks a literal inside a literal', () => {
    expect(refusal(`EXECUTE IMMEDIATE "EXECUTE IMMEDIATE 'SELECT * FROM mlb_raw.games'"`)).toBe(
      'partition_filter',
    );
    expect(refusal(`EXECUTE IMMEDIATE "EXECUTE IMMEDIATE q"`)).toBe('dynamic_sql');
  });

  it('lets a literal that filters, or reads no guarded table, run', () => {
    expect(
      refusal('EXECUTE IMMEDIATE "SELECT * FROM mlb_raw.games WHERE game_date = \'2026-06-01\'"'),
    ).toBeUndefined();
    expect(refusal("EXECUTE IMMEDIATE 'SELECT 1' INTO x")).toBeUndefined();
  });

  it('refuses SQL built at run time, which it cannot read', () => {
    expect(refusal("DECLARE q STRING DEFAULT 'SELECT 1';\nEXECUTE IMMEDIATE q;")).toBe('dynamic_sql');
    expect(refusal("EXECUTE IMMEDIATE CONCAT('SELECT * FROM ', 'mlb_raw.games')")).toBe('dynamic_sql');
    expect(refusal("EXECUTE IMMEDIATE 'SELECT * FROM ' || @table")).toBe('dynamic_sql');
    expect(refusal("EXECUTE IMMEDIATE ('SELECT 1')")).toBe('dynamic_sql');
    expect(refusal('EXECUTE IMMEDIATE')).toBe('dynamic_sql');
    expect(refusal("EXECUTE IMMEDIATE b'SELECT 1'")).toBe('dynamic_sql');
  });

  it('names the statement in the refusal, and stays out of the way without a guard', () => {
    expect(() => checkPartitionFilter('EXECUTE IMMEDIATE q', guard)).toThrow(/EXECUTE IMMEDIATE/);
    expect(() => checkPartitionFilter('EXECUTE IMMEDIATE q', undefined)).not.toThrow();
    expect(() => checkPartitionFilter('EXECUTE IMMEDIATE q', { partitionedTables: {} })).not.toThrow();
    // The words inside a string or a comment are not the statement.
    expect(refusal("SELECT 'EXECUTE IMMEDIATE q' -- EXECUTE IMMEDIATE q")).toBeUndefined();
  });
});
