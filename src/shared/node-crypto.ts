import { lazy } from './lazy.js';
import { moduleRequire } from './module-require.js';

/**
 * `node:crypto`, loaded the first time a caller needs it. Internal: not exported from the package.
 *
 * Loading `node:crypto` initializes OpenSSL bindings: about 13 ms of CPU in a fresh process, as much
 * as the rest of the `retry` path costs to import. A module-level `import { randomUUID } from
 * 'node:crypto'` makes every application pay it at import, even one that never inserts a row or
 * sends an alert. Builtins always resolve, so a synchronous `require` at first use is safe in both
 * builds and in a bundle, ES module or CommonJS (`moduleRequire`; a bundler leaves
 * `node:` builtins external).
 */
/** The `node:crypto` module, required on the first call and cached. */
export const nodeCrypto: () => typeof import('node:crypto') = lazy(
  () => moduleRequire()('node:crypto') as typeof import('node:crypto'),
);

/** `crypto.randomUUID()` without loading `node:crypto` at import. */
export function randomUUID(): string {
  return nodeCrypto().randomUUID();
}
