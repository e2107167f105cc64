import { describe, expect, it } from 'vitest';
import { formatTableName, parseTableName } from '../../../src/bigquery/table-name.js';

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
