/** Nesting past which a value is left to JSON.stringify (as before): no message is this deep. */
const MAX_DEPTH = 1000;

/**
 * The JSON text of a message given as a value (an object already parsed, not bytes), for the
 * dead-letter topic, where it is the only copy left: what `JSON.stringify` refuses (a bigint, a
 * cycle, a `toJSON` or getter that throws) or drops (a function, a symbol, a `Map`'s entries)
 * must not cost the rest of the message. A bigint is its digits as a string, a cycle
 * `"[Circular]"` where it closes, a function `"[Function: name]"`, a symbol `"[Symbol(desc)]"`,
 * `NaN` and `±Infinity` their names, a `Map` its `[key, value]` pairs, a `Set` its values, an
 * object whose `toJSON` throws its own fields, a value that cannot be read `"[Unreadable]"`.
 * Never throws. See docs/decisions/validation.md.
 *
 * @internal
 */
export function contentJson(value: unknown): string {
  // The objects on the path from the root: one met again closes a cycle; one met twice elsewhere
  // (shared, not circular) is written each time, as JSON.stringify does.
  const path = new Set<object>();
  const unreadable = (e: unknown) => {
    if (e === path) throw e;
    return '[Unreadable]';
  };
  const walk = (v: unknown, key: string): unknown => {
    const type = typeof v;
    if (type === 'bigint') return String(v);
    if (type === 'number') return Number.isFinite(v) ? v : String(v);
    if (type === 'symbol') return `[${String(v)}]`;
    if (type === 'function') return `[Function: ${(v as () => void).name || '(anonymous)'}]`;
    if (type !== 'object' || v === null) return v;
    const o = v as Record<string, unknown>;
    if (path.has(o)) return '[Circular]';
    // Deeper than any message: JSON.stringify's own recursion takes it (see below).
    if (path.size > MAX_DEPTH) throw path;
    path.add(o);
    try {
      if (typeof o.toJSON === 'function') {
        let shown: unknown = o;
        try {
          shown = o.toJSON(key);
        } catch (e) {
          // A toJSON that throws: the object's own fields are its content.
          if (e === path) throw e;
        }
        if (shown !== o) return walk(shown, key);
      }
      if (o instanceof Map || o instanceof Set) return walk([...o], key);
      if (Array.isArray(o)) return o.map((item, i) => walk(item, String(i)) ?? null);
      // fromEntries defines each key: `__proto__` stays a key and sets no prototype.
      return Object.fromEntries(
        Object.keys(o).flatMap((k) => {
          let field: unknown;
          try {
            field = walk(o[k], k);
          } catch (e) {
            field = unreadable(e);
          }
          return field === undefined ? [] : [[k, field]];
        }),
      );
    } catch (e) {
      return unreadable(e);
    } finally {
      path.delete(o);
    }
  };
  try {
    return JSON.stringify(walk(value, '')) ?? 'null';
  } catch {
    // Nested deeper than MAX_DEPTH: JSON.stringify's own recursion goes further.
    try {
      return JSON.stringify(value) ?? 'null';
    } catch {
      return '"[Unserializable]"';
    }
  }
}
