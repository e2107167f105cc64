/**
 * Runs the conformance cases through the real `@google-cloud/bigquery` client against one BigQuery
 * stand-in, one case after another, and classifies each: `correct` (the documented rows, typed as
 * documented), `refused` (a clean HTTP 400, as BigQuery answers a query it rejects), `wrong`
 * (anything else: other rows, another status, a client crash) or `excluded` (not run, with a reason).
 */
import type { BigQuery } from '@google-cloud/bigquery';
import { startBigQueryStandIn } from '../../src/testing/bigquery/index.js';
import type { ConformanceCase } from './case.js';
import { compareRows, hasTopLevelOrderBy, type SchemaField } from './compare.js';

/** How a case fared. */
export type Verdict = 'correct' | 'refused' | 'wrong' | 'excluded';

/** One case's verdict with the evidence. */
export interface CaseOutcome {
  case: ConformanceCase;
  verdict: Verdict;
  /** Why it is wrong, the refusal message, or the exclusion reason. */
  detail?: string;
  /** For a refusal: the construct the stand-in named (`function FORMAT`), or the first words of the error. */
  construct?: string;
}

/** Totals of a run. */
export interface SuiteSummary {
  total: number;
  run: number;
  correct: number;
  refused: number;
  wrong: number;
  excluded: number;
  /** correct / run, in percent with one decimal. */
  correctPercent: number;
}

const UNSUPPORTED = 'Unsupported by the BigQuery stand-in: ';

/** The construct a refusal names: the stand-in's own words, without the position. */
export function refusedConstruct(message: string): string {
  const at = message.indexOf(UNSUPPORTED);
  const text = at >= 0 ? message.slice(at + UNSUPPORTED.length) : message;
  return text.replace(/\s+at \[\d+:\d+\]$/, '').trim();
}

async function runOne(bq: BigQuery, c: ConformanceCase): Promise<CaseOutcome> {
  if (c.excluded) return { case: c, verdict: 'excluded', detail: c.excluded };
  let rows: Array<Record<string, unknown>>;
  let schema: SchemaField[];
  try {
    const [result, , response] = (await bq.query({ query: c.sql, useLegacySql: false })) as unknown as [
      Array<Record<string, unknown>>,
      unknown,
      { schema?: { fields?: SchemaField[] } } | undefined,
    ];
    rows = result;
    schema = response?.schema?.fields ?? [];
  } catch (err) {
    const e = err as { code?: unknown; message?: string; errors?: Array<{ reason?: string }> };
    const message = e.message ?? String(err);
    if (e.code === 400) {
      if (c.error) return { case: c, verdict: 'correct', detail: message };
      return { case: c, verdict: 'refused', detail: message, construct: refusedConstruct(message) };
    }
    return { case: c, verdict: 'wrong', detail: `not a clean 400 (code ${String(e.code)}): ${message}` };
  }
  if (c.error) return { case: c, verdict: 'wrong', detail: `documented error, got ${rows.length} rows` };
  const mismatch = compareRows(schema, rows, c.rows ?? [], hasTopLevelOrderBy(c.sql), {
    unorderedArrays: c.unorderedArrays === true,
    ...(c.unorderedStrings ? { unorderedStrings: c.unorderedStrings } : {}),
  });
  return mismatch ? { case: c, verdict: 'wrong', detail: mismatch } : { case: c, verdict: 'correct' };
}

/**
 * Runs every case on one fresh stand-in, in sequence.
 *
 * @example
 * ```ts
 * const { summary } = await runConformanceSuite(allCases);
 * summary.wrong; // 0
 * ```
 */
export async function runConformanceSuite(
  cases: readonly ConformanceCase[],
): Promise<{ outcomes: CaseOutcome[]; summary: SuiteSummary }> {
  const standIn = await startBigQueryStandIn({ projectId: 'conformance' });
  const outcomes: CaseOutcome[] = [];
  try {
    const bq = standIn.client({ autoRetry: false, maxRetries: 0 });
    for (const c of cases) outcomes.push(await runOne(bq, c));
  } finally {
    await standIn.close();
  }
  return { outcomes, summary: summarise(outcomes) };
}

/** Totals of a list of outcomes. */
export function summarise(outcomes: readonly CaseOutcome[]): SuiteSummary {
  const count = (v: Verdict) => outcomes.filter((o) => o.verdict === v).length;
  const excluded = count('excluded');
  const run = outcomes.length - excluded;
  const correct = count('correct');
  return {
    total: outcomes.length,
    run,
    correct,
    refused: count('refused'),
    wrong: count('wrong'),
    excluded,
    correctPercent: run === 0 ? 0 : Math.round((1000 * correct) / run) / 10,
  };
}
