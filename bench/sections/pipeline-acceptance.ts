/**
 * How much of a real pipeline's SQL the BigQuery stand-in accepts: every statement of every `.sql`
 * file under a directory (a checkout of someone else's pipeline, never part of this repository) is
 * run through the real client on one stand-in. Datasets are created on demand; statements that fail
 * because a table does not exist yet are retried after the others (files are in no dependency
 * order); what still names a table no file creates, and templates (`{project}`) or query parameters
 * without values, are counted apart, not as refusals.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { BigQuery } from '@google-cloud/bigquery';
import { startBigQueryStandIn } from '../../src/testing/bigquery/index.js';
import { tokenizeSql } from '../../src/testing/bigquery/tokenize-sql.js';

/** The kinds of statement the acceptance is reported by. */
export type StatementKind = 'CREATE TABLE' | 'VIEW' | 'ALTER' | 'other DDL' | 'DML' | 'query';

/** One statement's fate. */
export type Fate = 'accepted' | 'refused' | 'missing table' | 'template or parameter';

export interface StatementOutcome {
  file: string;
  kind: StatementKind;
  fate: Fate;
  message?: string;
}

async function sqlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sqlFiles(path)));
    else if (entry.name.endsWith('.sql')) out.push(path);
  }
  return out.sort();
}

/** The statements of a script, split at top-level semicolons; empty and comment-only ones dropped. */
export function splitStatements(sql: string): string[] {
  let tokens: ReturnType<typeof tokenizeSql>;
  try {
    tokens = tokenizeSql(sql);
  } catch {
    return [sql];
  }
  const out: string[] = [];
  let start = 0;
  let depth = 0;
  const push = (end: number) => {
    const part = sql.slice(start, end);
    const meaningful = tokens.some(
      (t) => t.start >= start && t.start < end && t.kind !== 'ws' && t.kind !== 'comment',
    );
    if (meaningful) out.push(part.trim());
  };
  for (const t of tokens) {
    if (t.kind === 'op' && t.text === '(') depth++;
    else if (t.kind === 'op' && t.text === ')') depth--;
    else if (t.kind === 'op' && t.text === ';' && depth === 0) {
      push(t.start);
      start = t.start + 1;
    }
  }
  push(sql.length);
  return out;
}

function kindOf(statement: string): StatementKind {
  const words = statement
    .replace(/--[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
    .trim()
    .split(/\s+/)
    .slice(0, 5)
    .map((w) => w.toUpperCase());
  const [first] = words;
  if (first === 'CREATE') {
    if (words.includes('VIEW')) return 'VIEW';
    if (words.includes('TABLE')) return 'CREATE TABLE';
    return 'other DDL';
  }
  if (first === 'ALTER') return 'ALTER';
  if (first === 'DROP' || first === 'TRUNCATE') return 'other DDL';
  if (['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(first ?? '')) return 'DML';
  return 'query';
}

interface ApiError {
  code?: number;
  message?: string;
}

async function runOne(bq: BigQuery, statement: string): Promise<ApiError | undefined> {
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      await bq.query({ query: statement, useLegacySql: false });
      return undefined;
    } catch (err) {
      const e = err as ApiError;
      const missingDataset = /Not found: Dataset ([^:\s]+):([^\s]+) was not found/.exec(e.message ?? '');
      if (e.code !== 404 || !missingDataset) return e;
      await bq.query({ query: `CREATE SCHEMA IF NOT EXISTS \`${missingDataset[1]}.${missingDataset[2]}\`` });
    }
  }
  return { code: 500, message: 'dataset creation loop' };
}

const TEMPLATE = /\{\{?\s*[A-Za-z_][\w.]*\s*\}?\}|\$\{[^}]*\}/;

/**
 * Runs every statement of every `.sql` file under `dir` and returns each one's fate.
 *
 * @example
 * ```ts
 * const outcomes = await measurePipelineAcceptance('/path/to/pipeline');
 * ```
 */
export async function measurePipelineAcceptance(dir: string): Promise<StatementOutcome[]> {
  const standIn = await startBigQueryStandIn({ projectId: 'pipeline' });
  try {
    const bq = standIn.client({ autoRetry: false, maxRetries: 0 });
    const pending: Array<{ file: string; statement: string }> = [];
    for (const path of await sqlFiles(dir)) {
      const file = relative(dir, path);
      for (const statement of splitStatements(await readFile(path, 'utf8')))
        pending.push({ file, statement });
    }
    const outcomes = new Map<number, StatementOutcome>();
    let queue = pending.map((p, i) => ({ ...p, i }));
    // Passes until no statement waiting for a table gets through.
    for (;;) {
      const waiting: typeof queue = [];
      for (const p of queue) {
        const kind = kindOf(p.statement);
        if (TEMPLATE.test(p.statement)) {
          outcomes.set(p.i, { file: p.file, kind, fate: 'template or parameter' });
          continue;
        }
        const e = await runOne(bq, p.statement);
        if (!e) outcomes.set(p.i, { file: p.file, kind, fate: 'accepted' });
        else if (e.code === 404 && /Not found: Table/.test(e.message ?? '')) {
          waiting.push(p);
          outcomes.set(p.i, { file: p.file, kind, fate: 'missing table', message: e.message });
        } else if (
          /Query parameter|parameter .* not found|Undeclared query parameters/i.test(e.message ?? '')
        ) {
          outcomes.set(p.i, { file: p.file, kind, fate: 'template or parameter', message: e.message });
        } else {
          outcomes.set(p.i, { file: p.file, kind, fate: 'refused', message: e.message });
        }
      }
      if (waiting.length === queue.length || waiting.length === 0) break;
      queue = waiting;
    }
    return [...outcomes.entries()].sort((a, b) => a[0] - b[0]).map(([, o]) => o);
  } finally {
    await standIn.close();
  }
}
