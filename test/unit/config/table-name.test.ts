import { describe, expect, it } from 'vitest';
import { getSportConfig, InvalidResourceNameError } from '../../../src/config/index.js';
import { formatTableName, parseTableName } from '../../../src/config/table-name.js';
import { PlayerRegistryReader, unresolvedPlayersTableDdl } from '../../../src/registry/index.js';
import { MemoryExecutor } from '../registry/memory-executor.js';

describe('parseTableName', () => {
  it('reads dataset.table without a project', () => {
    expect(parseTableName('mlb_raw.games')).toEqual({ datasetId: 'mlb_raw', tableId: 'games' });
  });

  it('reads project.dataset.table, plain and backticked', () => {
    const expected = { projectId: 'nba-props-platform', datasetId: 'mlb_raw', tableId: 'games' };
    expect(parseTableName('nba-props-platform.mlb_raw.games')).toEqual(expected);
    expect(parseTableName('`nba-props-platform.mlb_raw.games`')).toEqual(expected);
    expect(parseTableName('`nba-props-platform`.`mlb_raw`.`games`')).toEqual(expected);
  });

  it('accepts a domain-scoped project', () => {
    expect(parseTableName('example.com:proj.ds.t')).toEqual({
      projectId: 'example.com:proj',
      datasetId: 'ds',
      tableId: 't',
    });
  });

  it.each(['games', '', 'a..b', 'ds.', '.t', 'a.b.c.d', 'bad ds!.t'])(
    'refuses %j with a TypeError',
    (name) => {
      expect(() => parseTableName(name)).toThrow(TypeError);
    },
  );

  it('formats with and without a project', () => {
    expect(formatTableName({ projectId: 'p', datasetId: 'd', tableId: 't' })).toBe('p.d.t');
    expect(formatTableName({ datasetId: 'd', tableId: 't' })).toBe('d.t');
  });
});

describe('one rule for table names, wherever a name is checked', () => {
  // Each checker answers whether project `p`, dataset `d` and table `t` make a valid name.
  const checkers: Record<string, (d: string, t: string) => boolean> = {
    parseTableName: (d, t) => accepts(() => parseTableName(`proj.${d}.${t}`)),
    'SportConfig.table': (d, t) => accepts(() => getSportConfig('mlb', {}).table(d, t)),
    unresolvedPlayersTableDdl: (d, t) => accepts(() => unresolvedPlayersTableDdl(`proj.${d}.${t}`)),
    PlayerRegistryReader: (d, t) =>
      accepts(
        () =>
          new PlayerRegistryReader({
            executor: new MemoryExecutor(),
            sport: 'mlb',
            source: 'test',
            env: {},
            table: `proj.${d}.${t}`,
          }),
      ),
  };
  const cases: Array<[dataset: string, table: string, valid: boolean]> = [
    ['mlb_raw', 'games', true],
    ['mlb_raw', 'games_2026', true],
    ['mlb_raw', 'box-scores', true],
    ['mlb_raw', 'box scores', true],
    ['mlb_raw', 'jeux_été', true],
    ['mlb-raw', 'games', false],
    ['mlb_raw', 'ga.mes', false],
    ['mlb_raw', 'x` OR 1=1 --', false],
    ['mlb_raw', 'a\\b', false],
    ['mlb_raw', 'line\nbreak', false],
    ['mlb_raw', '', false],
    ['', 'games', false],
  ];

  for (const [name, check] of Object.entries(checkers)) {
    it(`${name} accepts and refuses the same names as the others`, () => {
      for (const [dataset, table, valid] of cases) {
        expect({ dataset, table, accepted: check(dataset, table) }).toEqual({
          dataset,
          table,
          accepted: valid,
        });
      }
    });
  }

  it('a partition decorator is a valid name, which the registry refuses for its own use (FROM, CREATE TABLE)', () => {
    const accepted = Object.fromEntries(
      Object.entries(checkers).map(([name, check]) => [name, check('mlb_raw', 'games$20260401')]),
    );
    expect(accepted).toEqual({
      parseTableName: true,
      'SportConfig.table': true,
      unresolvedPlayersTableDdl: false,
      PlayerRegistryReader: false,
    });
  });

  it('a name that must carry its project refuses one without, and surrounding quotes or spaces', () => {
    expect(() => unresolvedPlayersTableDdl('mlb_reference.unresolved_players')).toThrow(
      'Expected a table id of the form project.dataset.table, got "mlb_reference.unresolved_players"',
    );
    expect(() => unresolvedPlayersTableDdl('`p.d.t`')).toThrow(TypeError);
    expect(() => unresolvedPlayersTableDdl(' p.d.t')).toThrow(TypeError);
  });
});

function accepts(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (error) {
    if (!(error instanceof TypeError) && !(error instanceof InvalidResourceNameError)) throw error;
    return false;
  }
}
