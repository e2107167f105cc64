import { lazy } from '../shared/lazy.js';
import { describeAs } from './response-view.js';

// Built on first use: the first TextDecoder of a process loads Node's encoding module.
const decoder = lazy(() => new TextDecoder());

/** The buffered bytes of a response handed out, and whether they were read. */
interface BufferedState {
  bytes: Uint8Array<ArrayBuffer>;
  used: boolean;
  stream?: ReadableStream;
}

/** Where a response keeps its state: a symbol property costs less than a WeakMap entry per call. */
const STATE: unique symbol = Symbol('bufferedBody');

type Buffered = Response & { [STATE]?: BufferedState };

const stateOf = (response: Response): BufferedState | undefined => (response as Buffered)[STATE];

function take(response: Response): Uint8Array<ArrayBuffer> {
  const state = stateOf(response);
  if (state === undefined) throw new TypeError('Illegal invocation');
  if (state.used) throw new TypeError('Body is unusable: Body has already been read');
  state.used = true;
  return state.bytes;
}

function reader<T>(convert: (bytes: Uint8Array<ArrayBuffer>, response: Response) => T | Promise<T>) {
  return function read(this: Response): Promise<T> {
    try {
      return Promise.resolve(convert(take(this), this));
    } catch (err) {
      return Promise.reject(err);
    }
  };
}

/**
 * The members of a response whose body was read inside the attempt, laid over the platform's
 * `Response` prototype (status, headers, `url`, `instanceof Response` unchanged): the body members
 * serve the buffered bytes instead of the spent stream.
 */
const BUFFERED_MEMBERS: PropertyDescriptorMap = {
  bodyUsed: {
    get(this: Response) {
      return stateOf(this)?.used ?? false;
    },
  },
  body: {
    get(this: Response) {
      const state = stateOf(this);
      if (state === undefined) return null;
      if (state.stream === undefined) {
        state.used = true;
        state.stream = new Blob([state.bytes]).stream();
      }
      return state.stream;
    },
  },
  // The bytes belong to this response alone (a clone gets its own copy), so a view over the whole
  // buffer can hand the buffer itself out.
  arrayBuffer: {
    value: reader((b) =>
      b.byteOffset === 0 && b.byteLength === b.buffer.byteLength
        ? b.buffer
        : b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength),
    ),
  },
  bytes: { value: reader((b) => b.slice()) },
  text: { value: reader((b) => decoder().decode(b)) },
  json: { value: reader((b) => JSON.parse(decoder().decode(b)) as unknown) },
  blob: { value: reader((b, r) => new Blob([b], { type: r.headers.get('content-type') ?? '' })) },
  formData: { value: reader((b, r) => new Response(b, { headers: r.headers }).formData()) },
  clone: {
    value(this: Response): Response {
      const state = stateOf(this);
      if (state === undefined || state.used)
        throw new TypeError('Response.clone: Body has already been consumed');
      // Status only through the constructor: it refuses a statusText that fetch decoded past Latin-1.
      const copy = describeAs(new Response(null, { status: this.status }), this);
      return withBufferedBody(copy, state.bytes.slice());
    },
  },
};

/**
 * Built on first use, not at import: the first read of the global `Response` makes Node load its
 * fetch implementation (undici), about 70 ms of CPU on a loaded 2-core machine, which an application
 * that never calls `resilientFetch` should not pay on every cold start.
 */
let bufferedPrototype: object | undefined;

/**
 * Gives a `Response` whose body was already read into `bytes` its body back: `arrayBuffer()`,
 * `bytes()`, `text()`, `json()`, `blob()`, `formData()`, `body` and `clone()` serve the buffered bytes,
 * once, as the platform's would (a second read rejects with a `TypeError`; reading `body` counts as a
 * read). The object stays the platform's own `Response` (status, headers, `url`, `redirected`,
 * `instanceof`), which costs far less than building a new one and streaming the bytes through it again.
 * A response of another `fetch` implementation is replaced by a platform copy: use the returned one.
 */
export function withBufferedBody(response: Response, bytes: Uint8Array<ArrayBuffer>): Response {
  bufferedPrototype ??= Object.create(Response.prototype, BUFFERED_MEMBERS) as object;
  // Another implementation's response (undici's npm package, node-fetch): its getters read its own
  // state, which the platform's prototype cannot; a platform copy says what it says.
  if (!((response as unknown) instanceof Response)) {
    const { status, headers } = response;
    response = describeAs(new Response(null, { status, headers }), response);
  }
  // The state first, then the prototype: V8 moves an object that gains a property after its
  // prototype changed to a slow (dictionary) representation, which costs about 5 µs here and slows
  // every later read of the response; in this order both steps follow cached map transitions.
  // An assignment costs less than defineProperty; the key is a module-private symbol.
  (response as Buffered)[STATE] = { bytes, used: false };
  Object.setPrototypeOf(response, bufferedPrototype);
  return response;
}
