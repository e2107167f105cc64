import { removeSecrets } from './redact.js';

/**
 * Keys whose whole value is dropped from a kept `cause`: the request a client made (its headers carry
 * the bearer token, its body the rows or the SQL). @google-cloud/common keeps it at
 * `response.request`, gaxios at `config` and `response.config`, axios and got at `request`/`config`.
 */
const REQUEST_KEYS: ReadonlySet<string> = new Set([
  'request',
  'req',
  '_req',
  'config',
  'reqopts',
  'requestoptions',
]);

/** Keys that hold a credential themselves, wherever they appear (a header object, a JSON body). */
const SECRET_KEYS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-goog-api-key',
  'x-api-key',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'private_key',
  'password',
  'api_key',
  'apikey',
]);

/** Bounds of the walk: errors are small; a huge graph is left as it is past these. */
const MAX_DEPTH = 12;
const MAX_NODES = 2_000;

/**
 * What the walk does to an object: walk it and copy it if something inside must go (arrays, plain
 * objects, errors, other class instances such as the response stream @google-cloud/common throws
 * with), turn it into a plain object without its credentials (a fetch `Headers`), or keep it as it
 * is (values with internal slots, which a copy would break, and which hold no request).
 */
type Shape = 'array' | 'error' | 'object' | 'headers' | 'opaque';

const OPAQUE: ReadonlyArray<abstract new (...args: never[]) => unknown> = [
  Map,
  Set,
  WeakMap,
  WeakSet,
  Date,
  RegExp,
  Promise,
  ArrayBuffer,
  URL,
  URLSearchParams,
];

function shapeOf(value: object): Shape {
  if (Array.isArray(value)) return 'array';
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return 'object';
  if (value instanceof Error) return 'error';
  if (typeof Headers === 'function' && value instanceof Headers) return 'headers';
  if (ArrayBuffer.isView(value) || OPAQUE.some((ctor) => value instanceof ctor)) return 'opaque';
  return 'object';
}

class Scrubber {
  readonly #memo = new Map<unknown, unknown>();
  #nodes = 0;

  scrub(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return removeSecrets(value);
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return value;
    if (this.#memo.has(value)) return this.#memo.get(value);
    if (typeof value === 'function' || depth > MAX_DEPTH || ++this.#nodes > MAX_NODES) return value;
    // A typed error scrubbed its own cause when it was made.
    if ((value as Record<symbol, unknown>)[PIPELINE_BRAND] === true) return value;
    const shape = shapeOf(value);
    if (shape === 'opaque') return value;
    if (shape === 'headers') return this.#headers(value as Headers);
    return this.#object(value, shape, depth);
  }

  /** A fetch `Headers` holding a credential becomes a plain object without it. */
  #headers(headers: Headers): unknown {
    let secret = false;
    for (const name of SECRET_KEYS) if (headers.has(name)) secret = true;
    if (!secret) return headers;
    const plain: Record<string, string> = {};
    headers.forEach((value, name) => {
      if (!SECRET_KEYS.has(name.toLowerCase())) plain[name] = value;
    });
    return plain;
  }

  #object(value: object, shape: Shape, depth: number): unknown {
    const proto = Object.getPrototypeOf(value) as object | null;
    const copy: object =
      shape === 'array'
        ? []
        : shape === 'error'
          ? Object.setPrototypeOf(new Error(), proto)
          : Object.create(proto);
    if (shape === 'error') {
      delete (copy as { stack?: unknown }).stack;
      delete (copy as { message?: unknown }).message;
    }
    // Registered before the walk, so a cycle back to `value` points at the copy.
    this.#memo.set(value, copy);
    let changed = false;
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor === undefined) continue;
      if (typeof key === 'string') {
        const lower = key.toLowerCase();
        if ((REQUEST_KEYS.has(lower) || SECRET_KEYS.has(lower)) && shape !== 'array') {
          changed = true;
          continue;
        }
      }
      if ('value' in descriptor) {
        const scrubbed = this.scrub(descriptor.value, depth + 1);
        if (scrubbed !== descriptor.value) changed = true;
        descriptor.value = scrubbed;
      } else if (key === 'stack' && shape === 'error') {
        // V8 may expose `stack` as an accessor that only works on the original object.
        descriptor.value = removeSecrets(String((value as { stack?: unknown }).stack ?? ''));
        delete descriptor.get;
        delete descriptor.set;
        descriptor.writable = true;
      }
      Object.defineProperty(copy, key, descriptor);
    }
    if (changed) return copy;
    this.#memo.set(value, value);
    return value;
  }
}

const PIPELINE_BRAND = Symbol.for('gcp-pipeline-resilience/PipelineError');

/**
 * What a typed error keeps as its `cause`: the original value, or, when it holds a credential or a
 * request, a copy without it. The copy keeps the prototype, the own properties (enumerable or not)
 * and the `cause` chain; it drops every `request`, `config` (the request a client made: headers with
 * the bearer token, the body with the rows) and every key that is a credential itself
 * (`authorization`, `cookie`, `access_token`, ...), and removes credentials from strings. The
 * caller's value is never modified. Never throws: a value that cannot be walked is kept as it is.
 */
export function scrubCause(value: unknown): unknown {
  try {
    return new Scrubber().scrub(value, 0);
  } catch {
    return value;
  }
}
