import { describe, expect, it } from 'vitest';
import { retryWithJitter } from '../../../src/retry/index.js';

/**
 * TypeScript refuses `@retryWithJitter` anywhere but on a method; JavaScript callers (and `as never`)
 * do not. The decorator ran anyway: on a field its replacement became the initializer and every
 * instance got a rejected Promise as the field's value (an unhandled rejection once per `new`), on a
 * class `new` returned a Promise, on a getter the property became a Promise, and on an accessor the
 * engine threw 'Object expected'. Each is now a TypeError when the class is defined.
 * (This file is lowered by the lowerDecorators plugin of vitest.config.ts.)
 */
// biome-ignore lint/suspicious/noExplicitAny: a decorator the types let anywhere, as in JavaScript
const decorate = retryWithJitter() as unknown as (value: any, context: DecoratorContext) => any;

describe('@retryWithJitter outside a method', () => {
  it('on a field', () => {
    expect(() => {
      class Loader {
        @decorate
        table = 'nba_raw.games';
      }
      return new Loader();
    }).toThrow(/@retryWithJitter \(TC39\) decorates methods, not field table/);
  });

  it('on a getter', () => {
    expect(() => {
      class Loader {
        @decorate
        get table() {
          return 'nba_raw.games';
        }
      }
      return Loader;
    }).toThrow(/@retryWithJitter \(TC39\) decorates methods, not getter table/);
  });

  it('on an accessor', () => {
    expect(() => {
      class Loader {
        @decorate
        accessor table = 'nba_raw.games';
      }
      return Loader;
    }).toThrow(/@retryWithJitter \(TC39\) decorates methods, not accessor table/);
  });

  it('on a class', () => {
    expect(() => {
      @decorate
      class Loader {}
      return Loader;
    }).toThrow(/@retryWithJitter \(TC39\) decorates methods, not class Loader/);
  });

  it('run as a legacy experimentalDecorators decorator (target, key, descriptor)', () => {
    // Before, TypeScript's legacy __decorate took the returned function for a descriptor (one
    // without `value`, so defineProperty changed nothing): the method silently ran without retries.
    const legacy = retryWithJitter() as unknown as (
      target: object,
      key: string,
      descriptor: object,
    ) => unknown;
    const descriptor = { value: async () => 1, writable: true, enumerable: false, configurable: true };
    // The message names the member and why; it used to read 'not undefined undefined'.
    expect(() => legacy({}, 'loadDay', descriptor)).toThrow(
      '@retryWithJitter (TC39) decorates methods, not under experimentalDecorators: loadDay',
    );
  });

  it('on a method, static or private, it still decorates', async () => {
    class Loader {
      @decorate
      static async count() {
        return 3;
      }

      @decorate
      async #load() {
        return 'rows';
      }

      load() {
        return this.#load();
      }
    }
    expect(await Loader.count()).toBe(3);
    expect(await new Loader().load()).toBe('rows');
  });
});
