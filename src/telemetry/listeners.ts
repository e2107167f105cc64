/**
 * Calls an event listener so that it can never break the operation that emits the event: a throw or
 * a rejected promise is handed to `complain` (which must not throw either; it usually logs) and the
 * operation goes on. Internal: not exported from the package.
 */
export function notify<E>(
  listener: ((event: E) => unknown) | undefined,
  event: E,
  complain: (error: unknown) => void,
): void {
  if (listener === undefined) return;
  const report = (error: unknown): void => {
    try {
      complain(error);
    } catch {
      // Nowhere safer to send it.
    }
  };
  try {
    const out: unknown = listener(event);
    if (out !== null && typeof out === 'object' && typeof (out as PromiseLike<unknown>).then === 'function') {
      (out as PromiseLike<unknown>).then(undefined, report);
    }
  } catch (error) {
    report(error);
  }
}
