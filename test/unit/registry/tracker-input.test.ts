import { describe, expect, it } from 'vitest';
import { UnresolvedPlayerTracker } from '../../../src/registry/index.js';
import { MemoryExecutor } from './memory-executor.js';

const base = { sport: 'mlb', source: 'pitcher_strikeouts_predictor', env: {} };

describe('UnresolvedPlayerTracker: bad input is a clear TypeError, up front', () => {
  it.each([
    [
      'a table that is not project.dataset.table',
      { table: 'unresolved players' },
      /table .*"unresolved players"/,
    ],
    ['a table with a backtick', { table: 'p.d.t`; DROP TABLE x; --' }, /table/],
    ['a projectId with a backtick', { projectId: 'my`project' }, /my`project/],
  ])(
    'refuses %s at construction (every flush would fail, or break out of its quoting)',
    (_, extra, message) => {
      expect(
        () => new UnresolvedPlayerTracker({ executor: new MemoryExecutor(), ...base, ...extra }),
      ).toThrow(message);
      expect(
        () => new UnresolvedPlayerTracker({ executor: new MemoryExecutor(), ...base, ...extra }),
      ).toThrow(TypeError);
    },
  );
});
