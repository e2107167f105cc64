/**
 * Prefix of every brand key; `Symbol.for` puts the key in the process-wide symbol registry, so the ESM
 * build, the CJS build and a second copy of the package all derive the same symbol for the same class.
 */
const BRAND_NAMESPACE = 'gcp-pipeline-resilience';

/**
 * The registry symbol that marks instances of the class called `name`.
 *
 * @example
 * ```ts
 * import { errorBrand } from 'gcp-pipeline-resilience';
 * const sym = errorBrand('NotFoundError');
 * sym === Symbol.for('gcp-pipeline-resilience/NotFoundError'); // true
 * ```
 */
export function errorBrand(name: string, namespace: string = BRAND_NAMESPACE): symbol {
  return Symbol.for(`${namespace}/${name}`);
}

/**
 * Brands an error class so that `instanceof` answers by brand rather than by prototype identity.
 *
 * The dual-package hazard: an application importing the ESM build and a dependency requiring the CJS
 * build get two distinct `NotFoundError` functions, and plain `instanceof` says no across them. The brand
 * is a `Symbol.for` key stored on the class prototype; the static `Symbol.hasInstance` installed here
 * checks for it, so every copy recognizes every other copy's instances (and their subclasses, because the
 * brand is inherited through the prototype chain).
 *
 * A subclass that is not branded itself keeps ordinary `instanceof` semantics for its own checks
 * (`x instanceof MySubclass` compares prototypes), while its instances still carry the parent's brand.
 * The class and its prototype also get a stable `name`, which survives minification and renaming.
 *
 * Returns the class so it can be used in a `static` block or as an expression.
 *
 * @param ctor the class to brand
 * @param name the class name; the brand key is `gcp-pipeline-resilience/<name>` unless `namespace` is given
 * @param namespace the key prefix; give your own when branding classes outside this package
 *
 * @example
 * ```ts
 * import { PipelineError, brandError } from 'gcp-pipeline-resilience';
 *
 * export class ScraperBlockedError extends PipelineError {
 *   static {
 *     brandError(ScraperBlockedError, 'ScraperBlockedError', 'my-scrapers');
 *   }
 *   constructor(message: string) {
 *     super(message, { code: 'SCRAPER_BLOCKED', transient: true });
 *   }
 * }
 * ```
 */
// `C` is any class, abstract or not, whatever its constructor parameters.
export function brandError<C extends abstract new (...args: never[]) => unknown>(
  ctor: C,
  name: string,
  namespace: string = BRAND_NAMESPACE,
): C {
  const brand = errorBrand(name, namespace);
  Object.defineProperties(ctor.prototype, {
    [brand]: { value: true, enumerable: false },
    name: { value: name, enumerable: false, writable: true, configurable: true },
  });
  Object.defineProperties(ctor, {
    // The class's own name too: a bundler may ship it as `_Name` (esbuild does for a class that refers
    // to itself in a static initializer), and util.inspect, Node's uncaught-error output and pino's
    // `err.type` read `constructor.name`.
    name: { value: name, configurable: true },
    [Symbol.hasInstance]: {
      configurable: true,
      value: function hasBrand(this: unknown, instance: unknown): boolean {
        // Subclasses inherit this static method; an unbranded subclass must get prototype semantics,
        // otherwise every parent instance would pass `instanceof Subclass`.
        if (this !== ctor) {
          return typeof this === 'function' && Function.prototype[Symbol.hasInstance].call(this, instance);
        }
        if ((typeof instance !== 'object' && typeof instance !== 'function') || instance === null)
          return false;
        try {
          return (instance as Record<symbol, unknown>)[brand] === true;
        } catch {
          // A revoked Proxy or a throwing trap: not one of ours, and `instanceof` must not throw.
          return false;
        }
      },
    },
  });
  return ctor;
}

/**
 * {@link brandError} in the form the package's own error classes use: the initializer of a static
 * field (`protected static override readonly brand: symbol = brandClass(MyError, 'MyError')`, the
 * call annotated as pure). Returns the brand symbol. Unlike a `static {}` block, which a bundler must
 * always keep, a static field whose initializer is a pure call lets it drop the whole class from an
 * application that never uses it. Internal: not exported from the package.
 *
 * @internal
 */
export function brandClass(ctor: abstract new (...args: never[]) => unknown, name: string): symbol {
  brandError(ctor, name);
  return errorBrand(name);
}
