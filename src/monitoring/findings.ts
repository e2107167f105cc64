import type { Finding } from '../alerting/index.js';
import type { PipelineError } from '../errors/index.js';
import type { DeadLetterCheckResult, DeadLetterSubscriptionResult } from './dead-letters/check.js';
import type { LoggingCategoryResult, LoggingCheckResult } from './logging-check.js';

/** `'gcloud logging read ...'` needs the filter in single quotes, its own quotes escaped for the shell. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function age(seconds: number | undefined): string {
  if (seconds === undefined) return 'unknown';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function reasonsText(reasons: Record<string, number>): string {
  return Object.entries(reasons)
    .sort(([, a], [, b]) => b - a)
    .map(([reason, n]) => `${reason} x${n}`)
    .join(', ');
}

function checkFailed(
  key: string,
  title: string,
  error: PipelineError | undefined,
  recovery: string[],
): Finding {
  return {
    key,
    source: 'monitor',
    severity: 'error',
    title,
    message: error ? `${error.code}: ${error.message}` : 'unknown error',
    fields: { error_code: error?.code ?? 'UNKNOWN', transient: error?.transient ?? false },
    recoveryCommands: recovery,
  };
}

function deadLetterFinding(
  s: DeadLetterSubscriptionResult,
  projectId: string,
  lookback: number,
): Finding | undefined {
  const statusCommand = `npx gpr dlq status --project ${projectId} --subscription ${s.subscription}`;
  if (s.status === 'messages') {
    const n = s.messages ?? 0;
    const count = `${s.countIsLowerBound ? 'at least ' : ''}${n} message${n === 1 ? '' : 's'}`;
    const reasons = reasonsText(s.reasons);
    const fields: Finding['fields'] = {
      subscription: s.subscription,
      messages: n,
      phase_from: s.phaseFrom,
      phase_to: s.phaseTo,
      count_source: s.countSource ?? 'unknown',
    };
    if (s.oldestAgeSeconds !== undefined) fields.oldest_age_seconds = s.oldestAgeSeconds;
    if (s.deadLetteredInLookback !== undefined)
      fields[`dead_lettered_last_${lookback}m`] = s.deadLetteredInLookback;
    if (reasons) fields.sampled_reasons = reasons;
    if (s.sourceTopic) fields.source_topic = s.sourceTopic;
    return {
      key: `dlq:${s.subscription}`,
      source: 'dead_letters',
      severity: s.severity,
      title: `${count} in dead-letter queue ${s.subscription}`,
      message:
        `${s.description} (${s.phaseFrom} -> ${s.phaseTo}). The oldest has waited ${age(s.oldestAgeSeconds)}.` +
        (reasons ? ` Sampled reasons: ${reasons}.` : ''),
      fields,
      recoveryCommands: [s.recoveryCommand, statusCommand],
    };
  }
  if (s.status === 'not_found') {
    const topic = s.subscription.replace(/-sub$/, '');
    return {
      key: `dlq_missing:${s.subscription}`,
      source: 'dead_letters',
      severity: s.severity,
      title: `Dead-letter subscription ${s.subscription} does not exist`,
      message:
        `${s.description} (${s.phaseFrom} -> ${s.phaseTo}): without this subscription, messages dead-lettered ` +
        'to its topic are kept by no one and are lost.',
      fields: { subscription: s.subscription, project: projectId },
      recoveryCommands: [
        `gcloud pubsub subscriptions create ${s.subscription} --topic ${topic} --project ${projectId} --message-retention-duration 7d`,
      ],
    };
  }
  if (s.status === 'failed') {
    return checkFailed(
      `check_failed:dead_letters:${s.subscription}`,
      `Could not read dead-letter queue ${s.subscription}`,
      s.error,
      [statusCommand],
    );
  }
  return undefined;
}

/** The findings of a dead-letter check: one per subscription above the threshold, missing, or unreadable. */
export function deadLetterFindings(result: DeadLetterCheckResult): Finding[] {
  const findings = result.subscriptions.flatMap(
    (s) => deadLetterFinding(s, result.projectId, result.lookbackMinutes) ?? [],
  );
  if (result.monitoringError) {
    findings.push({
      ...checkFailed(
        'check_failed:monitoring',
        'Cloud Monitoring could not be read; dead-letter counts come from peeks',
        result.monitoringError,
        [`gcloud monitoring metrics-scopes describe projects/${result.projectId}`],
      ),
      severity: 'warning',
    });
  }
  return findings;
}

function loggingFinding(c: LoggingCategoryResult, result: LoggingCheckResult): Finding | undefined {
  const readCommand = `gcloud logging read ${shellQuote(c.filter)} --project ${result.projectId} --limit 20`;
  if (c.status === 'errors_found') {
    const count = `${c.countIsLowerBound ? 'at least ' : ''}${c.count ?? 0}`;
    const [first] = c.samples;
    const fields: Finding['fields'] = {
      category: c.category,
      count: c.count ?? 0,
      threshold: result.threshold,
      lookback_minutes: result.lookbackMinutes,
    };
    if (first?.payload) fields.latest = first.payload;
    if (first?.errorCode) fields.latest_error_code = first.errorCode;
    return {
      key: `logging:${c.category}`,
      source: 'logging',
      severity: c.severity,
      title: `${count} ${c.description} in the last ${result.lookbackMinutes} min`,
      message:
        `${count} log entries of category ${c.category} (more than ${result.threshold}).` +
        (first ? ` Latest: ${first.payload}` : ''),
      fields,
      recoveryCommands: [c.recoveryCommand, readCommand],
    };
  }
  if (c.status === 'failed') {
    return checkFailed(
      `check_failed:logging:${c.category}`,
      `Could not count ${c.description} in Cloud Logging`,
      c.error,
      [readCommand],
    );
  }
  return undefined;
}

/** The findings of a logging check: one per category above the threshold or unreadable. */
export function loggingFindings(result: LoggingCheckResult): Finding[] {
  return result.categories.flatMap((c) => loggingFinding(c, result) ?? []);
}

/** The finding for a whole check that could not run. */
export function checkFailedFinding(check: string, error: PipelineError): Finding {
  return checkFailed(
    `check_failed:${check}`,
    `The ${check.replace('_', '-')} check could not run`,
    error,
    [],
  );
}
