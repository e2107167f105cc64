import { describe, expect, it } from 'vitest';
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
