import { describe, expect, it } from 'vitest';
import { checkPartitionFilter } from '../../../src/bigquery/query-guard.js';
import { tokenizeSql } from '../../../src/bigquery/sql-tokens.js';
import { QueryGuardError } from '../../../src/errors/index.js';

describe('tokenizeSql', () => {
  it('keeps strings whole and drops comments', () => {
    const sql = `SELECT 'it''s -- not a comment', "a # b", r'\\d', '''x ' y''' -- gone\n# gone\n/* gone */ FROM t`;
    expect(tokenizeSql(sql).map((t) => [t.kind, t.text])).toEqual([
      ['word', 'SELECT'],
      ['string', "'it'"],
      ['string', "'s -- not a comment'"],
      ['punct', ','],
      ['string', '"a # b"'],
      ['punct', ','],
      ['string', "r'\\d'"],
      ['punct', ','],
      ['string', "'''x ' y'''"],
      ['word', 'FROM'],
      ['word', 't'],
    ]);
  });

  it('reads backtick names, parameters and escapes', () => {
    expect(
      tokenizeSql("SELECT `p.d.t`.x, @id, ? FROM `a`.b WHERE s = 'a\\'@b'").map((t) => [t.kind, t.text]),
    ).toEqual([
      ['word', 'SELECT'],
      ['quoted', 'p.d.t'],
      ['punct', '.'],
      ['word', 'x'],
      ['punct', ','],
      ['param', '@id'],
      ['punct', ','],
      ['param', '?'],
      ['word', 'FROM'],
      ['quoted', 'a'],
      ['punct', '.'],
      ['word', 'b'],
      ['word', 'WHERE'],
      ['word', 's'],
      ['punct', '='],
      ['string', "'a\\'@b'"],
    ]);
  });

  it('runs an unterminated string or comment to the end instead of throwing', () => {
    expect(tokenizeSql("SELECT 'abc").at(-1)).toMatchObject({ kind: 'string', text: "'abc" });
    expect(tokenizeSql('SELECT 1 /* open').map((t) => t.text)).toEqual(['SELECT', '1']);
  });
});

describe('checkPartitionFilter', () => {
  const guard = {
    partitionedTables: { 'mlb_raw.games': 'game_date', 'proj.nba_analytics.pgs': 'game_date' },
  };
  const refuse = (sql: string) => {
    try {
      checkPartitionFilter(sql, guard);
    } catch (err) {
      return err;
    }
    return undefined;
  };

  it.each([
    'SELECT * FROM mlb_raw.games WHERE game_date = @d',
    'SELECT * FROM `nba-props-platform.mlb_raw.games` g WHERE g.game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)',
    'SELECT * FROM `nba-props-platform`.`mlb_raw`.`games` WHERE (team = @t AND GAME_DATE = @d) ORDER BY 1',
    'SELECT * FROM other.table',
    "SELECT 'FROM mlb_raw.games' AS s FROM other.t",
    'SELECT 1 -- FROM mlb_raw.games\nFROM other.t',
    'SELECT * FROM otherproj.nba_analytics.pgs',
    'UPDATE mlb_raw.games SET x = 1 WHERE game_date = @d',
    'SELECT * FROM mlb_raw . games g WHERE g . game_date = @d',
  ])('lets %j through', (sql) => {
    expect(refuse(sql)).toBeUndefined();
  });

  it.each([
    ['SELECT * FROM mlb_raw.games', 'mlb_raw.games'],
    ['SELECT game_date FROM mlb_raw.games WHERE team = @t', 'mlb_raw.games'],
    ["SELECT * FROM mlb_raw.games WHERE team = 'game_date'", 'mlb_raw.games'],
    ['SELECT * FROM mlb_raw.games WHERE team = @t -- and game_date = x', 'mlb_raw.games'],
    ['SELECT * FROM mlb_raw.games WHERE team = @t ORDER BY game_date', 'mlb_raw.games'],
    ['SELECT * FROM `nba-props-platform.mlb_raw.games`', 'mlb_raw.games'],
    ['SELECT * FROM proj.nba_analytics.pgs', 'proj.nba_analytics.pgs'],
    ['SELECT * FROM nba_analytics.pgs', 'proj.nba_analytics.pgs'],
    ['DELETE FROM mlb_raw.games WHERE true', 'mlb_raw.games'],
    // Tokens may be separated by whitespace or comments, a path's dots included.
    ['SELECT * FROM mlb_raw . games', 'mlb_raw.games'],
    ['SELECT * FROM mlb_raw./* x */games', 'mlb_raw.games'],
    ['SELECT * FROM `mlb_raw`\n.`games` WHERE team = @t', 'mlb_raw.games'],
    ['SELECT * FROM proj . nba_analytics . pgs', 'proj.nba_analytics.pgs'],
  ])('refuses %j', (sql, table) => {
    const err = refuse(sql);
    expect(err).toBeInstanceOf(QueryGuardError);
    expect(err).toMatchObject({ rule: 'partition_filter', table, transient: false });
    expect((err as Error).message).toContain('game_date');
  });

  it('does nothing without a guard', () => {
    expect(() => checkPartitionFilter('SELECT * FROM mlb_raw.games', undefined)).not.toThrow();
  });
});
