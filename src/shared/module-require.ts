import { createRequire } from 'node:module';

/**
 * A `require` anchored at the file this code runs from. Internal: not exported from the package.
 *
 * Node's CommonJS build, and an application bundled to CommonJS from the ES module build, have
 * `__filename`; Node's ES module build, and a bundle written as an ES module, have `import.meta.url`.
 * In a CommonJS bundle `import.meta` is an empty object, so `import.meta.url` alone would hand
 * `createRequire` undefined; `__filename` alone does not exist in an ES module. Called at first use,
 * never at load.
 */
export function moduleRequire(): NodeJS.Require {
  return createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
}
