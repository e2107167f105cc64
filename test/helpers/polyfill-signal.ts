/**
 * An AbortSignal polyfill of the kind older code ships (`abort-controller`): an EventTarget with
 * `aborted` and no `reason`, so `signal.reason` is undefined once aborted.
 */
class PolyfillSignal extends EventTarget {
  aborted = false;
  abort(): void {
    this.aborted = true;
    this.dispatchEvent(new Event('abort'));
  }
}

export type Polyfilled = PolyfillSignal & AbortSignal;

/** A fresh polyfilled signal, not aborted; `abort()` aborts it without a reason. */
export function polyfillSignal(): Polyfilled {
  return new PolyfillSignal() as Polyfilled;
}

/** What a `catch (e)` gets: the rejection value (or 'resolved'). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => 'resolved',
    (e: unknown) => e,
  );
}

/** Whether `e` is the AbortError a platform `abort()` without a reason gives. */
export function isAbortError(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}
