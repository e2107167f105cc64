import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
  treeshake: true,
  // The Pub/Sub stand-in resolves the protos shipped with the client from import.meta.url in ESM;
  // the shim gives the CJS build the same value.
  shims: true,
});
