import type { z } from 'zod';
import { UnsupportedSchemaError } from '../errors/index.js';

/**
 * Throws {@link UnsupportedSchemaError} unless `schema` is a zod 4 schema (classic `zod`, `zod/mini`,
 * or `zod/v4` from zod 3.25+, which all carry the `_zod` internals). A zod 3 schema has `_def` and
 * `safeParse` but no `_zod`; without this check it fails deep inside with `schema.meta is not a
 * function` or a wrong error map. Internal.
 */
export function assertZod4Schema(schema: unknown, where: string): asserts schema is z.ZodType {
  if (typeof schema === 'object' && schema !== null && '_zod' in schema) {
    if (checked.has(schema)) return;
    const path = schemaPathWhere(schema, isZod3);
    if (path === undefined) {
      checked.add(schema);
      return;
    }
    throw new UnsupportedSchemaError(
      `${where}: the schema holds a zod 3 schema at ${path}; gcp-pipeline-resilience needs zod 4 ` +
        `schemas throughout (zod 4 cannot run a zod 3 part: every message would fail). ${ZOD4_FIX}`,
      { kind: 'zod3' },
    );
  }
  if (isZod3(schema)) {
    throw new UnsupportedSchemaError(
      `${where}: the schema is a zod 3 schema; gcp-pipeline-resilience needs zod 4 schemas. ${ZOD4_FIX}`,
      { kind: 'zod3' },
    );
  }
  throw new UnsupportedSchemaError(
    `${where}: expected a zod 4 schema (such as z.object({...}) or Phase2CompletionMessage), got ${describe(schema)}`,
    { kind: 'not-a-schema' },
  );
}

const ZOD4_FIX =
  "Install zod@^4 and build it with `import { z } from 'zod'` (with zod 3.25 installed, " +
  "`import { z } from 'zod/v4'` also works).";

/** zod 4 schemas already walked: a handler's schema is checked once, not on every message. */
const checked = new WeakSet<object>();

/** How many schemas a walk looks at before it gives up (a schema that large is checked no deeper). */
const MAX_SCHEMAS_WALKED = 10_000;

function isZod3(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !('_zod' in value) &&
    '_def' in value &&
    'safeParse' in value
  );
}

function isZod4(value: unknown): value is { _zod: { def: Record<string, unknown> } } {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

/**
 * Where, inside a zod 4 schema, the first part that `match` picks sits, as a path such as `shape.x`
 * (`''` for the root itself); undefined when there is none. Used to find a zod 3 schema inside a
 * zod 4 one (`Phase2CompletionMessage.extend({ x: z3.string() })` builds, and every parse then
 * throws). Walks the definitions' schema-valued fields (`shape`, `innerType`, `element`, `options`,
 * `in`, `out`, `checks`, ...) and what a `z.lazy`'s getter returns, not default values or other
 * functions.
 * A walk that throws (a hostile getter) finds nothing: the check must never refuse a schema zod
 * accepts. Internal.
 */
export function schemaPathWhere(root: object, match: (part: unknown) => boolean): string | undefined {
  const seen = new WeakSet<object>([root]);
  const queue: [unknown, string][] = [[root, '']];
  try {
    if (match(root)) return '';
    // An index, not `shift()`: the queue is read once, in order, up to the bound.
    for (let walked = 0; walked < queue.length && walked <= MAX_SCHEMAS_WALKED; walked += 1) {
      const [schema, path] = queue[walked]!;
      if (!isZod4(schema)) continue;
      const def = schema._zod.def;
      const at = (step: string) => (path ? `${path}.${step}` : step);
      for (const key of Object.keys(def)) {
        const value = def[key];
        const children: [unknown, string][] =
          key === 'shape' && typeof value === 'object' && value !== null
            ? Object.entries(value).map(([field, child]) => [child, at(field)])
            : Array.isArray(value) && value.length <= MAX_SCHEMAS_WALKED
              ? value.map((child, index) => [child, at(`${key}[${index}]`)])
              : key === 'getter' // only z.lazy's definition has one
                ? [[lazyInner(value), at('innerType')]]
                : [[value, at(key)]];
        for (const [child, childPath] of children) {
          if (match(child)) return childPath;
          if (isZod4(child) && !seen.has(child)) {
            seen.add(child);
            queue.push([child, childPath]);
          }
        }
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * The schema a `z.lazy` stands for, from its own getter (zod calls it only at the first parse, so a
 * part held there is otherwise never seen). Called directly, not through zod's cached `innerType`:
 * a getter that throws now (a schema defined further down the module) would leave that cache
 * broken for every later parse. `undefined` when it throws.
 */
function lazyInner(getter: unknown): unknown {
  try {
    return (getter as () => unknown)();
  } catch {
    return undefined;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object without zod internals';
  return typeof value;
}
