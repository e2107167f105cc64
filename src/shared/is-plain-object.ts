/**
 * Whether `value` is a record: its prototype is `Object.prototype` or `null` (an object literal,
 * parsed JSON, `Object.create(null)`), not an array nor a class's instance (a `Map`, a `Date`, a
 * `Buffer`). Reads the prototype, so a revoked Proxy throws. Internal: not exported.
 */
export function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
