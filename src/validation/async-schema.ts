import type { z } from 'zod';
import { UnsupportedSchemaError } from '../errors/index.js';
import { isAsyncFunction } from '../shared/is-async-function.js';
import { schemaPathWhere } from './zod4-schema.js';

/** Schemas already walked and found synchronous: a handler's schema is walked once. */
const checked = new WeakSet<object>();

/**
 * Throws {@link UnsupportedSchemaError} (`kind: 'async'`) when `schema` holds a refinement, check or
 * transform declared `async`: the library parses synchronously, and zod throws "Encountered Promise
 * during synchronous parse" on every message that reaches it. Found from zod 4's definitions
 * (`.refine` keeps its function as `def.fn`, `.transform` as `def.transform`, `.check` as the check
 * itself) and the engine's own mark of an async function, so it never refuses a schema that can
 * parse; a function that returns a Promise without being declared `async` (or code transpiled below
 * ES2017, or `superRefine`, which zod wraps) is not seen here and is caught per message instead.
 * Internal.
 */
export function assertSyncSchema(schema: z.ZodType, where: string): void {
  if (checked.has(schema)) return;
  const path = schemaPathWhere(schema, hasAsyncFunction);
  if (path !== undefined) {
    throw new UnsupportedSchemaError(
      `${where}: async refinement or transform at ${path || '(root)'}; validation is synchronous`,
      { kind: 'async' },
    );
  }
  checked.add(schema);
}

function hasAsyncFunction(part: unknown): boolean {
  if (typeof part !== 'object' || part === null || !('_zod' in part)) return false;
  const internals = (part as { _zod: { def?: Record<string, unknown>; check?: unknown } })._zod;
  const def = internals.def ?? {};
  return isAsyncFunction(def.fn) || isAsyncFunction(def.transform) || isAsyncFunction(internals.check);
}
