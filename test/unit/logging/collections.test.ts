import { describe, expect, it } from 'vitest';
import { cloudLoggingLogger, type Logger, type PinoLike, pinoLogger } from '../../../src/logging/index.js';

/** Both loggers, each with what it hands on, as the JSON that reaches the log. */
function loggers(): Array<[string, Logger, () => Array<Record<string, unknown>>]> {
  const lines: string[] = [];
  const cloud = cloudLoggingLogger({ write: (line) => lines.push(line) });
  const objects: Array<Record<string, unknown>> = [];
  const record = (object: object, msg: string) => objects.push({ ...object, msg });
  const target: PinoLike = { debug: record, info: record, warn: record, error: record };
  return [
    ['cloudLoggingLogger', cloud, () => lines.map((line) => JSON.parse(line) as Record<string, unknown>)],
    [
      'pinoLogger',
      pinoLogger(target),
      () => objects.map((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>),
    ],
  ];
}

describe.each(loggers())(
  '%s: a Map or a Set in the fields is written with its contents',
  (_name, logger, entries) => {
    it('a Map (what getUniversalIdsBatch answers) is written as its entries, not as {}', () => {
      const ids = new Map<string, string | null>([
        ['loganwebb', 'mlb_1'],
        ['unknownguy', null],
      ]);
      logger.warn('lookups', { ids });
      expect(entries().at(-1)?.ids).toEqual({ loganwebb: 'mlb_1', unknownguy: null });
    });

    it('a Set is written as an array of its values', () => {
      logger.info('players', { players: new Set(['a', 'b']) });
      expect(entries().at(-1)?.players).toEqual(['a', 'b']);
    });

    it('credentials in a Map are removed as in an object: a key named as one, a token in a value', () => {
      const headers = new Map<unknown, unknown>([
        ['authorization', 'Bearer abc.def.ghi'],
        ['accept', 'application/json'],
        [42, 'see https://user:hunter2@api.example.com/x'],
      ]);
      logger.error('request failed', { headers });
      const line = JSON.stringify(entries().at(-1));
      expect(line).not.toMatch(/abc\.def\.ghi|hunter2/);
      expect(entries().at(-1)?.headers).toMatchObject({
        accept: 'application/json',
        authorization: '[REDACTED]',
      });
    });

    it('a large Map or Set is cut like an object or an array, saying how many more', () => {
      const big = new Map(Array.from({ length: 500 }, (_, i) => [`k${i}`, i] as const));
      const many = new Set(Array.from({ length: 500 }, (_, i) => i));
      logger.info('big', { big, many });
      const entry = entries().at(-1) ?? {};
      const written = entry.big as Record<string, unknown>;
      expect(Object.keys(written)).toHaveLength(101);
      expect(written['[truncated]']).toBe('400 more');
      const values = entry.many as unknown[];
      expect(values).toHaveLength(101);
      expect(values[100]).toBe('[truncated] 400 more');
    });

    it('a Map holding itself is marked as a cycle in its place', () => {
      const loop = new Map<string, unknown>([['a', 1]]);
      loop.set('self', loop);
      logger.info('loop', { loop, after: 1 });
      expect(entries().at(-1)).toMatchObject({ loop: { a: 1, self: '[circular]' }, after: 1 });
    });
  },
);
