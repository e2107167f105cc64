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
 * `{}`, and `Object.getPrototypeOf` returns the trap. Operations on its own properties alone
 * (`delete`, `Object.defineProperty`, `Object.freeze`) reach no trap; docs/decisions/lazy-zod.md lists
 * what each of them does. Any other access builds it first.
 *
 * The bundler build (`dist/`) builds eagerly: there zod is the application's copy, whose internals
 * this relies on may differ; Node's build inlines the zod this was tested with.
 */
export function deferredSchema<T extends z.ZodType>(build: () => T): T {
  if (EAGER) return build();
  // What every trap answers from once built: the stub itself, which became the schema, or, if the
  // stub was frozen, sealed or made non-extensible before its first use (it can take neither a
  // prototype nor zod's properties then), the built schema, to which the traps forward from then on.
  let built: object | undefined;
  let building = false;
  const materialize = (): object => {
    if (built !== undefined) return built;
    if (building) throw new Error('a schema was used while it was being built');
    building = true;
    try {
      const real = build();
      built = Object.isExtensible(stub) ? become(stub, real) : real;
      copyRegistryEntry(real, stub);
    } finally {
      building = false;
    }
    return built;
  };
  // A getter or setter runs on what answers, not on the stub, when the stub could not become it.
  const self = (target: object, receiver: unknown): unknown => (receiver === stub ? target : receiver);
  // The trap stands between the stub and the built prototype, as a link that mirrors the stub: its
  // keys are the built object's enumerable ones (so `for...in` lists what it lists for an eager
  // schema) and its prototype is the built prototype (so `ZodObject.prototype.isPrototypeOf` and
  // other walks of the chain find it).
  const trap = new Proxy(Object.create(null) as object, {
    get: (_target, key, receiver) => {
      const target = materialize();
      return Reflect.get(target, key, self(target, receiver));
    },
    set: (_target, key, value, receiver) => {
      const target = materialize();
      return Reflect.set(target, key, value, self(target, receiver));
    },
    has: (_target, key) => Reflect.has(materialize(), key),
    // The descriptor is reported configurable: the trap's own target has none of these keys.
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(materialize(), key);
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
    // Only the enumerable ones: V8's `for...in` lists every key a proxy in the chain reports.
    ownKeys: () => {
      const target = materialize();
      return Reflect.ownKeys(target).filter((key) => Object.prototype.propertyIsEnumerable.call(target, key));
    },
    getPrototypeOf: () => Object.getPrototypeOf(materialize()) as object | null,
  });
  // `Object.create(trap)`, not `Object.create(null)` and a new prototype: V8 keeps the first in fast
  // mode, and an object made with a null prototype stays a slow (dictionary) object for its lifetime.
  const stub = Object.create(trap) as object;
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

/** What `new constr(def)` does (zod's `$constructor`), with `stub` as the instance, then `clone()`'s parent; returns `stub`. */
function become(stub: object, real: z.ZodType): object {
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
  const postProcessor = (globalThis as { __zod_globalConfig?: { postProcessor?: (inst: object) => void } })
    .__zod_globalConfig?.postProcessor;
  if (postProcessor) postProcessor(stub);
  return stub;
}

/**
 * The global-registry entry of `.meta()`/`.describe()`: only one the built schema has itself
 * (metadata inherited through `parent` stays inherited), and never over one the application added
 * to the exported object before its first use.
 */
function copyRegistryEntry(real: z.ZodType, stub: object): void {
  const meta = z.globalRegistry.has(real) ? z.globalRegistry.get(real) : undefined;
  if (meta !== undefined && !z.globalRegistry.has(stub as z.ZodType))
    z.globalRegistry.add(stub as z.ZodType, meta);
}
