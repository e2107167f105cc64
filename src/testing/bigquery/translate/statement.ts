/**
 * The translator of one statement: emits DuckDB SQL token by token, resolving table names,
 * collecting parameters and handing function calls to `rewriteCall` and DDL to ./ddl.ts.
 * @module
 */
import type { SqlToken } from '../tokenize-sql.js';
import { hasTypeParameters } from '../type-parameters.js';
import { isWord, TokenCursor, type TokenRange, upper } from './cursor.js';
import { createStatement, schemaStatement } from './ddl.js';
import { alterStatement } from './ddl-alter.js';
import { dropView, searchIndex } from './ddl-views.js';
import { duckBytes, duckString, duckTableName, quoteIdent } from './duck-text.js';
import { SqlTranslationError } from './error.js';
import { scanOperators } from './expression-scan.js';
import { CURRENT_FUNCTIONS, rewriteCall } from './functions/index.js';
import { CALLABLE_KEYWORDS, DUCKDB_ONLY_RESERVED, INTERVAL_PARTS, RESERVED_KEYWORDS } from './keywords.js';
import { numberLiteral } from './literals.js';
import { multipleMatchCheck } from './match-check.js';
import { metadataReference } from './metadata-names.js';
import { OperatorRewrites, type Wrapper } from './operators.js';
import { ParameterCollector } from './parameters.js';
import { duckScalarType, parseType } from './parse-type.js';
import { isExcludeNulls, pivotClause, type UnpivotWrap, unpivotWraps } from './pivot.js';
import { scanTables } from './scan-tables.js';
import { selectList } from './select-list.js';
import { orderedSetOperation, requireSetQuantifier } from './set-operations.js';
import type {
  MetadataReference,
  StatementType,
  TableReference,
  TableRole,
  TranslatedStatement,
  TranslateOptions,
} from './types.js';

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

/** Words that end a `FROM UNNEST(…)` item, so they are not taken as its alias. */
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

/** Words after which `TABLE` is the keyword of a statement, not a name. */
const TABLE_KEYWORD_AFTER = new Set([
  'CREATE',
  'DROP',
  'ALTER',
  'TRUNCATE',
  'REPLACE',
  'TEMP',
  'TEMPORARY',
  'SNAPSHOT',
  'EXTERNAL',
]);

/** Words followed by `(` that are not function calls. */
const NOT_CALLS = new Set(['VALUES', 'INSERT', 'PIVOT', 'UNPIVOT', 'SYSTEM', 'OPTIONS', 'SETS', 'AS']);

/** Callable keywords DuckDB spells the same way: `ARRAY(subquery)`, `EXISTS(subquery)`, `UNNEST(…)`. */
const KEYWORD_CONSTRUCTS = new Set(['ARRAY', 'EXISTS', 'UNNEST']);

/** Keywords followed by a string literal that make a typed literal (`DATE '2024-01-01'`). */
const TYPED_LITERALS = new Set(['TIMESTAMP', 'DATETIME', 'DATE', 'JSON', 'NUMERIC', 'BIGNUMERIC', 'TIME']);

type Emitted = { text: string; next: number };

/** A comment (`-- x`, `# x`, `/* x *\/`) as a block comment DuckDB reads the same wherever it lands. */
function blockComment(text: string): string {
  if (text.startsWith('/*')) return text;
  return `/*${text.slice(text.startsWith('#') ? 1 : 2).replace(/\*\//g, '* /')} */`;
}

/**
 * Translates one statement's tokens (rebased to the statement's own text).
 *
 * @internal
 */
export class StatementTranslator extends TokenCursor {
  readonly options: TranslateOptions;
  private readonly tableStarts: Map<number, TableRole>;
  private readonly cteNames: Set<string>;
  private readonly params = new ParameterCollector();
  private readonly operators: OperatorRewrites;
  private readonly unpivots: Map<number, UnpivotWrap>;
  readonly tables: TableReference[] = [];
  readonly metadata: MetadataReference[] = [];
  /** An INSERT, UPDATE or MERGE: values are stored into columns. */
  readonly dml: boolean;

  constructor(tokens: SqlToken[], sql: string, options: TranslateOptions) {
    super(tokens, sql);
    this.options = options;
    this.dml = ['INSERT', 'UPDATE', 'MERGE'].includes(upper(tokens[this.first()]));
    const { tableStarts, cteNames } = scanTables(tokens);
    this.tableStarts = tableStarts;
    this.cteNames = cteNames;
    const spans = scanOperators(this, 0, tokens.length, (i) =>
      this.tableStarts.has(i) && upper(tokens[i]) !== 'UNNEST' ? this.readPath(i, true).next - 1 : undefined,
    );
    this.operators = new OperatorRewrites(this, spans);
    this.unpivots = unpivotWraps(this);
  }

  /** The statement's result, with the tables and parameters collected so far. */
  result(
    sql: string,
    statementType: StatementType,
    extra: Partial<TranslatedStatement> = {},
  ): TranslatedStatement {
    return {
      source: this.sql,
      tables: this.tables,
      namedParameters: this.params.names,
      sql,
      statementType,
      positionalCount: this.params.count,
      ...(this.metadata.length ? { metadata: this.metadata } : {}),
      ...extra,
    };
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
      // Project ids may contain hyphens (`my-project.d.t`), which tokenize as minus signs.
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
    const open = new Set<Wrapper>();
    const unpivotCloses: number[] = [];
    while (i < end) {
      const tok = this.t[i]!;
      const unpivot = this.unpivots.get(i);
      if (unpivot) {
        out += unpivot.prefix;
        unpivotCloses.push(unpivot.close);
      }
      for (const w of this.operators.startingAt(i)) {
        out += w.prefix;
        open.add(w);
      }
      let chunk: Emitted;
      switch (tok.kind) {
        case 'ws':
          chunk = { text: tok.text, next: i + 1 };
          break;
        case 'number':
          chunk = { text: numberLiteral(this, i), next: i + 1 };
          break;
        case 'comment':
          // As a block comment: a line comment would swallow what follows once whitespace is trimmed.
          chunk = { text: blockComment(tok.text), next: i + 1 };
          break;
        case 'string':
          // DuckDB reads `FROM 'file.csv'` as a file: GoogleSQL has no such table.
          if (['FROM', 'JOIN'].includes(upper(this.t[this.prev(i)]))) {
            this.unsupported('a table named by a string literal', i);
          }
          chunk = { text: duckString(tok.value), next: i + 1 };
          break;
        case 'bytes':
          chunk = { text: duckBytes(tok.value), next: i + 1 };
          break;
        case 'param':
          chunk = { text: this.params.named(tok.value), next: i + 1 };
          break;
        case 'positional':
          chunk = { text: this.params.positional(), next: i + 1 };
          break;
        case 'sysvar':
          this.unsupported(`system variable @@${tok.value}`, i);
          break;
        case 'op': {
          if (tok.text === '*' && this.upperNext(i) === 'EXCEPT' && this.isOp(this.next(this.next(i)), '(')) {
            chunk = { text: '* EXCLUDE', next: this.next(i) + 1 };
            break;
          }
          const infix = this.operators.infix(i);
          chunk = infix ?? { text: tok.text, next: i + 1 };
          break;
        }
        default:
          chunk = upper(tok) === 'SELECT' ? selectList(this, i, end) : this.word(i, end);
      }
      out += chunk.text;
      out += this.operators.closing(i, chunk.next, open);
      while (unpivotCloses.length && unpivotCloses[unpivotCloses.length - 1]! < chunk.next) {
        unpivotCloses.pop();
        out += ')';
      }
      i = chunk.next;
    }
    return out;
  }

  /** An identifier, keyword, function call or path at `i`. */
  word(i: number, end: number): Emitted {
    const tok = this.t[i]!;
    const role = this.tableStarts.get(i);
    const word = tok.kind === 'ident' ? tok.text.toUpperCase() : '';
    const nextIdx = this.next(i);
    const callsNext = this.isOp(nextIdx, '(') && nextIdx < end;
    if (role !== undefined && word === 'UNNEST' && callsNext) return this.fromUnnest(i);
    if (role !== undefined) return this.tableName(i, role);
    if (tok.kind === 'quoted' || this.isOp(i + 1, '.')) {
      const { parts, next } = this.readPath(i, false);
      if (this.isOp(this.next(next - 1), '(')) {
        if (parts.length === 2 && parts[0]!.toUpperCase() === 'SAFE') {
          return rewriteCall(this, this.next(this.next(i)), parts[1]!.toUpperCase(), true);
        }
        this.unsupported(`function ${parts.join('.')}`, i);
      }
      let text = '';
      for (let k = i; k < next; k++) {
        const part = this.t[k]!;
        text += part.kind === 'quoted' ? part.value.split('.').map(quoteIdent).join('.') : part.text;
      }
      return { text, next };
    }
    requireSetQuantifier(this, i);
    if (word === 'PIVOT' && callsNext) return pivotClause(this, i);
    if (isExcludeNulls(this, i)) return { text: '', next: this.next(nextIdx) };
    if (callsNext && this.isFunctionCall(i, word)) return rewriteCall(this, i, word, false);
    const nextTok = this.t[nextIdx];
    if (TYPED_LITERALS.has(word) && nextTok?.kind === 'string') {
      // TIMESTAMP literals follow GoogleSQL's parsing (zones, extra fractional digits) in the library.
      if (word === 'TIMESTAMP') {
        return { text: `bq_timestamp(${duckString(nextTok.value)})`, next: nextIdx + 1 };
      }
      // JSON literals are stored in BigQuery's canonical form (keys sorted, numbers normalized).
      if (word === 'JSON') return { text: `bq_parse_json(${duckString(nextTok.value)})`, next: nextIdx + 1 };
      // The stand-in's BIGNUMERIC has 18 fractional digits (BigQuery's 38): refuse what it would round.
      if (word === 'BIGNUMERIC' && /\.\d{19,}/.test(nextTok.value.replace(/0+(?=$|[eE])/, ''))) {
        this.unsupported('BIGNUMERIC literal with more than 18 fractional digits', i);
      }
      return { text: `CAST(${duckString(nextTok.value)} AS ${duckScalarType(word)})`, next: nextIdx + 1 };
    }
    const current = CURRENT_FUNCTIONS[word];
    if (current !== undefined) return { text: current, next: i + 1 };
    // `offset` is a column name (WITH OFFSET) unless it continues LIMIT (`LIMIT 10 OFFSET 5`).
    if (word === 'OFFSET' && !['number', 'param', 'positional'].includes(nextTok?.kind ?? '')) {
      return { text: quoteIdent('offset'), next: i + 1 };
    }
    switch (word) {
      case 'IN':
        if (upper(nextTok) === 'UNNEST' && this.isOp(this.next(nextIdx), '(')) {
          const { args, close } = this.callArgs(nextIdx);
          return { text: `IN (SELECT UNNEST(${this.emitArgs(args)}))`, next: close + 1 };
        }
        break;
      case 'INTERVAL':
        return this.interval(i, end);
      case 'ARRAY':
        if (this.isOp(nextIdx, '<')) {
          const type = parseType(this, i);
          if (hasTypeParameters(type.field))
            this.unsupported('typed ARRAY literal of a parameterized type', i);
          const open = this.next(type.next - 1);
          if (!this.isOp(open, '[')) this.unsupported('typed ARRAY without a [...] literal', i);
          const close = this.matching(open);
          return { text: `CAST([${this.emit(open + 1, close)}] AS ${type.duck})`, next: close + 1 };
        }
        break;
      case 'STRUCT':
        if (this.isOp(nextIdx, '<')) this.unsupported('typed STRUCT<...>(...) constructor', i);
        break;
    }
    const before = upper(this.t[this.prev(i)]);
    // MERGE … WHEN NOT MATCHED THEN INSERT ROW: the source row's columns, by position.
    if (word === 'ROW' && before === 'INSERT' && upper(this.t[this.first()]) === 'MERGE') {
      return { text: 'BY POSITION', next: i + 1 };
    }
    const keywordUse =
      (word === 'TABLE' && TABLE_KEYWORD_AFTER.has(before)) || (word === 'ROW' && before === 'CURRENT');
    if (DUCKDB_ONLY_RESERVED.has(word) && !keywordUse) {
      return { text: quoteIdent(tok.text), next: i + 1 };
    }
    return { text: tok.text, next: i + 1 };
  }

  /** Whether the identifier `word` at `i`, followed by `(`, is a function call (not `VALUES (`, `ARRAY(subquery)`, …). */
  private isFunctionCall(i: number, word: string): boolean {
    if (NOT_CALLS.has(word)) return false;
    if (word === 'REPLACE' && this.isOp(this.prev(i), '*')) return false;
    if (RESERVED_KEYWORDS.has(word)) return CALLABLE_KEYWORDS.has(word) && !KEYWORD_CONSTRUCTS.has(word);
    return true;
  }

  emitArgs(args: TokenRange[]): string {
    return args.map(([s, e]) => this.emit(s, e)).join(',');
  }

  arg(args: TokenRange[], k: number): string {
    const a = args[k];
    return a ? this.emit(a[0], a[1]).trim() : '';
  }

  /** The date part argument `k` of `fn` (`DAY`, `ISOWEEK`, …) as DuckDB names it. */
  unitOf(args: TokenRange[], k: number, fn: string, at: number): string {
    const a = args[k];
    const idx = a ? this.next(a[0] - 1) : -1;
    const tok = this.t[idx];
    if (!a || tok?.kind !== 'ident') this.fail(`${fn} expects a date part`, at);
    if (this.isOp(this.next(idx), '(')) this.unsupported(`${tok.text}(...) date part in ${fn}`, idx);
    const unit = tok.text.toUpperCase();
    return unit === 'ISOWEEK' ? 'week' : unit === 'ISOYEAR' ? 'isoyear' : unit.toLowerCase();
  }

  /** `FROM UNNEST(e) [AS] a [WITH OFFSET [AS] o]` as a subquery DuckDB accepts. */
  fromUnnest(i: number): Emitted {
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
    if (upper(this.t[k]) === 'WITH' && this.upperNext(k) === 'OFFSET') {
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
      // max_depth 2 unnests the array and, when its elements are STRUCTs, their fields into columns as
      // GoogleSQL exposes them; the alias still names the whole element (a scalar, or the row).
      text: `(SELECT UNNEST(${expr}, max_depth := 2) AS ${quoteIdent(alias)}${offset}) AS ${quoteIdent(alias)}`,
      next: last + 1,
    };
  }

  interval(i: number, end: number): Emitted {
    let j = this.next(i);
    const start = j;
    let depth = 0;
    while (j < end) {
      const tok = this.t[j]!;
      if (tok.kind === 'op' && tok.text === '(') depth++;
      else if (tok.kind === 'op' && tok.text === ')') depth--;
      if (depth === 0 && tok.kind === 'ident' && INTERVAL_PARTS.has(tok.text.toUpperCase()) && j > start)
        break;
      j++;
    }
    if (j >= end) this.fail('Syntax error: INTERVAL without a date part', i);
    const unit = this.t[j]!.text.toUpperCase();
    if (this.upperNext(j) === 'TO') this.unsupported(`INTERVAL ... ${unit} TO ...`, i);
    const single =
      this.next(start - 1) === this.prev(j) && ['number', 'string'].includes(this.t[start]!.kind);
    const expr = this.emit(start, j).trim();
    return { text: single ? `INTERVAL ${expr} ${unit}` : `INTERVAL (${expr}) ${unit}`, next: j + 1 };
  }

  tableName(i: number, role: TableRole): Emitted {
    const { parts, next } = this.readPath(i, true);
    if (parts.length === 1 && this.cteNames.has(parts[0]!.toLowerCase())) {
      return { text: quoteIdent(parts[0]!), next };
    }
    const meta = metadataReference(parts, this.options);
    if (meta) {
      if (role !== 'read') this.fail(`${parts.join('.')} is read-only`, i);
      this.metadata.push(meta);
      return { text: meta.duckName, next };
    }
    const ref = this.resolveTable(parts, i);
    this.tables.push({ ...ref, role });
    return { text: duckTableName(ref), next };
  }

  /** Whole-statement translation. */
  statement(): TranslatedStatement {
    const f = this.first();
    const end = this.t.length;
    const firstTok = this.t[f];
    const word = upper(firstTok);
    if (word === 'SELECT' || word === 'WITH' || word === '(') {
      const ordered = orderedSetOperation(this);
      if (ordered) {
        const { bodyStart, orderAt } = ordered;
        const body = `SELECT * FROM (${this.emit(bodyStart, orderAt).trim()}) `;
        return this.result(`${this.emit(0, bodyStart)}${body}${this.emit(orderAt, end)}`, 'SELECT');
      }
      return this.result(this.emit(0, end), 'SELECT');
    }
    switch (word) {
      case 'INSERT':
        return this.result(this.withKeyword(f, 'INTO'), word);
      case 'MERGE':
        return this.withMatchCheck(this.result(this.withKeyword(f, 'INTO'), word), f);
      case 'UPDATE':
        if (!this.hasTopLevel('WHERE')) this.fail(`${word} must have a WHERE clause`, f);
        return this.withMatchCheck(this.result(this.emit(0, end), word), f);
      case 'DELETE':
        if (!this.hasTopLevel('WHERE')) this.fail(`${word} must have a WHERE clause`, f);
        return this.result(this.withKeyword(f, 'FROM'), word);
      case 'CREATE':
        return createStatement(this, f);
      case 'DROP': {
        const kind = this.upperNext(f);
        if (kind === 'TABLE') return this.result(this.emit(0, end), 'DROP_TABLE');
        if (kind === 'SCHEMA') return schemaStatement(this, f, 'DROP_SCHEMA');
        if (kind === 'VIEW' || kind === 'MATERIALIZED') return dropView(this, f);
        if (kind === 'SEARCH') return searchIndex(this, f, 'DROP');
        this.unsupported(`DROP ${kind}`, f);
        break;
      }
      case 'TRUNCATE':
        return this.result(this.emit(0, end), 'TRUNCATE_TABLE');
      case 'ALTER':
        return alterStatement(this, f);
      default:
        if (SCRIPTING.has(word)) this.unsupported(`scripting statement ${word}`, f);
        this.fail(`Syntax error: Unexpected ${firstTok ? `keyword ${firstTok.text}` : 'end of script'}`, f);
    }
  }

  /** `INSERT t` → `INSERT INTO t`, `DELETE t` → `DELETE FROM t`: GoogleSQL lets the keyword after `f` be left out. */
  private withKeyword(f: number, keyword: 'INTO' | 'FROM'): string {
    const n = this.next(f);
    return this.upperNext(f) === keyword
      ? this.emit(0, this.t.length)
      : `${upper(this.t[f])} ${keyword} ${this.emit(n, this.t.length)}`;
  }

  /**
   * Adds the multiple-match check to an UPDATE or MERGE. Skipped with `?` placeholders, whose
   * numbering the check's own emission would shift.
   */
  private withMatchCheck(stmt: TranslatedStatement, f: number): TranslatedStatement {
    if (this.params.count > 0) return stmt;
    const check = multipleMatchCheck(this, f);
    return check ? { ...stmt, multipleMatchCheck: check } : stmt;
  }

  private hasTopLevel(keyword: string): boolean {
    let depth = 0;
    for (const tok of this.t) {
      if (tok.kind === 'op' && tok.text === '(') depth++;
      else if (tok.kind === 'op' && tok.text === ')') depth--;
      else if (depth === 0 && upper(tok) === keyword) return true;
    }
    return false;
  }
}
