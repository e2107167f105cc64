/**
 * The JSON functions, run by the stand-in's library (engine/library/json.ts).
 * @module
 */
import type { Call, FunctionEntry, FunctionTable } from './call.js';

/**
 * The arguments with named ones (`wide_number_mode => 'round'`) checked against `allowed` and put in
 * their place: positional arguments first, then the named argument, as the library function takes them.
 */
function withNamed(c: Call, positional: number, allowed: string): string[] {
  const out: string[] = [];
  c.args.forEach((_, k) => {
    const named = c.named(k);
    if (!named) {
      if (k >= positional) c.fail(`No matching signature for function ${c.name}: too many arguments`);
      out.push(c.arg(k));
      return;
    }
    if (named.name !== allowed) c.fail(`Named argument ${named.name} not found in signature for ${c.name}`);
    out[positional] = c.tr.emit(named.value[0], named.value[1]).trim();
  });
  if (out.length === 0 || out[0] === undefined) c.fail(`No matching signature for function ${c.name}`);
  return out;
}

/** A function of a JSON document and an optional JSONPath. */
function pathFunction(name: string, minArgs: number): FunctionEntry {
  return {
    rewrite: (c) => {
      c.arity(minArgs, 2);
      return `${name}(${c.isNull(0) ? 'CAST(NULL AS VARCHAR)' : c.arg(0)}${c.count === 2 ? `, ${c.arg(1)}` : ''})`;
    },
  };
}

/**
 * Argument `k` and its DuckDB type text, for the library functions of values of any type (which see
 * JSON as VARCHAR); a bare NULL is typed.
 */
function typed(c: Call, k: number, text = c.arg(k)): string {
  const value = c.isNull(k) ? 'CAST(NULL AS VARCHAR)' : text;
  return `${value}, typeof(${value})`;
}

/** Every argument with its type text. */
function allTyped(c: Call): string {
  return c.args.map((_, k) => typed(c, k)).join(', ');
}

/** `NAME(json)` and nothing else. */
function jsonOnly(name: string): FunctionEntry {
  return {
    rewrite: (c) => {
      c.arity(1);
      return `${name}(${c.isNull(0) ? 'CAST(NULL AS JSON)' : c.arg(0)})`;
    },
  };
}

/**
 * The JSON functions.
 *
 * @internal
 */
export const JSON_FUNCTIONS: FunctionTable = {
  JSON_EXTRACT: pathFunction('bq_json_extract', 2),
  JSON_QUERY: pathFunction('bq_json_query', 2),
  JSON_EXTRACT_ARRAY: pathFunction('bq_json_extract_array', 1),
  JSON_QUERY_ARRAY: pathFunction('bq_json_query_array', 1),
  JSON_EXTRACT_SCALAR: pathFunction('bq_json_extract_scalar', 1),
  JSON_VALUE: pathFunction('bq_json_value', 1),
  JSON_EXTRACT_STRING_ARRAY: pathFunction('bq_json_extract_string_array', 1),
  JSON_VALUE_ARRAY: pathFunction('bq_json_value_array', 1),
  JSON_TYPE: jsonOnly('bq_json_type'),
  BOOL: jsonOnly('bq_json_bool'),
  INT64: jsonOnly('bq_json_int64'),
  LAX_BOOL: jsonOnly('bq_lax_bool'),
  LAX_INT64: jsonOnly('bq_lax_int64'),
  LAX_FLOAT64: jsonOnly('bq_lax_float64'),
  LAX_STRING: jsonOnly('bq_lax_string'),
  FLOAT64: { rewrite: (c) => `bq_json_float64(${withNamed(c, 1, 'wide_number_mode').join(', ')})` },
  PARSE_JSON: { rewrite: (c) => `bq_parse_json(${withNamed(c, 1, 'wide_number_mode').join(', ')})` },
  TO_JSON: {
    rewrite: (c) => {
      const [value, ...rest] = withNamed(c, 1, 'stringify_wide_numbers');
      return `bq_to_json(${[typed(c, 0, value), ...rest].join(', ')})`;
    },
  },
  JSON_ARRAY: { rewrite: (c) => (c.count === 0 ? "bq_parse_json('[]')" : `bq_json_array(${allTyped(c)})`) },
  JSON_OBJECT: { rewrite: (c) => (c.count === 0 ? "bq_parse_json('{}')" : `bq_json_object(${allTyped(c)})`) },
  TO_JSON_STRING: {
    rewrite: (c) => {
      c.arity(1, 2);
      return `bq_to_json_string(${typed(c, 0)}, ${c.count === 2 ? c.arg(1) : 'false'})`;
    },
  },
};
