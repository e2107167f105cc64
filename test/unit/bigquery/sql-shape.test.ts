import { describe, expect, it } from 'vitest';
import { sqlShape } from '../../../src/bigquery/sql-shape.js';

describe('sqlShape', () => {
  it('keeps keywords, names, parameters and punctuation', () => {
    expect(sqlShape('UPDATE `p.ds.t` SET n = n + @step WHERE id IN UNNEST(@ids)')).toBe(
      'UPDATE `p.ds.t` SET n = n + @step WHERE id IN UNNEST(@ids)',
    );
  });

  it('replaces every kind of literal and drops every kind of comment', () => {
    const sql = [
      "SELECT 'a', \"b\", '''c''', r'd\\e', b'f', RB\"g\", 42, 3.5e2 -- line h",
      '# hash i',
      '/* block j */ FROM t',
    ].join('\n');
    const shape = sqlShape(sql);
    expect(shape).toBe("SELECT '…', '…', '…', '…', '…', '…', …, … FROM t");
    for (const kept of ['a', 'b', 'c', 'd', 'f', 'g', '42', 'h', 'i', 'j']) {
      expect(shape.split(/\W+/)).not.toContain(kept);
    }
  });

  it('an unterminated string or comment hides the rest of the text', () => {
    expect(sqlShape("SELECT 'unterminated secret")).toBe("SELECT '…'");
    expect(sqlShape('SELECT 1 /* unterminated secret')).toBe('SELECT …');
  });

  it('removes a credential outside literals too (a name shaped like one)', () => {
    const key = ['AIza', 'SyD4x9Qm2Lk7Tn1Pv8Rw3Zb6Hc5Jf0Ge9Ua'].join('');
    expect(sqlShape(`SELECT * FROM \`${key}\``)).not.toContain(key);
  });
});
