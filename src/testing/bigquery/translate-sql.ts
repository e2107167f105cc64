/**
 * GoogleSQL → DuckDB translation for the BigQuery stand-in.
 *
 * The translation works on tokens ({@link tokenizeSql}), so string literals, quoted identifiers and
 * comments are never rewritten, whatever they contain (`'a@b'`, `` '`x`' ``, `-- @p`).
 *
 * | GoogleSQL | DuckDB |
 * |---|---|
 * | `` `project.dataset.table` ``, `` `dataset.table` ``, `` `p`.`d`.`t` ``, `dataset.table`, `my-project.d.t` (table positions) | `"project.dataset"."table"` (one DuckDB schema per dataset) |
 * | unqualified `table` with a default dataset; CTE names | resolved / left alone |
 * | `@name`, `@`name`` | `$name` (bound with its BigQuery type) |
 * | `?` | `$__posN` |
 * | `x IN UNNEST(e)`, `x NOT IN UNNEST(e)` | `x IN (SELECT UNNEST(e))` |
 * | `FROM UNNEST(e) [AS] a [WITH OFFSET [AS] o]` | `FROM (SELECT UNNEST(e) AS a[, UNNEST(range(len(e))) AS o]) AS a` |
 * | `SAFE_CAST(x AS T)` | `TRY_CAST(x AS T')` |
 * | `CAST(x AS T)` | `CAST(x AS T')` with T' below |
 * | `INT64`/`INT`/`INTEGER`, `FLOAT64`, `NUMERIC(p,s)`, `BIGNUMERIC`, `BOOL`, `STRING(n)`, `BYTES`, `TIMESTAMP`, `DATETIME`, `DATE`, `TIME`, `JSON`, `GEOGRAPHY`, `ARRAY<T>`, `STRUCT<a T>` | `BIGINT`, `DOUBLE`, `DECIMAL(p,s)` (default 38,9), `DECIMAL(38,18)`, `BOOLEAN`, `VARCHAR`, `BLOB`, `TIMESTAMPTZ`, `TIMESTAMP`, `DATE`, `TIME`, `JSON`, `VARCHAR`, `T'[]`, `STRUCT("a" T')` |
 * | `TIMESTAMP 'lit'`, `DATETIME 'lit'`, `DATE 'lit'`, `JSON 'lit'`, `NUMERIC 'lit'` | typed casts |
 * | `'…'`, `"…"`, `'''…'''`, `r'…'`, `b'…'` | standard `'…'` literals (`''` escaping), `'\xHH'::BLOB` |
 * | `CURRENT_TIMESTAMP()`, `CURRENT_DATE()`, `CURRENT_DATETIME()`, `CURRENT_TIME()` | `current_timestamp`, `current_date`, … (session time zone UTC) |
 * | `DATE_ADD`/`DATE_SUB`/`TIMESTAMP_ADD`/`TIMESTAMP_SUB`/`DATETIME_ADD`/`DATETIME_SUB(x, INTERVAL n UNIT)` | `CAST((x) ± INTERVAL (n) UNIT AS T)` |
 * | `DATE_DIFF(a, b, UNIT)`, `TIMESTAMP_DIFF`, `DATETIME_DIFF` | `date_diff('unit', b, a)`, `date_sub('unit', b, a)` |
 * | `DATE_TRUNC`, `TIMESTAMP_TRUNC`, `DATETIME_TRUNC(x, UNIT)` | `date_trunc('unit', x)` (cast back) |
 * | `TIMESTAMP(x)`, `DATETIME(x)`, `STRING(x)`, `DATE(x)`, `DATE(y, m, d)` | casts, `make_date` |
 * | `UNIX_SECONDS/MILLIS/MICROS`, `TIMESTAMP_SECONDS/MILLIS/MICROS` | `epoch…`, `to_timestamp`, `make_timestamp` |
 * | `FORMAT_TIMESTAMP/FORMAT_DATE(fmt, x)`, `PARSE_TIMESTAMP/PARSE_DATE(fmt, s)` | `strftime(x, fmt)`, `strptime(s, fmt)` |
 * | `COUNTIF`, `LOGICAL_AND`, `LOGICAL_OR`, `REGEXP_CONTAINS`, `GENERATE_ARRAY`, `SPLIT`, `BYTE_LENGTH`, `CHAR_LENGTH` | `count_if`, `bool_and`, `bool_or`, `regexp_matches`, `generate_series`, `string_split`, `octet_length`, `length` |
 * | `IFNULL`, `IF`, `COALESCE`, `ARRAY_LENGTH`, `ARRAY_AGG`, `STRING_AGG`, `QUALIFY`, `ARRAY(SELECT …)`, `[1, 2]` | unchanged (DuckDB has them) |
 * | `SAFE_DIVIDE(a, b)`, `DIV(a, b)`, `GENERATE_UUID()`, `TO_JSON_STRING(x)` | `CASE WHEN b = 0 …`, `a // b`, `gen_random_uuid()`, `to_json(x)` |
 * | `STRUCT(1 AS a, x)`, `ARRAY<T>[…]` | `struct_pack(a := 1, x := x)`, `CAST([…] AS T'[])` |
 * | `SELECT * EXCEPT (a)` | `SELECT * EXCLUDE (a)` |
 * | `INSERT t …`, `DELETE t WHERE …`, `MERGE t USING …` | `INSERT INTO`, `DELETE FROM`, `MERGE INTO` |
 * | `UPDATE`/`DELETE` without `WHERE` | refused, as BigQuery does |
 * | `CREATE [OR REPLACE] TABLE [IF NOT EXISTS] t (cols) PARTITION BY … CLUSTER BY … OPTIONS(…) [AS query]` | DuckDB DDL; partitioning, clustering and options returned as metadata |
 * | `CREATE SCHEMA`, `DROP SCHEMA [CASCADE]`, `DROP TABLE`, `TRUNCATE TABLE`, `ALTER TABLE … ADD/DROP COLUMN` | the DuckDB equivalents |
 * | `#` comments | `--` comments |
 * | anything else that DuckDB does not know | DuckDB's error, reported as `invalidQuery` by the stand-in |
 *
 * Refused with {@link SqlTranslationError} (`invalidQuery`, naming the construct): `@@system`
 * variables, scripting (`DECLARE`, `SET`, `BEGIN`, `IF`, `LOOP`, …), `SAFE.` function prefixes,
 * `SELECT AS STRUCT/VALUE`, `CREATE VIEW/FUNCTION/PROCEDURE`, `CREATE TABLE … LIKE/COPY/CLONE`,
 * `CAST(… FORMAT …)`, `INTERVAL … TO …`, `WEEK(<weekday>)`, legacy SQL.
 *
 * @module
 */
import type { BigQueryField } from './schema.js';
import { SqlSyntaxError, type SqlToken, sqlPosition, tokenizeSql } from './tokenize-sql.js';

/**
 * How a statement uses a table it names. `read` and `modify` tables are scanned (and billed).
 *
 * @example
 * ```ts
 * translateSql('DELETE ds.t WHERE TRUE', { projectId: 'p' })[0]?.tables[0]?.role; // 'modify'
 * ```
 */
export type TableRole = 'read' | 'insert' | 'modify' | 'create' | 'drop' | 'alter';

/**
 * A table named by a statement, fully qualified.
 *
 * @example
 * ```ts
 * const ref: TableReference = { projectId: 'p', datasetId: 'd', tableId: 't', role: 'read' };
 * ```
 */
export interface TableReference {
  projectId: string;
  datasetId: string;
  tableId: string;
  role: TableRole;
}

/**
 * BigQuery's `statementType` values the translator produces.
 *
 * @example
 * ```ts
 * translateSql('UPDATE ds.t SET a = 1 WHERE TRUE', { projectId: 'p' })[0]?.statementType; // 'UPDATE'
 * ```
 */
export type StatementType =
  | 'SELECT'
  | 'INSERT'
  | 'UPDATE'
  | 'DELETE'
  | 'MERGE'
  | 'CREATE_TABLE'
  | 'CREATE_TABLE_AS_SELECT'
  | 'DROP_TABLE'
  | 'ALTER_TABLE'
  | 'TRUNCATE_TABLE'
  | 'CREATE_SCHEMA'
  | 'DROP_SCHEMA';

/**
 * What a `CREATE TABLE` asked for besides its columns.
 *
 * @example
 * ```ts
 * const info: CreateTableInfo = { orReplace: false, ifNotExists: true, options: {}, clustering: { fields: ['a'] } };
 * ```
 */
export interface CreateTableInfo {
  orReplace: boolean;
  ifNotExists: boolean;
  /** The declared columns (absent for `CREATE TABLE … AS SELECT`). */
  columns?: BigQueryField[];
  timePartitioning?: { type: string; field?: string };
  rangePartitioning?: { field: string; range: { start: string; end: string; interval: string } };
  /** The `PARTITION BY` expression as written. */
  partitionExpression?: string;
  clustering?: { fields: string[] };
  /** `OPTIONS(name = value, …)`: literals decoded, anything else kept as source text. */
  options: Record<string, unknown>;
}

/**
 * One translated statement.
 *
 * @example
 * ```ts
 * const [stmt] = translateSql('SELECT * FROM ds.t WHERE id = @id', { projectId: 'p' });
 * stmt?.sql; // 'SELECT * FROM "p.ds"."t" WHERE id = $id'
 * ```
 */
export interface TranslatedStatement {
  /** The DuckDB SQL. */
  sql: string;
  /** The GoogleSQL it came from. */
  source: string;
  statementType: StatementType;
  tables: TableReference[];
  /** Named parameters used (without `@`), in order of first use. */
  namedParameters: string[];
  /** Number of `?` placeholders. */
  positionalCount: number;
  create?: CreateTableInfo;
  /** For CREATE/DROP SCHEMA. */
  schema?: {
    projectId: string;
    datasetId: string;
    ifExists: boolean;
    ifNotExists: boolean;
    cascade: boolean;
  };
}

/**
 * Options of {@link translateSql}.
 *
 * @example
 * ```ts
 * const options: TranslateOptions = { projectId: 'p', defaultDataset: { datasetId: 'ds' } };
 * ```
 */
export interface TranslateOptions {
  /** The project of two-part names. */
  projectId: string;
  /** Where unqualified table names live (jobs.query `defaultDataset`). */
  defaultDataset?: { projectId?: string; datasetId: string };
}

/**
 * A statement the translator refuses, with BigQuery's `reason` and a message naming the construct.
 *
 * @example
 * ```ts
 * try { translateSql('SELECT @@row_count', { projectId: 'p' }); } catch (e) {
 *   (e as SqlTranslationError).reason; // 'invalidQuery'
 * }
 * ```
 */
export class SqlTranslationError extends Error {
  readonly reason: 'invalidQuery' | 'invalid';
  constructor(message: string, reason: 'invalidQuery' | 'invalid' = 'invalidQuery') {
    super(message);
    this.name = 'SqlTranslationError';
    this.reason = reason;
  }
}

/**
 * The DuckDB schema that holds a dataset's tables.
 *
 * @example
 * ```ts
 * duckSchemaName('p', 'ds'); // '"p.ds"'
 * ```
 */
export function duckSchemaName(projectId: string, datasetId: string): string {
  return `"${`${projectId}.${datasetId}`.replace(/"/g, '""')}"`;
}

/**
 * The DuckDB name of a BigQuery table.
 *
 * @example
 * ```ts
 * duckTableName({ projectId: 'p', datasetId: 'ds', tableId: 't' }); // '"p.ds"."t"'
 * ```
 */
export function duckTableName(ref: { projectId: string; datasetId: string; tableId: string }): string {
  return `${duckSchemaName(ref.projectId, ref.datasetId)}."${ref.tableId.replace(/"/g, '""')}"`;
}

const INTERVAL_UNITS = new Set([
  'MICROSECOND',
  'MILLISECOND',
  'SECOND',
  'MINUTE',
  'HOUR',
  'DAY',
  'WEEK',
  'MONTH',
  'QUARTER',
  'YEAR',
]);

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

const SCRIPTING = new Set([
  'DECLARE',
  'SET',
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
  'EXPORT',
  'LOAD',
  'GRANT',
  'REVOKE',
  'ASSERT',
  'COMMIT',
  'ROLLBACK',
  'EXPLAIN',
]);

const UNNEST_FOLLOWERS = new Set([
  'WITH',
  'WHERE',
  'JOIN',
  'LEFT',
  'RIGHT',
  'INNER',
  'CROSS',
  'FULL',
  'ON',
  'GROUP',
  'ORDER',
  'LIMIT',
  'HAVING',
  'QUALIFY',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'WINDOW',
]);

const FROM_LIST_ENDERS = new Set([
  'WHERE',
  'GROUP',
  'HAVING',
  'ORDER',
  'LIMIT',
  'QUALIFY',
  'WINDOW',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'SET',
  'SELECT',
  'WHEN',
  'JOIN',
]);

function upper(tok: SqlToken | undefined): string {
  return tok && (tok.kind === 'ident' || tok.kind === 'op') ? tok.text.toUpperCase() : '';
}

function isWord(tok: SqlToken | undefined): boolean {
  return tok !== undefined && (tok.kind === 'ident' || tok.kind === 'quoted');
}

function duckString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function duckBytes(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    out +=
      code >= 0x20 && code < 0x7f && ch !== '\\' && ch !== "'"
        ? ch
        : `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `'${out}'::BLOB`;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

interface ParsedType {
  duck: string;
  field: BigQueryField;
  next: number;
}

class StatementTranslator {
  private readonly t: SqlToken[];
  private readonly sql: string;
  private readonly options: TranslateOptions;
  private readonly tableStarts = new Map<number, TableRole>();
  private readonly cteNames = new Set<string>();
  readonly tables: TableReference[] = [];
  readonly named: string[] = [];
  positional = 0;

  constructor(tokens: SqlToken[], sql: string, options: TranslateOptions) {
    this.t = tokens;
    this.sql = sql;
    this.options = options;
    this.scan();
  }

  fail(message: string, index?: number): never {
    const tok = index === undefined ? undefined : this.t[index];
    const at = tok ? ` at [${sqlPosition(this.sql, tok.start)}]` : '';
    throw new SqlTranslationError(`${message}${at}`);
  }

  unsupported(construct: string, index?: number): never {
    this.fail(`Unsupported by the BigQuery stand-in: ${construct}`, index);
  }

  /** Index of the next significant token after `i` (or `t.length`). */
  next(i: number): number {
    let j = i + 1;
    while (j < this.t.length && (this.t[j]!.kind === 'ws' || this.t[j]!.kind === 'comment')) j++;
    return j;
  }

  first(): number {
    return this.next(-1);
  }

  prev(i: number): number {
    let j = i - 1;
    while (j >= 0 && (this.t[j]!.kind === 'ws' || this.t[j]!.kind === 'comment')) j--;
    return j;
  }

  isOp(i: number, text: string): boolean {
    const tok = this.t[i];
    return tok?.kind === 'op' && tok.text === text;
  }

  /** The index of the bracket closing the one at `open`. */
  matching(open: number): number {
    const o = this.t[open]!.text;
    const c = o === '(' ? ')' : o === '[' ? ']' : '>';
    let depth = 0;
    for (let i = open; i < this.t.length; i++) {
      const tok = this.t[i]!;
      if (tok.kind !== 'op') continue;
      if (tok.text === o) depth++;
      else if (tok.text === c && --depth === 0) return i;
    }
    this.fail(`Syntax error: Unclosed "${o}"`, open);
  }

  /** Splits [start, end) at top-level commas into ranges. */
  splitArgs(start: number, end: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let depth = 0;
    let angle = 0;
    let from = start;
    for (let i = start; i < end; i++) {
      const tok = this.t[i]!;
      if (tok.kind !== 'op') continue;
      if (tok.text === '(' || tok.text === '[') depth++;
      else if (tok.text === ')' || tok.text === ']') depth--;
      else if (tok.text === '<' && ['ARRAY', 'STRUCT'].includes(upper(this.t[this.prev(i)]))) angle++;
      else if (tok.text === '>' && angle > 0) angle--;
      else if (tok.text === ',' && depth === 0 && angle === 0) {
        out.push([from, i]);
        from = i + 1;
      }
    }
    if (this.next(from - 1) < end || out.length > 0) out.push([from, end]);
    return out;
  }

  /** Arguments of the call whose name is at `nameIdx` (the next token must be `(`). */
  callArgs(nameIdx: number): { args: Array<[number, number]>; close: number } {
    const open = this.next(nameIdx);
    const close = this.matching(open);
    return { args: this.splitArgs(open + 1, close), close };
  }

  /** Finds table positions, CTE names and the roles of the tables. */
  private scan(): void {
    const sig: number[] = [];
    for (let i = 0; i < this.t.length; i++) {
      const k = this.t[i]!.kind;
      if (k !== 'ws' && k !== 'comment') sig.push(i);
    }
    const firstWord = upper(this.t[sig[0] ?? -1]);
    const parenOwners: string[] = [];
    const fromList: boolean[] = [false];
    const mark = (pos: number, role: TableRole) => {
      const idx = sig[pos];
      if (idx !== undefined && isWord(this.t[idx])) this.tableStarts.set(idx, role);
    };
    const skipIfExists = (pos: number): number => {
      let p = pos;
      if (upper(this.t[sig[p] ?? -1]) === 'IF') {
        p++;
        if (upper(this.t[sig[p] ?? -1]) === 'NOT') p++;
        if (upper(this.t[sig[p] ?? -1]) === 'EXISTS') p++;
      }
      return p;
    };
    for (let k = 0; k < sig.length; k++) {
      const idx = sig[k]!;
      const tok = this.t[idx]!;
      const word = upper(tok);
      const depth = parenOwners.length;
      if (tok.kind === 'op' && tok.text === '(') {
        parenOwners.push(upper(this.t[sig[k - 1] ?? -1]));
        fromList.push(false);
        continue;
      }
      if (tok.kind === 'op' && tok.text === ')') {
        parenOwners.pop();
        fromList.pop();
        continue;
      }
      if (isWord(tok) && upper(this.t[sig[k + 1] ?? -1]) === 'AS' && this.isOp(sig[k + 2] ?? -1, '(')) {
        const prevWord = upper(this.t[sig[k - 1] ?? -1]);
        if (prevWord === 'WITH' || prevWord === ',' || prevWord === 'RECURSIVE') {
          this.cteNames.add(tok.value.toLowerCase());
        }
      }
      if (tok.kind !== 'ident' && !(tok.kind === 'op' && tok.text === ',')) continue;
      if (tok.kind === 'op') {
        if (fromList[depth]) mark(k + 1, 'read');
        continue;
      }
      if (FROM_LIST_ENDERS.has(word)) fromList[depth] = false;
      switch (word) {
        case 'FROM': {
          if (parenOwners[depth - 1] === 'EXTRACT') break;
          const prevWord = upper(this.t[sig[k - 1] ?? -1]);
          mark(k + 1, prevWord === 'DELETE' ? 'modify' : 'read');
          if (prevWord !== 'DELETE') fromList[depth] = true;
          break;
        }
        case 'JOIN':
          mark(k + 1, 'read');
          fromList[depth] = true;
          break;
        case 'INTO': {
          const prevWord = upper(this.t[sig[k - 1] ?? -1]);
          mark(k + 1, prevWord === 'MERGE' ? 'modify' : 'insert');
          break;
        }
        case 'USING':
          if (firstWord === 'MERGE' && depth === 0) mark(k + 1, 'read');
          break;
        case 'UPDATE':
        case 'DELETE':
        case 'MERGE':
          if (k === 0 && upper(this.t[sig[1] ?? -1]) !== 'FROM' && upper(this.t[sig[1] ?? -1]) !== 'INTO') {
            mark(1, 'modify');
          }
          break;
        case 'INSERT':
          if (k === 0 && upper(this.t[sig[1] ?? -1]) !== 'INTO') mark(1, 'insert');
          break;
        case 'TABLE': {
          const role: TableRole | undefined =
            firstWord === 'CREATE'
              ? 'create'
              : firstWord === 'DROP'
                ? 'drop'
                : firstWord === 'ALTER'
                  ? 'alter'
                  : firstWord === 'TRUNCATE'
                    ? 'alter'
                    : undefined;
          if (role && k <= 4) mark(skipIfExists(k + 1), role);
          break;
        }
      }
    }
  }

  /** Parses a dotted name starting at `i`; returns its parts and the index after it. */
  readPath(i: number, allowHyphen: boolean): { parts: string[]; next: number } {
    const pieces: string[] = [];
    let cur = '';
    let j = i;
    for (;;) {
      const tok = this.t[j]!;
      if (tok.kind === 'quoted') {
        const split = tok.value.split('.');
        cur += split[0];
        for (const p of split.slice(1)) {
          pieces.push(cur);
          cur = p;
        }
      } else {
        cur += tok.text;
      }
      j++;
      const after = this.t[j];
      if (
        allowHyphen &&
        tok.kind !== 'quoted' &&
        after?.kind === 'op' &&
        after.text === '-' &&
        (this.t[j + 1]?.kind === 'ident' || this.t[j + 1]?.kind === 'number')
      ) {
        cur += '-';
        j++;
        continue;
      }
      if (allowHyphen && tok.kind === 'number' && this.t[j]?.kind === 'ident') continue;
      if (after?.kind === 'op' && after.text === '.' && isWord(this.t[j + 1])) {
        pieces.push(cur);
        cur = '';
        j++;
        continue;
      }
      break;
    }
    pieces.push(cur);
    return { parts: pieces, next: j };
  }

  resolveTable(parts: string[], at: number): { projectId: string; datasetId: string; tableId: string } {
    if (parts.some((p) => p === '')) this.fail('Syntax error: Invalid table name', at);
    if (parts.length === 3) return { projectId: parts[0]!, datasetId: parts[1]!, tableId: parts[2]! };
    if (parts.length === 2)
      return { projectId: this.options.projectId, datasetId: parts[0]!, tableId: parts[1]! };
    if (parts.length === 1) {
      const dd = this.options.defaultDataset;
      if (!dd) {
        throw new SqlTranslationError(
          `Table name "${parts[0]}" missing dataset while no default dataset is set in the request.`,
          'invalid',
        );
      }
      return {
        projectId: dd.projectId ?? this.options.projectId,
        datasetId: dd.datasetId,
        tableId: parts[0]!,
      };
    }
    this.fail(`Invalid table name: ${parts.join('.')}`, at);
  }

  /** Translates the tokens in [start, end). */
  emit(start: number, end: number): string {
    let out = '';
    let i = start;
    while (i < end) {
      const tok = this.t[i]!;
      switch (tok.kind) {
        case 'ws':
          out += tok.text;
          i++;
          break;
        case 'comment':
          out += tok.text.startsWith('#') ? `--${tok.text.slice(1)}` : tok.text;
          i++;
          break;
        case 'string':
          out += duckString(tok.value);
          i++;
          break;
        case 'bytes':
          out += duckBytes(tok.value);
          i++;
          break;
        case 'number':
          out += tok.text;
          i++;
          break;
        case 'param':
          if (!this.named.includes(tok.value)) this.named.push(tok.value);
          out += `$${tok.value}`;
          i++;
          break;
        case 'positional':
          this.positional++;
          out += `$__pos${this.positional}`;
          i++;
          break;
        case 'sysvar':
          this.unsupported(`system variable @@${tok.value}`, i);
          break;
        case 'op': {
          if (
            tok.text === '*' &&
            upper(this.t[this.next(i)]) === 'EXCEPT' &&
            this.isOp(this.next(this.next(i)), '(')
          ) {
            out += '* EXCLUDE';
            i = this.next(i) + 1;
            break;
          }
          out += tok.text;
          i++;
          break;
        }
        default: {
          const r = this.word(i, end);
          out += r.text;
          i = r.next;
        }
      }
    }
    return out;
  }

  /** An identifier, keyword, function call or path at `i`. */
  word(i: number, end: number): { text: string; next: number } {
    const tok = this.t[i]!;
    const role = this.tableStarts.get(i);
    const word = tok.kind === 'ident' ? tok.text.toUpperCase() : '';
    const nextIdx = this.next(i);
    const callsNext = this.isOp(nextIdx, '(') && nextIdx < end;
    if (role !== undefined && word === 'UNNEST' && callsNext) return this.fromUnnest(i);
    if (role !== undefined) return this.tableName(i, role);
    if (tok.kind === 'quoted' || this.isOp(i + 1, '.')) {
      if (word === 'SAFE' && this.isOp(i + 1, '.')) this.unsupported('SAFE. function prefix', i);
      const { next } = this.readPath(i, false);
      let text = '';
      for (let k = i; k < next; k++) {
        const part = this.t[k]!;
        text += part.kind === 'quoted' ? part.value.split('.').map(quoteIdent).join('.') : part.text;
      }
      return { text, next };
    }
    if (callsNext) {
      const call = this.call(i, word, end);
      if (call) return call;
    }
    const nextTok = this.t[nextIdx];
    switch (word) {
      case 'IN':
        if (upper(nextTok) === 'UNNEST' && this.isOp(this.next(nextIdx), '(')) {
          const { args, close } = this.callArgs(nextIdx);
          return { text: `IN (SELECT UNNEST(${this.emitArgs(args)}))`, next: close + 1 };
        }
        break;
      case 'INTERVAL':
        return this.interval(i, end);
      case 'TIMESTAMP':
      case 'DATETIME':
      case 'DATE':
      case 'JSON':
      case 'NUMERIC':
      case 'BIGNUMERIC':
      case 'TIME':
        if (nextTok?.kind === 'string') {
          const target = {
            TIMESTAMP: 'TIMESTAMPTZ',
            DATETIME: 'TIMESTAMP',
            DATE: 'DATE',
            JSON: 'JSON',
            NUMERIC: 'DECIMAL(38,9)',
            BIGNUMERIC: 'DECIMAL(38,18)',
            TIME: 'TIME',
          }[word];
          return { text: `CAST(${duckString(nextTok.value)} AS ${target})`, next: nextIdx + 1 };
        }
        break;
      case 'CURRENT_TIMESTAMP':
      case 'CURRENT_DATE':
      case 'CURRENT_DATETIME':
      case 'CURRENT_TIME': {
        const text = {
          CURRENT_TIMESTAMP: 'current_timestamp',
          CURRENT_DATE: 'current_date',
          CURRENT_DATETIME: 'CAST(current_timestamp AS TIMESTAMP)',
          CURRENT_TIME: 'CAST(current_time AS TIME)',
        }[word];
        return { text, next: i + 1 };
      }
      case 'ARRAY':
        if (this.isOp(nextIdx, '<')) {
          const type = this.parseType(i);
          const open = this.next(type.next - 1);
          if (!this.isOp(open, '[')) this.unsupported('typed ARRAY without a [...] literal', i);
          const close = this.matching(open);
          return { text: `CAST([${this.emit(open + 1, close)}] AS ${type.duck})`, next: close + 1 };
        }
        break;
      case 'SELECT':
        if (upper(nextTok) === 'AS') this.unsupported(`SELECT AS ${upper(this.t[this.next(nextIdx)])}`, i);
        break;
      case 'STRUCT':
        if (this.isOp(nextIdx, '<')) this.unsupported('typed STRUCT<...>(...) constructor', i);
        break;
    }
    return { text: tok.text, next: i + 1 };
  }

  emitArgs(args: Array<[number, number]>): string {
    return args.map(([s, e]) => this.emit(s, e)).join(',');
  }

  arg(args: Array<[number, number]>, k: number): string {
    const a = args[k];
    return a ? this.emit(a[0], a[1]).trim() : '';
  }

  unitOf(args: Array<[number, number]>, k: number, fn: string, at: number): string {
    const a = args[k];
    const idx = a ? this.next(a[0] - 1) : -1;
    const tok = this.t[idx];
    if (!a || tok?.kind !== 'ident') this.fail(`${fn} expects a date part`, at);
    if (this.isOp(this.next(idx), '(')) this.unsupported(`${tok.text}(...) date part in ${fn}`, idx);
    const unit = tok.text.toUpperCase();
    return unit === 'ISOWEEK' ? 'week' : unit === 'ISOYEAR' ? 'isoyear' : unit.toLowerCase();
  }

  call(i: number, word: string, _end: number): { text: string; next: number } | undefined {
    const renamed = RENAMES[word];
    if (renamed) {
      const { args, close } = this.callArgs(i);
      return { text: `${renamed}(${this.emitArgs(args)})`, next: close + 1 };
    }
    switch (word) {
      case 'CAST':
      case 'SAFE_CAST':
      case 'TRY_CAST': {
        const open = this.next(i);
        const close = this.matching(open);
        let as = -1;
        let depth = 0;
        for (let k = open + 1; k < close; k++) {
          const tok = this.t[k]!;
          if (tok.kind === 'op' && (tok.text === '(' || tok.text === '[')) depth++;
          else if (tok.kind === 'op' && (tok.text === ')' || tok.text === ']')) depth--;
          else if (depth === 0 && upper(tok) === 'AS') as = k;
        }
        if (as < 0) this.fail(`Syntax error: Expected keyword AS in ${word}`, i);
        const type = this.parseType(this.next(as));
        if (this.next(type.next - 1) !== close) {
          const extra = this.t[this.next(type.next - 1)]!;
          if (upper(extra) === 'FORMAT') this.unsupported(`${word} ... FORMAT`, i);
          this.fail(`Syntax error: Unexpected ${extra.text}`, this.next(type.next - 1));
        }
        const fn = word === 'CAST' ? 'CAST' : 'TRY_CAST';
        return { text: `${fn}(${this.emit(open + 1, as).trim()} AS ${type.duck})`, next: close + 1 };
      }
      case 'CURRENT_TIMESTAMP':
      case 'CURRENT_DATE':
      case 'CURRENT_DATETIME':
      case 'CURRENT_TIME': {
        const { close } = this.callArgs(i);
        const text = {
          CURRENT_TIMESTAMP: 'current_timestamp',
          CURRENT_DATE: 'current_date',
          CURRENT_DATETIME: 'CAST(current_timestamp AS TIMESTAMP)',
          CURRENT_TIME: 'CAST(current_time AS TIME)',
        }[word];
        return { text, next: close + 1 };
      }
      case 'DATE_ADD':
      case 'DATE_SUB':
      case 'TIMESTAMP_ADD':
      case 'TIMESTAMP_SUB':
      case 'DATETIME_ADD':
      case 'DATETIME_SUB': {
        const { args, close } = this.callArgs(i);
        if (args.length !== 2) this.fail(`${word} expects 2 arguments`, i);
        if (upper(this.t[this.next(args[1]![0] - 1)]) !== 'INTERVAL') {
          this.fail(`${word} expects an INTERVAL as its second argument`, i);
        }
        const op = word.endsWith('_ADD') ? '+' : '-';
        const type = word.startsWith('DATE_')
          ? 'DATE'
          : word.startsWith('TIMESTAMP')
            ? 'TIMESTAMPTZ'
            : 'TIMESTAMP';
        return {
          text: `CAST((${this.arg(args, 0)}) ${op} ${this.arg(args, 1)} AS ${type})`,
          next: close + 1,
        };
      }
      case 'DATE_DIFF':
      case 'TIMESTAMP_DIFF':
      case 'DATETIME_DIFF': {
        const { args, close } = this.callArgs(i);
        if (args.length !== 3) this.fail(`${word} expects 3 arguments`, i);
        const fn = word === 'DATE_DIFF' ? 'date_diff' : 'date_sub';
        const unit = this.unitOf(args, 2, word, i);
        return { text: `${fn}('${unit}', ${this.arg(args, 1)}, ${this.arg(args, 0)})`, next: close + 1 };
      }
      case 'DATE_TRUNC':
      case 'TIMESTAMP_TRUNC':
      case 'DATETIME_TRUNC': {
        const { args, close } = this.callArgs(i);
        if (args.length !== 2) this.fail(`${word} expects 2 arguments`, i);
        const unit = this.unitOf(args, 1, word, i);
        const type = word === 'DATE_TRUNC' ? 'DATE' : word === 'DATETIME_TRUNC' ? 'TIMESTAMP' : 'TIMESTAMPTZ';
        return { text: `CAST(date_trunc('${unit}', ${this.arg(args, 0)}) AS ${type})`, next: close + 1 };
      }
      case 'TIMESTAMP':
      case 'DATETIME':
      case 'STRING':
      case 'DATE': {
        const { args, close } = this.callArgs(i);
        if (word === 'DATE' && args.length === 3) {
          return { text: `make_date(${this.emitArgs(args)})`, next: close + 1 };
        }
        if (args.length !== 1) this.unsupported(`${word}() with ${args.length} arguments`, i);
        const type = { TIMESTAMP: 'TIMESTAMPTZ', DATETIME: 'TIMESTAMP', STRING: 'VARCHAR', DATE: 'DATE' }[
          word
        ];
        return { text: `CAST(${this.arg(args, 0)} AS ${type})`, next: close + 1 };
      }
      case 'UNIX_SECONDS': {
        const { args, close } = this.callArgs(i);
        return { text: `CAST(floor(epoch(${this.arg(args, 0)})) AS BIGINT)`, next: close + 1 };
      }
      case 'TIMESTAMP_SECONDS':
      case 'TIMESTAMP_MILLIS':
      case 'TIMESTAMP_MICROS': {
        const { args, close } = this.callArgs(i);
        const a = this.arg(args, 0);
        const text =
          word === 'TIMESTAMP_MICROS'
            ? `CAST(make_timestamp(CAST(${a} AS BIGINT)) AS TIMESTAMPTZ)`
            : word === 'TIMESTAMP_MILLIS'
              ? `CAST(make_timestamp(CAST(${a} AS BIGINT) * 1000) AS TIMESTAMPTZ)`
              : `CAST(make_timestamp(CAST(${a} AS BIGINT) * 1000000) AS TIMESTAMPTZ)`;
        return { text, next: close + 1 };
      }
      case 'FORMAT_TIMESTAMP':
      case 'FORMAT_DATE':
      case 'FORMAT_DATETIME': {
        const { args, close } = this.callArgs(i);
        if (args.length > 2) this.unsupported(`${word} with a time zone`, i);
        return { text: `strftime(${this.arg(args, 1)}, ${this.arg(args, 0)})`, next: close + 1 };
      }
      case 'PARSE_TIMESTAMP':
      case 'PARSE_DATE':
      case 'PARSE_DATETIME': {
        const { args, close } = this.callArgs(i);
        if (args.length > 2) this.unsupported(`${word} with a time zone`, i);
        const type = { PARSE_TIMESTAMP: 'TIMESTAMPTZ', PARSE_DATE: 'DATE', PARSE_DATETIME: 'TIMESTAMP' }[
          word
        ];
        return {
          text: `CAST(strptime(${this.arg(args, 1)}, ${this.arg(args, 0)}) AS ${type})`,
          next: close + 1,
        };
      }
      case 'SAFE_DIVIDE': {
        const { args, close } = this.callArgs(i);
        const a = this.arg(args, 0);
        const b = this.arg(args, 1);
        return { text: `(CASE WHEN (${b}) = 0 THEN NULL ELSE (${a}) / (${b}) END)`, next: close + 1 };
      }
      case 'DIV': {
        const { args, close } = this.callArgs(i);
        return { text: `((${this.arg(args, 0)}) // (${this.arg(args, 1)}))`, next: close + 1 };
      }
      case 'GENERATE_UUID': {
        const { close } = this.callArgs(i);
        return { text: 'CAST(gen_random_uuid() AS VARCHAR)', next: close + 1 };
      }
      case 'TO_JSON_STRING': {
        const { args, close } = this.callArgs(i);
        return { text: `CAST(to_json(${this.arg(args, 0)}) AS VARCHAR)`, next: close + 1 };
      }
      case 'STRUCT': {
        const { args, close } = this.callArgs(i);
        const fields = args.map(([s, e], k) => {
          let as = -1;
          let depth = 0;
          for (let j = s; j < e; j++) {
            const tok = this.t[j]!;
            if (tok.kind === 'op' && (tok.text === '(' || tok.text === '[')) depth++;
            else if (tok.kind === 'op' && (tok.text === ')' || tok.text === ']')) depth--;
            else if (depth === 0 && upper(tok) === 'AS') as = j;
          }
          if (as >= 0) {
            const nameTok = this.t[this.next(as)]!;
            return `${quoteIdent(nameTok.value)} := ${this.emit(s, as).trim()}`;
          }
          const lastIdx = this.prev(e);
          const lastTok = this.t[lastIdx];
          const name = isWord(lastTok) ? lastTok!.value : `_field_${k + 1}`;
          return `${quoteIdent(name)} := ${this.emit(s, e).trim()}`;
        });
        return { text: `struct_pack(${fields.join(', ')})`, next: close + 1 };
      }
      default:
        return undefined;
    }
  }

  fromUnnest(i: number): { text: string; next: number } {
    const { args, close } = this.callArgs(i);
    const expr = this.emitArgs(args).trim();
    let last = close;
    let k = this.next(close);
    if (upper(this.t[k]) === 'AS') k = this.next(k);
    let alias = 'f0_';
    if (isWord(this.t[k]) && !UNNEST_FOLLOWERS.has(upper(this.t[k]))) {
      alias = this.t[k]!.value;
      last = k;
      k = this.next(k);
    }
    let offset = '';
    if (upper(this.t[k]) === 'WITH' && upper(this.t[this.next(k)]) === 'OFFSET') {
      k = this.next(this.next(k));
      last = k - 1;
      if (upper(this.t[k]) === 'AS') k = this.next(k);
      if (isWord(this.t[k]) && !UNNEST_FOLLOWERS.has(upper(this.t[k]))) {
        offset = `, UNNEST(range(len(${expr}))) AS ${quoteIdent(this.t[k]!.value)}`;
        last = k;
      } else {
        offset = `, UNNEST(range(len(${expr}))) AS "offset"`;
        last = this.prev(k);
      }
    }
    return {
      text: `(SELECT UNNEST(${expr}) AS ${quoteIdent(alias)}${offset}) AS ${quoteIdent(alias)}`,
      next: last + 1,
    };
  }

  interval(i: number, end: number): { text: string; next: number } {
    let j = this.next(i);
    const start = j;
    let depth = 0;
    while (j < end) {
      const tok = this.t[j]!;
      if (tok.kind === 'op' && tok.text === '(') depth++;
      else if (tok.kind === 'op' && tok.text === ')') depth--;
      if (depth === 0 && tok.kind === 'ident' && INTERVAL_UNITS.has(tok.text.toUpperCase()) && j > start)
        break;
      j++;
    }
    if (j >= end) this.fail('Syntax error: INTERVAL without a date part', i);
    const unit = this.t[j]!.text.toUpperCase();
    if (upper(this.t[this.next(j)]) === 'TO') this.unsupported(`INTERVAL ... ${unit} TO ...`, i);
    const single =
      this.next(start - 1) === this.prev(j) && ['number', 'string'].includes(this.t[start]!.kind);
    const expr = this.emit(start, j).trim();
    return { text: single ? `INTERVAL ${expr} ${unit}` : `INTERVAL (${expr}) ${unit}`, next: j + 1 };
  }

  tableName(i: number, role: TableRole): { text: string; next: number } {
    const { parts, next } = this.readPath(i, true);
    if (parts.length === 1 && this.cteNames.has(parts[0]!.toLowerCase())) {
      return { text: this.t[i]!.kind === 'quoted' ? quoteIdent(parts[0]!) : parts[0]!, next };
    }
    const ref = this.resolveTable(parts, i);
    this.tables.push({ ...ref, role });
    return { text: duckTableName(ref), next };
  }

  /** Parses a GoogleSQL type at `i`. */
  parseType(i: number): ParsedType {
    const tok = this.t[i];
    if (!isWord(tok)) this.fail(`Syntax error: Expected a type but got ${tok?.text ?? 'end of input'}`, i);
    const word = tok!.value.toUpperCase();
    if (word === 'ARRAY') {
      const lt = this.next(i);
      if (!this.isOp(lt, '<')) this.fail('Syntax error: Expected "<" after ARRAY', i);
      const inner = this.parseType(this.next(lt));
      const gt = this.next(inner.next - 1);
      if (!this.isOp(gt, '>')) this.fail('Syntax error: Expected ">"', gt);
      if (inner.field.mode === 'REPEATED') this.fail('Arrays of arrays are not supported', i);
      return { duck: `${inner.duck}[]`, field: { ...inner.field, mode: 'REPEATED' }, next: gt + 1 };
    }
    if (word === 'STRUCT') {
      const lt = this.next(i);
      if (!this.isOp(lt, '<')) this.fail('Syntax error: Expected "<" after STRUCT', i);
      const fields: BigQueryField[] = [];
      const ducks: string[] = [];
      let j = this.next(lt);
      for (;;) {
        const nameTok = this.t[j];
        if (!isWord(nameTok)) this.fail('Syntax error: Expected a field name in STRUCT<...>', j);
        const inner = this.parseType(this.next(j));
        fields.push({ ...inner.field, name: nameTok!.value });
        ducks.push(`${quoteIdent(nameTok!.value)} ${inner.duck}`);
        const sep = this.next(inner.next - 1);
        if (this.isOp(sep, ',')) {
          j = this.next(sep);
          continue;
        }
        if (!this.isOp(sep, '>')) this.fail('Syntax error: Expected ">"', sep);
        return {
          duck: `STRUCT(${ducks.join(', ')})`,
          field: { name: '', type: 'RECORD', mode: 'NULLABLE', fields },
          next: sep + 1,
        };
      }
    }
    let next = i + 1;
    let params: string[] = [];
    const open = this.next(i);
    if (this.isOp(open, '(')) {
      const close = this.matching(open);
      params = this.splitArgs(open + 1, close).map(([s, e]) =>
        this.sql.slice(this.t[s]!.start, this.t[e]!.start).trim(),
      );
      next = close + 1;
    }
    const scalar = (duck: string, type: string): ParsedType => ({
      duck,
      field: { name: '', type, mode: 'NULLABLE' },
      next,
    });
    switch (word) {
      case 'INT64':
      case 'INT':
      case 'INTEGER':
      case 'BIGINT':
      case 'SMALLINT':
      case 'TINYINT':
      case 'BYTEINT':
        return scalar('BIGINT', 'INTEGER');
      case 'FLOAT64':
      case 'FLOAT':
        return scalar('DOUBLE', 'FLOAT');
      case 'NUMERIC':
      case 'DECIMAL':
        return scalar(params.length ? `DECIMAL(${params.join(',')})` : 'DECIMAL(38,9)', 'NUMERIC');
      case 'BIGNUMERIC':
      case 'BIGDECIMAL': {
        const p = params.length ? Math.min(38, Number(params[0])) : 38;
        const s = params.length > 1 ? Math.min(p, Number(params[1])) : Math.min(p, 18);
        return scalar(`DECIMAL(${p},${s})`, 'BIGNUMERIC');
      }
      case 'BOOL':
      case 'BOOLEAN':
        return scalar('BOOLEAN', 'BOOLEAN');
      case 'STRING':
        return scalar('VARCHAR', 'STRING');
      case 'BYTES':
        return scalar('BLOB', 'BYTES');
      case 'TIMESTAMP':
        return scalar('TIMESTAMPTZ', 'TIMESTAMP');
      case 'DATETIME':
        return scalar('TIMESTAMP', 'DATETIME');
      case 'DATE':
        return scalar('DATE', 'DATE');
      case 'TIME':
        return scalar('TIME', 'TIME');
      case 'JSON':
        return scalar('JSON', 'JSON');
      case 'GEOGRAPHY':
        return scalar('VARCHAR', 'GEOGRAPHY');
      case 'INTERVAL':
        return scalar('INTERVAL', 'INTERVAL');
      default:
        this.unsupported(`type ${tok!.text}`, i);
    }
  }

  /** Whole-statement translation. */
  statement(): TranslatedStatement {
    const f = this.first();
    const end = this.t.length;
    const firstTok = this.t[f];
    const word = upper(firstTok);
    const base = { source: this.sql, tables: this.tables, namedParameters: this.named };
    const done = (sql: string, statementType: StatementType, extra: Partial<TranslatedStatement> = {}) => ({
      ...base,
      sql,
      statementType,
      positionalCount: this.positional,
      ...extra,
    });
    if (word === 'SELECT' || word === 'WITH' || word === '(') return done(this.emit(0, end), 'SELECT');
    switch (word) {
      case 'INSERT': {
        const n = this.next(f);
        const body = upper(this.t[n]) === 'INTO' ? this.emit(0, end) : `INSERT INTO ${this.emit(n, end)}`;
        return done(body, 'INSERT');
      }
      case 'UPDATE':
      case 'DELETE': {
        if (!this.hasTopLevel('WHERE')) this.fail(`${word} must have a WHERE clause`, f);
        const n = this.next(f);
        const body =
          word === 'DELETE' && upper(this.t[n]) !== 'FROM'
            ? `DELETE FROM ${this.emit(n, end)}`
            : this.emit(0, end);
        return done(body, word);
      }
      case 'MERGE': {
        const n = this.next(f);
        const body = upper(this.t[n]) === 'INTO' ? this.emit(0, end) : `MERGE INTO ${this.emit(n, end)}`;
        return done(body, 'MERGE');
      }
      case 'CREATE':
        return this.create(f);
      case 'DROP': {
        const kind = upper(this.t[this.next(f)]);
        if (kind === 'TABLE') return done(this.emit(0, end), 'DROP_TABLE');
        if (kind === 'SCHEMA') return this.schemaStatement(f, 'DROP_SCHEMA');
        this.unsupported(`DROP ${kind}`, f);
        break;
      }
      case 'TRUNCATE':
        return done(this.emit(0, end), 'TRUNCATE_TABLE');
      case 'ALTER':
        return this.alter(f);
      default:
        if (SCRIPTING.has(word)) this.unsupported(`scripting statement ${word}`, f);
        this.fail(`Syntax error: Unexpected ${firstTok ? `keyword ${firstTok.text}` : 'end of script'}`, f);
    }
  }

  hasTopLevel(keyword: string): boolean {
    let depth = 0;
    for (const tok of this.t) {
      if (tok.kind === 'op' && tok.text === '(') depth++;
      else if (tok.kind === 'op' && tok.text === ')') depth--;
      else if (depth === 0 && upper(tok) === keyword) return true;
    }
    return false;
  }

  schemaStatement(f: number, type: 'CREATE_SCHEMA' | 'DROP_SCHEMA'): TranslatedStatement {
    let j = this.next(this.next(f));
    let ifExists = false;
    let ifNotExists = false;
    if (upper(this.t[j]) === 'IF') {
      j = this.next(j);
      if (upper(this.t[j]) === 'NOT') {
        ifNotExists = true;
        j = this.next(j);
      } else ifExists = true;
      j = this.next(j);
    }
    if (!isWord(this.t[j])) this.fail('Syntax error: Expected a dataset name', j);
    const { parts, next } = this.readPath(j, true);
    if (parts.length > 2) this.fail(`Invalid dataset name: ${parts.join('.')}`, j);
    const projectId = parts.length === 2 ? parts[0]! : this.options.projectId;
    const datasetId = parts[parts.length - 1]!;
    const cascade = upper(this.t[this.next(next - 1)]) === 'CASCADE';
    const name = duckSchemaName(projectId, datasetId);
    const sql =
      type === 'CREATE_SCHEMA'
        ? `CREATE SCHEMA ${ifNotExists ? 'IF NOT EXISTS ' : ''}${name}`
        : `DROP SCHEMA ${ifExists ? 'IF EXISTS ' : ''}${name}${cascade ? ' CASCADE' : ''}`;
    return {
      sql,
      source: this.sql,
      statementType: type,
      tables: [],
      namedParameters: [],
      positionalCount: 0,
      schema: { projectId, datasetId, ifExists, ifNotExists, cascade },
    };
  }

  alter(f: number): TranslatedStatement {
    const end = this.t.length;
    if (upper(this.t[this.next(f)]) !== 'TABLE') this.unsupported(`ALTER ${upper(this.t[this.next(f)])}`, f);
    let out = '';
    let i = 0;
    let sawAction = false;
    while (i < end) {
      const tok = this.t[i]!;
      const w = upper(tok);
      if (w === 'ADD' && upper(this.t[this.next(i)]) === 'COLUMN') {
        sawAction = true;
        let j = this.next(this.next(i));
        let prefix = 'ADD COLUMN ';
        if (upper(this.t[j]) === 'IF') {
          j = this.next(this.next(this.next(j)));
          prefix += 'IF NOT EXISTS ';
        }
        const nameTok = this.t[j]!;
        const type = this.parseType(this.next(j));
        out += `${prefix}${quoteIdent(nameTok.value)} ${type.duck}`;
        i = type.next;
        continue;
      }
      if (w === 'DROP' && upper(this.t[this.next(i)]) === 'COLUMN') sawAction = true;
      if (w === 'SET' || w === 'RENAME' || (w === 'ALTER' && i !== f))
        this.unsupported(`ALTER TABLE ... ${w}`, i);
      const r = tok.kind === 'ident' || tok.kind === 'quoted' ? this.word(i, end) : undefined;
      if (r) {
        out += r.text;
        i = r.next;
      } else {
        out += this.emit(i, i + 1);
        i++;
      }
    }
    if (!sawAction) this.unsupported('ALTER TABLE without ADD COLUMN / DROP COLUMN', f);
    return {
      sql: out,
      source: this.sql,
      statementType: 'ALTER_TABLE',
      tables: this.tables,
      namedParameters: this.named,
      positionalCount: this.positional,
    };
  }

  create(f: number): TranslatedStatement {
    let j = this.next(f);
    let orReplace = false;
    if (upper(this.t[j]) === 'OR') {
      j = this.next(this.next(j));
      orReplace = true;
    }
    const kind = upper(this.t[j]);
    if (kind === 'TEMP' || kind === 'TEMPORARY') this.unsupported('CREATE TEMP TABLE', j);
    if (kind === 'SCHEMA') return this.schemaStatement(f, 'CREATE_SCHEMA');
    if (kind !== 'TABLE') this.unsupported(`CREATE ${kind}`, j);
    j = this.next(j);
    let ifNotExists = false;
    if (upper(this.t[j]) === 'IF') {
      ifNotExists = true;
      j = this.next(this.next(this.next(j)));
    }
    const nameText = this.word(j, this.t.length);
    j = this.next(nameText.next - 1);
    const info: CreateTableInfo = { orReplace, ifNotExists, options: {} };
    let columnsSql: string | undefined;
    if (this.isOp(j, '(')) {
      const close = this.matching(j);
      const { sql, fields } = this.columns(j + 1, close);
      columnsSql = sql;
      info.columns = fields;
      j = this.next(close);
    }
    let asQuery: string | undefined;
    while (j < this.t.length) {
      const w = upper(this.t[j]);
      if (w === 'PARTITION' && upper(this.t[this.next(j)]) === 'BY') {
        const startExpr = this.next(this.next(j));
        let k = startExpr;
        while (k < this.t.length && !['CLUSTER', 'OPTIONS', 'AS'].includes(upper(this.t[k]))) {
          if (this.isOp(k, '(')) k = this.matching(k);
          k = this.next(k);
        }
        this.partition(startExpr, k, info);
        j = k;
      } else if (w === 'CLUSTER' && upper(this.t[this.next(j)]) === 'BY') {
        let k = this.next(this.next(j));
        const fields: string[] = [];
        while (k < this.t.length && isWord(this.t[k]) && !['OPTIONS', 'AS'].includes(upper(this.t[k]))) {
          fields.push(this.t[k]!.value);
          k = this.next(k);
          if (this.isOp(k, ',')) k = this.next(k);
        }
        info.clustering = { fields };
        j = k;
      } else if (w === 'OPTIONS' && this.isOp(this.next(j), '(')) {
        const open = this.next(j);
        const close = this.matching(open);
        info.options = this.optionList(open + 1, close);
        j = this.next(close);
      } else if (w === 'DEFAULT' && upper(this.t[this.next(j)]) === 'COLLATE') {
        j = this.next(this.next(this.next(j)));
      } else if (w === 'AS') {
        asQuery = this.emit(this.next(j), this.t.length).trim();
        j = this.t.length;
      } else if (w === 'LIKE' || w === 'COPY' || w === 'CLONE') {
        this.unsupported(`CREATE TABLE ... ${w}`, j);
      } else if (this.isOp(j, ';')) {
        j = this.next(j);
      } else {
        this.fail(`Syntax error: Unexpected ${this.t[j]!.text}`, j);
      }
    }
    if (columnsSql === undefined && asQuery === undefined) {
      this.fail('Syntax error: CREATE TABLE needs a column list or AS query', f);
    }
    const head = `CREATE ${orReplace ? 'OR REPLACE ' : ''}TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${nameText.text}`;
    const sql =
      asQuery !== undefined
        ? `${head}${columnsSql ? ` (${columnsSql})` : ''} AS ${asQuery}`
        : `${head} (${columnsSql})`;
    return {
      sql:
        columnsSql && asQuery !== undefined
          ? this.fail('Column list with AS query is not supported', f)
          : sql,
      source: this.sql,
      statementType: asQuery !== undefined ? 'CREATE_TABLE_AS_SELECT' : 'CREATE_TABLE',
      tables: this.tables,
      namedParameters: this.named,
      positionalCount: this.positional,
      create: info,
    };
  }

  columns(start: number, end: number): { sql: string; fields: BigQueryField[] } {
    const fields: BigQueryField[] = [];
    const parts: string[] = [];
    for (const [s, e] of this.splitArgs(start, end)) {
      const nameIdx = this.next(s - 1);
      const nameTok = this.t[nameIdx]!;
      const w = upper(nameTok);
      if (w === 'PRIMARY' || w === 'FOREIGN' || w === 'CONSTRAINT') continue;
      const type = this.parseType(this.next(nameIdx));
      const field: BigQueryField = { ...type.field, name: nameTok.value };
      let sql = `${quoteIdent(nameTok.value)} ${type.duck}`;
      let k = this.next(type.next - 1);
      while (k < e) {
        const kw = upper(this.t[k]);
        if (kw === 'NOT' && upper(this.t[this.next(k)]) === 'NULL') {
          if (field.mode === 'REPEATED') this.fail('NOT NULL cannot be applied to ARRAY columns', k);
          field.mode = 'REQUIRED';
          sql += ' NOT NULL';
          k = this.next(this.next(k));
        } else if (kw === 'OPTIONS' && this.isOp(this.next(k), '(')) {
          const close = this.matching(this.next(k));
          const opts = this.optionList(this.next(k) + 1, close);
          if (typeof opts.description === 'string') field.description = opts.description;
          k = this.next(close);
        } else if (kw === 'DEFAULT') {
          let m = this.next(k);
          const from = m;
          while (m < e && upper(this.t[m]) !== 'OPTIONS' && upper(this.t[m]) !== 'NOT') {
            if (this.isOp(m, '(')) m = this.matching(m);
            m = this.next(m);
          }
          sql += ` DEFAULT ${this.emit(from, m).trim()}`;
          k = m;
        } else if (kw === 'PRIMARY') {
          k = e;
        } else {
          this.fail(`Syntax error: Unexpected ${this.t[k]!.text}`, k);
        }
      }
      fields.push(field);
      parts.push(sql);
    }
    return { sql: parts.join(', '), fields };
  }

  optionList(start: number, end: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [s, e] of this.splitArgs(start, end)) {
      const nameIdx = this.next(s - 1);
      const eq = this.next(nameIdx);
      if (!this.isOp(eq, '=')) this.fail('Syntax error: Expected "=" in OPTIONS', eq);
      const valueIdx = this.next(eq);
      const tok = this.t[valueIdx]!;
      const single = this.next(valueIdx) >= e;
      let value: unknown;
      if (single && tok.kind === 'string') value = tok.value;
      else if (single && tok.kind === 'number') value = Number(tok.text);
      else if (single && (upper(tok) === 'TRUE' || upper(tok) === 'FALSE')) value = upper(tok) === 'TRUE';
      else if (single && upper(tok) === 'NULL') value = null;
      else value = this.sql.slice(tok.start, this.t[e]?.start ?? this.sql.length).trim();
      out[this.t[nameIdx]!.value.toLowerCase()] = value;
    }
    return out;
  }

  partition(start: number, end: number, info: CreateTableInfo): void {
    info.partitionExpression = this.sql
      .slice(this.t[start]!.start, this.t[end]?.start ?? this.sql.length)
      .trim();
    const sig: SqlToken[] = [];
    for (let k = start; k < end; k = this.next(k)) sig.push(this.t[k]!);
    const words = sig.map((s) => upper(s));
    const fieldOf = (tok: SqlToken | undefined) => {
      const name = tok?.value ?? '';
      return name.toUpperCase().startsWith('_PARTITION') ? undefined : name;
    };
    if (sig.length === 1) {
      info.timePartitioning = { type: 'DAY', ...(fieldOf(sig[0]) ? { field: fieldOf(sig[0])! } : {}) };
    } else if (words[0] === 'DATE' && sig.length === 4) {
      const field = fieldOf(sig[2]);
      info.timePartitioning = { type: 'DAY', ...(field ? { field } : {}) };
    } else if (['TIMESTAMP_TRUNC', 'DATE_TRUNC', 'DATETIME_TRUNC'].includes(words[0]!) && sig.length === 6) {
      const field = fieldOf(sig[2]);
      info.timePartitioning = { type: upper(sig[4]), ...(field ? { field } : {}) };
    } else if (words[0] === 'RANGE_BUCKET') {
      const nums = sig.filter((s) => s.kind === 'number').map((s) => s.text);
      if (nums.length === 3) {
        info.rangePartitioning = {
          field: sig[2]!.value,
          range: { start: nums[0]!, end: nums[1]!, interval: nums[2]! },
        };
      }
    }
  }
}

/**
 * Translates GoogleSQL text (one statement, or several separated by `;`) to DuckDB SQL. Throws
 * {@link SqlTranslationError} for what it refuses and for lexical errors.
 *
 * @example
 * ```ts
 * const [stmt] = translateSql(
 *   "SELECT name FROM `p.ds.users` WHERE id IN UNNEST(@ids) AND note != 'mail@x'",
 *   { projectId: 'p' },
 * );
 * stmt?.sql; // `SELECT name FROM "p.ds"."users" WHERE id IN (SELECT UNNEST($ids)) AND note != 'mail@x'`
 * ```
 */
export function translateSql(sql: string, options: TranslateOptions): TranslatedStatement[] {
  let tokens: SqlToken[];
  try {
    tokens = tokenizeSql(sql);
  } catch (err) {
    if (err instanceof SqlSyntaxError) {
      throw new SqlTranslationError(`Syntax error: ${err.message} at [${sqlPosition(sql, err.offset)}]`);
    }
    throw err;
  }
  const statements: SqlToken[][] = [[]];
  for (const tok of tokens) {
    if (tok.kind === 'op' && tok.text === ';') statements.push([]);
    else statements[statements.length - 1]!.push(tok);
  }
  const out: TranslatedStatement[] = [];
  for (const stmtTokens of statements) {
    if (!stmtTokens.some((t) => t.kind !== 'ws' && t.kind !== 'comment')) continue;
    const startOffset = stmtTokens[0]!.start;
    const endTok = stmtTokens[stmtTokens.length - 1]!;
    const text = sql.slice(startOffset, endTok.start + endTok.text.length);
    const rebased = stmtTokens.map((t) => ({ ...t, start: t.start - startOffset }));
    const translated = new StatementTranslator(rebased, text, options).statement();
    out.push({ ...translated, sql: translated.sql.trim() });
  }
  if (out.length === 0) throw new SqlTranslationError('Syntax error: Unexpected end of script at [1:1]');
  return out;
}
