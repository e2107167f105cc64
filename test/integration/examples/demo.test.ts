import { beforeAll, describe, expect, it } from 'vitest';
import { completionPayloads, malformedMessages, rawLines } from '../../../examples/demo-data.js';
import { type DemoSummary, runDemoPipeline } from '../../../examples/demo-pipeline.js';
import { formatReport, summaryLine } from '../../../examples/demo-report.js';
import { normalizePlayerLookup } from '../../../src/index.js';

const lines = rawLines();
/** Valid completions: one per date, plus the scraper's one re-send. */
const VALID = completionPayloads(lines).length + 1;
const INVALID = malformedMessages().length;

/** Raw lines of players the registry does not have, by `lookup|TYPE` (each is looked up at least once). */
function unknownLineCounts(summary: DemoSummary): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of lines) {
    const key = `${normalizePlayerLookup(line.player_name)}|${line.player_type}`;
    if (key in summary.trackedUnresolved) counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('the demo pipeline on the stand-ins (seed 1)', () => {
  let summary: DemoSummary;

  beforeAll(async () => {
    summary = await runDemoPipeline({ seed: 1 });
  }, 120_000);

  it('loses nothing and duplicates nothing, as counted in the tables afterwards', () => {
    expect(summary.ok).toBe(true);
    expect(summary.duplicates).toBe(0);
    expect(summary.lost).toBe(0);
    const analytics = summary.tables.find((t) => t.table.endsWith('.player_game_summary'));
    expect(analytics).toMatchObject({ expected: lines.length, found: lines.length, distinct: lines.length });
    for (const table of summary.tables) {
      expect({ table: table.table, found: table.found, distinct: table.distinct }).toEqual({
        table: table.table,
        found: table.expected,
        distinct: table.expected,
      });
    }
    expect(summary.rowsWritten).toBe(lines.length + Object.keys(summary.trackedUnresolved).length);
  });

  it('counts exactly the messages it published, and handled every one', () => {
    expect(summary.messages).toMatchObject({
      published: VALID + INVALID,
      valid: VALID,
      invalid: INVALID,
      processed: VALID,
      deadLettered: INVALID,
    });
    expect(new Set(summary.ids.processed)).toEqual(new Set(summary.ids.valid));
  });

  it('dead-letters exactly the malformed messages, once each, with the decoder reason', () => {
    expect(new Set(summary.ids.deadLettered)).toEqual(new Set(summary.ids.invalid));
    expect(summary.messages.deadLetterMessages).toBe(INVALID);
    // What the dead-letter topic itself received, read from the Pub/Sub stand-in:
    expect(summary.deadLetterTopicSources).toEqual(summary.ids.invalid);
    const reasons = summary.ids.invalid.map((id) => summary.deadLetterReasons[id]);
    expect(reasons).toEqual(['invalid_json', 'validation_failed', 'validation_failed', 'validation_failed']);
  });

  it('writes unresolved_players rows whose occurrence counts match what the tracker held', () => {
    expect(Object.keys(summary.trackedUnresolved).sort()).toEqual([
      'josenobody|BATTER',
      'rookiecallup|PITCHER',
      'waiverclaim|BATTER',
    ]);
    expect(summary.writtenUnresolved).toEqual(summary.trackedUnresolved);
    // Every raw line of an unknown player was looked up at least once (re-runs add misses).
    for (const [key, count] of Object.entries(unknownLineCounts(summary))) {
      expect(summary.trackedUnresolved[key]).toBeGreaterThanOrEqual(count);
    }
  });

  it('got there through retries and injected faults, all counted from the request logs', () => {
    expect(summary.retries.bigquery).toBeGreaterThan(0);
    expect(summary.retries.bigquery).toBe(summary.executorStats.retries);
    expect(summary.retries.total).toBe(summary.retries.bigquery + summary.retries.pubsubPublish);
    expect(summary.faults.total).toBeGreaterThan(0);
    expect(summary.faults.total).toBe(Object.values(summary.faults.byKind).reduce((a, b) => a + b, 0));
    // The rules that act by count, not by rate, acted exactly as planned:
    expect(summary.faults.byKind).toMatchObject({
      'pubsub: Publish UNAVAILABLE': 2,
      'bigquery: reset after apply (flush)': 1,
      'bigquery: 503 outage (retries exhausted)': 6,
      // The default writer is the Storage Write API: an append and a commit applied, answers lost.
      'bigquery storage write: append answer lost': 1,
      'bigquery storage write: commit answer lost': 1,
    });
    expect(summary.retries.pubsubPublish).toBe(2);
    // The outage outlasted the executor's 6 attempts: the message was nacked and redelivered.
    expect(summary.messages.redeliveries).toBeGreaterThanOrEqual(1);
  });

  it('runs the monitor at the end: it counts every dead letter, finds the run’s logged errors, and a replay would take them all', () => {
    expect(summary.monitor).toMatchObject({
      status: 'errors_found',
      dlqMessages: INVALID,
      replayable: INVALID,
    });
    expect(summary.monitor?.dlqMessages).toBe(summary.messages.deadLetterMessages);
    // The 503 outage outlasted the executor's retries once: its give-up was logged with error.code.
    // Below the original's threshold (more than 5 in 15 minutes), it is counted but not alerted on.
    expect(summary.monitor?.loggingErrors).toBeGreaterThanOrEqual(1);
    expect(summary.monitor?.findings).toEqual(['dlq:mlb-phase2-raw-complete-dlq-sub']);
  });

  it('alerts once per dead-letter queue; a second monitor instance in the same window sends none', () => {
    expect(summary.monitor).toMatchObject({ alertsSent: 1, alertsSuppressed: 1, secondRunSent: 0 });
    expect(summary.monitor?.notifications).toEqual([
      'run 1 dlq:mlb-phase2-raw-complete-dlq-sub: sent (sent to slack)',
      expect.stringMatching(
        /^run 2 dlq:mlb-phase2-raw-complete-dlq-sub: suppressed \(suppressed: rate limited, 1 sent in the window \(1 per 60 min\)/,
      ),
    ]);
  });

  it('ends its report with the summary line, then the monitor line', () => {
    const report = formatReport(summary);
    expect(report.at(-2)).toBe(summaryLine(summary));
    expect(report.at(-1)).toMatch(
      /^monitor: dlq_messages=4 logging_errors=[1-9]\d* alerts_sent=1 alerts_suppressed=1 replayable=4$/,
    );
    expect(summaryLine(summary)).toMatch(
      /^summary: messages=11 valid=7 invalid=4 rows_written=\d+ duplicates=0 lost=0 retries=[1-9]\d* faults_injected=[1-9]\d*$/,
    );
  });
});

describe('the demo pipeline counts what it finds, it does not assume it', () => {
  it('reports the rows of a valid message refused for good as lost, and fails', async () => {
    const summary = await runDemoPipeline({
      seed: 1,
      writer: 'insert-all',
      // The first analytics insert (before any default rule): row 0 invalid, the rest stopped.
      // The processor throws a permanent PartialInsertError, so the handler dead-letters the message.
      extraFaults: ({ bigquery }) => {
        bigquery.faults.add({
          name: 'row 0 invalid',
          path: /player_game_summary\/insertAll$/,
          times: 1,
          insertErrors: { invalid: [0] },
        });
      },
    });
    expect(summary.ok).toBe(false);
    expect(summary.lost).toBe(1);
    expect(summary.duplicates).toBe(0);
    expect(summary.faults.byKind['bigquery: row 0 invalid']).toBe(1);
    // One valid message went to the dead-letter topic with the handler's reason.
    expect(summary.messages.deadLettered).toBe(INVALID + 1);
    const deadValid = summary.ids.valid.filter((id) => summary.ids.deadLettered.includes(id));
    expect(deadValid).toHaveLength(1);
    expect(summary.deadLetterReasons[deadValid[0]!]).toBe('handler_failed');
    expect(summaryLine(summary)).toContain(' lost=1 ');
    // The monitor sees the extra dead letter too.
    expect(summary.monitor).toMatchObject({ dlqMessages: INVALID + 1, replayable: INVALID + 1 });
  }, 120_000);
});

describe('the demo pipeline with another seed and the insertAll writer', () => {
  it('still loses and duplicates nothing (seed 42, --writer insert-all)', async () => {
    const summary = await runDemoPipeline({ seed: 42, writer: 'insert-all' });
    expect({ ok: summary.ok, duplicates: summary.duplicates, lost: summary.lost }).toEqual({
      ok: true,
      duplicates: 0,
      lost: 0,
    });
    expect(summary.messages.processed + summary.messages.deadLettered).toBe(VALID + INVALID);
    expect(summary.faults.total).toBeGreaterThan(0);
    expect(Object.keys(summary.faults.byKind).some((k) => k.startsWith('bigquery storage write:'))).toBe(
      false,
    );
  }, 120_000);
});
