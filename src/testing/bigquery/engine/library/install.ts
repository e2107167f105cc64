/**
 * Installs the stand-in's function library (JavaScript scalar functions and SQL macros) on a new
 * DuckDB connection.
 * @module
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DuckModule } from '../../values.js';
import { aggregateFunctions } from './aggregates.js';
import { castFunctions } from './casts.js';
import { datetimeFunctions } from './datetime.js';
import { jsonFunctions } from './json.js';
import { MACROS } from './macros.js';
import { mathFunctions } from './math.js';
import { numericFunctions } from './numeric.js';
import { stringFunctions } from './strings.js';
import { timeFormatFunctions } from './time-format.js';
import { registerScalar } from './udf.js';

/**
 * Registers every library function on `conn`.
 *
 * @internal
 */
export async function installLibrary(conn: DuckDBConnection, duck: DuckModule): Promise<void> {
  for (const spec of [
    ...stringFunctions,
    ...datetimeFunctions,
    ...timeFormatFunctions,
    ...mathFunctions,
    ...aggregateFunctions,
    ...numericFunctions,
    ...jsonFunctions,
    ...castFunctions,
  ]) {
    registerScalar(conn, duck, spec);
  }
  for (const sql of MACROS) await conn.run(sql);
}
