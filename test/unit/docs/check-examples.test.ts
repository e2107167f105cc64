import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkExamples,
  markdownExamples,
  restatesOnly,
  tsdocExamples,
  tsdocLinks,
} from '../../docs/check-examples.js';

describe('doc example extraction', () => {
  it('takes the ```ts blocks of Markdown with the line of their first code line, nocheck left out', () => {
    const md = [
      '# T',
      '',
      '```ts',
      'const a = 1;',
      '```',
      '```sh',
      'npm ci',
      '```',
      '```ts nocheck',
      'x',
      '```',
    ];
    expect(markdownExamples('README.md', md.join('\n'))).toEqual([
      { source: 'README.md', line: 4, code: 'const a = 1;' },
    ]);
  });

  it('takes each @example of a TSDoc comment, fenced or not, up to the next tag', () => {
    const src = [
      'const x = 1;',
      '/**',
      ' * Adds.',
      ' *',
      ' * @example',
      ' * ```ts',
      ' * add(1, 2);',
      ' * ```',
      ' * @example',
      ' * add(3, 4);',
      ' * @returns the sum',
      ' */',
      'export function add(a: number, b: number) { return a + b; }',
      '/** @example',
      ' * // @noTypecheck',
      ' * gsutil ls',
      ' */',
    ].join('\n');
    expect(tsdocExamples('src/add.ts', src)).toEqual([
      { source: 'src/add.ts', line: 7, code: 'add(1, 2);' },
      { source: 'src/add.ts', line: 10, code: 'add(3, 4);' },
    ]);
  });
});

describe('restatesOnly', () => {
  it('flags typed declarations that nothing uses, and nothing else', () => {
    expect(restatesOnly("const mode: JitterMode = 'full';")).toBe(true);
    expect(
      restatesOnly("import type { X } from 'p';\ndeclare const y: number;\nconst o: X = { a: y };"),
    ).toBe(true);
    expect(restatesOnly("const mode: JitterMode = 'full';\nbackoffDelays({ jitter: mode });")).toBe(false);
    expect(restatesOnly('const a: A = f();\nconst b: B = { a };')).toBe(false);
    expect(restatesOnly("const mode = 'full';")).toBe(false);
    expect(restatesOnly('retry(fn);')).toBe(false);
  });
});

// Each test builds a TypeScript program: on a loaded 2-core machine that alone can take 30 s.
describe('checkExamples', { timeout: 120_000 }, () => {
  // Under the repository (git-ignored) so that @types/node resolves as it does for the real check.
  const root = resolve(import.meta.dirname, '../../../.doc-examples', `unit-${process.pid}`);
  beforeAll(() => {
    mkdirSync(join(root, 'src/testing'), { recursive: true });
    writeFileSync(
      join(root, 'src/index.ts'),
      [
        'export function add(a: number, b: number): number { return a + b; }',
        'export interface AddOptions { round: boolean }',
        // lib.dom declares a `Credential` too: a pasted example that does not import it gets that one.
        'export type Credential = () => string;',
        'const hidden = 1;',
        'export { hidden as _h };',
      ].join('\n'),
    );
    writeFileSync(join(root, 'src/testing/index.ts'), 'export const standIn = { port: 1 };\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('checks each example as written, and reports errors at the documented line', () => {
    const failures = checkExamples(
      root,
      [
        {
          source: 'src/ok.ts',
          line: 10,
          code: [
            "import { add, type AddOptions, type Credential } from 'gcp-pipeline-resilience';",
            "import { standIn } from 'gcp-pipeline-resilience/testing';",
            'const options: AddOptions = { round: true };',
            "const key: Credential = () => 'k';",
            'const n: number = add(standIn.port, key().length);',
            'await Promise.resolve([n, options]);',
          ].join('\n'),
        },
        {
          source: 'src/bad.ts',
          line: 20,
          code: "import { add } from 'gcp-pipeline-resilience';\nconst s: string = add(1, 2);\nnotExported();",
        },
        { source: 'README.md', line: 30, code: "import { hidden } from 'gcp-pipeline-resilience';" },
        // Under verbatimModuleSyntax, as in a reader's strictest project, a type is imported as a type.
        { source: 'src/type.ts', line: 40, code: "import { AddOptions } from 'gcp-pipeline-resilience';" },
      ],
      join(root, 'out'),
    );
    expect(failures.map((f) => f.at)).toEqual([
      'src/bad.ts:21:7',
      'src/bad.ts:22:1',
      'README.md:30:10',
      'src/type.ts:40:10',
    ]);
    expect(failures[1]?.message).toContain("Cannot find name 'notExported'");
    expect(failures[2]?.message).toContain('hidden');
    expect(failures[3]?.message).toContain('type-only import');
  });

  it('refuses an example that uses the package without importing it, naming the file, line and names', () => {
    const failures = checkExamples(
      root,
      [
        {
          source: 'src/values.ts',
          line: 7,
          code: 'const options: AddOptions = { round: true };\nadd(standIn.port, Number(options.round));',
        },
        { source: 'src/types.ts', line: 12, code: 'declare const key: Credential;\nconsole.log(key);' },
        {
          source: 'README.md',
          line: 50,
          code: "import { add } from 'gcp-pipeline-resilience';\nconst sum = { add };\nsum.add(standIn.port, 1);",
        },
        {
          source: 'README.md',
          line: 60,
          code: "import { add } from 'gcp-pipeline-resilience';\nimport { standIn } from 'gcp-pipeline-resilience/testing';\nadd(standIn.port, 1);",
        },
      ],
      join(root, 'out-imports'),
    );
    expect(failures.map((f) => `${f.at} ${f.message}`)).toEqual([
      // lib.dom's `Credential` would compile: the example is refused all the same.
      "src/types.ts:12 the example uses Credential without importing it: add import type { Credential } from 'gcp-pipeline-resilience';",
      "src/values.ts:7 the example uses add, AddOptions, standIn without importing them: add import { add, type AddOptions } from 'gcp-pipeline-resilience'; import { standIn } from 'gcp-pipeline-resilience/testing';",
      "README.md:50 the example uses standIn without importing it: add import { standIn } from 'gcp-pipeline-resilience/testing';",
    ]);
  });

  it('refuses a {@link} to a name neither entry point exports, and an example that only restates a type', () => {
    const links = tsdocLinks(
      'src/doc.ts',
      [
        '/**',
        ' * Uses {@link add}, {@linkcode standIn.port | the port} and {@link internalHelper}.',
        ' */',
        '// {@link notInTsdoc} is a line comment, not TSDoc',
      ].join('\n'),
    );
    expect(links.map((l) => `${l.line}:${l.target}`)).toEqual(['2:add', '2:standIn', '2:internalHelper']);
    const examples = [
      { source: 'src/restate.ts', line: 5, code: 'const n: number = 1;' },
      {
        source: 'src/use.ts',
        line: 9,
        code: "import { add } from 'gcp-pipeline-resilience';\nconst n: number = add(1, 2);\nconsole.log(n);",
      },
    ];
    const failures = checkExamples(root, examples, join(root, 'out-links'), links);
    expect(failures.map((f) => `${f.at} ${f.message}`)).toEqual([
      'src/doc.ts:2 {@link internalHelper} points to a name neither entry point exports',
      'src/restate.ts:5 the example only restates a type: show the symbol in use (passed to, or returned by, the API)',
    ]);
  });
});
