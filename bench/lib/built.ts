/**
 * The library as the package ships it: src/index.ts bundled by esbuild (the bundler tsup uses) without
 * `keepNames`, which tsx turns on for the sources. Written under node_modules/.cache so that its
 * package imports (zod) resolve. Undefined, with the reason, when esbuild is not installed.
 */
export async function loadBuilt<Api>(): Promise<{ api?: Api; reason?: string }> {
  try {
    const esbuild = await import('esbuild');
    const out = new URL('../../node_modules/.cache/gcp-pipeline-resilience-bench/index.mjs', import.meta.url);
    await esbuild.build({
      entryPoints: [new URL('../../src/index.ts', import.meta.url).pathname],
      outfile: out.pathname,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    });
    return { api: (await import(out.href)) as Api };
  } catch (err) {
    return { reason: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}
