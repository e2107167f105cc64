/**
 * The functions the stand-in runs: one table per family, merged here. A GoogleSQL function that is
 * in no table is refused (`Unsupported by the BigQuery stand-in: function NAME`): DuckDB has many
 * functions with GoogleSQL names and other semantics, so passing unknown calls through would give
 * wrong answers.
 * @module
 */
import type { StatementTranslator } from '../statement.js';
import { AGGREGATE_FUNCTIONS } from './aggregate.js';
import { ARRAY_FUNCTIONS } from './arrays.js';
import { Call, type FunctionTable } from './call.js';
import { CONVERSION_FUNCTIONS } from './conversion.js';
import { DATETIME_FUNCTIONS } from './datetime.js';
import { JSON_FUNCTIONS } from './json.js';
import { MATH_FUNCTIONS } from './math.js';
import { MISC_FUNCTIONS } from './misc.js';
import { STRING_FUNCTIONS } from './strings.js';

export { CURRENT_FUNCTIONS } from './datetime.js';

/**
 * Every function the translator knows, by GoogleSQL name.
 *
 * @internal
 */
export const FUNCTIONS: FunctionTable = {
  ...STRING_FUNCTIONS,
  ...CONVERSION_FUNCTIONS,
  ...DATETIME_FUNCTIONS,
  ...MATH_FUNCTIONS,
  ...MISC_FUNCTIONS,
  ...AGGREGATE_FUNCTIONS,
  ...ARRAY_FUNCTIONS,
  ...JSON_FUNCTIONS,
};

/**
 * Translates the call of `name` whose name token is at `i` (the `(` follows), or refuses it.
 *
 * @internal
 */
export function rewriteCall(
  tr: StatementTranslator,
  i: number,
  name: string,
  safe: boolean,
): { text: string; next: number } {
  const entry = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!entry) tr.unsupported(`function ${safe ? 'SAFE.' : ''}${name}`, i);
  const { args, close } = tr.callArgs(i);
  const call = new Call(tr, name, i, args, close, safe);
  const out = safe && entry.safe ? entry.safe(call) : entry.rewrite(call);
  const { text, next } = typeof out === 'string' ? { text: out, next: close + 1 } : out;
  return { text: safe && !entry.safe ? `try(${text})` : text, next };
}
