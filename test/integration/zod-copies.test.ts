/**
 * Node loads `dist/node/`, which carries its own copy of zod (docs/decisions/build.md), while the
 * application builds its schemas with the `zod` it installed. zod 4 is made for several copies in one
 * process (its `instanceof` checks traits, its global registry lives on `globalThis`); this test holds
 * the package to that on the built files: the exported schemas compose into the application's
 * schemas, and the application's schemas work in every function of the package that takes one.
 * `npm test` builds first.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type * as Package from '../../src/index.js';

const nodeBuild = fileURLToPath(new URL('../../dist/node/index.js', import.meta.url));
let pkg: typeof Package;

beforeAll(async () => {
  if (!existsSync(nodeBuild)) throw new Error(`${nodeBuild} is missing: build the package first (npx tsup)`);
  pkg = (await import(/* @vite-ignore */ pathToFileURL(nodeBuild).href)) as typeof Package;
});

const valid = { processor_name: 'BdlGamesProcessor', game_date: '2026-01-24' };

describe("the package's zod and the application's zod in one process", () => {
  it('really are two copies (the test would prove nothing otherwise)', () => {
    const ours = pkg.Phase2CompletionMessage as unknown as { _zod: { constr: unknown } };
    expect(ours._zod.constr).not.toBe(z.ZodObject);
  });

  it("an exported schema is an instance of the application's zod types", () => {
    expect(pkg.Phase2CompletionMessage).toBeInstanceOf(z.ZodType);
    expect(pkg.Phase2CompletionMessage).toBeInstanceOf(z.ZodObject);
  });

  it("an exported schema composes into the application's schemas, defaults and errors included", () => {
    const batch = z.object({ messages: z.array(pkg.Phase2CompletionMessage), note: z.string().optional() });
    const parsed = batch.parse({ messages: [valid] });
    expect(parsed.messages[0]).toMatchObject({
      ...valid,
      phase: 'phase_2_raw',
      status: 'success',
      record_count: 0,
    });
    const failed = batch.safeParse({ messages: [{ ...valid, game_date: '2026-02-30' }] });
    expect(failed.success).toBe(false);
    expect(failed.error).toBeInstanceOf(z.ZodError);
    expect(failed.error?.issues[0]?.path).toEqual(['messages', 0, 'game_date']);
  });

  it("an exported schema extends and picks with its own methods, and its error is the application's ZodError", () => {
    const extended = pkg.Phase2CompletionMessage.extend({ season: z.number().int() });
    expect(extended.parse({ ...valid, season: 2026 }).season).toBe(2026);
    const result = pkg.Phase2CompletionMessage.safeParse({ game_date: 'x' });
    expect(result.error).toBeInstanceOf(z.ZodError);
    expect(z.prettifyError(result.error as z.ZodError)).toContain('processor_name');
  });

  it("the application's zod reads an exported schema's metadata and JSON Schema", () => {
    expect(z.globalRegistry.get(pkg.Phase2CompletionMessage)?.title).toBe('Phase2CompletionMessage');
    const json = z.toJSONSchema(pkg.Phase2CompletionMessage, { io: 'input' }) as { required?: string[] };
    expect(json.required).toEqual(['processor_name', 'game_date']);
  });

  it("parseMessage, schemaName and toJsonSchema take the application's schemas", () => {
    const Mine = z.object({ id: z.string().min(1), n: z.number().default(3) }).meta({ title: 'Mine' });
    expect(pkg.parseMessage(Mine, { id: 'a' })).toEqual({ id: 'a', n: 3 });
    expect(pkg.schemaName(Mine)).toBe('Mine');
    const thrown = (() => {
      try {
        pkg.parseMessage(Mine, { id: '' });
      } catch (err) {
        return err;
      }
    })();
    expect(thrown).toBeInstanceOf(pkg.MessageValidationError);
    expect((thrown as Error).message).toContain('Mine');
    expect((thrown as Error).message).toContain('id');
    const json = pkg.toJsonSchema(Mine) as { required?: string[]; properties?: Record<string, unknown> };
    expect(json.required).toEqual(['id']);
    expect(Object.keys(json.properties ?? {})).toEqual(['id', 'n']);
  });

  it("createMessageHandler validates with the application's schema", async () => {
    const Mine = z.object({ id: z.string().min(1) });
    const seen: unknown[] = [];
    const handle = pkg.createMessageHandler(
      Mine,
      (message) => {
        seen.push(message);
      },
      { onInvalid: 'nack' },
    );
    const push = (value: unknown) => ({
      message: {
        messageId: 'm1',
        data: Buffer.from(JSON.stringify(value)).toString('base64'),
        attributes: {},
      },
      subscription: 'projects/p/subscriptions/s',
    });
    expect((await handle.push(push({ id: 'x' }))).status).toBe(200);
    const invalid = await handle.push(push({ id: '' }));
    expect(invalid.outcome).toBe('nacked');
    expect(seen).toEqual([{ id: 'x' }]);
  });

  it('a zod 3 shaped schema is still refused with the typed error', () => {
    const zod3Like = { _def: {}, safeParse: () => ({ success: true }) };
    expect(() => pkg.parseMessage(zod3Like as never, {})).toThrow(pkg.UnsupportedSchemaError);
  });
});
