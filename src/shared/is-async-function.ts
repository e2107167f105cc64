/**
 * True for a function declared `async` (or an async generator): the engine marks them, so this never
 * says true of a function that can return a plain value. A plain function that returns a Promise, or
 * code transpiled below ES2017, is not seen.
 */
export function isAsyncFunction(value: unknown): boolean {
  return typeof value === 'function' && /^\[object Async/.test(Object.prototype.toString.call(value));
}
