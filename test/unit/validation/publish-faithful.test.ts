import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { MessageValidationError } from '../../../src/errors/index.js';
import {
  Phase2CompletionMessage,
  parseMessage,
  publishValidated,
  SelfHealRequest,
} from '../../../src/validation/index.js';
import { RecordingTopic } from './fakes.js';

// What publishValidated publishes never lacks anything the caller gave: a payload the schema would
// strip, or a value JSON would change, is refused with a typed error naming each path, and nothing
// is published.

async function refused(publish: Promise<string>, topic: RecordingTopic): Promise<MessageValidationError> {
  const error = await publish.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MessageValidationError);
  expect(topic.published).toEqual([]);
  return error as MessageValidationError;
}

const base = { processor_name: 'bdl', game_date: '2026-11-28' };

describe('publishValidated refuses keys the schema would drop', () => {
  it('a misspelled and an unknown key: refused, each named, with the key it may have meant', async () => {
    const topic = new RecordingTopic();
    const payload = { ...base, recordCount: 412, output_rows: 9 };
    const error = await refused(publishValidated(topic, Phase2CompletionMessage, payload), topic);
    expect(error.issues).toEqual([
      {
        path: ['recordCount'],
        code: 'unrecognized_keys',
        message: "not in the schema, would not be published (did you mean 'record_count'?)",
      },
      {
        path: ['output_rows'],
        code: 'unrecognized_keys',
        message: 'not in the schema, would not be published',
      },
    ]);
    expect(error.message).toBe(
      "Phase2CompletionMessage: 2 issues: recordCount: not in the schema, would not be published (did you mean 'record_count'?); " +
        'output_rows: not in the schema, would not be published',
    );
    expect(error.transient).toBe(false);
  });

  it('an unknown key inside a nested object and inside an array element is named by its path', async () => {
    const Schema = z
      .object({ game: z.object({ id: z.string() }), players: z.array(z.object({ name: z.string() })) })
      .meta({ title: 'Nested' });
    const topic = new RecordingTopic();
    const error = await refused(
      publishValidated(topic, Schema, {
        game: { id: 'g1', Id: 'typo' },
        players: [{ name: 'a' }, { name: 'b', points: 31 }],
      } as never),
      topic,
    );
    expect(error.issues.map((i) => i.path)).toEqual([
      ['game', 'Id'],
      ['players', 1, 'points'],
    ]);
    expect(error.message).toContain(
      "game.Id: not in the schema, would not be published (did you mean 'id'?)",
    );
  });

  it('dropUnknownKeys: true publishes without them, as asked', async () => {
    const topic = new RecordingTopic();
    await publishValidated(
      topic,
      Phase2CompletionMessage,
      { ...base, record_count: 3, extra: 'x' } as never,
      undefined,
      {
        dropUnknownKeys: true,
      },
    );
    expect(JSON.parse(topic.published[0]!.data.toString())).not.toHaveProperty('extra');
  });

  it('keeps what the schema keeps: a passthrough object, a record, z.unknown(), an undefined field', async () => {
    const Schema = z
      .object({
        id: z.string(),
        extra: z.looseObject({ a: z.number() }),
        tags: z.record(z.string(), z.unknown()),
      })
      .meta({ title: 'Keeps' });
    const topic = new RecordingTopic();
    const payload = {
      id: 'x',
      extra: { a: 1, b: 2 },
      tags: { deep: { map: [1, { k: 'v' }] } },
      gone: undefined,
    };
    await publishValidated(topic, Schema, payload as never);
    expect(JSON.parse(topic.published[0]!.data.toString())).toEqual({
      id: 'x',
      extra: { a: 1, b: 2 },
      tags: { deep: { map: [1, { k: 'v' }] } },
    });
  });

  it('publishes the parsed value: defaults filled and query-string booleans normalized', async () => {
    const topic = new RecordingTopic();
    await publishValidated(topic, SelfHealRequest, {
      target_date: '2026-11-28',
      force_heal: 'yes',
    } as never);
    const published = JSON.parse(topic.published[0]!.data.toString());
    expect(published).toEqual(
      parseMessage(SelfHealRequest, { target_date: '2026-11-28', force_heal: 'yes' }),
    );
    expect(published.force_heal).toBe(true);
  });
});

describe('publishValidated refuses values JSON cannot carry as they are', () => {
  it('a Map and a Set (published as {} before), each named by its path', async () => {
    const Schema = z
      .object({ game_id: z.string(), players: z.map(z.string(), z.number()), tags: z.set(z.string()) })
      .meta({ title: 'GameStats' });
    const topic = new RecordingTopic();
    const error = await refused(
      publishValidated(topic, Schema, {
        game_id: 'g1',
        players: new Map([['lebron', 31]]),
        tags: new Set(['final']),
      }),
      topic,
    );
    expect(error.issues).toEqual([
      {
        path: ['players'],
        code: 'not_json',
        message: 'a Map is not plain JSON data (a Map or Set is published as {})',
      },
      {
        path: ['tags'],
        code: 'not_json',
        message: 'a Set is not plain JSON data (a Map or Set is published as {})',
      },
    ]);
  });

  it('a bigint: a typed error naming the path, not a raw TypeError from JSON.stringify', async () => {
    const topic = new RecordingTopic();
    const error = await refused(
      publishValidated(topic, z.object({ n: z.bigint() }).meta({ title: 'Big' }), { n: 1n }),
      topic,
    );
    expect(error.message).toBe('Big: 1 issue: n: a bigint cannot be written as JSON');
  });

  it.each([
    ['NaN', { v: Number.NaN }, 'v: NaN would be published as null'],
    [
      'Infinity in an array',
      { v: [1, Number.POSITIVE_INFINITY] },
      'v[1]: Infinity would be published as null',
    ],
    ['undefined in an array', { v: [1, undefined] }, 'v[1]: undefined would be published as null'],
    ['a function as a field', { v: { f: () => 1 } }, 'v.f: a function would be left out'],
    ['an invalid Date', { v: new Date(Number.NaN) }, 'v: an invalid Date would be published as null'],
    ['a typed array', { v: new Uint8Array([1]) }, 'v: a Uint8Array is not plain JSON data'],
  ])('%s inside z.unknown()', async (_, payload, message) => {
    const topic = new RecordingTopic();
    const error = await refused(
      publishValidated(topic, z.object({ v: z.unknown() }).meta({ title: 'U' }), payload),
      topic,
    );
    expect(error.message).toContain(message);
  });

  it('a cycle: a typed error, not a raw TypeError', async () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const topic = new RecordingTopic();
    const error = await refused(
      publishValidated(topic, z.object({ v: z.unknown() }).meta({ title: 'C' }), { v: cyclic }),
      topic,
    );
    expect(error.message).toMatch(/^C: 1 issue: \(root\): cannot be written as JSON: /);
  });

  it('a z.date(): its JSON is a string the same schema refuses, so a consumer would dead-letter it', async () => {
    const topic = new RecordingTopic();
    const error = await refused(
      publishValidated(topic, z.object({ at: z.date() }).meta({ title: 'When' }), {
        at: new Date('2026-11-28T00:00:00Z'),
      }),
      topic,
    );
    expect(error.message).toMatch(/^When \(as published\): 1 issue: at: /);
  });

  it('a transform that is not idempotent: a consumer would read another value', async () => {
    const topic = new RecordingTopic();
    const Doubling = z.object({ n: z.number().transform((n) => n * 2) }).meta({ title: 'Doubling' });
    const error = await refused(publishValidated(topic, Doubling, { n: 2 }), topic);
    expect(error.message).toContain('the schema reads the published JSON as another value');
  });

  it('a z.coerce.date() round-trips, and is published as its ISO string', async () => {
    const topic = new RecordingTopic();
    await publishValidated(topic, z.object({ at: z.coerce.date() }).meta({ title: 'When' }), {
      at: new Date('2026-11-28T00:00:00Z'),
    });
    expect(topic.published[0]!.data.toString()).toBe('{"at":"2026-11-28T00:00:00.000Z"}');
  });
});
