/**
 * Every name a public declaration of the built types refers to is itself public: the bundled
 * `dist/node/*.d.ts` declare only what the two entry points export or what their exported declarations
 * name, so a name declared there that neither entry point exports is a type users meet in a
 * signature (an option, a return value) but cannot import. `npm test` builds first.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../../dist/node/', import.meta.url));
const DECLARATION =
  /^(?:export )?(?:declare )?(?:abstract )?(?:const|function|class|type|interface|enum)\s+([A-Za-z_$][\w$]*)/gm;
// `declare const key: unique symbol`: the keys of methods the package calls itself; no caller can name them.
const UNIQUE_SYMBOL = /^declare const ([A-Za-z_$][\w$]*): unique symbol;/gm;

function publicNames(text: string): string[] {
  const names: string[] = [];
  for (const list of text.matchAll(/^export \{([^}]*)\}/gm)) {
    for (const part of (list[1] ?? '').split(',')) {
      const name = part
        .replace(/\btype\s+/, '')
        .split(/\s+as\s+/)
        .at(-1)
        ?.trim();
      if (name) names.push(name);
    }
  }
  for (const declared of text.matchAll(DECLARATION))
    if (declared[0].startsWith('export ')) names.push(declared[1] ?? '');
  return names;
}

describe('the published types', () => {
  it('name no type that neither entry point exports', () => {
    if (!existsSync(join(dist, 'index.d.ts')))
      throw new Error(`${dist}index.d.ts is missing: build the package first (npx tsup)`);
    const files = readdirSync(dist).filter((f) => f.endsWith('.d.ts') && f !== 'cli.d.ts');
    const texts = new Map(files.map((f) => [f, readFileSync(join(dist, f), 'utf8')]));
    const exported = new Set([
      ...publicNames(texts.get('index.d.ts') ?? ''),
      ...publicNames(texts.get('testing.d.ts') ?? ''),
    ]);
    const unexported: string[] = [];
    for (const [file, text] of texts) {
      const symbols = new Set([...text.matchAll(UNIQUE_SYMBOL)].map((m) => m[1]));
      for (const declared of text.matchAll(DECLARATION)) {
        const name = declared[1] ?? '';
        if (!exported.has(name) && !symbols.has(name)) unexported.push(`${name} (${file})`);
      }
    }
    expect(unexported).toEqual([]);
  });
});
