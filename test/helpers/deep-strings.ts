/**
 * Every string reachable from a value, the way a deep serializer (Error Reporting, Sentry,
 * `util.inspect` with a large depth) would find it: own properties enumerable or not, symbol keys,
 * the `cause` chain, prototypes' own data left aside, `Headers` and `Map` entries. Cycle-safe.
 */
export function deepStrings(root: unknown, maxDepth = 16): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (typeof value === 'string') {
      out.push(value);
      return;
    }
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return;
    if (seen.has(value) || depth > maxDepth) return;
    seen.add(value);
    try {
      if (value instanceof Headers || value instanceof Map) {
        (value as Map<unknown, unknown>).forEach((v, k) => {
          visit(k, depth + 1);
          visit(v, depth + 1);
        });
        return;
      }
      for (const key of Reflect.ownKeys(value)) {
        if (typeof key === 'string') out.push(key);
        const descriptor = Object.getOwnPropertyDescriptor(value, key);
        if (descriptor && 'value' in descriptor) visit(descriptor.value, depth + 1);
      }
    } catch {
      // An unreadable value has nothing a serializer could print either.
    }
  };
  visit(root, 0);
  return out;
}
