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
    expect(parseTableName('example.com:my-proj.ds.t')).toEqual({
      projectId: 'example.com:my-proj',
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

  it("takes a project id of at most 30 characters (Google's limit), after a domain of at most 253", () => {
    const id = `p${'x'.repeat(29)}`;
    expect(parseTableName(`${id}.ds.t`).projectId).toBe(id);
    expect(() => parseTableName(`${id}x.ds.t`)).toThrow(TypeError);
    const domain = `${'d'.repeat(249)}.com`;
    expect(parseTableName(`${domain}:my-proj.ds.t`).projectId).toBe(`${domain}:my-proj`);
    expect(() => parseTableName(`d${domain}:my-proj.ds.t`)).toThrow(TypeError);
    expect(() => getSportConfig('mlb', { GCP_PROJECT_ID: `${id}x` })).toThrow(InvalidResourceNameError);
  });

  // Google's rules for a project id: 6 to 30 characters of lowercase letters, digits and hyphens,
  // starting with a letter, not ending with a hyphen; a legacy domain-scoped id keeps its domain.
  it.each([
    ['abcdef', true],
    [`a${'b'.repeat(29)}`, true],
    ['my-project-2', true],
    ['example.com:my-project', true],
    ['abcde', false], // 5 characters
    [`a${'b'.repeat(30)}`, false], // 31 characters
    ['My-Project', false], // upper case
    ['my_project', false], // underscore
    ['1project', false], // starts with a digit
    ['-project', false],
    ['my-project-', false], // ends with a hyphen
    ['example.com:My_Project', false],
    ['example.com:proj', false], // the id after the domain follows the same rules
    ['Example.COM:my-project', false],
  ])('applies Google project-id rules to %j (valid: %s)', (projectId, valid) => {
    const thrown = caughtOrUndefined(() => parseTableName(`${projectId}.ds.t`));
    if (valid) {
      expect(thrown).toBeUndefined();
      expect(parseTableName(`${projectId}.ds.t`).projectId).toBe(projectId);
      expect(getSportConfig('mlb', { GCP_PROJECT_ID: projectId }).projectId).toBe(projectId);
      return;
    }
    // A typed error naming the part and the rule, still a TypeError for callers that catch those.
    expect(thrown).toBeInstanceOf(InvalidResourceNameError);
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as InvalidResourceNameError).kind).toBe('project');
    expect((thrown as InvalidResourceNameError).value).toBe(projectId);
    expect((thrown as InvalidResourceNameError).code).toBe('INVALID_RESOURCE_NAME');
    expect(thrown?.message).toMatch(/6 to 30 characters/);
    expect(thrown?.message).toContain(`${projectId}.ds.t`);
    expect(() => getSportConfig('mlb', { GCP_PROJECT_ID: projectId })).toThrow(InvalidResourceNameError);
  });

  it('names the part at fault for a bad dataset or table id', () => {
    const dataset = caught(() => parseTableName('my-project.bad-ds.t')) as InvalidResourceNameError;
    expect(dataset).toBeInstanceOf(InvalidResourceNameError);
    expect([dataset.kind, dataset.value]).toEqual(['dataset', 'bad-ds']);
    const table = caught(() => parseTableName('ds.ga$mes')) as InvalidResourceNameError;
    expect([table.kind, table.value]).toEqual(['table', 'ga$mes']);
  });

  it('formats with and without a project', () => {
    expect(formatTableName({ projectId: 'p', datasetId: 'd', tableId: 't' })).toBe('p.d.t');
    expect(formatTableName({ datasetId: 'd', tableId: 't' })).toBe('d.t');
  });
});

describe('one rule for table names, wherever a name is checked', () => {
  // Each checker answers whether project `p`, dataset `d` and table `t` make a valid name.
  const checkers: Record<string, (d: string, t: string) => boolean> = {
    parseTableName: (d, t) => accepts(() => parseTableName(`my-proj.${d}.${t}`)),
    'SportConfig.table': (d, t) => accepts(() => getSportConfig('mlb', {}).table(d, t)),
    unresolvedPlayersTableDdl: (d, t) => accepts(() => unresolvedPlayersTableDdl(`my-proj.${d}.${t}`)),
    PlayerRegistryReader: (d, t) =>
      accepts(
        () =>
          new PlayerRegistryReader({
            executor: new MemoryExecutor(),
            sport: 'mlb',
            source: 'test',
            env: {},
            table: `my-proj.${d}.${t}`,
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
    // BigQuery's limit on a table name is 1,024 UTF-8 bytes, not characters.
    ['mlb_raw', 'a'.repeat(1024), true],
    ['mlb_raw', 'a'.repeat(1025), false],
    ['mlb_raw', 'é'.repeat(512), true], // 2 bytes each: 1,024 bytes
    ['mlb_raw', 'é'.repeat(513), false], // 513 characters, 1,026 bytes
    ['mlb_raw', 'e\u0301'.repeat(341), true], // e + combining acute (a mark, 2 bytes): 1,023 bytes
    ['mlb_raw', 'お'.repeat(341), true], // 3 bytes each: 1,023 bytes
    ['mlb_raw', 'お'.repeat(342), false], // 342 characters, 1,026 bytes
    ['mlb_raw', '𝒜'.repeat(256), true], // a letter outside the BMP, 4 bytes (2 UTF-16 units): 1,024 bytes
    ['mlb_raw', '𝒜'.repeat(257), false],
    // Dataset ids: letters, digits and underscores, up to 1,024 characters.
    ['d'.repeat(1024), 'games', true],
    ['d'.repeat(1025), 'games', false],
    // '$' only introduces a partition decorator.
    ['mlb_raw', 'ga$mes', false],
    ['mlb_raw', '$20260401', false],
    ['mlb_raw', 'games$', false],
    ['mlb_raw', 'games$2026$04', false],
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

  it.each([
    'games$20260401',
    'games$2026040112',
    'games$__UNPARTITIONED__',
    'games$__NULL__',
    `${'é'.repeat(512)}$20260401`, // the decorator does not count toward the name's 1,024 bytes
  ])(
    'a partition decorator (%s) is a valid name, which the registry refuses for its own use (FROM, CREATE TABLE)',
    (table) => {
      const accepted = Object.fromEntries(
        Object.entries(checkers).map(([name, check]) => [name, check('mlb_raw', table)]),
      );
      expect(accepted).toEqual({
        parseTableName: true,
        'SportConfig.table': true,
        unresolvedPlayersTableDdl: false,
        PlayerRegistryReader: false,
      });
    },
  );

  it('says why a table id is refused: its length in UTF-8 bytes, quoting only the start of the name', () => {
    const long = 'お'.repeat(342);
    const thrown = caught(() => parseTableName(`mlb_raw.${long}`));
    expect(thrown).toBeInstanceOf(TypeError);
    expect(thrown.message).toMatch(/1026 bytes in UTF-8 \(342 characters\); BigQuery allows at most 1024/);
    expect(thrown.message.length).toBeLessThan(400);
    const fromConfig = caught(() => getSportConfig('mlb', {}).table('mlb_raw', long));
    expect(fromConfig).toBeInstanceOf(InvalidResourceNameError);
    expect(fromConfig.message).toMatch(/1026 bytes in UTF-8/);
    const huge = caught(() => parseTableName(`mlb_raw.x\`${'y'.repeat(1_000_000)}`));
    expect(huge.message.length).toBeLessThan(400);
  });

  it('a name that must carry its project refuses one without, and surrounding quotes or spaces', () => {
    expect(() => unresolvedPlayersTableDdl('mlb_reference.unresolved_players')).toThrow(
      'Expected a table id of the form project.dataset.table, got "mlb_reference.unresolved_players"',
    );
    expect(() => unresolvedPlayersTableDdl('`p.d.t`')).toThrow(TypeError);
    expect(() => unresolvedPlayersTableDdl(' p.d.t')).toThrow(TypeError);
  });

  it('a name that must carry its project is quoted redacted and escaped when refused, as parseTableName quotes it', () => {
    // An obviously fake token, put together at run time.
    const token = ['ya29', 'fake-test-token-Zq7'].join('.');
    for (const name of [
      `${token}.ds.t`,
      `\`${token}\``,
      `my-project.ds.t$20260601 ${token}`,
      `a\nforged line`,
    ]) {
      const thrown = caught(() => unresolvedPlayersTableDdl(name));
      expect(thrown).toBeInstanceOf(TypeError);
      expect(thrown.message).not.toContain('Zq7');
      expect(thrown.message).not.toContain('\n');
    }
    const partitioned = caught(() => unresolvedPlayersTableDdl(`my-project.ds.t$20260601`));
    expect(partitioned.message).toContain('without a partition decorator');
  });
});

function caughtOrUndefined(run: () => unknown): Error | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

function caught(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

function accepts(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (error) {
    if (!(error instanceof TypeError) && !(error instanceof InvalidResourceNameError)) throw error;
    return false;
  }
}

describe('a table name that is refused whole is quoted safely', () => {
  it.each([
    ['a token', 'xoxb-17653672481-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'xoxb-1765'],
    ['a forged log line', 'x\n[ERROR] forged\u001b[31m', '\n'],
    [
      'too many parts holding a token',
      'a.b.c.xoxb-17653672481-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
      'xoxb-1765',
    ],
  ])('%s: credentials removed, control characters escaped', (_what, name, absent) => {
    let message = '';
    try {
      parseTableName(name);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Table name "/);
    expect(message).not.toContain(absent);
    expect(message).not.toContain('\u001b');
  });
});
