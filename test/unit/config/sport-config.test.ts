import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_PROJECT_ID,
  getSportConfig,
  InvalidConfigEnvError,
  InvalidResourceNameError,
  isKnownSport,
  KNOWN_SPORTS,
  UnknownSportError,
} from '../../../src/config/index.js';
import { Sport } from '../../../src/validation/index.js';

const EMPTY_ENV = {};

describe('getSportConfig: the original naming', () => {
  it('derives every field of mlb from the sport name, as the original __post_init__ did', () => {
    const config = getSportConfig('mlb', EMPTY_ENV);
    expect({ ...config, topic: undefined, table: undefined }).toEqual({
      sport: 'mlb',
      projectId: 'nba-props-platform',
      bucket: 'mlb-scraped-data',
      rawDataset: 'mlb_raw',
      analyticsDataset: 'mlb_analytics',
      precomputeDataset: 'mlb_precompute',
      predictionsDataset: 'mlb_predictions',
      referenceDataset: 'mlb_reference',
      orchestrationDataset: 'mlb_orchestration',
      topic: undefined,
      table: undefined,
    });
  });

  it('derives every field of nba the same way', () => {
    const config = getSportConfig('nba', EMPTY_ENV);
    expect(config.sport).toBe('nba');
    expect(config.projectId).toBe(DEFAULT_PROJECT_ID);
    expect(config.bucket).toBe('nba-scraped-data');
    expect(config.rawDataset).toBe('nba_raw');
    expect(config.analyticsDataset).toBe('nba_analytics');
    expect(config.precomputeDataset).toBe('nba_precompute');
    expect(config.predictionsDataset).toBe('nba_predictions');
    expect(config.referenceDataset).toBe('nba_reference');
    expect(config.orchestrationDataset).toBe('nba_orchestration');
  });

  it('names topics {sport}-{phase}', () => {
    expect(getSportConfig('mlb', EMPTY_ENV).topic('phase1-scrapers-complete')).toBe(
      'mlb-phase1-scrapers-complete',
    );
    expect(getSportConfig('nba', EMPTY_ENV).topic('phase2-raw-complete')).toBe('nba-phase2-raw-complete');
  });

  it('qualifies tables as project.dataset.name with the configured project', () => {
    const config = getSportConfig('mlb', { GCP_PROJECT_ID: 'staging-project' });
    expect(config.table(config.referenceDataset, 'unresolved_players')).toBe(
      'staging-project.mlb_reference.unresolved_players',
    );
  });

  it('refuses table and dataset names that would escape a backtick-quoted identifier', () => {
    const config = getSportConfig('mlb', EMPTY_ENV);
    expect(() => config.table('mlb_raw', 'x` OR 1=1 --')).toThrow(InvalidResourceNameError);
    expect(() => config.table('other.mlb_raw', 'games')).toThrow(/Invalid dataset name/);
    expect(() => config.table('mlb_raw', '')).toThrow(/Invalid table name/);
    expect(() => config.topic('')).toThrow(/Invalid phase name/);
    expect(() => config.topic('phase 1')).toThrow(InvalidResourceNameError);
  });

  it('refuses a phase that is not a string (an unset variable made the topic "mlb-undefined") or makes a topic id longer than 255', () => {
    const config = getSportConfig('mlb', EMPTY_ENV);
    for (const phase of [undefined, null, 1, {}]) {
      expect(() => config.topic(phase as unknown as string)).toThrow(InvalidResourceNameError);
    }
    expect(() => config.topic(undefined as unknown as string)).toThrow(/Invalid phase name undefined/);
    expect(config.topic('p'.repeat(251))).toBe(`mlb-${'p'.repeat(251)}`);
    expect(() => config.topic('p'.repeat(252))).toThrow(/at most 255 characters/);
  });

  it('quotes at most the start of a huge rejected name in its message', () => {
    const config = getSportConfig('mlb', EMPTY_ENV);
    const thrown = (() => {
      try {
        config.table('mlb_raw', `${'x'.repeat(1_000_000)}\``);
      } catch (error) {
        return error as InvalidResourceNameError;
      }
    })();
    expect(thrown).toBeInstanceOf(InvalidResourceNameError);
    expect(thrown?.message.length).toBeLessThan(300);
    expect(thrown?.value.length).toBe(1_000_001);
  });

  it('returns a frozen object', () => {
    const config = getSportConfig('nba', EMPTY_ENV);
    expect(Object.isFrozen(config)).toBe(true);
  });
});

describe('getSportConfig: which sport', () => {
  it('defaults to nba when neither the argument nor SPORT names one', () => {
    expect(getSportConfig(undefined, EMPTY_ENV).sport).toBe('nba');
    expect(getSportConfig(undefined, { SPORT: '  ' }).sport).toBe('nba');
  });

  it('takes SPORT from the environment, lower-cased', () => {
    expect(getSportConfig(undefined, { SPORT: 'MLB' }).sport).toBe('mlb');
  });

  it('lets the argument win over SPORT and lower-cases it', () => {
    expect(getSportConfig('NBA', { SPORT: 'mlb' }).sport).toBe('nba');
    expect(getSportConfig(' Mlb ', EMPTY_ENV).sport).toBe('mlb');
  });

  it('rejects an unknown sport with an error that lists the known ones', () => {
    let caught: unknown;
    try {
      getSportConfig('nhl', EMPTY_ENV);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UnknownSportError);
    const error = caught as UnknownSportError;
    expect(error.message).toBe('Unknown sport "nhl": expected one of nba, mlb (from the argument)');
    expect(error.sport).toBe('nhl');
    expect(error.knownSports).toEqual(['nba', 'mlb']);
    expect(error.code).toBe('UNKNOWN_SPORT');
    expect(error.transient).toBe(false);
  });

  it('says when the unknown sport came from SPORT', () => {
    expect(() => getSportConfig(undefined, { SPORT: 'cricket' })).toThrow(
      /Unknown sport "cricket": expected one of nba, mlb \(from the SPORT environment variable\)/,
    );
  });

  it('rejects an empty sport argument instead of silently defaulting', () => {
    expect(() => getSportConfig('', EMPTY_ENV)).toThrow(UnknownSportError);
  });

  it('exposes the known sports', () => {
    expect(KNOWN_SPORTS).toEqual(['nba', 'mlb']);
    expect(isKnownSport('mlb')).toBe(true);
    expect(isKnownSport('MLB')).toBe(false);
    expect(isKnownSport(42)).toBe(false);
  });
});

describe('getSportConfig: project id', () => {
  it('uses GCP_PROJECT_ID first', () => {
    expect(
      getSportConfig('nba', { GCP_PROJECT_ID: 'from-gcp', GOOGLE_CLOUD_PROJECT: 'from-google' }).projectId,
    ).toBe('from-gcp');
  });

  it('falls back to GOOGLE_CLOUD_PROJECT, then to the original default', () => {
    expect(getSportConfig('nba', { GOOGLE_CLOUD_PROJECT: 'from-google' }).projectId).toBe('from-google');
    expect(getSportConfig('nba', { GCP_PROJECT_ID: '', GOOGLE_CLOUD_PROJECT: '' }).projectId).toBe(
      'nba-props-platform',
    );
  });
});

describe('getSportConfig: a project id or sport that cannot be one', () => {
  it.each([
    ['GCP_PROJECT_ID', 'my`project'],
    ['GCP_PROJECT_ID', 'my project'],
    ['GOOGLE_CLOUD_PROJECT', 'p.d'],
    ['GOOGLE_CLOUD_PROJECT', 'a;DROP'],
  ])('refuses %s=%j, naming the variable (table() pastes it between backticks)', (variable, value) => {
    const read = () => getSportConfig('mlb', { [variable]: value });
    expect(read).toThrow(InvalidResourceNameError);
    expect(read).toThrow(
      new RegExp(
        `project name ${JSON.stringify(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(from ${variable}\\)`,
      ),
    );
    try {
      read();
    } catch (error) {
      expect((error as InvalidResourceNameError).kind).toBe('project');
    }
  });

  it('accepts ordinary and domain-scoped project ids', () => {
    expect(
      getSportConfig('mlb', { GCP_PROJECT_ID: 'example.com:my-project' }).table('mlb_raw', 'games'),
    ).toBe('example.com:my-project.mlb_raw.games');
    expect(getSportConfig('mlb', { GCP_PROJECT_ID: 'test-project' }).projectId).toBe('test-project');
  });

  it('a sport that is not a string is a clear error, not "raw.trim is not a function"', () => {
    for (const sport of [123, null, {}] as unknown[]) {
      expect(() => getSportConfig(sport as string, EMPTY_ENV)).toThrow(UnknownSportError);
      expect(() => getSportConfig(sport as string, EMPTY_ENV)).toThrow(/expected one of nba, mlb/);
    }
  });
});

describe('getSportConfig: an environment that is not one', () => {
  it.each([
    ['null', null, /env must be an object of environment variables, got null/],
    [
      'a string',
      'GCP_PROJECT_ID=p',
      /env must be an object of environment variables, got a string \("GCP_PROJECT_ID=p"\)/,
    ],
    ['a number', 42, /env must be an object of environment variables, got a number \(42\)/],
    ['an array', ['mlb'], /env must be an object of environment variables, got an array/],
  ])('refuses %s with the config error naming it, not a TypeError from inside', (_what, env, message) => {
    const read = () => getSportConfig('nba', env as never);
    expect(read).toThrow(InvalidConfigEnvError);
    expect(read).toThrow(message);
    try {
      read();
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_CONFIG_ENV', transient: false, variable: undefined });
      expect(error).toBeInstanceOf(TypeError);
    }
  });

  it.each([
    ['GCP_PROJECT_ID', 42, /env\.GCP_PROJECT_ID must be a string, got a number \(42\)/],
    ['GOOGLE_CLOUD_PROJECT', {}, /env\.GOOGLE_CLOUD_PROJECT must be a string, got an object/],
    ['SPORT', true, /env\.SPORT must be a string, got a boolean \(true\)/],
  ])('refuses %s holding %j, naming the variable', (variable, value, message) => {
    const read = () => getSportConfig(undefined, { [variable]: value } as never);
    expect(read).toThrow(InvalidConfigEnvError);
    expect(read).toThrow(message);
    try {
      read();
    } catch (error) {
      expect((error as InvalidConfigEnvError).variable).toBe(variable);
    }
  });

  it('shows a string env redacted and cut, as every configuration value', () => {
    const secret = `Authorization: Bearer ${'x'.repeat(40)}`;
    try {
      getSportConfig('nba', secret as never);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('x'.repeat(20));
      expect((error as Error).message).toContain('[REDACTED]');
    }
  });

  it('still treats an unset (undefined or null) variable as absent', () => {
    expect(getSportConfig(undefined, { SPORT: undefined, GCP_PROJECT_ID: null } as never)).toMatchObject({
      sport: 'nba',
      projectId: DEFAULT_PROJECT_ID,
    });
  });

  it('carries the package brand', () => {
    const error = new InvalidConfigEnvError(undefined, null);
    expect(
      (error as unknown as Record<symbol, unknown>)[
        Symbol.for('gcp-pipeline-resilience/InvalidConfigEnvError')
      ],
    ).toBe(true);
    expect(error.name).toBe('InvalidConfigEnvError');
  });
});

describe('getSportConfig: reads process.env when called, not at import', () => {
  const saved = {
    SPORT: process.env.SPORT,
    GCP_PROJECT_ID: process.env.GCP_PROJECT_ID,
    GOOGLE_CLOUD_PROJECT: process.env.GOOGLE_CLOUD_PROJECT,
  };

  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('sees variables set after the module was imported', () => {
    delete process.env.GOOGLE_CLOUD_PROJECT;
    process.env.SPORT = 'nba';
    process.env.GCP_PROJECT_ID = 'first-project';
    expect(getSportConfig().sport).toBe('nba');
    expect(getSportConfig().projectId).toBe('first-project');

    process.env.SPORT = 'mlb';
    process.env.GCP_PROJECT_ID = 'second-project';
    const later = getSportConfig();
    expect(later.sport).toBe('mlb');
    expect(later.projectId).toBe('second-project');
    expect(later.table(later.rawDataset, 'games')).toBe('second-project.mlb_raw.games');
  });
});

describe('the sports, listed once', () => {
  it('the message schema accepts exactly the sports the config knows, and names them when it refuses', () => {
    for (const sport of KNOWN_SPORTS) expect(Sport.parse(sport)).toBe(sport);
    const refused = Sport.safeParse('nhl');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe(
      `must be one of ${KNOWN_SPORTS.map((sport) => `'${sport}'`).join(', ')}`,
    );
  });

  it('config errors carry the package brand, so a second copy of the package recognizes them', () => {
    const error = new UnknownSportError('nhl');
    expect(
      (error as unknown as Record<symbol, unknown>)[Symbol.for('gcp-pipeline-resilience/UnknownSportError')],
    ).toBe(true);
    expect(error.name).toBe('UnknownSportError');
  });
});
