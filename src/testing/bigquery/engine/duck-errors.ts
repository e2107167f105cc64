/**
 * Error mapping: DuckDB's and the translator's errors as the errors BigQuery would give.
 * @module
 */

import { messageOf } from '../../../shared/message-of.js';
import { StandInHttpError } from '../http-errors.js';
import { SqlTranslationError } from '../translate/error.js';

/**
 * Maps a DuckDB error to the error BigQuery would give.
 *
 * @internal
 */
export function mapDuckError(err: unknown): StandInHttpError {
  if (err instanceof StandInHttpError) return err;
  if (err instanceof SqlTranslationError) return new StandInHttpError(400, err.reason, err.message);
  const raw = messageOf(err);
  const first = raw.split('\n')[0] ?? raw;
  let m = /Referenced column "?([^"\s]+)"? not found/.exec(first);
  if (m) return new StandInHttpError(400, 'invalidQuery', `Unrecognized name: ${m[1]}`);
  m = /(?:Scalar|Aggregate|Table) Function with name "?([^"\s]+)"? does not exist/i.exec(first);
  if (m) return new StandInHttpError(400, 'invalidQuery', `Function not found: ${m[1]}`);
  m = /Table with name "?([^"\s!]+)"? does not exist/.exec(first);
  if (m) return new StandInHttpError(404, 'notFound', `Not found: Table ${m[1]}`);
  if (/^Parser Error/.test(first)) {
    return new StandInHttpError(400, 'invalidQuery', `Syntax error: ${first.replace(/^Parser Error: /, '')}`);
  }
  // DuckDB's "NOT NULL constraint failed: table.column" for a REQUIRED column, in BigQuery's words.
  m = /^Constraint Error: NOT NULL constraint failed: [^.]*\.(.+)$/.exec(first);
  if (m) return new StandInHttpError(400, 'invalidQuery', `Required field ${m[1]} cannot be null`);
  return new StandInHttpError(400, 'invalidQuery', `Query error (DuckDB in the BigQuery stand-in): ${first}`);
}
