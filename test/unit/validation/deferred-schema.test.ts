/**
 * The package's module-level schemas are built on first use (src/validation/deferred-schema.ts). Each
 * case holds a deferred schema to an eagerly built twin from the same builder: whatever a user or zod
 * can do with one, before or after the first use, must answer the same for the other. The one
 * documented difference (own keys before the first use) is pinned too, so a change to it is seen.
 */
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { deferredSchema } from '../../../src/validation/deferred-schema.js';

const status = () =>
  z.enum(['success', 'failed'], { error: "must be 'success' or 'failed'" }).describe('Run status');

const message = () =>
  z
    .object({
      name: z.string().min(1).describe('Processor name'),
      count: z.int().min(0).default(0).describe('Records'),
      status: status().default('success'),
      note: z.string().nullable().default(null),
      flag: z.union([z.boolean(), z.literal([0, 1])]).optional(),
    })
    .meta({ title: 'Message', description: 'A test message' });

/** A deferred schema and its eager twin, built by the same builder; `built` counts the builder's runs. */
function twins<T extends z.ZodType>(build: () => T) {
  let built = 0;
  const deferred = deferredSchema(() => {
    built += 1;
    return build();
  });
  return { deferred, eager: build(), builds: () => built };
}

const inputs: unknown[] = [
  { name: 'BdlGamesProcessor' },
  { name: 'x', count: 3, status: 'failed', flag: 1, extra: true },
  { name: '', count: -1 },
  { count: 'many', status: 'maybe' },
  null,
  'text',
];

describe('deferredSchema', () => {
  it('builds nothing at definition and builds once, at the first use', () => {
    const { deferred, builds } = twins(message);
    expect(builds()).toBe(0);
    deferred.parse({ name: 'a' });
    deferred.safeParse({});
    expect(deferred.shape.name).toBeInstanceOf(z.ZodString);
    expect(builds()).toBe(1);
  });

  it('parses and fails exactly as the eager schema, issues, defaults and transforms included', () => {
    const { deferred, eager } = twins(() =>
      message().extend({
        flag: z.union([z.boolean(), z.literal([0, 1]).transform((v) => v === 1)]).optional(),
      }),
    );
    for (const input of inputs) expect(deferred.safeParse(input)).toEqual(eager.safeParse(input));
    expect(deferred.parse({ name: 'a', flag: 1 }).flag).toBe(true);
  });

  it.each([
    ['instanceof', (s: z.ZodType) => [s instanceof z.ZodObject, s instanceof z.ZodType]],
    ["'in'", (s: z.ZodType) => ['parse' in s, '_zod' in s, 'nope' in s]],
    ['the global registry', (s: z.ZodType) => z.globalRegistry.get(s)],
    ['util.inspect', (s: z.ZodType) => inspect(s, { depth: 4 })],
    ['JSON.stringify', (s: z.ZodType) => JSON.stringify(s)],
    ['Object.prototype.toString', (s: z.ZodType) => Object.prototype.toString.call(s)],
    ['its constructor', (s: z.ZodType) => s.constructor],
    ['its JSON Schema', (s: z.ZodType) => z.toJSONSchema(s)],
  ])('answers %s before its first use as the eager schema does', (_name, look) => {
    const { deferred, eager, builds } = twins(message);
    expect(look(deferred)).toEqual(look(eager));
    expect(builds()).toBe(1);
  });

  it('is the schema zod wraps: optional, array, describe and extend refer to the exported object', () => {
    const { deferred } = twins(message);
    expect(deferred.optional().unwrap()).toBe(deferred);
    expect(deferred.array().element).toBe(deferred);
    expect(deferred.describe('again')._zod.parent).toBe(deferred);
    expect(deferred.extend({ extra: z.string() }).shape.name).toBe(deferred.shape.name);
  });

  it('writes the same JSON Schema as the eager schema when it is reused by reference', () => {
    const { deferred, eager } = twins(message);
    const document = (s: z.ZodType) =>
      z.toJSONSchema(z.object({ first: s, second: s.optional(), all: z.array(s) }), { reused: 'ref' });
    expect(document(deferred)).toEqual(document(eager));
  });

  it('composes into a schema built before its own first use', () => {
    const { deferred, eager, builds } = twins(message);
    const batch = (s: z.ZodType) => z.object({ messages: z.array(s) });
    const withDeferred = batch(deferred);
    const input = { messages: [{ name: 'a' }, { name: '' }] };
    expect(withDeferred.safeParse(input)).toEqual(batch(eager).safeParse(input));
    expect(builds()).toBe(1);
  });

  it('keeps what is assigned to it before its first use', () => {
    const { deferred, builds } = twins(status);
    (deferred as unknown as { label: string }).label = 'kept';
    expect(builds()).toBe(1);
    expect((deferred as unknown as { label: string }).label).toBe('kept');
    expect(deferred.parse('failed')).toBe('failed');
  });

  it('serves an object that inherits from it (the receiver is kept)', () => {
    const { deferred } = twins(status);
    const child = Object.create(deferred) as typeof deferred;
    expect(child.options).toEqual(['success', 'failed']);
  });

  it('is in its class prototype chain before its first use, and for...in lists what the eager one does', () => {
    const { deferred, eager, builds } = twins(message);
    expect(Object.prototype.isPrototypeOf.call(z.ZodObject.prototype, deferred)).toBe(true);
    expect(builds()).toBe(1);
    const keys = (s: object) => {
      const found: string[] = [];
      for (const key in s) found.push(key);
      return found;
    };
    const fresh = twins(message);
    expect(keys(fresh.deferred)).toEqual(keys(fresh.eager));
    expect(keys(deferred)).toEqual(keys(eager));
  });

  it('keeps a global-registry entry the application added before its first use', () => {
    const { deferred, eager } = twins(message);
    for (const s of [deferred, eager]) z.globalRegistry.add(s, { title: 'Mine' });
    expect(z.globalRegistry.get(deferred)).toEqual(z.globalRegistry.get(eager));
    expect(z.toJSONSchema(deferred)).toEqual(z.toJSONSchema(eager));
    expect(deferred.meta()).toEqual({ title: 'Mine' });
  });

  it('copies only an entry the built schema has itself (metadata inherited through its parent stays inherited)', () => {
    const { deferred, eager } = twins(() => message().refine(() => true));
    expect(deferred.meta()).toEqual(eager.meta());
    expect(z.globalRegistry.has(deferred)).toBe(z.globalRegistry.has(eager));
  });

  it('still composes and parses when frozen, sealed or made non-extensible before its first use', () => {
    for (const lock of [Object.freeze, Object.seal, Object.preventExtensions]) {
      const { deferred, eager } = twins(message);
      const unlocked = message();
      lock(deferred);
      lock(eager);
      // What zod itself does with a locked eager schema: composing reads only its internals.
      const batch = (s: z.ZodType) => z.object({ messages: z.array(s) });
      const input = { messages: [{ name: 'a' }, { name: '' }] };
      expect(batch(deferred).safeParse(input)).toEqual(batch(eager).safeParse(input));
      expect(deferred instanceof z.ZodObject).toBe(true);
      expect(Object.isExtensible(deferred)).toBe(Object.isExtensible(eager));
      // A locked eager schema cannot run its methods (zod 4.6 binds each one onto the schema at its
      // first read); the deferred one runs them on the schema it built, as an unlocked one would.
      expect(deferred.safeParse({ name: 'a' })).toEqual(unlocked.safeParse({ name: 'a' }));
      expect(z.toJSONSchema(deferred)).toEqual(z.toJSONSchema(unlocked));
    }
  });

  it('has no own keys before its first use (the one difference, docs/decisions/lazy-zod.md)', () => {
    const { deferred, eager } = twins(message);
    expect(Object.keys(deferred)).toEqual([]);
    deferred.def;
    expect(Object.keys(deferred)).toEqual(Object.keys(eager));
  });

  it('lets a failed build throw its error, and builds again at the next use', () => {
    const build = vi
      .fn<() => z.ZodString>()
      .mockImplementationOnce(() => {
        throw new RangeError('first build fails');
      })
      .mockImplementation(() => z.string());
    const deferred = deferredSchema(build);
    expect(() => deferred.parse('a')).toThrow(RangeError);
    expect(deferred.parse('a')).toBe('a');
    expect(build).toHaveBeenCalledTimes(2);
  });

  it('refuses a builder that uses the schema it is building, instead of recursing', () => {
    const holder: { schema?: z.ZodString } = {};
    holder.schema = deferredSchema(() => {
      holder.schema?.parse('x');
      return z.string();
    });
    expect(() => holder.schema?.parse('a')).toThrow(/used while it was being built/);
  });
});
