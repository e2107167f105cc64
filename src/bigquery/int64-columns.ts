import type { TableRef } from '../config/table-name.js';
import { NotFoundError, PipelineError } from '../errors/index.js';
import type { BigQueryClient } from './client.js';
import type { CallScope } from './context.js';
import { isInt64Path, type UnsafeIntegers, unsafeIntegerAdvice, type ValuePath } from './int64.js';
import { restCall } from './rest.js';
import { type BigQueryMethod, operationName } from './telemetry.js';

/**
 * Refuses, before any row is sent, an integer number past 2^53 (found by `collectUnsafeIntegers`)
 * that lands in an INT64 column, struct field or REPEATED INT64: a `TypeError` naming the first such
 * row, the column and the fix. The rows' JSON does not say a column's type, so the table's schema is
 * read (`tables.get`, one request with the call's retries), and only when such a number was found:
 * a write without one makes no extra request. The same number into FLOAT64, NUMERIC, JSON or a
 * column the table does not have is sent as before (BigQuery reads it there as the number it is).
 */
export async function refuseUnsafeInt64(
  client: BigQueryClient,
  scope: CallScope,
  method: BigQueryMethod,
  ref: TableRef,
  where: string,
  found: UnsafeIntegers,
): Promise<void> {
  // A client without `request` is not a @google-cloud/bigquery client (a test double of `insert`
  // alone): it cannot read a schema, and its rows go as before.
  if (found.size === 0 || typeof (client as { request?: unknown }).request !== 'function') return;
  // A partition decorator (`t$20260601`) names a part of the table; the schema is the table's.
  const table = await scope
    .run(operationName(method), (attempt) =>
      scope.request(attempt, 'tables.get', () =>
        restCall<{ schema?: { fields?: unknown } }>(client, {
          method: 'GET',
          uri: `/datasets/${encodeURIComponent(ref.datasetId)}/tables/${encodeURIComponent(ref.tableId.split('$')[0] as string)}`,
          ...(ref.projectId ? { projectId: ref.projectId } : {}),
        }),
      ),
    )
    .catch((err: unknown) => {
      // A write refused for `tables.get` (a role that may only insert) must say why it read the schema.
      // The caller's abort reason is theirs, often one shared by every call (and a DOMException's
      // message cannot be set): it goes back untouched.
      if (err instanceof PipelineError && !(err instanceof NotFoundError) && err !== scope.signal?.reason) {
        err.message = `${where}: reading the table's schema (tables.get) to check row ${Math.min(...[...found.values()].map((f) => f.row))}'s integer number past 2^53 (pass a bigint or a decimal string to skip it): ${err.message}`;
      }
      throw err;
    });
  let first: { row: number; path: ValuePath; value: number } | undefined;
  let count = 0;
  for (const f of found.values()) {
    if (!isInt64Path(table?.schema?.fields, f.path)) continue;
    count += f.count;
    // The first row of the call that holds one, as the other up-front refusals name the first row.
    if (!first || f.row < first.row) first = f;
  }
  if (!first) return;
  const column = first.path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('');
  throw new TypeError(
    `${where}: row ${first.row}: INT64 column '${column.slice(1)}': ${unsafeIntegerAdvice(first.value)}${count > 1 ? ` (${count - 1} more in this call)` : ''}`,
  );
}
