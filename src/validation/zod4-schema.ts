import type { z } from 'zod';
import { UnsupportedSchemaError } from '../errors/index.js';

/**
 * Throws {@link UnsupportedSchemaError} unless `schema` is a zod 4 schema (classic `zod`, `zod/mini`,
 * or `zod/v4` from zod 3.25+, which all carry the `_zod` internals). A zod 3 schema has `_def` and
 * `safeParse` but no `_zod`; without this check it fails deep inside with `schema.meta is not a
 * function` or a wrong error map. Internal.
 */
export function assertZod4Schema(schema: unknown, where: string): asserts schema is z.ZodType {
  if (typeof schema === 'object' && schema !== null && '_zod' in schema) return;
  if (typeof schema === 'object' && schema !== null && '_def' in schema && 'safeParse' in schema) {
    throw new UnsupportedSchemaError(
      `${where}: the schema is a zod 3 schema; gcp-pipeline-resilience needs zod 4 schemas. ` +
        "Install zod@^4 and build it with `import { z } from 'zod'` (with zod 3.25 installed, " +
        "`import { z } from 'zod/v4'` also works).",
      { kind: 'zod3' },
    );
  }
  throw new UnsupportedSchemaError(
    `${where}: expected a zod 4 schema (such as z.object({...}) or Phase2CompletionMessage), got ${describe(schema)}`,
    { kind: 'not-a-schema' },
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object without zod internals';
  return typeof value;
}
