import { messageOf } from '../shared/message-of.js';
/**
 * The cancellation handle of one attempt: what aborts `fetch` when the attempt times out or the caller
 * (or the deadline) cancels it.
 */
export interface AttemptAbort {
  /** What `fetch` is given as `init.signal`. */
  readonly signal: AbortSignal;
  abort(reason: unknown): void;
}

type Listener = EventListenerOrEventListenerObject;

/**
 * An abort signal for Node's own `fetch`, without the cost of an `AbortSignal`: on Node 20 creating one
 * costs about 8 µs (it is made transferable between threads) and each 'abort' listener of an
 * `EventTarget` about 3 µs more, together as much as the rest of `resilientFetch`. undici (Node's
 * `fetch`) takes any object with a boolean `aborted` and an `addEventListener` as `init.signal`: its
 * `Request` adds one 'abort' listener, which aborts the request's own signal with our `reason` (the
 * request, or the body being read, then fails with it). `abortForFetch` hands this out only
 * after checking that the platform's `Request` really follows it, and only to Node's own `fetch`;
 * any other `fetch` gets a real `AbortController`.
 */
export class AttemptSignal implements AttemptAbort {
  aborted = false;
  reason: unknown = undefined;
  onabort: ((event: Event) => void) | null = null;
  #listeners: Listener[] = [];

  get signal(): AbortSignal {
    return this as unknown as AbortSignal;
  }

  addEventListener(type: string, listener: Listener | null): void {
    if (type !== 'abort' || listener === null || this.#listeners.includes(listener)) return;
    this.#listeners.push(listener);
  }

  removeEventListener(type: string, listener: Listener | null): void {
    if (type !== 'abort' || listener === null) return;
    const at = this.#listeners.indexOf(listener);
    if (at !== -1) this.#listeners.splice(at, 1);
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  /**
   * `events.getMaxListeners` and `events.setMaxListeners` (undici raises the limit of every signal it
   * is given) look for these methods; without them `setMaxListeners` throws, and undici's catch of that
   * costs more than everything else here. There is no limit to raise.
   */
  getMaxListeners(): number {
    return Number.POSITIVE_INFINITY;
  }

  setMaxListeners(_limit: number): void {}

  /** `events.getEventListeners` reads this. */
  listeners(type: string): Listener[] {
    return type === 'abort' ? [...this.#listeners] : [];
  }

  /** Aborts once: every listener runs (as `once` listeners, with the signal as `this`), then `onabort`. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.#listeners;
    this.#listeners = [];
    const event = new Event('abort');
    for (const listener of listeners) {
      try {
        if (typeof listener === 'function') listener.call(this, event);
        else listener.handleEvent(event);
      } catch (err) {
        // A listener's exception is reported, not thrown into the timer or the caller that aborted.
        process.emitWarning(`an abort listener of a resilientFetch attempt threw: ${messageOf(err)}`, {
          code: 'GPR_ABORT_LISTENER',
        });
      }
    }
    this.onabort?.call(this, event);
  }
}

/** Whether the platform's `Request` follows an `AttemptSignal`; undefined until first asked. */
let requestFollowsAttemptSignals: boolean | undefined;

function probe(): boolean {
  try {
    const signal = new AttemptSignal();
    const request = new Request('http://probe.invalid/', { signal: signal.signal });
    const reason = new Error('probe');
    signal.abort(reason);
    return request.signal.aborted && request.signal.reason === reason;
  } catch {
    return false;
  }
}

/**
 * Whether `fetchImpl` is Node's own `fetch`: its source loads undici from Node's internals, which no
 * userland wrapper (a mocking library, an instrumentation) can do.
 */
function isNodeFetch(fetchImpl: unknown): boolean {
  return (
    typeof fetchImpl === 'function' &&
    Function.prototype.toString.call(fetchImpl).includes("require('internal/deps/undici/undici')")
  );
}

let checkedFetch: unknown;
let checkedIsNode = false;

/**
 * Whether `fetchImpl` is Node's own `fetch` (remembered for the last one asked about): its requests
 * follow their signal through the body, and the chunks of its bodies are buffers of its own. Any
 * other `fetch` is trusted with neither.
 */
export function isPlatformFetch(fetchImpl: unknown): boolean {
  if (fetchImpl !== checkedFetch) {
    checkedFetch = fetchImpl;
    checkedIsNode = isNodeFetch(fetchImpl);
  }
  return checkedIsNode;
}

/**
 * The abort handle for one attempt that calls `fetchImpl`: an `AttemptSignal` for Node's own
 * `fetch` when its `Request` follows one, else a real `AbortController`.
 */
export function abortForFetch(fetchImpl: unknown): AttemptAbort {
  if (isPlatformFetch(fetchImpl)) {
    requestFollowsAttemptSignals ??= probe();
    if (requestFollowsAttemptSignals) return new AttemptSignal();
  }
  return new AbortController();
}
