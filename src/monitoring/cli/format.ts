import { firstChars } from '../../shared/first-chars.js';
import type { DeadLetterCheckResult } from '../dead-letters/check.js';
import type { LoggingCheckResult } from '../logging-check.js';
import type { ReplayResult } from '../replay.js';
import type { MonitorReport } from '../report.js';

/**
 * `text` with its control characters written as `\uXXXX`: message data, attributes and log lines are
 * anyone's bytes, and printed raw they could move the cursor, clear the screen or retitle the window of
 * whoever reads the output.
 */
export function printable(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point: they must not reach a terminal.
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * `printable` for text of several lines (a message followed by the usage): each line's control
 * characters written as `\uXXXX`, the line breaks between them kept.
 */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

function table(headers: string[], rows: Array<Array<string | number>>): string[] {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)];
}

function age(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return `${(seconds / 3600).toFixed(1)}h`;
}

/**
 * A check's total, and how many of its parts (subscriptions, categories) had no count. The result's
 * total is the sum of the counts read, so a check that read nothing has 0 there: printed bare, it
 * said "nothing waiting" when nothing had been looked at.
 */
function total(sum: number, unread: number, parts: number, rest: string): string {
  return `total: ${unread === 0 ? sum : unread < parts ? `>=${sum}` : 'unknown'} ${rest}${unread ? ` (${unread} of ${parts} not read)` : ''}`;
}

/** `dlq status` for people: one row per subscription, then the samples and what went wrong. */
export function formatDeadLetters(result: DeadLetterCheckResult): string[] {
  const rows = result.subscriptions.map((s) => [
    s.subscription,
    s.status,
    s.messages === undefined ? '-' : `${s.countIsLowerBound ? '>=' : ''}${s.messages}`,
    age(s.oldestAgeSeconds),
    s.countSource ?? '-',
    Object.entries(s.reasons)
      .map(([r, n]) => `${r} x${n}`)
      .join(', ') || '-',
  ]);
  const out = table(['subscription', 'status', 'messages', 'oldest', 'source', 'sampled reasons'], rows);
  for (const s of result.subscriptions) {
    for (const sample of s.sample) {
      out.push(`  ${s.subscription} ${sample.messageId} ${sample.deadLetterReason ?? '?'}: ${sample.data}`);
    }
    if (s.error) out.push(`  ${s.subscription}: ${s.error.code}: ${s.error.message}`);
    for (const warning of s.warnings) out.push(`  ${s.subscription}: warning: ${warning}`);
  }
  if (result.monitoringError)
    out.push(`Cloud Monitoring unreadable (${result.monitoringError.code}); counts from peeks`);
  const subs = result.subscriptions;
  const unread = subs.filter((s) => s.messages === undefined).length;
  out.push(total(result.totalMessages, unread, subs.length, `message(s) in ${subs.length} subscription(s)`));
  return out;
}

/** `logging errors` for people: one row per category. */
export function formatLogging(result: LoggingCheckResult): string[] {
  const out = table(
    ['category', 'status', 'count', 'latest'],
    result.categories.map((c) => [
      c.category,
      c.status,
      c.count === undefined ? '-' : `${c.countIsLowerBound ? '>=' : ''}${c.count}`,
      firstChars(c.samples[0]?.payload ?? (c.error ? `${c.error.code}: ${c.error.message}` : '-'), 80),
    ]),
  );
  const { categories } = result;
  const unread = categories.filter((c) => c.count === undefined).length;
  out.push(
    total(
      result.totalErrors,
      unread,
      categories.length,
      `error(s) in the last ${result.lookbackMinutes} min`,
    ),
  );
  return out;
}

/** A monitor run for people: status, findings and what was (or would have been) sent. */
export function formatReport(report: MonitorReport): string[] {
  const out = [`status: ${report.status}${report.dryRun ? ' (dry run: nothing sent)' : ''}`];
  if (report.deadLetters.status === 'ok') out.push('', ...formatDeadLetters(report.deadLetters.result));
  if (report.logging.status === 'ok') out.push('', ...formatLogging(report.logging.result));
  if (report.findings.length > 0) {
    out.push('', 'findings:');
    for (const [i, f] of report.findings.entries()) {
      const n = report.notifications[i];
      out.push(`  [${f.severity}] ${f.title} (${n?.outcome ?? 'not sent'})`);
      if (n?.detail) out.push(`      ${n.detail}`);
      if (n?.error) out.push(`      ${n.error.code}: ${n.error.message}`);
      if (f.recoveryCommands[0]) out.push(`      ${f.recoveryCommands[0]}`);
    }
    const { alertsSent, alertsSuppressed, alertsFailed, alertsNotSent } = report.summary;
    if (!report.dryRun) {
      out.push(
        `alerts: sent=${alertsSent} suppressed=${alertsSuppressed} failed=${alertsFailed}` +
          (alertsNotSent > 0 ? ` not_sent=${alertsNotSent}` : ''),
      );
    }
  }
  return out;
}

/** `dlq replay` for people. */
export function formatReplay(result: ReplayResult): string[] {
  const out: string[] = [];
  if (result.dryRun) {
    out.push(
      `dry run: ${result.wouldReplay.length} message(s) would be replayed from ${result.from} to ${result.to}`,
    );
    for (const m of result.wouldReplay)
      out.push(`  ${m.messageId} ${m.deadLetterReason ?? '?'} (replays so far: ${m.replayCount}): ${m.data}`);
  } else {
    out.push(`replayed ${result.replayed.length} message(s) from ${result.from} to ${result.to}`);
  }
  if (result.exhausted.length > 0) {
    out.push(`${result.exhausted.length} message(s) left in the DLQ: replayed too often already`);
    for (const m of result.exhausted)
      out.push(`  ${m.messageId} (replays: ${m.replayCount}) ${m.deadLetterReason ?? '?'}`);
  }
  if (result.skipped > 0) {
    const why =
      result.stoppedBy === 'aborted' ? 'filtered out, or pulled when the run was stopped' : 'not selected';
    out.push(`${result.skipped} message(s) left in the DLQ: ${why}`);
  }
  // Said, or an interrupted run reads as a finished one: "replayed 480" and 3520 still waiting. A run
  // that ended on messages it had seen already did not reach the others (nor filter them).
  if (result.stoppedBy === 'aborted' || result.unseenMayRemain)
    out.push(
      `stopped before the end (${result.unseenMayRemain ? 'only messages already seen came back' : 'interrupted'}): messages may remain in the DLQ; run it again`,
    );
  if (result.stoppedBy === 'max') out.push('stopped at --max: messages may remain in the DLQ');
  const copies = result.duplicates;
  if (copies.length > 0) {
    const acked = copies.filter((d) => d.acked).length;
    out.push(
      `${copies.length} duplicate cop${copies.length === 1 ? 'y' : 'ies'} of messages chosen for replay: ${acked} acknowledged, ${copies.length - acked} left in the DLQ`,
    );
    for (const d of copies)
      out.push(`  ${d.messageId} = ${d.duplicateOf} (source ${d.sourceMessageId})${d.acked ? '' : ' left'}`);
  }
  for (const f of result.failed)
    out.push(`failed (${f.stage}) ${f.messageId}: ${f.error.code}: ${f.error.message}`);
  if (result.error) out.push(`stopped: ${result.error.code}: ${result.error.message}`);
  return out;
}
