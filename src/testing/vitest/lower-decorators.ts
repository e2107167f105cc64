/**
 * The Vite plugin {@link lowerDecorators} returns. Declared here rather than imported from `vite`, so
 * the types of `gcp-pipeline-resilience/testing` need no Vite installed.
 *
 * @example
 * ```ts
 * import { type LowerDecoratorsPlugin, lowerDecorators } from 'gcp-pipeline-resilience/testing';
 * const plugin: LowerDecoratorsPlugin = lowerDecorators();
 * export default { plugins: [plugin] }; // vitest.config.ts
 * ```
 */
export interface LowerDecoratorsPlugin {
  readonly name: 'gcp-pipeline-resilience:lower-decorators';
  readonly enforce: 'pre';
  transform(code: string, id: string): Promise<{ code: string; map: string | undefined } | null>;
}

const TS_FILE = /\.(c|m)?tsx?$/;
/** A line that starts with a decorator: cheap enough to skip every other file. */
const DECORATOR = /^\s*@[A-Za-z_$]/m;

/** The compiler API module of typescript 5.x (typescript 7, the native compiler, has none). */
type Compiler = typeof import('typescript');

const NEEDS = 'lowerDecorators needs the TypeScript compiler API of typescript 5.x';
const FIX = 'npm install -D typescript@5';

/**
 * Loads `typescript` and checks it has the compiler API: a plain `npm install -D typescript` on Node 20
 * installs typescript 7 (the native compiler), whose package exports only its version.
 */
async function typescriptCompiler(): Promise<Compiler> {
  let loaded: { default?: unknown; version?: unknown };
  try {
    loaded = await import('typescript');
  } catch (cause) {
    throw new Error(`${NEEDS}, but typescript could not be loaded: ${FIX}`, { cause });
  }
  const ts = (loaded.default ?? loaded) as Partial<Compiler>;
  if (typeof ts.transpileModule !== 'function') {
    const version = typeof ts.version === 'string' ? ts.version : 'unknown';
    throw new Error(`${NEEDS}, but typescript ${version} is installed, which has none: ${FIX}`);
  }
  return ts as Compiler;
}

/**
 * A Vite / vitest plugin that compiles the TypeScript files using standard (TC39) decorators, such as
 * `@retryWithJitter`, with the TypeScript compiler before Vite's own transform. vitest 4 (Vite 8)
 * transforms with oxc, which leaves standard decorators in place, and Node 20 cannot run them, so a
 * test importing a decorated class fails with a syntax error. Files without a decorator, and
 * everything under `node_modules`, are left to Vite. Needs `typescript` 5.x installed
 * (`npm install -D typescript@5`): typescript 7, which a plain install picks, has no compiler API, and
 * the first decorated file then fails with an error saying so.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * import { defineConfig } from 'vitest/config';
 * import { lowerDecorators } from 'gcp-pipeline-resilience/testing';
 *
 * export default defineConfig({ plugins: [lowerDecorators()] });
 * ```
 */
export function lowerDecorators(): LowerDecoratorsPlugin {
  return {
    name: 'gcp-pipeline-resilience:lower-decorators',
    enforce: 'pre',
    async transform(code, id) {
      const file = id.split('?')[0] ?? id;
      if (!TS_FILE.test(file) || file.includes('/node_modules/') || !DECORATOR.test(code)) return null;
      const ts = await typescriptCompiler();
      const out = ts.transpileModule(code, {
        fileName: file,
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          experimentalDecorators: false,
          useDefineForClassFields: true,
          sourceMap: true,
          inlineSources: true,
          jsx: file.endsWith('x') ? ts.JsxEmit.Preserve : undefined,
        },
      });
      return { code: out.outputText.replace(/\n\/\/# sourceMappingURL=.*$/, ''), map: out.sourceMapText };
    },
  };
}
