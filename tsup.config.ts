import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

/**
 * Every layer is its own entry so that code splitting gives each layer its own chunk: the public
 * entry point (`dist/index.js`) only re-exports from those chunks, and with `sideEffects: false` a
 * bundler drops every chunk whose names are not imported. The layer entries are internal (not in the
 * `exports` map). The layers are read from the re-exports of `src/index.ts`, so a new layer gets its
 * chunk without a change here. See docs/decisions/build.md.
 */
const layers = [
  ...readFileSync('src/index.ts', 'utf8').matchAll(/^export \* from '\.\/(\w+)\/index\.js';$/gm),
].map((match) => match[1]);
if (layers.length === 0) throw new Error('tsup.config.ts: no layer re-exported by src/index.ts');

const publicEntries = { index: 'src/index.ts', testing: 'src/testing/index.ts', cli: 'src/cli.ts' };

export default defineConfig({
  entry: {
    ...publicEntries,
    ...Object.fromEntries(layers.map((layer) => [`layers/${layer}`, `src/${layer}/index.ts`])),
  },
  format: ['esm', 'cjs'],
  // TSUP_NO_DTS=1 skips the declarations (minutes on a loaded machine) when only the JS is measured.
  dts: process.env.TSUP_NO_DTS ? false : { entry: publicEntries },
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
  treeshake: false,
  // The Pub/Sub stand-in resolves the protos shipped with the client from import.meta.url in ESM;
  // the shim gives the CJS build the same value.
  shims: true,
});
