import type { TableRef } from '../config/table-name.js';
import type { BigQueryClient } from './client.js';
import type { CallScope } from './context.js';
import { formatValuePath, isInt64Path, type UnsafeIntegers, unsafeIntegerAdvice } from './int64.js';
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
  const table = await scope.run(operationName(method), (attempt) =>
    scope.request(attempt, 'tables.get', () =>
      restCall<{ schema?: { fields?: unknown } }>(client, {
        method: 'GET',
        uri: `/datasets/${encodeURIComponent(ref.datasetId)}/tables/${encodeURIComponent(ref.tableId.split('$')[0] as string)}`,
        ...(ref.projectId ? { projectId: ref.projectId } : {}),
      }),
    ),
  );
  const fields = table?.schema?.fields;
  const refused = [...found.values()].filter((f) => isInt64Path(fields, f.first.path));
  if (refused.length === 0) return;
  // The first row of the call that holds one, as the other up-front refusals name the first row.
  const { first } = refused.reduce((a, b) => (b.first.row < a.first.row ? b : a));
  const others = refused.reduce((n, f) => n + f.count, 0) - 1;
  throw new TypeError(
    `${where}: row ${first.row}: column '${formatValuePath(first.path)}' is INT64 and ${unsafeIntegerAdvice(first.value)}${others > 0 ? ` (${others} more such number(s) in INT64 columns in this call)` : ''}. Nothing was sent`,
  );
}
