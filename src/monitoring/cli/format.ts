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

/**
 * JSON text with the control characters `JSON.stringify` leaves as they are (DEL and the C1 range,
 * CSI among them) written as `\uXXXX` escapes: the same JSON value, nothing for a terminal to act on.
 */
export function printableJson(json: string): string {
  return json.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
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

/** How a check's part (a subscription, a category) was read: its count, or why there is none. */
type Part = { read: true; floor: boolean } | { read: false; why: 'failed' | 'not found' };

/**
 * The `total:` line of a check: the sum of the counts read, said to be unknown when none could be
 * read and a floor when some could not (or came from a peek). The result's own total is the sum of
 * the known counts, so a check that read nothing has 0 there; printed bare it read as "nothing
 * waiting" when nothing had been looked at.
 */
function totalLine(total: number, parts: readonly Part[], what: string, of: string): string {
  const read = parts.filter((p) => p.read);
  const unread = (['failed', 'not found'] as const)
    .map((why) => [why, parts.filter((p) => !p.read && p.why === why).length] as const)
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${n} ${why}`)
    .join(', ');
  if (read.length === parts.length) {
    return `total: ${read.some((p) => p.floor) ? '>=' : ''}${total} ${what} in ${parts.length} ${of}`;
  }
  if (read.length === 0) return `total: unknown: none of the ${parts.length} ${of} could be read (${unread})`;
  return `total: at least ${total} ${what} in the ${read.length} of ${parts.length} ${of} read (${unread})`;
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
  out.push(
    totalLine(
      result.totalMessages,
      result.subscriptions.map(
        (s): Part =>
          s.messages !== undefined
            ? { read: true, floor: s.countIsLowerBound }
            : { read: false, why: s.status === 'not_found' ? 'not found' : 'failed' },
      ),
      'message(s)',
      'subscription(s)',
    ),
  );
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
  out.push(
    `${totalLine(
      result.totalErrors,
      result.categories.map(
        (c): Part =>
          c.count !== undefined ? { read: true, floor: c.countIsLowerBound } : { read: false, why: 'failed' },
      ),
      'error(s)',
      'categories',
    )} in the last ${result.lookbackMinutes} min`,
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
  // Said, or an interrupted run reads as a finished one: "replayed 480" and 3520 still waiting.
  if (result.stoppedBy === 'aborted')
    out.push(
      'stopped before the end (interrupted): messages may remain in the DLQ; run it again for the rest',
    );
  if (result.stoppedBy === 'max') out.push('stopped at --max: messages may remain in the DLQ');
  // Without it the run reads as one that went through the whole DLQ: "replayed 12", "skipped 300",
  // and the --reason filter never looked at the messages the run did not reach.
  if (result.unseenMayRemain)
    out.push(
      'stopped after 3 pulls in a row returned only messages this run had already seen (their leases ran out): messages it never saw may remain in the DLQ, unfiltered and not replayed; run it again for the rest',
    );
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
