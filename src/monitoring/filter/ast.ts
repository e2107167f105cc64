/**
 * The syntax tree of a filter in the Logging query language (and of the Cloud Monitoring filters the
 * Monitoring stand-in reads): what the parser produces and the evaluator walks.
 * @module
 */

/** Comparison operators: equals, not equals, orderings, has (`:`), regex match and non-match. */
export type FilterOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | ':' | '=~' | '!~';

/** The right-hand side of a comparison. */
export type FilterValue =
  /** A quoted string (escapes resolved) or a bare word such as `ERROR` or `cloud_run_revision`. */
  | { kind: 'text'; text: string; quoted: boolean }
  /** `*` after `:`: the field has a value. */
  | { kind: 'any' }
  /** A function call (Monitoring filters only): `one_of("a", "b")`, `starts_with("x")`, ... */
  | { kind: 'call'; name: string; args: string[] };

/** A node of the tree. `position` is the offset of the node's first character in the filter text. */
export type FilterNode =
  | { kind: 'and'; children: FilterNode[] }
  | { kind: 'or'; children: FilterNode[] }
  | { kind: 'not'; child: FilterNode }
  | {
      kind: 'compare';
      /** The field path, one element per segment: `jsonPayload.error.code` -> `['jsonPayload', 'error', 'code']`. */
      field: string[];
      op: FilterOperator;
      value: FilterValue;
      /** The compiled pattern of `=~` / `!~` (and of `monitoring.regex.full_match`). */
      regex?: TextPattern;
      position: number;
    };

/**
 * A compiled `=~` pattern: whether it matches a value (anywhere in it, or the whole of it for
 * `monitoring.regex.full_match`).
 */
export interface TextPattern {
  test(text: string): boolean;
}

/**
 * Compiles an RE2 pattern for matching; `whole` asks for a match of the whole value. Throws a
 * `Re2PatternError` for a pattern RE2 refuses.
 */
export type PatternCompiler = (pattern: string, whole: boolean) => TextPattern;

/** Which language a filter is written in: they share the grammar, not the functions. */
export type FilterDialect = 'logging' | 'monitoring';
