/**
 * Finds where a statement names tables, and how it uses each (read, insert, modify, create, drop,
 * alter), plus the CTE names that must not be resolved as tables. One pass over the significant tokens.
 * @module
 */
import type { SqlToken } from '../tokenize-sql.js';
import { isWord, upper } from './cursor.js';
import type { TableRole } from './types.js';

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

/**
 * Table positions (token index → role) and CTE names (lower case) of one statement's tokens.
 *
 * @internal
 */
export function scanTables(t: SqlToken[]): { tableStarts: Map<number, TableRole>; cteNames: Set<string> } {
  const tableStarts = new Map<number, TableRole>();
  const cteNames = new Set<string>();
  const isOp = (i: number, text: string): boolean => {
    const tok = t[i];
    return tok?.kind === 'op' && tok.text === text;
  };
  const sig: number[] = [];
  for (let i = 0; i < t.length; i++) {
    const k = t[i]!.kind;
    if (k !== 'ws' && k !== 'comment') sig.push(i);
  }
  const firstWord = upper(t[sig[0] ?? -1]);
  const parenOwners: string[] = [];
  const fromList: boolean[] = [false];
  const mark = (pos: number, role: TableRole) => {
    const idx = sig[pos];
    if (idx !== undefined && isWord(t[idx])) tableStarts.set(idx, role);
  };
  const skipIfExists = (pos: number): number => {
    let p = pos;
    if (upper(t[sig[p] ?? -1]) === 'IF') {
      p++;
      if (upper(t[sig[p] ?? -1]) === 'NOT') p++;
      if (upper(t[sig[p] ?? -1]) === 'EXISTS') p++;
    }
    return p;
  };
  for (let k = 0; k < sig.length; k++) {
    const idx = sig[k]!;
    const tok = t[idx]!;
    const word = upper(tok);
    const depth = parenOwners.length;
    if (tok.kind === 'op' && tok.text === '(') {
      parenOwners.push(upper(t[sig[k - 1] ?? -1]));
      fromList.push(false);
      continue;
    }
    if (tok.kind === 'op' && tok.text === ')') {
      parenOwners.pop();
      fromList.pop();
      continue;
    }
    if (isWord(tok) && upper(t[sig[k + 1] ?? -1]) === 'AS' && isOp(sig[k + 2] ?? -1, '(')) {
      const prevWord = upper(t[sig[k - 1] ?? -1]);
      if (prevWord === 'WITH' || prevWord === ',' || prevWord === 'RECURSIVE') {
        cteNames.add(tok.value.toLowerCase());
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
        const prevWord = upper(t[sig[k - 1] ?? -1]);
        // `a IS [NOT] DISTINCT FROM b` is an operator.
        if (prevWord === 'DISTINCT' && upper(t[sig[k - 2] ?? -1]) !== 'SELECT') break;
        mark(k + 1, prevWord === 'DELETE' ? 'modify' : 'read');
        if (prevWord !== 'DELETE') fromList[depth] = true;
        break;
      }
      case 'JOIN':
        mark(k + 1, 'read');
        fromList[depth] = true;
        break;
      case 'INTO': {
        const prevWord = upper(t[sig[k - 1] ?? -1]);
        mark(k + 1, prevWord === 'MERGE' ? 'modify' : 'insert');
        break;
      }
      case 'USING':
        if (firstWord === 'MERGE' && depth === 0) mark(k + 1, 'read');
        break;
      case 'UPDATE':
      case 'DELETE':
      case 'MERGE':
        if (k === 0 && upper(t[sig[1] ?? -1]) !== 'FROM' && upper(t[sig[1] ?? -1]) !== 'INTO') {
          mark(1, 'modify');
        }
        break;
      case 'INSERT':
        if (k === 0 && upper(t[sig[1] ?? -1]) !== 'INTO') mark(1, 'insert');
        break;
      case 'ON':
        // CREATE / DROP SEARCH INDEX i ON t: the table must exist.
        if (depth === 0 && upper(t[sig[2] ?? -1]) === 'INDEX' && ['CREATE', 'DROP'].includes(firstWord)) {
          mark(k + 1, 'alter');
        }
        break;
      case 'LIKE':
      case 'COPY':
      case 'CLONE':
        // CREATE TABLE t LIKE / COPY / CLONE s
        if (depth === 0 && firstWord === 'CREATE') mark(k + 1, 'read');
        break;
      case 'VIEW':
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
        if (role && k <= 5 && depth === 0) mark(skipIfExists(k + 1), role);
        break;
      }
    }
  }
  return { tableStarts, cteNames };
}
