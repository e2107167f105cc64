import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/errors/index.js';
import { normalizePlayerLookup, normalizePlayerType } from '../../../src/registry/index.js';

// A name or player type that is not a string used to fail inside the first string method
// (`name.toLowerCase is not a function`, `Cannot read properties of null`), naming neither the
// function nor the argument.
const notStrings: Array<[string, unknown, string]> = [
  ['undefined', undefined, 'undefined'],
  ['null', null, 'null'],
  ['NaN', Number.NaN, 'number'],
  ['a bigint', 10n, 'bigint'],
  ['a symbol', Symbol('s'), 'symbol'],
  ['an object', { name: 'Logan Webb' }, 'object'],
  ['an array', ['Logan Webb'], 'object'],
  ['a function', () => 'Logan Webb', 'function'],
];

describe('normalizePlayerLookup refuses a name that is not a string', () => {
  it.each(notStrings)('%s: a TypeError naming the function and the argument', (_, value, got) => {
    expect(() => normalizePlayerLookup(value as string)).toThrow(TypeError);
    expect(() => normalizePlayerLookup(value as string)).toThrow(
      `normalizePlayerLookup: name must be a string, got ${got}`,
    );
  });
});

describe('normalizePlayerType refuses a player type that is not a string, null or undefined', () => {
  it.each(notStrings.slice(2))('%s: a TypeError naming the function and the argument', (_, value, got) => {
    expect(() => normalizePlayerType(value as string)).toThrow(TypeError);
    expect(() => normalizePlayerType(value as string)).toThrow(
      `normalizePlayerType: playerType must be a string, null or undefined, got ${got}`,
    );
  });

  it("still answers 'unknown' for null and undefined", () => {
    expect(normalizePlayerType(null)).toBe('unknown');
    expect(normalizePlayerType(undefined)).toBe('unknown');
  });
});

describe("normalizePlayerLookup refuses a name longer than any player's (1024 characters)", () => {
  it('a typed error naming the length and the limit, without processing or repeating the name', () => {
    // A scraped page in a name field: megabytes, which it used to lower-case, decompose and scan whole.
    const hostile = `${'.'.repeat(3_000_000)}Logan Webb`;
    let thrown: unknown;
    try {
      normalizePlayerLookup(hostile);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PipelineError);
    expect(thrown).toMatchObject({ code: 'PLAYER_NAME_TOO_LONG', transient: false });
    expect((thrown as Error).message).toMatch(
      /^normalizePlayerLookup: name is 3000010 characters long; at most 1024 \("\.{64}…"\)$/,
    );
  });

  it('is never cut to fit: two names that differ only past the limit are not made one player', () => {
    const a = `${'a'.repeat(1024)}webb`;
    const b = `${'a'.repeat(1024)}cole`;
    expect(() => normalizePlayerLookup(a)).toThrow(/at most 1024/);
    expect(() => normalizePlayerLookup(b)).toThrow(/at most 1024/);
  });

  it('takes a name of 1024 characters as before', () => {
    expect(normalizePlayerLookup('A'.repeat(1024))).toBe('a'.repeat(1024));
  });
});
