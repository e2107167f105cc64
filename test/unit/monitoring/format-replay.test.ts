import { describe, expect, it } from 'vitest';
import type { ReplayResult } from '../../../src/index.js';
import { formatReplay } from '../../../src/monitoring/cli/format.js';

function result(extra: Partial<ReplayResult>): ReplayResult {
  return {
    from: 'orders-dlq-sub',
    to: 'orders',
    projectId: 'my-project',
    dryRun: false,
    replayed: [{ messageId: '1', newMessageId: '9', replayCount: 1 }],
    wouldReplay: [],
    exhausted: [],
    skipped: 0,
    failed: [],
    duplicates: [],
    reacknowledged: 0,
    stoppedBy: 'empty',
    ...extra,
  };
}

describe('formatReplay', () => {
  it('says when a run was stopped (SIGINT, SIGTERM) before the DLQ was empty, so that nobody takes it for done', () => {
    const text = formatReplay(result({ stoppedBy: 'aborted', skipped: 20 })).join('\n');
    expect(text).toMatch(/stopped before the end/);
    expect(text).not.toMatch(/not selected/);
  });

  it('says when --max ended the run', () => {
    expect(formatReplay(result({ stoppedBy: 'max' })).join('\n')).toMatch(/--max/);
  });

  it('a run that emptied what it could says nothing more', () => {
    expect(formatReplay(result({})).join('\n')).toBe('replayed 1 message(s) from orders-dlq-sub to orders');
  });
});
