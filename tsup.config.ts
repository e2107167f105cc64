import { defineConfig } from 'tsup';

/**
 * Every layer is its own entry so that code splitting gives each layer its own chunk: the public
 * entry point (`dist/index.js`) only re-exports from those chunks, and with `sideEffects: false` a
 * bundler drops every chunk whose names are not imported. The layer entries are internal (not in the
 * `exports` map). See docs/decisions/build.md.
 */
const layers = [
  'alerting',
  'bigquery',
  'config',
  'errors',
  'http',
  'logging',
  'monitoring',
  'registry',
  'retry',
  'shutdown',
  'validation',
] as const;

const publicEntries = { index: 'src/index.ts', testing: 'src/testing/index.ts', cli: 'src/cli.ts' };

export default defineConfig({
  entry: {
    ...publicEntries,
    ...Object.fromEntries(layers.map((layer) => [`layers/${layer}`, `src/${layer}/index.ts`])),
  },
  format: ['esm', 'cjs'],
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
