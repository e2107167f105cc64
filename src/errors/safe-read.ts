/**
 * Reading thrown values without being hurt by them. Anything can be thrown: objects whose getters
 * throw, Proxies whose traps throw, revoked Proxies (on which even `Array.isArray` throws). The
 * classifier reads every field through these helpers, so a hostile value degrades to "field absent"
 * instead of making `toPipelineError` itself throw.
 */

import { describeSafely } from '../shared/message-of.js';

/** A record read field by field; every read goes through `field`. */
export type Obj = Record<string, unknown>;

/** Longest array the classifier walks (errors[], insertErrors[], statusDetails[]). */
const MAX_LIST = 10_000;

/** True for objects and functions; `typeof` never throws, not even on a revoked Proxy. */
export function isObj(value: unknown): value is Obj {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** `value[key]`, or `undefined` when `value` is not an object or the read throws. */
export function field(value: unknown, key: string): unknown {
  if (!isObj(value)) return undefined;
  try {
    return value[key];
  } catch {
    return undefined;
  }
}

/** A string field (a boxed one, `new String(...)`, as its text), or `undefined`. */
export function strField(value: unknown, key: string): string | undefined {
  const v = field(value, key);
  return typeof v === 'string' ? v : isInstance(v, String) ? describeSafely(v) : undefined;
}

/** An integer field, or `undefined`. */
export function intField(value: unknown, key: string): number | undefined {
  const v = field(value, key);
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** An object field, or `undefined`. */
export function objField(value: unknown, key: string): Obj | undefined {
  const v = field(value, key);
  return isObj(v) ? v : undefined;
}

/**
 * A copy of `value` when it is an array (at most `MAX_LIST` items, each read safely), else
 * `undefined`. The copy cannot change or throw under the caller's feet.
 */
export function listOf(value: unknown): unknown[] | undefined {
  try {
    if (!Array.isArray(value)) return undefined;
    const length = Math.min(value.length >>> 0, MAX_LIST);
    const out: unknown[] = new Array(length);
    for (let i = 0; i < length; i++) out[i] = field(value, String(i));
    return out;
  } catch {
    return undefined;
  }
}

/**
 * The text of a boxed string (`new String(...)`, a subclass's instance), read through its internal
 * slot; `undefined` for anything else, a fake with `String.prototype` and no slot included.
 */
export function boxedText(value: unknown): string | undefined {
  try {
    return typeof value === 'object' && value !== null ? String.prototype.valueOf.call(value) : undefined;
  } catch {
    return undefined;
  }
}

/** `value instanceof ctor`, false when the check itself throws (a revoked Proxy, a throwing trap). */
export function isInstance(value: unknown, ctor: abstract new (...args: never[]) => unknown): boolean {
  try {
    return value instanceof ctor;
  } catch {
    return false;
  }
}

export { describeSafely };
