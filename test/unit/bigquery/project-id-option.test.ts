import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { InvalidResourceNameError } from '../../../src/config/index.js';
import { PlayerRegistryReader, UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import { MemoryExecutor } from '../registry/memory-executor.js';

// An obviously fake token, put together at run time; its secret part holds `Zq7`.
const TOKEN = ['ya29', `fake-test-token-Zq7${'x'.repeat(40)}`].join('.');

function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

const BAD = [
  ['uppercase and an underscore', 'My_Project'],
  ['too short', 'p'],
  ['ending with a hyphen', 'proj-'],
  ['a token', TOKEN],
  ['a backtick', 'my`project'],
  ['a table name', 'my-project.mlb_raw'],
] as const;

const constructors = {
  BigQueryExecutor: (projectId: string) => new BigQueryExecutor({ projectId }),
  PlayerRegistryReader: (projectId: string) =>
    new PlayerRegistryReader({
      executor: new MemoryExecutor(),
      sport: 'mlb',
      source: 'test',
      env: {},
      projectId,
    }),
  'PlayerRegistryReader beside a table': (projectId: string) =>
    new PlayerRegistryReader({
      executor: new MemoryExecutor(),
      sport: 'mlb',
      source: 'test',
      env: {},
      table: 'my-project.mlb_reference.registry',
      projectId,
    }),
  UnresolvedPlayerTracker: (projectId: string) =>
    new UnresolvedPlayerTracker({
      executor: new MemoryExecutor(),
      sport: 'mlb',
      source: 'test',
      env: {},
      flushOnExit: false,
      projectId,
    }),
};

describe('an option that names a project follows the project-id rule of parseTableName and the env config', () => {
  for (const [name, make] of Object.entries(constructors)) {
    it.each(BAD)(
      `${name}: a projectId with %s is an InvalidResourceNameError at construction`,
      (_label, bad) => {
        const error = thrownBy(() => make(bad));
        expect(error).toBeInstanceOf(InvalidResourceNameError);
        expect(error).toMatchObject({ kind: 'project', code: 'INVALID_RESOURCE_NAME', transient: false });
        expect(error.message).toContain('option projectId');
        expect(error.message).toContain('6 to 30 characters');
      },
    );

    it(`${name}: a valid project id, and the legacy domain form, are accepted`, () => {
      expect(() => make('nba-props-platform')).not.toThrow();
      expect(() => make('example.com:my-project')).not.toThrow();
    });
  }

  it('the rejected value is shown as other configuration values are: credentials removed, at most 32 characters', () => {
    const error = thrownBy(() => new BigQueryExecutor({ projectId: TOKEN }));
    const printed = `${inspect(error, { depth: 30, showHidden: true, getters: true })}\n${JSON.stringify(error)}`;
    expect(printed).not.toContain('Zq7');
    expect([...(error as InvalidResourceNameError).value].length).toBeLessThanOrEqual(33);
    const long = `a${'b'.repeat(200)}`;
    const cut = thrownBy(() => new BigQueryExecutor({ projectId: long })) as InvalidResourceNameError;
    expect([...cut.value].length).toBeLessThanOrEqual(33);
    expect(cut.message.length).toBeLessThan(400);
    expect(thrownBy(() => new BigQueryExecutor({ projectId: 'My_Project' })).message).toContain(
      '"My_Project"',
    );
  });
});
