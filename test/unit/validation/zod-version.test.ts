import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as zm from 'zod/mini';
import { z as z3 } from 'zod/v3';
import { PipelineError, UnsupportedSchemaError } from '../../../src/errors/index.js';
import {
  createMessageHandler,
  decodePubSubMessage,
  Phase2CompletionMessage,
  parseMessage,
  publishValidated,
  toJsonSchema,
} from '../../../src/validation/index.js';
import { RecordingTopic } from './fakes.js';

const zod3Schema = z3.object({ id: z3.string() }) as unknown as z.ZodType;
const envelope = { message: { data: Buffer.from('{"id":"a"}').toString('base64'), messageId: '1' } };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('zod 4 is required: a zod 3 schema gets a typed error that says so', () => {
  it.each([
    ['parseMessage', () => parseMessage(zod3Schema, { id: 'a' })],
    ['decodePubSubMessage', () => decodePubSubMessage(zod3Schema, envelope)],
    ['createMessageHandler', () => createMessageHandler(zod3Schema, () => {}, { onInvalid: 'nack' })],
    ['toJsonSchema', () => toJsonSchema(zod3Schema)],
  ])('%s throws UnsupportedSchemaError naming itself and the fix', (where, call) => {
    const error = thrown(call);
    expect(error).toBeInstanceOf(UnsupportedSchemaError);
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toMatchObject({ kind: 'zod3', code: 'UNSUPPORTED_SCHEMA', transient: false });
    expect((error as Error).message).toMatch(new RegExp(`^${where}: the schema is a zod 3 schema`));
    expect((error as Error).message).toContain('zod@^4');
  });

  it('publishValidated rejects before anything is published', async () => {
    const topic = new RecordingTopic();
    await expect(publishValidated(topic, zod3Schema, { id: 'a' })).rejects.toMatchObject({
      name: 'UnsupportedSchemaError',
      kind: 'zod3',
      message: expect.stringMatching(/^publishValidated: /),
    });
    expect(topic.published).toHaveLength(0);
  });

  it.each([
    ['undefined', undefined, 'got undefined'],
    ['null', null, 'got null'],
    ['a plain object', { type: 'object' }, 'got an object without zod internals'],
    ['a function', () => true, 'got function'],
  ])('names what it got instead of a schema: %s', (_label, value, got) => {
    const error = thrown(() => parseMessage(value as never, {}));
    expect(error).toMatchObject({ kind: 'not-a-schema' });
    expect((error as Error).message).toBe(
      `parseMessage: expected a zod 4 schema (such as z.object({...}) or Phase2CompletionMessage), ${got}`,
    );
  });

  it('accepts zod 4 schemas, and names one without `.meta()` (zod/mini) "Message" instead of failing', () => {
    expect(parseMessage(z.object({ id: z.string() }), { id: 'a' })).toEqual({ id: 'a' });
    // The public types name classic schemas; at run time any zod 4 schema works.
    const mini = zm.object({ id: zm.string() }) as unknown as z.ZodType;
    expect(parseMessage(mini, { id: 'a' })).toEqual({ id: 'a' });
    expect(() => parseMessage(mini, {})).toThrow(/^Message: 1 issue: id: /);
  });
});

describe('zod 4 throughout: a zod 3 part inside a zod 4 schema is refused where the schema is given', () => {
  const holders: [string, z.ZodType, RegExp][] = [
    ['a field', z.object({ id: z.string(), extra: z3.string() as unknown as z.ZodString }), /at extra;/],
    [
      'a field of an exported schema',
      Phase2CompletionMessage.extend({ extra: z3.number() as unknown as z.ZodNumber }),
      /at extra;/,
    ],
    [
      'an array element inside an optional field',
      z.object({ rows: z.array(z.object({ b: z3.string() as unknown as z.ZodString })).optional() }),
      /at rows\.innerType\.element\.b;/,
    ],
    ['a union member', z.union([z.string(), z3.number() as unknown as z.ZodNumber]), /at options\[1\];/],
    [
      // zod only calls a lazy's getter at the first parse: the check used to miss it, and every
      // message then failed with "Cannot read properties of undefined (reading 'run')".
      'a z.lazy field',
      z.object({ id: z.lazy(() => z3.string() as unknown as z.ZodString) }),
      /at id\.innerType;/,
    ],
  ];

  it.each(holders)(
    '%s: every entry point throws UnsupportedSchemaError with its path',
    (_name, schema, path) => {
      for (const call of [
        () => parseMessage(schema, { id: 'a' }),
        () => decodePubSubMessage(schema, envelope),
        () => createMessageHandler(schema, () => {}, { onInvalid: 'nack' }),
        () => toJsonSchema(schema),
      ]) {
        const error = thrown(call);
        expect(error).toBeInstanceOf(UnsupportedSchemaError);
        expect(error).toMatchObject({ kind: 'zod3', code: 'UNSUPPORTED_SCHEMA' });
        expect((error as Error).message).toMatch(path);
        expect((error as Error).message).toContain('zod@^4');
      }
    },
  );

  it('a z.lazy whose getter throws when checked is not refused, and still parses once it can', () => {
    let ready = false;
    const Later = z.object({ id: z.string() });
    const schema = z.object({
      item: z.lazy(() => {
        if (!ready) throw new ReferenceError('Cannot access Later before initialization');
        return Later;
      }),
    });
    // The getter is called for the check only, outside zod's cache: a throw there must not leave
    // zod's cached inner schema broken for the parses that follow.
    expect(() => createMessageHandler(schema, () => {}, { onInvalid: 'nack' })).not.toThrow();
    ready = true;
    expect(parseMessage(schema, { item: { id: 'a' } })).toEqual({ item: { id: 'a' } });
  });

  it('accepts a recursive z.lazy schema (each getter call a new object) and parses it', () => {
    interface Node {
      name: string;
      next?: Node | undefined;
    }
    const Node: z.ZodType<Node> = z.lazy(() => z.object({ name: z.string(), next: Node.optional() }));
    const value = { name: 'a', next: { name: 'b' } };
    expect(parseMessage(Node, value)).toEqual(value);
  });

  it('accepts a recursive zod 4 schema and reuses its answer on the next call', () => {
    interface Tree {
      name: string;
      children: Tree[];
    }
    const Tree: z.ZodType<Tree> = z.object({
      name: z.string(),
      get children() {
        return z.array(Tree);
      },
    });
    const tree = { name: 'root', children: [{ name: 'leaf', children: [] }] };
    expect(parseMessage(Tree, tree)).toEqual(tree);
    expect(parseMessage(Tree, tree)).toEqual(tree);
  });
});
