import { describe, expect, it } from 'vitest';
import {
  getSportConfig,
  InvalidConfigEnvError,
  InvalidResourceNameError,
  KNOWN_SPORTS,
  UnknownSportError,
} from '../../../src/config/index.js';
import { UnresolvedPlayerTracker, unresolvedPlayersTableDdl } from '../../../src/registry/index.js';

const TOKEN = `ya29.${'a0AfH6SMB'.repeat(6)}`;

function thrownBy(read: () => unknown): unknown {
  try {
    read();
  } catch (error) {
    return error;
  }
  return expect.unreachable('it did not throw');
}

describe('getSportConfig: an env of the wrong kind is refused, never read as empty', () => {
  it.each([
    [
      'a Map',
      new Map([
        ['SPORT', 'mlb'],
        ['GCP_PROJECT_ID', 'staging-project'],
      ]),
      /got a Map/,
    ],
    ['a Set', new Set(['SPORT=mlb']), /got a Set/],
    ['a Date', new Date(0), /got a Date/],
    ['a URLSearchParams', new URLSearchParams('SPORT=mlb'), /got a URLSearchParams/],
  ])(
    '%s (its variables are not properties: read, it silently gave nba in the default project)',
    (_what, env, message) => {
      const error = thrownBy(() => getSportConfig(undefined, env as never));
      expect(error).toBeInstanceOf(InvalidConfigEnvError);
      expect(error).toMatchObject({ code: 'INVALID_CONFIG_ENV', variable: undefined });
      expect((error as Error).message).toMatch(message);
    },
  );

  it('still takes process.env, a null-prototype object, a frozen object and a Proxy of one', () => {
    expect(getSportConfig('nba', process.env).sport).toBe('nba');
    const bare = Object.assign(Object.create(null) as Record<string, string>, { SPORT: 'mlb' });
    expect(getSportConfig(undefined, bare).sport).toBe('mlb');
    expect(getSportConfig(undefined, Object.freeze({ SPORT: 'mlb' })).sport).toBe('mlb');
    expect(getSportConfig(undefined, new Proxy({ SPORT: 'mlb' }, {})).sport).toBe('mlb');
  });
});

describe('getSportConfig: a variable whose read throws', () => {
  it('is the config error naming the variable, its message and cause without the credential', () => {
    const env = {
      get GCP_PROJECT_ID(): string {
        throw new Error(`secret manager refused: Authorization: Bearer ${TOKEN}`);
      },
    };
    const error = thrownBy(() => getSportConfig('mlb', env));
    expect(error).toBeInstanceOf(InvalidConfigEnvError);
    expect(error).toMatchObject({ code: 'INVALID_CONFIG_ENV', variable: 'GCP_PROJECT_ID' });
    expect((error as Error).message).toMatch(/env\.GCP_PROJECT_ID could not be read: secret manager refused/);
    expect((error as Error).message).not.toContain(TOKEN);
    expect(String((error as Error & { cause?: Error }).cause?.message)).toMatch(/secret manager refused/);
    expect(JSON.stringify((error as Error & { cause?: Error }).cause?.message)).not.toContain(TOKEN);
  });

  it('a Proxy whose get trap throws, for SPORT', () => {
    const env = new Proxy(
      {},
      {
        get() {
          throw new TypeError(`Bearer ${TOKEN}`);
        },
      },
    );
    const error = thrownBy(() => getSportConfig(undefined, env));
    expect(error).toBeInstanceOf(InvalidConfigEnvError);
    expect(error).toMatchObject({ variable: 'SPORT' });
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it.each([
    [
      'a Proxy whose has trap throws',
      new Proxy(
        {},
        {
          has() {
            throw new Error(`vault refused: Authorization: Bearer ${TOKEN}`);
          },
        },
      ),
    ],
    [
      'a revoked Proxy',
      (() => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
      })(),
    ],
  ])('%s: the config error about env itself, message and cause without the credential', (_what, env) => {
    // Before: the check of what env is (`Symbol.iterator in env`, `Array.isArray`) let the trap's
    // throw escape raw, the credential in its message.
    const error = thrownBy(() => getSportConfig('mlb', env as never));
    expect(error).toBeInstanceOf(InvalidConfigEnvError);
    expect(error).toMatchObject({ code: 'INVALID_CONFIG_ENV', variable: undefined });
    expect((error as Error).message).toMatch(/^env could not be read: /);
    expect((error as Error).message).not.toContain(TOKEN);
    expect(JSON.stringify(String((error as Error & { cause?: Error }).cause?.message))).not.toContain(TOKEN);
  });

  it('reaches a tracker built with that env as the same typed error', () => {
    const env = {
      get GCP_PROJECT_ID(): string {
        throw new Error('boom');
      },
    };
    expect(
      () =>
        new UnresolvedPlayerTracker({
          executor: { query: async () => [], insertRows: async () => ({ inserted: 0, failed: [] }) },
          sport: 'mlb',
          source: 's',
          env,
          flushOnExit: false,
        }),
    ).toThrow(InvalidConfigEnvError);
  });
});

describe('a revoked Proxy where a name or a variable goes', () => {
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  it('is the typed error naming it by its kind, not a TypeError from describing it', () => {
    // Before: describing the value for the message (Array.isArray of a revoked Proxy) threw first.
    const env = thrownBy(() => getSportConfig(undefined, { SPORT: revoked() as never }));
    expect(env).toBeInstanceOf(InvalidConfigEnvError);
    expect(env).toMatchObject({ variable: 'SPORT' });
    expect((env as Error).message).toMatch(/an object/);
    const table = thrownBy(() => getSportConfig('mlb', {}).table('mlb_raw', revoked() as never));
    expect(table).toBeInstanceOf(InvalidResourceNameError);
    expect(table).toMatchObject({ kind: 'table', value: 'an object' });
  });
});

describe('the list of known sports is not the caller’s to change', () => {
  it('KNOWN_SPORTS and an error’s knownSports are frozen: a push cannot make getSportConfig accept another sport', () => {
    const error = thrownBy(() => getSportConfig('nhl', {})) as UnknownSportError;
    // Before: knownSports was KNOWN_SPORTS itself, mutable; pushing to it made 'nhl' a known sport
    // to getSportConfig and isKnownSport everywhere in the process (nhl_raw, nhl_reference, ...).
    expect(() => (error.knownSports as string[]).push('nhl')).toThrow(TypeError);
    expect(() => (KNOWN_SPORTS as unknown as string[]).push('nhl')).toThrow(TypeError);
    expect(Object.isFrozen(KNOWN_SPORTS)).toBe(true);
    expect(() => getSportConfig('nhl', {})).toThrow(UnknownSportError);
  });
});

describe('a table, dataset or phase that is not a string', () => {
  const secretUrl = 'https://user:s3cretPassw0rd@example.com/x?key=AIzaSyA1234567890abcdefghijklmnopqrstu';
  it.each([
    [
      'a URL with a password as the table',
      () => getSportConfig('mlb', {}).table('mlb_raw', new URL(secretUrl) as never),
      /a URL/,
    ],
    ['a URL as the phase', () => getSportConfig('mlb', {}).topic(new URL(secretUrl) as never), /a URL/],
    [
      'an object whose text is a token, as the dataset',
      () => getSportConfig('mlb', {}).table({ toString: () => `Bearer ${TOKEN}` } as never, 'games'),
      /an object/,
    ],
  ])(
    '%s is named by its kind: its text (String() of it) is neither in the message nor in value',
    (_what, call, kind) => {
      const error = thrownBy(call) as Error & { value: unknown };
      // Before: String(value) went into the message and the raw object into `value`, password and all.
      expect(error.message).toMatch(kind);
      for (const text of [error.message, String(error.value)]) {
        expect(text).not.toContain('s3cretPassw0rd');
        expect(text).not.toContain('AIzaSy');
        expect(text).not.toContain(TOKEN);
      }
      expect(typeof error.value).toBe('string');
    },
  );
});

describe('a table id that is not a string, where one must name its project', () => {
  it('is named by its kind, not by its JSON (a URL password)', () => {
    const url = new URL('https://user:s3cretPassw0rd@example.com/');
    const error = thrownBy(() => unresolvedPlayersTableDdl(url as never)) as Error;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).not.toContain('s3cretPassw0rd');
    expect(error.message).toMatch(/got an object/);
  });
});
