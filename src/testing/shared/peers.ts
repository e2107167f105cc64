/**
 * Loading the optional peers of the gRPC stand-ins (grpc-js, proto-loader, a Google client) and the
 * protos the clients ship, once per process.
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** CJS modules reached through `import()` expose their exports on `default` in some loaders. */
export function interop<T>(mod: T): T {
  const withDefault = mod as T & { default?: T };
  return withDefault.default && typeof withDefault.default === 'object' ? withDefault.default : mod;
}

/**
 * A `require` for resolving package files. The CJS build knows its own file; the ESM build only its
 * URL. (A bare `require` would be bundled into a throwing shim in the ESM build, so it is not used.)
 */
export function resolver(): NodeJS.Require {
  return createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
}

/** `<package>/build/protos`, found from the package's resolved entry file (its package.json is not exported). */
export function protosDir(entry: string, packageName: string): string {
  let dir = path.dirname(entry);
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, 'protos');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`Cannot find the protos shipped inside ${packageName} (resolved to ${entry})`);
}

/** The `build/protos` of the google-gax that `clientEntry`'s package uses (it may be nested under it). */
export function gaxProtosDir(clientEntry: string): string {
  return protosDir(createRequire(clientEntry).resolve('google-gax'), 'google-gax');
}

/** The options every stand-in loads its protos with: camelCase fields, int64 as strings, enums by name. */
export const PROTO_LOADER_OPTIONS = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
} as const;

/** Memoises an async loader; a failed load is forgotten so that a later call can try again. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | undefined;
  return () => {
    cached ??= load().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}

/** Imports the optional peers, or throws one error that names every package to install. */
export async function importPeers<T extends unknown[]>(
  standIn: string,
  packages: string[],
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (cause) {
    throw new Error(
      `The ${standIn} stand-in needs the optional peers ${packages.join(', ')}: ` +
        `npm install --save-dev ${packages.join(' ')}`,
      { cause },
    );
  }
}
