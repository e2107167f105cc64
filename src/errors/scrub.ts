import { isPlainObject } from '../shared/is-plain-object.js';
import { REDACTED, removeSecrets } from './redact.js';
import { boxedText } from './safe-read.js';
import { isSecretName } from './secret-name.js';

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

/**
 * Bounds of the walk: errors are small. What lies past them (a cause chain 10,000 deep, a graph of
 * thousands of objects) cannot be checked, so it is not kept: `NOT_WALKED` stands in its place.
 */
const MAX_DEPTH = 12;
const MAX_NODES = 10_000;

/** What a kept `cause` holds where the walk stopped. */
const NOT_WALKED = '[not kept: nested too deep or too large to check for credentials]';

/**
 * The most bytes one walk reads from byte arrays (a `Buffer` or `Uint8Array` response body, an
 * `ArrayBuffer`), as text, for credentials: an error body echoing a key is small, and reading more
 * would make classifying an error cost as much as the payload it carried (1 MB took 80 ms; 64 KB
 * takes a few). Past it, bytes are not kept (see `#bytes`): the easy path cannot show a key.
 */
const MAX_BYTES_CHECKED = 64 * 1024;

/**
 * What the walk does to an object: walk it and copy it if something inside must go (arrays, plain
 * objects, errors, other class instances such as the response stream @google-cloud/common throws
 * with, and the entries of a `Map` or `Set`, such as the one inside grpc-js `Metadata`), turn it into
 * a plain object without its credentials (a fetch `Headers`), copy it with the credential redacted
 * (a `URL`, `URLSearchParams`), or keep it as it is (other values with internal slots, which a copy
 * would break, and which hold no request).
 */
// biome-ignore lint/suspicious/noConstEnum: not exported, so esbuild inlines it (isolatedModules allows that)
const enum Shape {
  String,
  Array,
  Error,
  Object,
  Headers,
  Map,
  Set,
  Url,
  Params,
  Bytes,
  Opaque,
}

const OPAQUE: ReadonlyArray<abstract new (...args: never[]) => unknown> = [
  WeakMap,
  WeakSet,
  Date,
  RegExp,
  Promise,
];

function shapeOf(value: object): Shape {
  if (Array.isArray(value)) return Shape.Array;
  if (isPlainObject(value)) return Shape.Object;
  if (value instanceof Error) return Shape.Error;
  if (typeof Headers === 'function' && value instanceof Headers) return Shape.Headers;
  if (value instanceof Map) return Shape.Map;
  if (value instanceof Set) return Shape.Set;
  if (value instanceof URL) return Shape.Url;
  if (value instanceof URLSearchParams) return Shape.Params;
  // Every byte container: a typed array or a `DataView` over a body, or the bare (shared) buffer.
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer)
    return Shape.Bytes;
  if (OPAQUE.some((ctor) => value instanceof ctor)) return Shape.Opaque;
  return Shape.Object;
}

/** A key whose value is dropped: the request a client made, or a credential itself. */
function isDroppedKey(key: unknown): boolean {
  if (typeof key !== 'string') return false;
  return REQUEST_KEYS.has(key.toLowerCase()) || isSecretName(key);
}

class Scrubber {
  readonly #memo = new Map<unknown, unknown>();
  readonly #clean: (text: string) => string;
  #nodes = 0;
  #bytesRead = 0;

  constructor(clean: (text: string) => string) {
    this.#clean = clean;
  }

  scrub(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.#clean(value);
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return value;
    if (this.#memo.has(value)) return this.#memo.get(value);
    try {
      return this.#walk(value, depth);
    } catch (failure) {
      // A Proxy whose traps throw, a getter-only `stack` that fails: what cannot be walked cannot be
      // checked, so it is not kept (`scrubCause` says so for the value itself).
      if (depth === 0) throw failure;
      this.#memo.set(value, NOT_WALKED);
      return NOT_WALKED;
    }
  }

  #walk(value: object, depth: number): unknown {
    if (typeof value === 'function') return value;
    // A typed error scrubbed its own cause when it was made.
    if ((value as Record<symbol, unknown>)[PIPELINE_BRAND] === true) return value;
    if (depth > MAX_DEPTH || ++this.#nodes > MAX_NODES) return NOT_WALKED;
    // A boxed string (`new String('Bearer ...')`) is text, and an object with fields of its own.
    const text = boxedText(value);
    const shape = text === undefined ? shapeOf(value) : Shape.String;
    switch (shape) {
      case Shape.Opaque:
        return value;
      case Shape.Bytes:
        return this.#bytes(value as ArrayBufferView);
      case Shape.Headers:
        return this.#headers(value as Headers);
      case Shape.Map:
      case Shape.Set:
        return this.#collection(value as Map<unknown, unknown>, depth, shape === Shape.Map);
      case Shape.Url:
        return redactedUrl(value as URL, this.#clean);
      case Shape.Params:
        return redactedParams(value as URLSearchParams, this.#clean);
      default:
        return this.#object(value, shape, depth, text);
    }
  }

  /**
   * Bytes (a response body a client kept as a `Buffer`, any other typed array or `DataView`, a bare
   * `ArrayBuffer` or `SharedArrayBuffer`) as they are, or, when their text holds a credential, a
   * `Buffer` copy without it. Read as Latin-1, one character per byte, so that every
   * byte around a credential (binary data, UTF-8) comes back unchanged. Bytes past the walk's budget
   * cannot be checked, so they are not kept.
   */
  #bytes(value: ArrayBufferView | ArrayBufferLike): unknown {
    const view = ArrayBuffer.isView(value) ? value : new Uint8Array(value);
    this.#bytesRead += view.byteLength;
    if (this.#bytesRead > MAX_BYTES_CHECKED) return NOT_WALKED;
    const text = Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('latin1');
    const clean = this.#clean(text);
    return clean === text ? value : Buffer.from(clean, 'latin1');
  }

  /**
   * A `Map` (grpc-js keeps `Metadata` in one) without its credential entries, keys and values walked,
   * or a `Set` with its members walked: one walk, a `Set`'s entries being `[member, member]`.
   */
  #collection(collection: Map<unknown, unknown> | Set<unknown>, depth: number, isMap: boolean): unknown {
    const copy: Map<unknown, unknown> | Set<unknown> = Object.setPrototypeOf(
      isMap ? new Map() : new Set(),
      Object.getPrototypeOf(collection),
    );
    this.#memo.set(collection, copy);
    let changed = false;
    const entries = (isMap ? Map : Set).prototype.entries.call(collection as never) as IterableIterator<
      [unknown, unknown]
    >;
    for (const [key, entry] of entries) {
      if (isMap && isDroppedKey(key)) {
        changed = true;
        continue;
      }
      const scrubbedKey = this.scrub(key, depth + 1);
      const scrubbed = isMap ? this.scrub(entry, depth + 1) : scrubbedKey;
      if (scrubbedKey !== key || scrubbed !== entry) changed = true;
      if (isMap) Map.prototype.set.call(copy, scrubbedKey, scrubbed);
      else Set.prototype.add.call(copy, scrubbed);
    }
    if (changed) return copy;
    this.#memo.set(collection, collection);
    return collection;
  }

  /**
   * A fetch `Headers` holding a credential (by its name, or in its value) becomes a plain object
   * without it.
   */
  #headers(headers: Headers): unknown {
    let changed = false;
    const plain: Record<string, string> = {};
    headers.forEach((value, name) => {
      if (isSecretName(name)) changed = true;
      else {
        plain[name] = this.#clean(value);
        if (plain[name] !== value) changed = true;
      }
    });
    return changed ? plain : headers;
  }

  /** Whether what a hook renders now holds a credential, is too long to check, or is unknown. */
  #leaks(hook: Function, value: object, key: PropertyKey, depth: number): boolean {
    try {
      const out: unknown = Reflect.apply(
        hook,
        value,
        key === 'toJSON' ? [''] : [2, { depth: 2, stylize: String }],
      );
      return typeof out === 'string'
        ? out.length > MAX_RENDERED || this.#clean(out) !== out
        : out !== value && this.scrub(out, depth + 1) !== out;
    } catch {
      // It needs what only util.inspect passes: what it renders is unknown, so it is cleaned.
      return true;
    }
  }

  #object(value: object, shape: Shape, depth: number, text?: string): unknown {
    const proto = Object.getPrototypeOf(value) as object | null;
    const cleanText = text === undefined ? text : this.#clean(text);
    const copy: object =
      shape === Shape.Array
        ? []
        : shape === Shape.Error
          ? Object.setPrototypeOf(new Error(), proto)
          : cleanText !== undefined
            ? Object.setPrototypeOf(new String(cleanText), proto)
            : Object.create(proto);
    if (shape === Shape.Error) {
      delete (copy as { stack?: unknown }).stack;
      delete (copy as { message?: unknown }).message;
    }
    // Registered before the walk, so a cycle back to `value` points at the copy.
    this.#memo.set(value, copy);
    let changed = cleanText !== text;
    // Node's `rawHeaders` is a flat list, a name then its value (`['Cookie', 'sid=...']`): in an
    // array, a string after a credential's name (one header-like word) is that credential.
    let afterSecretName = false;
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (
        descriptor === undefined ||
        // An own hook is set below; the cleaning one of a copy walked again is kept as it is.
        (RENDER_HOOKS.includes(key) &&
          typeof descriptor.value === 'function' &&
          !RENDERERS.has(descriptor.value)) ||
        // The characters of a boxed string are its text, cleaned above.
        (text !== undefined && (key === 'length' || /^\d+$/.test(String(key))))
      )
        continue;
      if (shape !== Shape.Array && isDroppedKey(key)) {
        changed = true;
        continue;
      }
      if ('value' in descriptor) {
        const item: unknown = descriptor.value;
        const scrubbed = afterSecretName && typeof item === 'string' ? REDACTED : this.scrub(item, depth + 1);
        afterSecretName =
          shape === Shape.Array &&
          typeof item === 'string' &&
          /^[\w-]{1,64}$/.test(item) &&
          isSecretName(item);
        if (scrubbed !== descriptor.value) changed = true;
        descriptor.value = scrubbed;
      } else if (descriptor.get !== undefined) {
        // An own getter runs in whatever serializer reads the copy (JSON.stringify, deep loggers), and
        // V8's `stack` accessor works only on its own error: the copy keeps what the getter returns
        // now, scrubbed, as a plain value. A getter that throws is not kept.
        let current: unknown;
        try {
          current = Reflect.get(value, key);
        } catch {
          current = NOT_WALKED;
        }
        const scrubbed = this.scrub(current, depth + 1);
        if (scrubbed !== current) changed = true;
        descriptor.value = scrubbed;
        delete descriptor.get;
        delete descriptor.set;
        descriptor.writable = true;
      }
      Object.defineProperty(copy, key, descriptor);
    }
    // A hook (own or inherited) renders the object in place of its fields, from anything it can
    // reach (a closure, a private field, the depth util.inspect passes, later state). A copy renders
    // through one that calls it on the original and cleans what it returns, every time; an object
    // kept as it is keeps its hook, so that is tried (only then) and what it renders now decides.
    for (const key of RENDER_HOOKS) {
      let hook: unknown;
      try {
        hook = Reflect.get(value, key);
      } catch {
        continue;
      }
      if (
        typeof hook !== 'function' ||
        RENDERERS.has(hook) ||
        !(changed || this.#leaks(hook, value, key, depth))
      )
        continue;
      changed = true;
      Object.defineProperty(copy, key, {
        value: renderer(hook, copy, value, this.#clean),
        configurable: true,
      });
    }
    if (changed) return copy;
    this.#memo.set(value, value);
    return value;
  }
}

const PIPELINE_BRAND = Symbol.for('gcp-pipeline-resilience/PipelineError');

/** Methods through which an object renders itself, for `util.inspect` and for `JSON.stringify`. */
const RENDER_HOOKS: readonly PropertyKey[] = [Symbol.for('nodejs.util.inspect.custom'), 'toJSON'];

/**
 * The hook a copy renders through: the original's, called on the original (it may need a private
 * field or an internal slot the copy lacks), what it returns cleaned (text) or walked (anything
 * else); the original itself comes back as the copy.
 */
function renderer(hook: Function, copy: object, original: object, clean: (text: string) => string): Function {
  const render = (...args: unknown[]): unknown => {
    const out: unknown = Reflect.apply(hook, original, args);
    if (out === original) return copy;
    if (typeof out !== 'string') return scrubCause(out, clean);
    // Cleaning costs in proportion to the text: past a log line's worth, it is not kept.
    return out.length > MAX_RENDERED ? TOO_LONG : clean(out);
  };
  RENDERERS.add(render);
  return render;
}

const RENDERERS = new WeakSet<Function>();
const MAX_RENDERED = 1 << 20;
const TOO_LONG = '[not kept: too long to check for credentials]';

/** A `URL` as is, or a copy without the credentials in its query and user info. */
function redactedUrl(url: URL, cleanText: (text: string) => string): URL | string {
  const href = url.href;
  const clean = cleanText(href);
  if (clean === href && url.password === '') return url;
  try {
    const copy = new URL(clean);
    if (copy.password !== '') copy.password = 'REDACTED';
    return copy;
  } catch {
    return clean;
  }
}

/** `URLSearchParams` as they are, or a copy without the credentials among them. */
function redactedParams(params: URLSearchParams, cleanText: (text: string) => string): URLSearchParams {
  const text = params.toString();
  const clean = cleanText(text);
  return clean === text ? params : new URLSearchParams(clean);
}

/**
 * What a typed error keeps as its `cause`: the thrown value itself, or, when it holds a credential or a
 * request, a copy without it. The copy keeps the prototype, the own properties (enumerable or not)
 * and the `cause` chain; it drops every `request`, `config` (the request a client made: headers with
 * the bearer token, the body with the rows) and every key that is a credential itself
 * (`authorization`, `cookie`, `access_token`, ...) also among the entries of a `Map`, redacts `URL`s
 * and removes credentials from strings. What lies deeper than the walk goes (12 levels, 10,000
 * objects) is replaced by a note saying so. The caller's value is never modified. Never throws: a
 * value that cannot be walked at all is not kept either (the note stands in its place). `clean` is what every string goes through
 * (default: the credential patterns of `redactSecrets`).
 */
export function scrubCause(value: unknown, clean: (text: string) => string = removeSecrets): unknown {
  try {
    return new Scrubber(clean).scrub(value, 0);
  } catch {
    return NOT_WALKED;
  }
}
