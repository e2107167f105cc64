import { describe, expect, it } from 'vitest';
import { contentJson } from '../../../src/validation/content-json.js';
import { createMessageHandler, Phase2CompletionMessage } from '../../../src/validation/index.js';
import { RecordingTopic } from './fakes.js';

/**
 * A handler given a value (an object already parsed, not bytes) that fails dead-letters that value
 * as JSON text: what JSON.stringify refuses or drops (a bigint, a cycle, a function, a `toJSON`
 * that throws) must not turn the whole message into "[object Object]".
 */
async function deadLettered(input: unknown): Promise<string> {
  const topic = new RecordingTopic();
  const handler = createMessageHandler(Phase2CompletionMessage, () => undefined, {
    deadLetterTopic: topic,
    shutdown: false,
  });
  const result = await handler.handle(input);
  expect(result).toMatchObject({ ack: true, outcome: 'dead_lettered' });
  expect(topic.published).toHaveLength(1);
  const text = topic.published[0]!.data.toString('utf8');
  expect(text).not.toContain('[object Object]');
  return text;
}

describe('the dead-letter data of a value given to the handler keeps its content', () => {
  it('a bigint is its digits, as a JSON string (exact past 2^53, as protobuf JSON writes int64)', async () => {
    const text = await deadLettered({ game_id: 10n, big: 2n ** 64n + 1n, game_date: 'x' });
    expect(JSON.parse(text)).toEqual({ game_id: '10', big: '18446744073709551617', game_date: 'x' });
  });

  it('a cycle is "[Circular]" where it closes; a value seen twice without a cycle is written twice', async () => {
    const shared = { n: 1 };
    const input: Record<string, unknown> = { game_date: 'x', a: shared, b: shared, list: [1] };
    input.self = input;
    (input.list as unknown[]).push(input.list);
    expect(JSON.parse(await deadLettered(input))).toEqual({
      game_date: 'x',
      a: { n: 1 },
      b: { n: 1 },
      list: [1, '[Circular]'],
      self: '[Circular]',
    });
  });

  it('functions and symbols are described, where JSON would drop them', async () => {
    function score() {}
    const input = { game_date: 'x', fn: score, arrow: () => 1, sym: Symbol('tip'), inArray: [Symbol()] };
    expect(JSON.parse(await deadLettered(input))).toEqual({
      game_date: 'x',
      fn: '[Function: score]',
      arrow: '[Function: arrow]',
      sym: '[Symbol(tip)]',
      inArray: ['[Symbol()]'],
    });
  });

  it('a toJSON that throws: the object is written with its own fields', async () => {
    const input = {
      game_date: 'x',
      nested: {
        record_count: 3,
        toJSON() {
          throw new Error('cannot');
        },
      },
    };
    const text = await deadLettered(input);
    expect(JSON.parse(text)).toEqual({
      game_date: 'x',
      nested: { record_count: 3, toJSON: '[Function: toJSON]' },
    });
  });

  it('a toJSON that answers is used, as JSON.stringify does (a Date is its ISO text)', async () => {
    const input = { game_date: new Date('2026-01-24T00:00:00Z'), n: { toJSON: () => 5 } };
    expect(JSON.parse(await deadLettered(input))).toEqual({ game_date: '2026-01-24T00:00:00.000Z', n: 5 });
  });

  it('a Map and a Set keep their entries; NaN and Infinity are named, not null', async () => {
    const input = { m: new Map([['k', 1n]]), s: new Set([1, 2]), nan: Number.NaN, inf: -Infinity };
    expect(JSON.parse(await deadLettered(input))).toEqual({
      m: [['k', '1']],
      s: [1, 2],
      nan: 'NaN',
      inf: '-Infinity',
    });
  });

  it('a getter that throws, and a revoked Proxy, are named; the rest is kept', async () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const input = Object.defineProperty({ game_date: 'x', gone: proxy }, 'bad', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(JSON.parse(await deadLettered(input))).toEqual({
      game_date: 'x',
      gone: '[Unreadable]',
      bad: '[Unreadable]',
    });
  });

  it('a key named __proto__ is kept as a key, and sets no prototype', async () => {
    const input = JSON.parse('{"game_date":"x","__proto__":{"polluted":1}}');
    const text = await deadLettered(input);
    expect(text).toBe('{"game_date":"x","__proto__":{"polluted":1}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('undefined is left out as in JSON (null in an array)', async () => {
    expect(JSON.parse(await deadLettered({ game_date: 'x', u: undefined, a: [undefined] }))).toEqual({
      game_date: 'x',
      a: [null],
    });
  });
});

describe('a value nested deeper than any message', () => {
  it('is still written whole (left to JSON.stringify), not cut or lost', async () => {
    let deep: unknown = { game_date: 'x' };
    for (let i = 0; i < 3000; i += 1) deep = { d: deep };
    const text = await deadLettered(deep);
    expect(text).toBe(`${'{"d":'.repeat(3000)}{"game_date":"x"}${'}'.repeat(3000)}`);
  });
});

describe('the dead-letter data of a value is never lost to what JSON cannot write', () => {
  it('a toJSON answering undefined (JSON writes nothing): the object is written with its own fields', async () => {
    const input = {
      game_date: 'x',
      toJSON() {
        return undefined;
      },
    };
    expect(JSON.parse(await deadLettered(input))).toEqual({ game_date: 'x', toJSON: '[Function: toJSON]' });
    const nested = { game_date: 'x', inner: { n: 1, toJSON: () => undefined } };
    expect(JSON.parse(await deadLettered(nested))).toEqual({
      game_date: 'x',
      inner: { n: 1, toJSON: '[Function: toJSON]' },
    });
  });

  it('a top-level value JSON cannot write at all is its String(), never undefined', () => {
    expect(contentJson(undefined)).toBe('"undefined"');
    const hostile = {
      toJSON: () => undefined,
      toString() {
        throw new Error('no');
      },
    };
    expect(JSON.parse(contentJson(hostile))).toEqual({
      toJSON: '[Function: toJSON]',
      toString: '[Function: toString]',
    });
  });

  it('boxed primitives are their values, as in JSON; a fake box is its fields', async () => {
    const fake = Object.assign(Object.create(Number.prototype) as object, { k: 1 });
    const input = {
      game_date: 'x',
      n: new Number(5),
      s: new String('abc'),
      b: new Boolean(false),
      g: Object(10n),
      fake,
    };
    expect(JSON.parse(await deadLettered(input))).toEqual({
      game_date: 'x',
      n: 5,
      s: 'abc',
      b: false,
      g: '10',
      fake: { k: 1 },
    });
  });

  it('an Error shows its name, message, stack and own fields such as code', async () => {
    const error = Object.assign(new TypeError('boom', { cause: 'why' }), { code: 'E_X' });
    const shown = JSON.parse(await deadLettered({ game_date: 'x', error })) as {
      error: Record<string, unknown>;
    };
    expect(shown.error).toMatchObject({ name: 'TypeError', message: 'boom', cause: 'why', code: 'E_X' });
    expect(shown.error.stack).toContain('TypeError: boom');
  });

  it('hostile and unusual values are written, and the step never throws', async () => {
    let reads = 0;
    const secondReadThrows = Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        if (reads++ > 0) throw new Error('second read');
        return 1;
      },
    });
    const trap = () => {
      throw new Error('trap');
    };
    const hostileProxy = new Proxy({}, { get: trap, ownKeys: trap, getPrototypeOf: trap, has: trap });
    const input = {
      game_date: 'x',
      [Symbol('hidden')]: 1,
      secondReadThrows,
      hostileProxy,
      frozen: Object.freeze({ a: Object.freeze([1]) }),
      typed: new Uint8Array([1, 2]),
      invalidDate: new Date(Number.NaN),
      buffer: Buffer.from('hi'),
      url: new URL('https://example.test/a'),
    };
    expect(JSON.parse(await deadLettered(input))).toEqual({
      game_date: 'x',
      secondReadThrows: { x: 1 },
      hostileProxy: '[Unreadable]',
      frozen: { a: [1] },
      typed: { 0: 1, 1: 2 },
      invalidDate: null,
      buffer: { type: 'Buffer', data: [104, 105] },
      url: 'https://example.test/a',
    });
    expect(contentJson(hostileProxy)).toBe('"[Unreadable]"');
  });
});
