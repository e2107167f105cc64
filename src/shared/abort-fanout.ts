/**
 * One 'abort' listener per signal, whatever the number of calls waiting on it.
 *
 * A caller commonly shares one `AbortSignal` (a request's, a shutdown's) across many concurrent
 * calls. If every call added its own listener, 11 of them would trip Node's
 * `MaxListenersExceededWarning`, a warning that usually means a leak. Here the first subscriber adds
 * the only listener; it runs every subscriber when the signal aborts, and is removed when the last
 * subscriber leaves. Internal: not exported from the package.
 */

interface Fanout {
  readonly subscribers: Set<() => void>;
  readonly fire: () => void;
}

const fanouts = new WeakMap<AbortSignal, Fanout>();

/**
 * Calls `callback` once when `signal` aborts. Returns the function that unsubscribes (idempotent).
 * The caller checks `signal.aborted` first: on an aborted signal nothing is ever called.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let fanout = fanouts.get(signal);
  if (fanout === undefined) {
    const subscribers = new Set<() => void>();
    const fire = (): void => {
      fanouts.delete(signal);
      for (const subscriber of [...subscribers]) {
        try {
          subscriber();
        } catch (error) {
          // One subscriber's failure must not keep the others from hearing the abort.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
      subscribers.clear();
    };
    fanout = { subscribers, fire };
    fanouts.set(signal, fanout);
    signal.addEventListener('abort', fire, { once: true });
  }
  const current = fanout;
  // A wrapper per subscription, so the same callback subscribed twice is two subscriptions.
  const entry = (): void => callback();
  current.subscribers.add(entry);
  return () => {
    if (!current.subscribers.delete(entry) || current.subscribers.size > 0) return;
    if (fanouts.get(signal) === current) {
      fanouts.delete(signal);
      signal.removeEventListener('abort', current.fire);
    }
  };
}
