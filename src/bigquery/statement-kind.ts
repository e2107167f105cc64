import { tokenizeSql } from './sql-tokens.js';

/** Words that open a GoogleSQL scripting statement (procedural language). */
const SCRIPT_KEYWORDS = new Set([
  'DECLARE',
  'BEGIN',
  'IF',
  'LOOP',
  'WHILE',
  'REPEAT',
  'FOR',
  'CALL',
  'EXECUTE',
  'RAISE',
  'RETURN',
  'SET',
  'CASE',
  'BREAK',
  'LEAVE',
  'CONTINUE',
  'ITERATE',
]);

/** Words that open a statement that only reads. */
const READ_KEYWORDS = new Set(['SELECT', 'WITH']);

/**
 * Words that open a statement that changes rows: DML, and `LOAD DATA`, which appends rows like an
 * `INSERT` (a second run loads the files twice).
 */
const DML_KEYWORDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'TRUNCATE', 'LOAD']);

// A cheap first look: without a semicolon or one of the script words, no tokenizing is needed.
const MAYBE_SCRIPT = /;|\b(?:DECLARE|BEGIN|IF|LOOP|WHILE|REPEAT|FOR|CALL|EXECUTE|RAISE|RETURN|SET|CASE)\b/i;

function firstWord(tokens: ReturnType<typeof tokenizeSql>): string | undefined {
  for (const token of tokens) {
    if (token.kind === 'punct' && token.text === '(') continue;
    return token.kind === 'word' ? token.text.toUpperCase() : undefined;
  }
  return undefined;
}

/**
 * Whether `sql` is a script: more than one statement (a `;` followed by anything but comments), or
 * one that opens with a scripting word (`DECLARE`, `BEGIN`, `IF`, `CALL`, ...). A script runs as a job
 * with child jobs, so the executor gives it a job of its own id rather than jobs.query.
 *
 * @internal
 */
export function isScript(sql: string): boolean {
  if (!MAYBE_SCRIPT.test(sql)) return false;
  const tokens = tokenizeSql(sql);
  const first = firstWord(tokens);
  if (first !== undefined && SCRIPT_KEYWORDS.has(first)) return true;
  const semicolon = tokens.findIndex((t) => t.kind === 'punct' && t.text === ';');
  return semicolon !== -1 && tokens.slice(semicolon + 1).some((t) => !(t.kind === 'punct' && t.text === ';'));
}

/**
 * Whether `sql` can only read: its first word is `SELECT` or `WITH` (a `WITH` in GoogleSQL opens a
 * query; DML puts it after `INSERT`). Anything else (DML, DDL, a script) may change data.
 *
 * @internal
 */
export function isReadOnly(sql: string): boolean {
  return opensWith(sql, READ_KEYWORDS) && !isScript(sql);
}

/**
 * Whether `sql` is one DML statement (`INSERT`, `UPDATE`, `DELETE`, `MERGE`, `TRUNCATE TABLE`) or a
 * `LOAD DATA`: one that changes rows, whose second run would change them again.
 *
 * @internal
 */
export function isDml(sql: string): boolean {
  return opensWith(sql, DML_KEYWORDS) && !isScript(sql);
}

/**
 * The keyword `sql` opens with, upper case (`SELECT`, `CREATE`, ...), past comments and opening
 * parentheses; `undefined` when it opens with something else.
 *
 * @internal
 */
export function openingKeyword(sql: string): string | undefined {
  return firstWord(tokenizeSql(sql));
}

function opensWith(sql: string, words: ReadonlySet<string>): boolean {
  const first = firstWord(tokenizeSql(sql));
  return first !== undefined && words.has(first);
}
