import { readFileSync, rmSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

/**
 * Two builds of the same sources, chosen by the `exports` map (docs/decisions/build.md):
 *
 * - `dist/` for bundlers (the `module` condition, which esbuild, webpack, Rollup and Vite set and
 *   Node does not), ES modules only. Every layer is its own entry so that code splitting gives each
 *   layer its own chunk; the public entry point (`dist/index.js`) only re-exports from those chunks,
 *   and with `sideEffects: false` a bundler drops every chunk whose names are not imported. zod stays
 *   an import, shared with the application's own. The layer entries are internal (not in the
 *   `exports` map); they are read from the re-exports of `src/index.ts`, so a new layer gets its
 *   chunk without a change here.
 * - `dist/node/` for Node itself (the `default` and `require` conditions), ESM and CommonJS, and the
 *   declarations of both builds: the two public entries and `gpr`, zod inlined (the ES modules read
 *   it from a file of their own, `zod.cjs`, on first use). Node loads ES modules file by file, and zod
 *   alone is about 95 files: a cold start pays for each file Node resolves, reads, decodes and
 *   compiles, and for its bytes. The main entry is three files.
 */
const layers = [
  ...readFileSync('src/index.ts', 'utf8').matchAll(/^export \* from '\.\/(\w+)\/index\.js';$/gm),
].map((match) => match[1]);
if (layers.length === 0) throw new Error('tsup.config.ts: no layer re-exported by src/index.ts');

const publicEntries = { index: 'src/index.ts', testing: 'src/testing/index.ts' };

// The two builds run at once, so neither may clean: `dist/` is emptied here, once, before both.
rmSync('dist', { recursive: true, force: true });

const common: Options = {
  sourcemap: true,
  clean: false,
  target: 'node20',
  splitting: true,
  treeshake: false,
  // The Pub/Sub stand-in resolves the protos shipped with the client from import.meta.url in ESM;
  // the shim gives the CJS build the same value.
  shims: true,
};

export default defineConfig([
  {
    ...common,
    entry: {
      ...publicEntries,
      ...Object.fromEntries(layers.map((layer) => [`layers/${layer}`, `src/${layer}/index.ts`])),
    },
    outDir: 'dist',
    // Bundlers resolve `require` to Node's CommonJS build; the declarations are Node's build's.
    format: ['esm'],
    dts: false,
    // The schemas are built at import here: zod is the application's copy, whose internals the
    // deferred schemas of Node's build rely on may differ (src/validation/deferred-schema.ts).
    define: { __GPR_EAGER_SCHEMAS__: 'true' },
    // No shims: this build is an ES module in Node and may be bundled to CommonJS, where
    // `import.meta` is empty and a shim computing `__filename` from it throws at load. The code finds
    // its own file at first use instead (src/shared/module-require.ts).
    shims: false,
  },
  {
    ...common,
    // The `gpr` binary is for Node only.
    entry: { ...publicEntries, cli: 'src/cli.ts' },
    outDir: 'dist/node',
    format: ['esm', 'cjs'],
    noExternal: ['zod'],
    // Node decodes and compiles every byte it loads: the ES modules are minified (the source maps
    // beside them give `node --enable-source-maps` the original names; error classes keep theirs
    // through `brandError`). The CommonJS is not: tsup rewrites the CommonJS chunks after esbuild,
    // and that rewrite breaks on minified class fields.
    esbuildOptions(options, { format }) {
      // The ES modules read zod on first use from `zod.cjs` (the last build below) instead of
      // compiling it at import (src/shared/zod-on-demand.ts says why the CommonJS build inlines it);
      // a zod function missing from the forwarding file fails the build.
      if (format === 'esm') options.alias = { zod: './src/shared/zod-on-demand.ts' };
      options.logOverride = { ...options.logOverride, 'import-is-undefined': 'error' };
      options.minifyWhitespace = format === 'esm';
      options.minifySyntax = format === 'esm';
      options.minifyIdentifiers = format === 'esm';
      // Node prints the source line of an uncaught error: a minified file of a few long lines would
      // put 100 KB of code into one log entry.
      options.lineLimit = 160;
      // tsup's ES module shim computes `__filename` at load for every chunk that names it, which
      // costs a cold start about 5 ms; `moduleRequire()` only reads `import.meta.url` at first use.
      if (format === 'esm') options.inject = options.inject?.filter((file) => !/esm_shims/.test(file));
    },
    // TSUP_NO_DTS=1 skips the declarations (minutes on a loaded machine) when only the JS is measured.
    dts: process.env.TSUP_NO_DTS ? false : { entry: publicEntries },
  },
  {
    ...common,
    // zod for Node's ES module build: one CommonJS file, required on first use. Only the names the
    // package calls (src/shared/zod-used.ts), minified: no chunks here for tsup's CommonJS rewrite.
    entry: { zod: 'src/shared/zod-used.ts' },
    outDir: 'dist/node',
    format: ['cjs'],
    noExternal: ['zod'],
    splitting: false,
    treeshake: true,
    minify: true,
    dts: false,
  },
]);
