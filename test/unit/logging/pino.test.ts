import { describe, expect, it } from 'vitest';
import { type PinoLike, pinoLogger, serializeError } from '../../../src/logging/index.js';

function capture() {
  const calls: Array<{ level: string; object: Record<string, unknown>; message: string }> = [];
  const record =
    (level: string) =>
    (object: object, message: string): void => {
      calls.push({ level, object: object as Record<string, unknown>, message });
    };
  const target: PinoLike = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
  return { logger: pinoLogger(target), calls };
}

function hostile(key: 'name' | 'message'): Error {
  const error = new Error('m');
  Object.defineProperty(error, key, {
    get() {
      throw new Error('getter');
    },
  });
  return error;
}

describe('pinoLogger with hostile errors', () => {
  it('an error whose name or message getter throws never makes the logger throw; the entry is still written', () => {
    const { logger, calls } = capture();
    expect(() => logger.error('first', { error: hostile('name') })).not.toThrow();
    expect(() => logger.warn('second', { nested: { err: hostile('message') } })).not.toThrow();
    expect(calls.map((c) => [c.level, c.message])).toEqual([
      ['error', 'first'],
      ['warn', 'second'],
    ]);
    expect(calls[0]?.object.error).toEqual({ name: 'Error', message: 'm' });
    expect(calls[1]?.object.nested).toEqual({ err: { name: 'Error', message: '<unreadable message>' } });
  });

  it('serializeError reads a message whose toString throws, and a throwing code getter, without throwing', () => {
    const error = new Error('x');
    Object.defineProperty(error, 'message', {
      value: {
        toString() {
          throw new Error('toString');
        },
      },
    });
    Object.defineProperty(error, 'code', {
      get() {
        throw new Error('code');
      },
    });
    expect(serializeError(error)).toEqual({ name: 'Error', message: '<unreadable message>' });
  });
});

describe('pinoLogger: errors at any depth', () => {
  // An error as @google-cloud clients throw it: its request (with the Authorization header) is an
  // enumerable field, which JSON serialization (pino's) writes out.
  function clientError(): Error {
    return Object.assign(new Error('request failed'), {
      config: { headers: { Authorization: 'Bearer DEEPSECRET' } },
    });
  }

  it('serializes an Error nested deeper than a few levels, in objects and arrays, instead of handing it to pino raw', () => {
    const { logger, calls } = capture();
    logger.warn('deep object', { a: { b: { c: { d: { e: { f: clientError() } } } } } });
    logger.warn('deep array', { list: [[[[[clientError()]]]]] });
    for (const call of calls) expect(JSON.stringify(call.object)).not.toContain('DEEPSECRET');
    expect(JSON.stringify(calls[0]?.object)).toContain('"f":{"name":"Error","message":"request failed"}');
  });

  it('serializes an Error held by a class instance, as JSON would visit its fields', () => {
    const { logger, calls } = capture();
    class Outcome {
      constructor(readonly error: Error) {}
    }
    logger.warn('outcome', { outcome: new Outcome(clientError()) });
    expect(JSON.stringify(calls[0]?.object)).not.toContain('DEEPSECRET');
    expect(calls[0]?.object.outcome).toEqual({ error: { name: 'Error', message: 'request failed' } });
  });

  it('a cycle or an absurd depth in the fields never throws and never overflows the stack', () => {
    const { logger, calls } = capture();
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    let chain: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) chain = { next: chain };
    expect(() => logger.info('cycle', { cyclic })).not.toThrow();
    expect(() => logger.info('chain', { chain })).not.toThrow();
    expect(calls.map((c) => c.message)).toEqual(['cycle', 'chain']);
    expect(() => JSON.stringify(calls[0]?.object)).not.toThrow();
    expect(() => JSON.stringify(calls[1]?.object)).not.toThrow();
    // Dates and other values with their own JSON form are written as JSON writes them.
    const at = new Date(0);
    logger.info('date', { at });
    expect(calls[2]?.object.at).toBe(at.toJSON());
  });
});

describe('pinoLogger checks its target', () => {
  it('a target without one of debug, info, warn and error is a TypeError naming the missing method (its entries would be lost)', () => {
    const partial = { warn: () => {}, error: () => {} };
    expect(() => pinoLogger(partial as never)).toThrow(TypeError);
    expect(() => pinoLogger(partial as never)).toThrow(/\bdebug\b/);
  });
});
