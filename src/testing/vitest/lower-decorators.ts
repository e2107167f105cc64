/**
 * The Vite plugin {@link lowerDecorators} returns. Declared here rather than imported from `vite`, so
 * the types of `gcp-pipeline-resilience/testing` need no Vite installed.
 */
export interface LowerDecoratorsPlugin {
  readonly name: 'gcp-pipeline-resilience:lower-decorators';
  readonly enforce: 'pre';
  transform(code: string, id: string): Promise<{ code: string; map: string | undefined } | null>;
}

const TS_FILE = /\.(c|m)?tsx?$/;
/** A line that starts with a decorator: cheap enough to skip every other file. */
const DECORATOR = /^\s*@[A-Za-z_$]/m;

/**
 * A Vite / vitest plugin that compiles the TypeScript files using standard (TC39) decorators, such as
 * `@retryWithJitter`, with the TypeScript compiler before Vite's own transform. vitest 4 (Vite 8)
 * transforms with oxc, which leaves standard decorators in place, and Node 20 cannot run them, so a
 * test importing a decorated class fails with a syntax error. Files without a decorator, and
 * everything under `node_modules`, are left to Vite. Needs `typescript` (5.x) installed, which a
 * TypeScript project has.
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
      const ts = (await import('typescript')).default;
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
