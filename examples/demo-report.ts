/**
 * The demo's final report: a table of what was counted, then the one summary line.
 */
import { PipelineError } from '../src/index.js';
import { monitorLine } from './demo-monitor.js';
import type { DemoSummary } from './demo-pipeline.js';

function table(headers: string[], rows: Array<Array<string | number>>): string[] {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)];
}

/**
 * The exact summary line:
 * `summary: messages=N valid=N invalid=N rows_written=N duplicates=0 lost=0 retries=N faults_injected=N`.
 *
 * @example
 * ```ts
 * console.log(summaryLine(await runDemoPipeline()));
 * ```
 */
export function summaryLine(s: DemoSummary): string {
  return `summary: messages=${s.messages.published} valid=${s.messages.valid} invalid=${s.messages.invalid} rows_written=${s.rowsWritten} duplicates=${s.duplicates} lost=${s.lost} retries=${s.retries.total} faults_injected=${s.faults.total}`;
}

/**
 * The report's lines: tables, messages, retries, faults, the summary line, then (on the stand-ins)
 * the monitor line, last.
 *
 * @example
 * ```ts
 * for (const line of formatReport(summary)) console.log(line);
 * ```
 */
export function formatReport(s: DemoSummary): string[] {
  const out: string[] = [''];
  out.push(
    ...table(
      ['table', 'key', 'expected', 'rows found', 'distinct keys', 'duplicates', 'lost'],
      s.tables.map((t) => [t.table, t.key, t.expected, t.found, t.distinct, t.duplicates, t.lost]),
    ),
  );
  out.push('');
  const m = s.messages;
  out.push(
    ...table(
      ['messages', 'published', 'valid', 'invalid', 'processed', 'dead-lettered', 'redelivered'],
      [['phase2-raw-complete', m.published, m.valid, m.invalid, m.processed, m.deadLettered, m.redeliveries]],
    ),
  );
  out.push('');
  out.push(
    ...table(
      ['retries', 'count'],
      [
        ['bigquery executor', s.retries.bigquery],
        ['pubsub publish (client)', s.retries.pubsubPublish],
        ['total', s.retries.total],
      ],
    ),
  );
  out.push('');
  const kinds = Object.entries(s.faults.byKind).sort(([a], [b]) => a.localeCompare(b));
  out.push(...table(['faults injected', 'count'], [...kinds, ['total', s.faults.total]]));
  out.push('');
  out.push(summaryLine(s));
  if (s.monitor) out.push(monitorLine(s.monitor));
  return out;
}

/**
 * What the demo prints when it fails on an error of the package's taxonomy (no network, no
 * credentials, a call Google refused): one line with its code and message, which say what to fix and
 * hold no credential. Anything else is a bug and is printed whole, stack included (`undefined` here).
 *
 * @example
 * ```ts
 * for (const line of failureLines(error) ?? [String(error)]) console.error(line);
 * ```
 */
export function failureLines(error: unknown): string[] | undefined {
  if (!(error instanceof PipelineError)) return undefined;
  return [`demo failed: ${error.code}: ${error.message}`];
}
