/**
 * The dual-package hazard, tested on the built package: an application importing the ESM build while
 * a dependency requires the CJS build holds two copies of every class. `instanceof` must still answer
 * correctly across them, both ways. Node loads `dist/node/index.js` and `dist/node/index.cjs`; a
 * bundler's import takes `dist/index.js` (the `module` condition) while a `require` of the package
 * still reaches `dist/node/index.cjs`, so both pairs are checked. `npm test` builds first.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

type Build = Record<string, unknown> & {
  PipelineError: abstract new (...args: never[]) => Error;
  toPipelineError(err: unknown): Error & { code: string; transient: boolean };
};
type ErrorClass = new (message: string, options?: unknown) => Error;

const built = (file: string) => fileURLToPath(new URL(`../../dist/${file}`, import.meta.url));

/** The ESM and CJS builds that can meet in one process. */
const PAIRS = [
  { pair: 'Node: ESM and CJS', esmPath: built('node/index.js'), cjsPath: built('node/index.cjs') },
  { pair: "a bundler's ESM and Node's CJS", esmPath: built('index.js'), cjsPath: built('node/index.cjs') },
];

/** Constructor arguments for the classes whose options are required. */
const OPTIONS: Record<string, unknown> = {
  OperationTimeoutError: { timeoutMs: 1000 },
  CircuitBreakerOpenError: { retryAfterMs: 1000, key: 'k' },
  MessageDecodeError: { reason: 'invalid_json' },
  MessageValidationError: { issues: [] },
  PartialInsertError: { table: 'd.t', inserted: 0, failures: [] },
  QueryGuardError: { rule: 'partition_filter' },
  PlayerNotFoundError: { lookup: 'lebronjames' },
};

/** The classes of the errors layer; the test also covers any other error class the package exports. */
const ERROR_LAYER_CLASSES = [
  'PipelineError',
  'GoogleApiError',
  'BadRequestError',
  'UnauthorizedError',
  'ForbiddenError',
  'NotFoundError',
  'ConflictError',
  'PreconditionFailedError',
  'TooManyRequestsError',
  'CancelledError',
  'InternalServerError',
  'NotImplementedError',
  'BadGatewayError',
  'ServiceUnavailableError',
  'GatewayTimeoutError',
  'DeadlineExceededError',
  'StreamingBufferError',
  'NetworkError',
  'OperationTimeoutError',
  'CircuitBreakerOpenError',
  'MessageDecodeError',
  'MessageValidationError',
  'PartialInsertError',
  'QueryGuardError',
  'PlayerNotFoundError',
];

let esm: Build;
let cjs: Build;

/** Every exported class that extends PipelineError in the given build (including PipelineError). */
function errorClassNames(build: Build): string[] {
  return Object.keys(build)
    .filter((name) => {
      const value = build[name];
      return (
        typeof value === 'function' &&
        (value === build.PipelineError ||
          Object.prototype.isPrototypeOf.call(build.PipelineError.prototype, value.prototype ?? null))
      );
    })
    .sort();
}

function make(build: Build, name: string): Error {
  const Class = build[name] as ErrorClass;
  return new Class(`made by ${name}`, OPTIONS[name]);
}

describe.each(PAIRS)('dual package, $pair builds side by side', ({ esmPath, cjsPath }) => {
  beforeAll(async () => {
    for (const path of [esmPath, cjsPath]) {
      if (!existsSync(path)) throw new Error(`${path} is missing: build the package first (npx tsup)`);
    }
    esm = (await import(/* @vite-ignore */ pathToFileURL(esmPath).href)) as Build;
    cjs = createRequire(import.meta.url)(cjsPath) as Build;
  });

  it('really loads two distinct copies of every class', () => {
    expect(esm.PipelineError).toBeTypeOf('function');
    expect(cjs.PipelineError).toBeTypeOf('function');
    expect(esm.PipelineError).not.toBe(cjs.PipelineError);
    // Without the brand, prototype-based instanceof would fail across the copies.
    const fromEsm = make(esm, 'NotFoundError');
    expect(Function.prototype[Symbol.hasInstance].call(cjs.NotFoundError, fromEsm)).toBe(false);
  });

  it('exports every class of the errors layer from both builds, and the same set of error classes', () => {
    const esmNames = errorClassNames(esm);
    expect(esmNames).toEqual(errorClassNames(cjs));
    for (const name of ERROR_LAYER_CLASSES) expect(esmNames).toContain(name);
  });

  it('brands every exported error class (its own Symbol.hasInstance)', () => {
    for (const name of errorClassNames(esm)) {
      expect(Object.hasOwn(esm[name] as object, Symbol.hasInstance), `${name} is not branded`).toBe(true);
    }
  });

  it('gives every exported error class its exported name (the built class is `_Name` without it)', () => {
    for (const build of [esm, cjs]) {
      for (const name of errorClassNames(build)) expect((build[name] as ErrorClass).name).toBe(name);
    }
  });

  it.each(ERROR_LAYER_CLASSES)('%s: instanceof holds both ways and a plain Error is neither', (name) => {
    const EsmClass = esm[name] as ErrorClass;
    const CjsClass = cjs[name] as ErrorClass;
    const fromEsm = make(esm, name);
    const fromCjs = make(cjs, name);
    expect(fromEsm).toBeInstanceOf(CjsClass);
    expect(fromCjs).toBeInstanceOf(EsmClass);
    expect(fromEsm).toBeInstanceOf(EsmClass);
    expect(fromCjs).toBeInstanceOf(CjsClass);
    expect(fromEsm).toBeInstanceOf(cjs.PipelineError);
    expect(fromCjs).toBeInstanceOf(esm.PipelineError);
    expect(new Error('plain')).not.toBeInstanceOf(EsmClass);
    expect(new Error('plain')).not.toBeInstanceOf(CjsClass);
    expect(fromEsm.name).toBe(name);
    expect(fromCjs.name).toBe(name);
  });

  it('keeps the hierarchy across builds and does not confuse siblings', () => {
    const deadline = make(esm, 'DeadlineExceededError');
    expect(deadline).toBeInstanceOf(cjs.GatewayTimeoutError as ErrorClass);
    expect(deadline).toBeInstanceOf(cjs.GoogleApiError as ErrorClass);
    expect(deadline).not.toBeInstanceOf(cjs.ServiceUnavailableError as ErrorClass);
    const streaming = make(cjs, 'StreamingBufferError');
    expect(streaming).toBeInstanceOf(esm.BadRequestError as ErrorClass);
    expect(streaming).not.toBeInstanceOf(esm.NotFoundError as ErrorClass);
    expect(make(esm, 'NetworkError')).not.toBeInstanceOf(cjs.GoogleApiError as ErrorClass);
    expect(make(cjs, 'PipelineError')).not.toBeInstanceOf(esm.NotFoundError as ErrorClass);
  });

  it('other layers, anything exported by either build that extends PipelineError, work across builds', () => {
    for (const name of errorClassNames(esm)) {
      const fromCjs = Object.create((cjs[name] as ErrorClass).prototype) as Error;
      const fromEsm = Object.create((esm[name] as ErrorClass).prototype) as Error;
      expect(fromCjs, name).toBeInstanceOf(esm[name] as ErrorClass);
      expect(fromEsm, name).toBeInstanceOf(cjs[name] as ErrorClass);
    }
  });

  it('toPipelineError of one build returns the other build’s errors unchanged', () => {
    const fromCjs = make(cjs, 'ServiceUnavailableError');
    expect(esm.toPipelineError(fromCjs)).toBe(fromCjs);
    const fromEsm = make(esm, 'NetworkError');
    expect(cjs.toPipelineError(fromEsm)).toBe(fromEsm);
    const classified = cjs.toPipelineError(
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    );
    expect(classified).toBeInstanceOf(esm.NetworkError as ErrorClass);
    expect(classified.transient).toBe(true);
  });

  it("a CircuitBreaker of one build works under the other build's retry, both ways", async () => {
    type Breaker = { readonly state: string };
    type RetryFn = (fn: () => unknown, options: object) => Promise<unknown>;
    const unavailable = () => {
      throw Object.assign(new Error('14 UNAVAILABLE: try again'), { code: 14 });
    };
    for (const [maker, runner] of [
      [cjs, esm],
      [esm, cjs],
    ] as const) {
      const breaker = new (maker.CircuitBreaker as new (o: object) => Breaker)({ failureThreshold: 1 });
      const retry = runner.retry as RetryFn;
      await expect(retry(unavailable, { breaker, maxAttempts: 1 })).rejects.toThrow('UNAVAILABLE');
      expect(breaker.state).toBe('open');
      await expect(retry(() => 42, { breaker, maxAttempts: 1 })).rejects.toBeInstanceOf(
        runner.CircuitBreakerOpenError as ErrorClass,
      );
    }
  });
});
