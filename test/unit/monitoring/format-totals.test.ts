import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../src/index.js';
import { formatDeadLetters, formatLogging } from '../../../src/monitoring/cli/format.js';
import type {
  DeadLetterCheckResult,
  DeadLetterSubscriptionResult,
} from '../../../src/monitoring/dead-letters/check.js';
import type { LoggingCheckResult } from '../../../src/monitoring/logging-check.js';

function subscription(
  name: string,
  extra: Partial<DeadLetterSubscriptionResult>,
): DeadLetterSubscriptionResult {
  return {
    subscription: name,
    status: 'ok',
    severity: 'critical',
    description: name,
    phaseFrom: 'a',
    phaseTo: 'b',
    recoveryCommand: 'gpr dlq replay',
    countIsLowerBound: false,
    reasons: {},
    sample: [],
    warnings: [],
    ...extra,
  } as DeadLetterSubscriptionResult;
}

function deadLetters(subscriptions: DeadLetterSubscriptionResult[]): DeadLetterCheckResult {
  return {
    projectId: 'p',
    checkedAt: '2026-12-03T00:00:00.000Z',
    threshold: 0,
    lookbackMinutes: 60,
    subscriptions,
    totalMessages: subscriptions.reduce((sum, s) => sum + (s.messages ?? 0), 0),
    findings: [],
  };
}

const unavailable = () => new PipelineError('Pub/Sub unreachable', { code: 'UNAVAILABLE' });
const totalLine = (lines: string[]) => lines.find((l) => l.startsWith('total'));

describe('gpr dlq status: the total line', () => {
  it('says the total is unknown when no subscription could be read, never "total: 0"', () => {
    const lines = formatDeadLetters(
      deadLetters([
        subscription('a-dlq-sub', { status: 'failed', error: unavailable() }),
        subscription('b-dlq-sub', { status: 'failed', error: unavailable() }),
      ]),
    );
    expect(totalLine(lines)).not.toMatch(/total: 0/);
    expect(totalLine(lines)).toMatch(/unknown/);
    expect(totalLine(lines)).toBe('total: unknown message(s) in 2 subscription(s) (2 of 2 not read)');
  });

  it('says the total is a floor, and of which subscriptions, when some could not be read', () => {
    const lines = formatDeadLetters(
      deadLetters([
        subscription('a-dlq-sub', { status: 'messages', messages: 5, countSource: 'monitoring' }),
        subscription('b-dlq-sub', { status: 'failed', error: unavailable() }),
        subscription('c-dlq-sub', { status: 'not_found' }),
      ]),
    );
    expect(totalLine(lines)).toBe('total: >=5 message(s) in 3 subscription(s) (2 of 3 not read)');
  });

  it('keeps the plain total when every subscription was read', () => {
    const lines = formatDeadLetters(
      deadLetters([subscription('a-dlq-sub', { messages: 0, countSource: 'monitoring' })]),
    );
    expect(totalLine(lines)).toBe('total: 0 message(s) in 1 subscription(s)');
  });
});

describe('gpr logging errors: the total line', () => {
  it('says the total is unknown when no category could be read', () => {
    const result = {
      projectId: 'p',
      checkedAt: '2026-12-03T00:00:00.000Z',
      lookbackMinutes: 60,
      categories: [
        { category: 'a', status: 'failed', countIsLowerBound: false, samples: [], error: unavailable() },
      ],
      totalErrors: 0,
      findings: [],
    } as unknown as LoggingCheckResult;
    const line = totalLine(formatLogging(result));
    expect(line).not.toMatch(/total: 0/);
    expect(line).toMatch(/unknown/);
  });
});
