import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssuePath, Phase2CompletionMessage, parseMessage, schemaName } from '../../../src/index.js';

// formatIssuePath(undefined) used to throw `Cannot read properties of undefined (reading 'length')`,
// formatIssuePath(3) `path is not iterable`, and schemaName(null) `(reading 'meta')`.
describe('formatIssuePath refuses a path that is not an array of keys', () => {
  it.each([
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a number', 3, 'a number (3)'],
    ['an object', { 0: 'a', length: 1 }, 'an object'],
  ])('%s: a TypeError naming formatIssuePath and path', (_, path, got) => {
    expect(() => formatIssuePath(path as never)).toThrow(TypeError);
    expect(() => formatIssuePath(path as never)).toThrow(
      `formatIssuePath: path must be an array of keys, got ${got}`,
    );
  });

  it('a huge string is refused at once, not walked character by character', () => {
    const start = performance.now();
    expect(() => formatIssuePath('x'.repeat(5_000_000) as never)).toThrow(
      'formatIssuePath: path must be an array of keys, got a string ("xxxx',
    );
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it.each([
    ['null', null, 'null'],
    ['an object', Object.create(null), 'an object'],
    ['a bigint', 10n, 'a bigint (10)'],
  ])('a key that is %s: a TypeError naming its index', (_, key, got) => {
    expect(() => formatIssuePath(['rows', key] as never)).toThrow(
      `formatIssuePath: path[1] must be a string, a number or a symbol, got ${got}`,
    );
  });

  it('still renders a valid path', () => {
    expect(formatIssuePath([])).toBe('(root)');
    expect(formatIssuePath(['metadata', 'rows', 2, Symbol('s')])).toBe('metadata.rows[2].Symbol(s)');
  });
});

describe('schemaName refuses a schema that is not an object or a name that is not a string', () => {
  it.each([
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a string', 'Phase2CompletionMessage', 'a string ("Phase2CompletionMessage")'],
  ])('schema %s', (_, schema, got) => {
    expect(() => schemaName(schema as never)).toThrow(TypeError);
    expect(() => schemaName(schema as never)).toThrow(`schemaName: schema must be a zod schema, got ${got}`);
  });

  it.each([
    ['a symbol', Symbol('s'), 'a symbol'],
    ['a number', 7, 'a number (7)'],
    ['null', null, 'null'],
  ])('name %s', (_, name, got) => {
    expect(() => schemaName(Phase2CompletionMessage, name as never)).toThrow(
      `schemaName: name must be a string or undefined, got ${got}`,
    );
  });

  it('still names a schema by its title, the given name, or Message', () => {
    expect(schemaName(Phase2CompletionMessage)).toBe('Phase2CompletionMessage');
    expect(schemaName(Phase2CompletionMessage, 'Orders')).toBe('Orders');
    expect(schemaName(z.object({}))).toBe('Message');
    expect(() => parseMessage(z.object({ a: z.string() }), {})).toThrow(/^Message: 1 issue: a: /);
  });
});
