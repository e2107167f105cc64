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
