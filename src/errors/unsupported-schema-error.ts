import { brandClass } from './brand.js';
import { PipelineError } from './pipeline-error.js';

/**
 * What was passed where a zod 4 schema was expected.
 * - `'zod3'`: a zod 3 schema (`import { z } from 'zod'` with zod 3 installed, or `'zod/v3'`).
 * - `'not-a-schema'`: anything else (undefined, a plain object, a JSON Schema, another validator).
 * - `'async'`: a zod 4 schema with an `async` refinement or transform, refused by
 *   `createMessageHandler` (messages are validated synchronously: every one would fail).
 * - `'table'`: a BigQuery table whose schema `writeRows` cannot write through the Storage Write API
 *   (a column of type RANGE or INTERVAL, or a name that is not a proto identifier), refused before any
 *   stream is created or any row sent.
 *
 * @example
 * ```ts
 * import { parseMessage, UnsupportedSchemaError, type UnsupportedSchemaKind } from 'gcp-pipeline-resilience';
 * declare const schemaFromElsewhere: Parameters<typeof parseMessage>[0]; // e.g. built by zod 3
 * let kind: UnsupportedSchemaKind | undefined;
 * try {
 *   parseMessage(schemaFromElsewhere, { game_date: '2026-01-24' });
 * } catch (err) {
 *   if (err instanceof UnsupportedSchemaError) kind = err.kind; // 'zod3': upgrade that schema to zod 4
 * }
 * ```
 */
export type UnsupportedSchemaKind = 'zod3' | 'not-a-schema' | 'async' | 'table';

/**
 * Options of {@link UnsupportedSchemaError}.
 *
 * @example
 * ```ts
 * import { UnsupportedSchemaError, type UnsupportedSchemaErrorOptions } from 'gcp-pipeline-resilience';
 * const options: UnsupportedSchemaErrorOptions = { kind: 'zod3' };
 * const error = new UnsupportedSchemaError('a zod 3 schema: upgrade to zod 4', options);
 * ```
 */
export interface UnsupportedSchemaErrorOptions {
  /** What was passed instead of a zod 4 schema. */
  kind: UnsupportedSchemaKind;
}

/**
 * A function that validates messages got something other than a zod 4 schema: most often a zod 3
 * schema, from a project that still has `zod@3` installed. Thrown at once, when the handler is created or
 * the message parsed, with the fix in the message, instead of a `TypeError` from inside zod. Also
 * (`kind: 'table'`) `writeRows` into a table whose schema the Storage Write path cannot describe:
 * nothing was written, the rows are the caller's to write another way (`insertRows`, `loadRows`).
 * Code `'UNSUPPORTED_SCHEMA'`, never transient: the same schema fails the same way every time.
 *
 * @example
 * ```ts
 * import { UnsupportedSchemaError, parseMessage } from 'gcp-pipeline-resilience';
 * import { z as z3 } from 'zod/v3';
 *
 * try {
 *   parseMessage(z3.object({ id: z3.string() }) as never, { id: 'a' });
 * } catch (err) {
 *   if (err instanceof UnsupportedSchemaError) console.error(err.kind, err.message); // 'zod3', 'parseMessage: ...'
 * }
 * ```
 */
export class UnsupportedSchemaError extends PipelineError {
  protected static override readonly brand: symbol = /* @__PURE__ */ brandClass(
    UnsupportedSchemaError,
    'UnsupportedSchemaError',
  );

  /** What was passed instead of a zod 4 schema. */
  readonly kind: UnsupportedSchemaKind;

  constructor(message: string, options: UnsupportedSchemaErrorOptions) {
    super(message, { code: 'UNSUPPORTED_SCHEMA', transient: false });
    this.kind = options.kind;
  }
}
