/**
 * A value built on its first use and kept. Internal: not exported from the package.
 *
 * For module-level values that cost work to build, above all zod schemas: a schema is a graph of
 * objects and closures, and building the option schemas of every layer at import made each
 * application pay for the layers it never calls. With `lazy`, a module declares the value where it
 * belongs and pays for it on the first call that needs it.
 */
export function lazy<T>(build: () => T): () => T {
  let built = false;
  let value: T;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value;
  };
}
