import { lazy } from './lazy.js';
import { moduleRequire } from './module-require.js';
import type * as Self from './zod-on-demand.js';
import type * as Used from './zod-used.js';

/**
 * What `import * as z from 'zod'` in the package's sources resolves to in Node's ES module build
 * (tsup.config.ts aliases `zod` to this file there, and only there). Internal: not exported from the
 * package.
 *
 * Why: Node compiles every byte a module loads at import, and zod is about a quarter of the main
 * entry's. The package needs zod only when a schema is first used or options of the alerting layer are
 * first checked, and the exported schemas are already built on first use
 * (src/validation/deferred-schema.ts). So each name here forwards to zod itself, read from
 * `zod.cjs` beside the built files on the first call: a function that only calls `retry` never
 * loads it.
 *
 * The bundler build (`dist/`) and the tests import zod itself: there the application's bundler
 * decides what loads when. So does Node's CommonJS build, which inlines it: a bundler packing a
 * CommonJS application follows only a plain `require('./file')`, which the CommonJS chunks cannot
 * carry (tsup writes them from ES module chunks, where every `require` becomes esbuild's helper).
 */
type Zod = typeof Used;

/** The usual fix: a bundler given its own conditions (esbuild's `--conditions`) drops `module`. */
const HOW_TO_BUNDLE =
  "bundle the package with the 'module' condition (a bundler's own conditions replace it: add it back)";

function isModuleNotFound(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'MODULE_NOT_FOUND';
}

const zod = lazy((): Zod => {
  try {
    return moduleRequire()('./zod.cjs') as Zod;
  } catch (err) {
    // An application bundled from Node's build (a bundler told not to use the `module` condition)
    // has no zod.cjs beside it: zod itself, a dependency of this package, serves instead.
    if (!isModuleNotFound(err)) throw err;
    let installed: Partial<Zod>;
    try {
      installed = moduleRequire()('zod') as Partial<Zod>;
    } catch (missing) {
      // A bundle deployed without node_modules: the import worked, and only this first use fails.
      if (!isModuleNotFound(missing)) throw missing;
      throw new Error(
        'gcp-pipeline-resilience: zod.cjs is missing beside the bundle and no zod is installed; ' +
          `${HOW_TO_BUNDLE}, copy dist/node/zod.cjs of the package beside the bundle, or install zod@^4`,
        { cause: missing },
      );
    }
    // The one found there may be an older zod the application installed for itself.
    if (typeof installed.toJSONSchema !== 'function') {
      throw new Error(
        'gcp-pipeline-resilience: zod.cjs is missing beside the bundle and the zod found instead is not zod 4; ' +
          `${HOW_TO_BUNDLE}, or install zod@^4`,
        { cause: err },
      );
    }
    return installed as Zod;
  }
});

/** A function of zod: forwards every call to the loaded one. */
function call<K extends keyof Zod>(name: K): Zod[K] {
  return ((...args: unknown[]) => (zod()[name] as (...args: unknown[]) => unknown)(...args)) as Zod[K];
}

/**
 * An object of zod (`z.iso`, `z.regexes`, `z.globalRegistry`): reads each property from the loaded
 * one, its methods bound to it. The sources only read properties of these objects.
 */
function objectOf<K extends keyof Zod>(name: K): Zod[K] {
  return new Proxy(Object.create(null) as object, {
    get: (_target, key) => {
      const target = zod()[name] as object;
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    has: (_target, key) => Reflect.has(zod()[name] as object, key),
  }) as Zod[K];
}

const instanceOf = call('instanceof');
const enumOf = call('enum');

export const array = call('array');
export const boolean = call('boolean');
export const custom = call('custom');
export const email = call('email');
export const globalRegistry = objectOf('globalRegistry');
export const int = call('int');
export const iso = objectOf('iso');
export const literal = call('literal');
export const number = call('number');
export const object = call('object');
export const partialRecord = call('partialRecord');
export const record = call('record');
export const regexes = objectOf('regexes');
export const strictObject = call('strictObject');
export const string = call('string');
export const toJSONSchema = call('toJSONSchema');
export const union = call('union');
export const unknown = call('unknown');
export { enumOf as enum, instanceOf as instanceof };

/** The compiler refuses this when a name of zod-used.ts is not forwarded above. */
type Forwarded<Missing extends never> = Missing;
export type EveryNameForwarded = Forwarded<Exclude<keyof Zod, keyof typeof Self>>;
