/**
 * The text of anything thrown, for a message of our own. Anything can be thrown: a string, a Symbol,
 * an object without a prototype (`String()` of it throws), an object whose `message` getter throws, a
 * revoked Proxy (every operation on it throws). Building the message of an error must not throw a new
 * error in place of the one being reported, so these never throw.
 * @module
 */

/**
 * `String(value)` that never throws: a null-prototype object gives its tag, a value nothing can be
 * read from (a revoked Proxy) says what it is.
 */
export function describeSafely(value: unknown): string {
  try {
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return `[${typeof value}]`;
    }
  }
}

/**
 * The message of a thrown value: its `message` when that is a string (an `Error`, or an error-shaped
 * object from another realm or library), else the value as text. Never throws.
 */
export function messageOf(error: unknown): string {
  if ((typeof error === 'object' && error !== null) || typeof error === 'function') {
    try {
      const message = (error as { message?: unknown }).message;
      if (typeof message === 'string') return message;
    } catch {
      // A throwing getter or a revoked Proxy: described below, as a value without a message.
    }
  }
  return describeSafely(error);
}
