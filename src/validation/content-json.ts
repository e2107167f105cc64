/** Nesting past which a value is left to JSON.stringify (as before): no message is this deep. */
const MAX_DEPTH = 1000;

/**
 * The JSON text of a message given as a value (an object already parsed, not bytes), for the
 * dead-letter topic, where it is the only copy left: what `JSON.stringify` refuses (a bigint, a
 * cycle, a `toJSON` or getter that throws) or drops (a function, a symbol, a `Map`'s entries)
 * must not cost the rest of the message. A bigint is its digits as a string, a cycle
 * `"[Circular]"` where it closes, a function `"[Function: name]"`, a symbol `"[Symbol(desc)]"`,
 * `NaN` and `±Infinity` their names, a `Map` its `[key, value]` pairs, a `Set` its values, an
 * object whose `toJSON` throws or answers `undefined` its own fields, a boxed primitive its value,
 * an `Error` its name, message, stack, cause and fields, a value that cannot be read
 * `"[Unreadable]"`. Never throws, never answers `undefined`. See docs/decisions/validation.md.
 *
 * @internal
 */
export function contentJson(value: unknown): string {
  // The objects on the path from the root: one met again closes a cycle; one met twice elsewhere
  // (shared, not circular) is written each time, as JSON.stringify does.
  const path = new Set<object>();
  // `read` is called here, so that a getter that throws costs its own field only.
  const walk = (read: () => unknown): unknown => {
    try {
      const v = read();
      const type = typeof v;
      // A bigint, NaN and ±Infinity as their text (Number.isFinite of a bigint is false).
      if (type === 'bigint' || type === 'number') return Number.isFinite(v) ? v : String(v);
      if (type === 'symbol') return `[${String(v)}]`;
      if (type === 'function') return `[Function: ${(v as () => void).name}]`;
      if (!v || type !== 'object') return v;
      const o = v as Record<string, unknown>;
      if (path.has(o)) return '[Circular]';
      // Deeper than any message: left to JSON.stringify's own recursion (see below).
      if (path.size > MAX_DEPTH) throw path;
      path.add(o);
      try {
        let shown: unknown = o;
        try {
          // A boxed primitive is its value, as in JSON. A fake (the prototype without the value
          // inside) makes valueOf throw: its fields are its content.
          const box = [Number, String, Boolean, BigInt].find((B) => o instanceof B);
          const j =
            typeof o.toJSON === 'function'
              ? o.toJSON()
              : box && (box.prototype.valueOf as () => unknown).call(o);
          // A toJSON answering undefined would drop the whole value (JSON writes nothing): its fields instead.
          if (j !== undefined) shown = j;
        } catch {
          // A toJSON that throws: the object's own fields are its content.
        }
        if (shown !== o) return walk(() => shown);
        // An array, a Map's [key, value] pairs, a Set's values; undefined is null there, as in JSON.
        if (Array.isArray(o) || o instanceof Map || o instanceof Set)
          return [...(o as Iterable<unknown>)].map((item) => walk(() => item) ?? null);
        // An Error's message and stack are not enumerable, and its name is inherited: named here.
        // fromEntries defines each key: `__proto__` stays a key and sets no prototype.
        const keys = o instanceof Error ? ['name', 'message', 'stack', 'cause', 'errors'] : [];
        return Object.fromEntries(
          [...new Set([...keys, ...Object.keys(o)])].flatMap((k) => {
            const field = walk(() => o[k]);
            return field === undefined ? [] : [[k, field]];
          }),
        );
      } finally {
        path.delete(o);
      }
    } catch (e) {
      if (e === path) throw e;
      return '[Unreadable]';
    }
  };
  // Never undefined (Buffer.from(undefined) throws, and the message would be redelivered forever):
  // what JSON cannot write at all is the value's String(), as a JSON string.
  const text = (f: () => string | undefined) => {
    try {
      return f();
    } catch {
      return undefined;
    }
  };
  return (
    text(() => JSON.stringify(walk(() => value))) ??
    text(() => JSON.stringify(value)) ??
    text(() => JSON.stringify(String(value))) ??
    '"[Unreadable]"'
  );
}
