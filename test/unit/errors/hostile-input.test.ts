import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isTransientError,
  NetworkError,
  PipelineError,
  parseRetryAfter,
  ServiceUnavailableError,
  settle,
  TooManyRequestsError,
  toPipelineError,
} from '../../../src/errors/index.js';

/** Keys the classifier looks at, at any depth: hostile values put their traps exactly there. */
const READ_KEYS = [
  'name',
  'message',
  'code',
  'status',
  'statusCode',
  'response',
  'headers',
  'data',
  'body',
  'errors',
  'reason',
  'domain',
  'details',
  'metadata',
  'statusDetails',
  'error',
  'retryDelay',
  'seconds',
  'nanos',
  'toNumber',
  'get',
  'insertErrors',
  'index',
  'row',
  'json',
  'insertId',
  'type',
  'cause',
  'orderingKey',
  'errorResult',
  'location',
  '@type',
  'low',
  'high',
  'then',
  'constructor',
  'toJSON',
  'stack',
] as const;

function boom(): never {
  throw new Error('hostile getter');
}

/** Every trap of a Proxy throws. */
const throwingHandler: ProxyHandler<object> = Object.fromEntries(
  [
    'get',
    'has',
    'ownKeys',
    'getOwnPropertyDescriptor',
    'getPrototypeOf',
    'defineProperty',
    'set',
    'deleteProperty',
    'apply',
    'construct',
    'isExtensible',
    'preventExtensions',
    'setPrototypeOf',
  ].map((trap) => [trap, boom]),
);

function revoked(target: object = {}): object {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
}

/** Wraps a plain object into one of several hostile shapes. */
function makeHostile(kind: number, fields: Record<string, unknown>, trapKeys: string[]): unknown {
  switch (kind) {
    case 0:
      return fields;
    case 1: {
      const o: Record<string, unknown> = { ...fields };
      for (const key of trapKeys) Object.defineProperty(o, key, { get: boom, enumerable: true });
      return o;
    }
    case 2:
      return new Proxy(fields, throwingHandler);
    case 3:
      return revoked(fields);
    case 4: {
      const err = Object.assign(new Error('base'), fields);
      for (const key of trapKeys) Object.defineProperty(err, key, { get: boom, configurable: true });
      return err;
    }
    case 5:
      // A Proxy whose traps answer, but with values that lie about themselves.
      return new Proxy(fields, {
        get: (target, key) => (key === 'then' ? undefined : (Reflect.get(target, key) ?? revoked())),
      });
    default:
      return revoked(() => undefined);
  }
}

const leaf = fc.oneof(
  fc.anything({ maxDepth: 1 }),
  fc.constantFrom(503, 429, 14, 4, 'ECONNRESET', 'AbortError', 'TimeoutError', 'PartialFailureError'),
  fc.constantFrom('9'.repeat(400), '1e400', '-1', 'NaN', 'Wed, 21 Oct 2015 07:28:00 GMT'),
);

/**
 * A recipe of a hostile value. fast-check cannot hold Proxies itself (it inspects generated values),
 * so it generates recipes and {@link build} turns them into the values inside the property.
 */
type Recipe =
  | { leaf: unknown }
  | { kind: number; fields: Record<string, Recipe>; traps: string[] }
  | { list: Recipe[] };

const recipe: fc.Arbitrary<Recipe> = fc.letrec<{ value: Recipe }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf.map((value) => ({ leaf: value })),
    fc.record({
      kind: fc.integer({ min: 0, max: 6 }),
      fields: fc.dictionary(fc.constantFrom(...READ_KEYS), tie('value'), { maxKeys: 6 }),
      traps: fc.subarray([...READ_KEYS], { maxLength: 4 }),
    }),
    fc.array(tie('value'), { maxLength: 3 }).map((list) => ({ list })),
  ),
})).value;

function build(r: Recipe): unknown {
  if ('leaf' in r) return r.leaf;
  if ('list' in r) return r.list.map(build);
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(r.fields)) fields[key] = build(value);
  return makeHostile(r.kind, fields, r.traps);
}

describe('the classifiers never throw, whatever is thrown at them', () => {
  it('toPipelineError, isTransientError and settle on any value (fast-check, with Proxies and throwing getters)', async () => {
    await fc.assert(
      fc.asyncProperty(recipe, async (r) => {
        const value = build(r);
        const err = toPipelineError(value);
        expect(err).toBeInstanceOf(PipelineError);
        expect(typeof err.message).toBe('string');
        expect(typeof isTransientError(value)).toBe('boolean');
        const rejected = await settle(Promise.reject(value));
        expect(rejected.ok).toBe(false);
        const thrown = await settle(() => {
          throw value;
        });
        expect(thrown.ok).toBe(false);
      }),
      { numRuns: 400, seed: 9 },
    );
  });

  it('an error whose name and message getters throw still classifies by its code', () => {
    const err = Object.defineProperties(new Error('x'), {
      name: { get: boom },
      message: { get: boom },
      code: { value: 'ECONNRESET' },
    });
    const typed = toPipelineError(err);
    expect(typed).toBeInstanceOf(NetworkError);
    expect(typed.transient).toBe(true);
  });

  it('a value posing as a typed error (the brand, fields that throw or lie) is wrapped, not trusted', () => {
    const brand = Symbol.for('gcp-pipeline-resilience/PipelineError');
    const throwing = Object.create({
      [brand]: true,
      get transient(): boolean {
        return boom();
      },
      get code(): string {
        return boom();
      },
      get message(): string {
        return boom();
      },
    });
    const lying = { [brand]: true, code: 42, transient: 'yes', message: { text: 'x' }, name: 'Error' };
    for (const impostor of [throwing, lying]) {
      expect(isTransientError(impostor)).toBe(false);
      const typed = toPipelineError(impostor);
      expect(typed).not.toBe(impostor);
      expect(typed.code).toBe('UNKNOWN');
      expect(typed.transient).toBe(false);
      expect(typeof typed.message).toBe('string');
    }
  });

  it('a revoked Proxy becomes a permanent PipelineError that says it could not be read', () => {
    const value = revoked();
    const typed = toPipelineError(value);
    expect(typed.code).toBe('UNKNOWN');
    expect(typed.transient).toBe(false);
    expect(isTransientError(value)).toBe(false);
    expect(value instanceof PipelineError).toBe(false);
  });

  it('a 503 whose response.headers.get throws is still a ServiceUnavailableError', () => {
    const typed = toPipelineError({
      message: 'backend down',
      response: {
        status: 503,
        headers: {
          get: () => {
            throw new Error('headers are gone');
          },
        },
      },
    });
    expect(typed).toBeInstanceOf(ServiceUnavailableError);
    expect(typed.transient).toBe(true);
  });

  it('a RetryInfo whose retryDelay.toNumber throws is still classified (without a delay)', () => {
    const typed = toPipelineError({
      code: 8,
      message: '8 RESOURCE_EXHAUSTED: slow down',
      statusDetails: [{ retryDelay: { seconds: { toNumber: boom }, nanos: 0 } }],
    });
    expect(typed).toBeInstanceOf(TooManyRequestsError);
    expect((typed as TooManyRequestsError).retryAfterMs).toBeUndefined();
  });

  it('a 400-digit Retry-After is capped, never Infinity', () => {
    const huge = '9'.repeat(400);
    const parsed = parseRetryAfter(huge, 0);
    expect(Number.isFinite(parsed)).toBe(true);
    expect(parsed).toBeLessThanOrEqual(2_147_483_647);
    const typed = toPipelineError({
      message: 'slow down',
      response: { status: 429, headers: { 'retry-after': huge } },
    }) as TooManyRequestsError;
    expect(Number.isFinite(typed.retryAfterMs)).toBe(true);
    expect(typed.retryAfterMs).toBeLessThanOrEqual(2_147_483_647);
  });

  it('a gRPC RetryInfo of 10^300 seconds is capped too', () => {
    const typed = toPipelineError({
      code: 14,
      message: '14 UNAVAILABLE: later',
      statusDetails: [{ retryDelay: { seconds: 1e300, nanos: 0 } }],
    }) as ServiceUnavailableError;
    expect(typed.retryAfterMs).toBeLessThanOrEqual(2_147_483_647);
  });

  it('a thenable whose then getter throws, handed to settle, is a failure, not a throw', async () => {
    const hostileThenable = Object.defineProperty({}, 'then', { get: boom });
    const result = await settle(hostileThenable as PromiseLike<unknown>);
    expect(result.ok).toBe(false);
  });
});
