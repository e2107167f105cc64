import { createRequire } from 'node:module';

/**
 * A `require` anchored at the file this code runs from. Internal: not exported from the package.
 *
 * Node's ES module build, and a bundle written as an ES module, have `import.meta.url`; Node's
 * CommonJS build, and an application bundled to CommonJS from the ES module build, have `__filename`
 * and an empty `import.meta`. `import.meta.url` is asked first because a global `__filename` can
 * exist beside an ES module: `node -e` defines it as `'[eval]'`, which `createRequire` refuses.
 * Called at first use, never at load.
 */
export function moduleRequire(): NodeJS.Require {
  const url: unknown = import.meta.url;
  return createRequire(typeof url === 'string' ? url : __filename);
}
