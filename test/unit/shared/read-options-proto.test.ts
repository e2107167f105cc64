import { describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { readOptions } from '../../../src/shared/check-options.js';

describe('readOptions with an own "__proto__" key (options from JSON.parse)', () => {
  it('copies it as an own data property: the copy keeps the plain prototype', () => {
    const given = JSON.parse('{"__proto__": {"projectId": "smuggled"}, "location": "US"}') as Record<
      string,
      unknown
    >;
    const copy = readOptions('f', given);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({ projectId: 'smuggled' });
    expect((copy as { projectId?: unknown }).projectId).toBeUndefined();
    expect(copy.location).toBe('US');
  });

  it('an options object with it is refused as an unknown key, not read through as a prototype', () => {
    const given = JSON.parse('{"__proto__": {"projectId": "smuggled-project"}}') as object;
    expect(() => new BigQueryExecutor(given)).toThrow(TypeError);
    expect(() => new BigQueryExecutor(given)).toThrow(/unknown option '__proto__'/);
  });
});
