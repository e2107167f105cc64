import * as z from 'zod';

/**
 * Builds a module-level zod schema on its first use instead of when the package is imported.
 * Internal: not exported from the package.
 *
 * Why: a cold start pays for every schema the main entry builds at import (zod compiles its code
 * on first call), even in a function that only calls `retry`. The exported schemas are values, so
 * they must exist at import; this gives each one an empty object whose prototype traps the first
 * property read, `in`, assignment or prototype inspection. The trap builds the schema and makes the
 * object *become* it: the object takes the schema's prototype and zod's own `init` runs on it with
 * the built schema's definition, exactly as `clone()` does, so zod's closures, `.optional()`'s inner
 * type, `.describe()`'s parent and the global registry all see the exported object itself (identity
 * holds, unlike a `Proxy` in front of the schema). After that first use nothing of the trap remains.
 *
 * Before its first use the object has no own keys: `Object.keys`, spread and `structuredClone` see
 * `{}` (docs/decisions/lazy-zod.md). Any other access builds it first.
 *
 * The bundler build (`dist/`) builds eagerly: there zod is the application's copy, whose internals
 * this relies on may differ; Node's build inlines the zod this was tested with.
 */
export function deferredSchema<T extends z.ZodType>(build: () => T): T {
  if (EAGER) return build();
  const stub = Object.create(null) as object;
  let state: 'deferred' | 'building' | 'built' = 'deferred';
  // Every trap builds first, then answers from the built schema: the stub's own properties and its
  // new prototype chain are what the same operation sees from then on.
  const materialize = (): object => {
    if (state === 'built') return stub;
    if (state === 'building') throw new Error('a schema was used while it was being built');
    state = 'building';
    try {
      become(stub, build());
    } catch (error) {
      state = 'deferred';
      throw error;
    }
    state = 'built';
    return stub;
  };
  const prototypeAfter = (): object => Object.getPrototypeOf(materialize()) as object;
  const trap = new Proxy(Object.create(null) as object, {
    get: (_target, key, receiver) => Reflect.get(materialize(), key, receiver),
    set: (_target, key, value, receiver) => Reflect.set(materialize(), key, value, receiver),
    has: (_target, key) => Reflect.has(materialize(), key),
    // The descriptor is reported configurable: the trap's own target has none of these keys.
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(prototypeAfter(), key);
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
    ownKeys: () => Reflect.ownKeys(prototypeAfter()),
    getPrototypeOf: () => Object.getPrototypeOf(prototypeAfter()) as object | null,
  });
  Object.setPrototypeOf(stub, trap);
  return stub as T;
}

// esbuild's `define` sets this in the bundler build (tsup.config.ts); Node's build and the tests
// leave it undefined.
declare const __GPR_EAGER_SCHEMAS__: boolean | undefined;
const EAGER = typeof __GPR_EAGER_SCHEMAS__ === 'boolean' && __GPR_EAGER_SCHEMAS__;

interface ZodInternals {
  def: unknown;
  parent?: unknown;
  deferred?: (() => void)[] | undefined;
  constr: { init(inst: object, def: unknown): void };
}

/** What `new constr(def)` does (zod's `$constructor`), with `stub` as the instance, then `clone()`'s parent and the registry entry of `.meta()`/`.describe()`. */
function become(stub: object, real: z.ZodType): void {
  const internals = (real as unknown as { _zod: ZodInternals })._zod;
  Object.setPrototypeOf(stub, Object.getPrototypeOf(real) as object);
  internals.constr.init(stub, internals.def);
  const own = (stub as { _zod: ZodInternals })._zod;
  const deferred = own.deferred;
  if (deferred) {
    for (const run of deferred) run();
    own.deferred = undefined;
  }
  if (internals.parent !== undefined) own.parent = internals.parent;
  const meta = z.globalRegistry.get(real);
  if (meta !== undefined) z.globalRegistry.add(stub as z.ZodType, meta);
  const postProcessor = (globalThis as { __zod_globalConfig?: { postProcessor?: (inst: object) => void } })
    .__zod_globalConfig?.postProcessor;
  if (postProcessor) postProcessor(stub);
}
