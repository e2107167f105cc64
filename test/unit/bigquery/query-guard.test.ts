import { describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
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

  it('reads a digit-led part after a dot as a name, and a number never swallows the dots of a path', () => {
    const kinds = (sql: string) => tokenizeSql(sql).map((t) => [t.kind, t.text]);
    expect(kinds('FROM p.123ds.t')).toEqual([
      ['word', 'FROM'],
      ['word', 'p'],
      ['punct', '.'],
      ['word', '123ds'],
      ['punct', '.'],
      ['word', 't'],
    ]);
    expect(kinds('FROM my-proj-287.ds.t')).toEqual([
      ['word', 'FROM'],
      ['word', 'my'],
      ['punct', '-'],
      ['word', 'proj'],
      ['punct', '-'],
      ['number', '287'],
      ['punct', '.'],
      ['word', 'ds'],
      ['punct', '.'],
      ['word', 't'],
    ]);
    expect(kinds('SELECT 1.5, 58., .5, 0x1F, 4e2')).toEqual([
      ['word', 'SELECT'],
      ['number', '1.5'],
      ['punct', ','],
      ['number', '58.'],
      ['punct', ','],
      ['number', '.5'],
      ['punct', ','],
      ['number', '0x1F'],
      ['punct', ','],
      ['number', '4e2'],
    ]);
  });

  it('decodes the escapes of a backticked name', () => {
    expect(tokenizeSql('`a\\u0062\\x63\\144\\`e\\\\f\\n`')[0]).toMatchObject({
      kind: 'quoted',
      text: 'abcd`e\\f\n',
    });
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

  describe('table names GoogleSQL allows unquoted, and wildcard tables', () => {
    const guarded = {
      partitionedTables: {
        'mlb_raw.games_2024': 'game_date',
        '123dataset.t': 'game_date',
        'ds.7day': 'game_date',
        'ev.events_*': 'event_date',
      },
    };
    const refusal = (sql: string) => {
      try {
        checkPartitionFilter(sql, guarded);
      } catch (err) {
        return err;
      }
      return undefined;
    };

    it.each([
      // A part after a dot may start with a digit; a dashed project id may end with digits.
      ['SELECT * FROM proj.123dataset.t', '123dataset.t'],
      ['SELECT * FROM `proj`.123dataset.t', '123dataset.t'],
      ['SELECT * FROM ds.7day', 'ds.7day'],
      ['SELECT * FROM ds . 7day', 'ds.7day'],
      ['SELECT * FROM nba-props-287.ds.7day', 'ds.7day'],
      ['SELECT * FROM my-project-2.mlb_raw.games_2024', 'mlb_raw.games_2024'],
      // A wildcard that can match a guarded table reads it; _TABLE_SUFFIX does not prune its partitions.
      ['SELECT * FROM mlb_raw.games_*', 'mlb_raw.games_2024'],
      ["SELECT * FROM mlb_raw.games_* WHERE _TABLE_SUFFIX = '2024'", 'mlb_raw.games_2024'],
      ['SELECT * FROM `proj.mlb_raw.games_2024*`', 'mlb_raw.games_2024'],
      ['SELECT * FROM `proj.mlb_raw.games_20*` AS g', 'mlb_raw.games_2024'],
      ['SELECT * FROM `proj`.`mlb_raw`.`games_*`', 'mlb_raw.games_2024'],
      ['SELECT * FROM `mlb_raw.*`', 'mlb_raw.games_2024'],
      // A configured wildcard guards every table it matches, and every wildcard that may overlap it.
      ['SELECT * FROM ev.events_20240101', 'ev.events_*'],
      ['SELECT * FROM ev.events_2024*', 'ev.events_*'],
      ['SELECT * FROM `ev.event*`', 'ev.events_*'],
      // Backticked names take the escapes of string literals.
      ['SELECT * FROM `mlb_raw.g\\u0061mes_2024`', 'mlb_raw.games_2024'],
      ['SELECT * FROM `mlb_raw`.`games\\x5f2024`', 'mlb_raw.games_2024'],
    ])('refuses %j', (sql, table) => {
      expect(refusal(sql)).toMatchObject({ name: 'QueryGuardError', rule: 'partition_filter', table });
    });

    it.each([
      'SELECT * FROM mlb_raw.games_* WHERE game_date = @d',
      'SELECT * FROM `proj.mlb_raw.games_2024*` WHERE game_date > @d',
      'SELECT * FROM proj.123dataset.t WHERE game_date = @d',
      'SELECT * FROM ds.7day d WHERE d.game_date = @d',
      'SELECT * FROM ev.events_* WHERE event_date = @d',
      // Other tables: a longer wildcard prefix, another dataset, a column list, a product.
      'SELECT * FROM mlb_raw.games_2025*',
      'SELECT * FROM mlb_raw.gamesx_*',
      'SELECT * FROM ev.other_*',
      'SELECT g.* FROM mlb_raw.teams g',
      'SELECT mlb_raw.x*2 FROM other.t',
      'SELECT * FROM ds.7days',
      'SELECT * FROM ds.17day',
    ])('lets %j through', (sql) => {
      expect(refusal(sql)).toBeUndefined();
    });
  });

  it('does nothing without a guard', () => {
    expect(() => checkPartitionFilter('SELECT * FROM mlb_raw.games', undefined)).not.toThrow();
  });
});

describe('queryGuard: its configuration is checked when the executor is made', () => {
  const make = (queryGuard: unknown) => () => new BigQueryExecutor({ queryGuard } as never);

  it.each([
    // A key without a dataset guarded nothing, silently: every full scan of the table passed.
    [{ partitionedTables: { games: 'game_date' } }, "partitionedTables['games']"],
    [{ partitionedTables: { 'a.b.c.d': 'game_date' } }, "partitionedTables['a.b.c.d']"],
    [{ partitionedTables: { 'mlb_raw.': 'game_date' } }, "partitionedTables['mlb_raw.']"],
    [{ partitionedTables: { 'mlb_raw.ga*mes': 'game_date' } }, "partitionedTables['mlb_raw.ga*mes']"],
    // A column no statement can name refused every query of the table.
    [{ partitionedTables: { 'mlb_raw.games': '' } }, "partitionedTables['mlb_raw.games']"],
    [{ partitionedTables: { 'mlb_raw.games': ' ' } }, "partitionedTables['mlb_raw.games']"],
    [{ partitionedTables: { 'mlb_raw.games': 7 } }, "partitionedTables['mlb_raw.games']"],
    [{ partitionedTables: null }, 'partitionedTables'],
    [{ partitionedTables: new Map([['mlb_raw.games', 'game_date']]) }, 'partitionedTables'],
    [{}, 'partitionedTables'],
  ])('refuses %o with a TypeError naming %s', (guard, names) => {
    expect(make(guard)).toThrow(TypeError);
    expect(make(guard)).toThrow(names);
  });

  it('accepts dataset.table, project.dataset.table, backticks, a dashed project and a wildcard', () => {
    expect(
      make({
        partitionedTables: {
          'mlb_raw.games': 'game_date',
          'my-project-2.mlb_raw.games': 'game_date',
          '`proj.ds.t`': '`game_date`',
          'ev.events_*': 'event_date',
          'example.com:proj.ds.t': 'd',
        },
      }),
    ).not.toThrow();
  });

  it('keeps the configuration it was given: a later change to the object does not disarm it', async () => {
    const partitionedTables: Record<string, string> = { 'mlb_raw.games': 'game_date' };
    const bq = new BigQueryExecutor({ queryGuard: { partitionedTables } });
    delete partitionedTables['mlb_raw.games'];
    await expect(bq.query('SELECT * FROM mlb_raw.games')).rejects.toBeInstanceOf(QueryGuardError);
  });
});

describe('query guard on a statement near BigQuery’s 1 MB limit', () => {
  // 24,000 nested subqueries, each with its WHERE: each clause was read to the end of the
  // statement, about 38 s of synchronous work; one pass now.
  it('checks thousands of nested WHERE clauses in one pass', { timeout: 10_000 }, () => {
    const guard = { partitionedTables: { 'mlb_raw.games': 'game_date' } };
    const n = 24_000;
    const nested = (last: string) =>
      `SELECT 1 FROM mlb_raw.games WHERE ${'x = 1 AND EXISTS (SELECT 1 FROM t WHERE '.repeat(n)}${last}${')'.repeat(n)}`;
    expect(nested('game_date = 1').length).toBeLessThan(1024 * 1024);
    expect(() => checkPartitionFilter(nested('game_date = 1'), guard)).not.toThrow();
    expect(() => checkPartitionFilter(nested('y = 1'), guard)).toThrow(QueryGuardError);
  });
});
