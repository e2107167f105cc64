/**
 * Function-call rewrites: GoogleSQL functions DuckDB spells differently or does not have. Each
 * rewrite emits its arguments through the translator, so parameters and table names inside them
 * are translated too.
 * @module
 */
import { isWord, upper } from './cursor.js';
import { quoteIdent } from './duck-text.js';
import { duckScalarType, parseType } from './parse-type.js';
import type { StatementTranslator } from './statement.js';

/** Same arguments, another name. */
const RENAMES: Record<string, string> = {
  COUNTIF: 'count_if',
  LOGICAL_AND: 'bool_and',
  LOGICAL_OR: 'bool_or',
  REGEXP_CONTAINS: 'regexp_matches',
  UNIX_MICROS: 'epoch_us',
  UNIX_MILLIS: 'epoch_ms',
  GENERATE_ARRAY: 'generate_series',
  SPLIT: 'string_split',
  BYTE_LENGTH: 'octet_length',
  CHAR_LENGTH: 'length',
  CHARACTER_LENGTH: 'length',
};

/**
 * `CURRENT_TIMESTAMP` and friends, written with or without `()`: the session time zone is UTC, so
 * DuckDB's values match BigQuery's.
 *
 * @example
 * ```ts
 * CURRENT_FUNCTIONS.CURRENT_DATE; // 'current_date'
 * ```
 */
export const CURRENT_FUNCTIONS: Readonly<Record<string, string>> = {
  CURRENT_TIMESTAMP: 'current_timestamp',
  CURRENT_DATE: 'current_date',
  CURRENT_DATETIME: 'CAST(current_timestamp AS TIMESTAMP)',
  CURRENT_TIME: 'CAST(current_time AS TIME)',
};

type Rewrite = { text: string; next: number };

/** The type a `DATE_…`, `DATETIME_…` or `TIMESTAMP_…` function works in (its name before the last `_`). */
function typeOfPrefix(word: string): string {
  return duckScalarType(word.slice(0, word.lastIndexOf('_')));
}

function expectArgs(tr: StatementTranslator, args: unknown[], n: number, word: string, at: number): void {
  if (args.length !== n) tr.fail(`${word} expects ${n} arguments`, at);
}

/**
 * Rewrites the call of `word` at token `i` (the next token is `(`), or returns `undefined` when the
 * function needs no rewrite.
 *
 * @example
 * ```ts
 * rewriteCall(translator, i, 'COUNTIF')?.text; // 'count_if(x > 1)'
 * ```
 */
export function rewriteCall(tr: StatementTranslator, i: number, word: string): Rewrite | undefined {
  const renamed = RENAMES[word];
  if (renamed) {
    const { args, close } = tr.callArgs(i);
    return { text: `${renamed}(${tr.emitArgs(args)})`, next: close + 1 };
  }
  const current = CURRENT_FUNCTIONS[word];
  if (current !== undefined) return { text: current, next: tr.callArgs(i).close + 1 };
  switch (word) {
    case 'CAST':
    case 'SAFE_CAST':
    case 'TRY_CAST':
      return cast(tr, i, word);
    case 'DATE_ADD':
    case 'DATE_SUB':
    case 'TIMESTAMP_ADD':
    case 'TIMESTAMP_SUB':
    case 'DATETIME_ADD':
    case 'DATETIME_SUB': {
      const { args, close } = tr.callArgs(i);
      expectArgs(tr, args, 2, word, i);
      if (upper(tr.t[tr.next(args[1]![0] - 1)]) !== 'INTERVAL') {
        tr.fail(`${word} expects an INTERVAL as its second argument`, i);
      }
      const op = word.endsWith('_ADD') ? '+' : '-';
      return {
        text: `CAST((${tr.arg(args, 0)}) ${op} ${tr.arg(args, 1)} AS ${typeOfPrefix(word)})`,
        next: close + 1,
      };
    }
    case 'DATE_DIFF':
    case 'TIMESTAMP_DIFF':
    case 'DATETIME_DIFF': {
      const { args, close } = tr.callArgs(i);
      expectArgs(tr, args, 3, word, i);
      const fn = word === 'DATE_DIFF' ? 'date_diff' : 'date_sub';
      const unit = tr.unitOf(args, 2, word, i);
      return { text: `${fn}('${unit}', ${tr.arg(args, 1)}, ${tr.arg(args, 0)})`, next: close + 1 };
    }
    case 'DATE_TRUNC':
    case 'TIMESTAMP_TRUNC':
    case 'DATETIME_TRUNC': {
      const { args, close } = tr.callArgs(i);
      expectArgs(tr, args, 2, word, i);
      const unit = tr.unitOf(args, 1, word, i);
      return {
        text: `CAST(date_trunc('${unit}', ${tr.arg(args, 0)}) AS ${typeOfPrefix(word)})`,
        next: close + 1,
      };
    }
    case 'TIMESTAMP':
    case 'DATETIME':
    case 'STRING':
    case 'DATE': {
      const { args, close } = tr.callArgs(i);
      if (word === 'DATE' && args.length === 3) {
        return { text: `make_date(${tr.emitArgs(args)})`, next: close + 1 };
      }
      if (args.length !== 1) tr.unsupported(`${word}() with ${args.length} arguments`, i);
      return { text: `CAST(${tr.arg(args, 0)} AS ${duckScalarType(word)})`, next: close + 1 };
    }
    case 'UNIX_SECONDS': {
      const { args, close } = tr.callArgs(i);
      return { text: `CAST(floor(epoch(${tr.arg(args, 0)})) AS BIGINT)`, next: close + 1 };
    }
    case 'TIMESTAMP_SECONDS':
    case 'TIMESTAMP_MILLIS':
    case 'TIMESTAMP_MICROS': {
      const { args, close } = tr.callArgs(i);
      const scale = { TIMESTAMP_SECONDS: ' * 1000000', TIMESTAMP_MILLIS: ' * 1000', TIMESTAMP_MICROS: '' }[
        word
      ];
      return {
        text: `CAST(make_timestamp(CAST(${tr.arg(args, 0)} AS BIGINT)${scale}) AS TIMESTAMPTZ)`,
        next: close + 1,
      };
    }
    case 'FORMAT_TIMESTAMP':
    case 'FORMAT_DATE':
    case 'FORMAT_DATETIME':
    case 'PARSE_TIMESTAMP':
    case 'PARSE_DATE':
    case 'PARSE_DATETIME': {
      const { args, close } = tr.callArgs(i);
      if (args.length > 2) tr.unsupported(`${word} with a time zone`, i);
      const call = `${word.startsWith('FORMAT') ? 'strftime' : 'strptime'}(${tr.arg(args, 1)}, ${tr.arg(args, 0)})`;
      const type = duckScalarType(word.slice(word.indexOf('_') + 1));
      return { text: word.startsWith('FORMAT') ? call : `CAST(${call} AS ${type})`, next: close + 1 };
    }
    case 'SAFE_DIVIDE': {
      const { args, close } = tr.callArgs(i);
      const a = tr.arg(args, 0);
      const b = tr.arg(args, 1);
      return { text: `(CASE WHEN (${b}) = 0 THEN NULL ELSE (${a}) / (${b}) END)`, next: close + 1 };
    }
    case 'DIV': {
      const { args, close } = tr.callArgs(i);
      return { text: `((${tr.arg(args, 0)}) // (${tr.arg(args, 1)}))`, next: close + 1 };
    }
    case 'GENERATE_UUID':
      return { text: 'CAST(gen_random_uuid() AS VARCHAR)', next: tr.callArgs(i).close + 1 };
    case 'TO_JSON_STRING': {
      const { args, close } = tr.callArgs(i);
      return { text: `CAST(to_json(${tr.arg(args, 0)}) AS VARCHAR)`, next: close + 1 };
    }
    case 'STRUCT':
      return struct(tr, i);
    default:
      return undefined;
  }
}

/** `CAST`/`SAFE_CAST(x AS T)` with T translated; `FORMAT` clauses are refused. */
function cast(tr: StatementTranslator, i: number, word: string): Rewrite {
  const open = tr.next(i);
  const close = tr.matching(open);
  const as = tr.lastTopLevelAs(open + 1, close);
  if (as < 0) tr.fail(`Syntax error: Expected keyword AS in ${word}`, i);
  const type = parseType(tr, tr.next(as));
  if (tr.next(type.next - 1) !== close) {
    const extra = tr.t[tr.next(type.next - 1)]!;
    if (upper(extra) === 'FORMAT') tr.unsupported(`${word} ... FORMAT`, i);
    tr.fail(`Syntax error: Unexpected ${extra.text}`, tr.next(type.next - 1));
  }
  const fn = word === 'CAST' ? 'CAST' : 'TRY_CAST';
  return { text: `${fn}(${tr.emit(open + 1, as).trim()} AS ${type.duck})`, next: close + 1 };
}

/** `STRUCT(1 AS a, x)` → `struct_pack("a" := 1, "x" := x)`; unnamed fields are named as BigQuery names them. */
function struct(tr: StatementTranslator, i: number): Rewrite {
  const { args, close } = tr.callArgs(i);
  const fields = args.map(([s, e], k) => {
    const as = tr.lastTopLevelAs(s, e);
    if (as >= 0) {
      const nameTok = tr.t[tr.next(as)]!;
      return `${quoteIdent(nameTok.value)} := ${tr.emit(s, as).trim()}`;
    }
    const lastTok = tr.t[tr.prev(e)];
    const name = isWord(lastTok) ? lastTok!.value : `_field_${k + 1}`;
    return `${quoteIdent(name)} := ${tr.emit(s, e).trim()}`;
  });
  return { text: `struct_pack(${fields.join(', ')})`, next: close + 1 };
}
