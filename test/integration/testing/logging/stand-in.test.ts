import type { Logging } from '@google-cloud/logging';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cloudLoggingLogger } from '../../../../src/index.js';
import { type LoggingStandIn, startLoggingStandIn } from '../../../../src/testing/index.js';

let standIn: LoggingStandIn;
let logging: Logging;
const global = { type: 'global' };

beforeAll(async () => {
  standIn = await startLoggingStandIn({ projectId: 'logging-test' });
  logging = standIn.client();
});

beforeEach(() => {
  standIn.clear();
  standIn.faults.clear();
});

afterAll(async () => {
  await standIn.close();
});

async function writeTexts(logId: string, items: Array<{ severity: string; text: string; at?: Date }>) {
  const log = logging.log(logId);
  await log.write(
    items.map((item) =>
      log.entry(
        { severity: item.severity, resource: global, ...(item.at ? { timestamp: item.at } : {}) },
        item.text,
      ),
    ),
  );
}

describe('Logging stand-in with the real @google-cloud/logging client', () => {
  it('stores written entries and lists them back through a filter', async () => {
    await writeTexts('app', [
      { severity: 'INFO', text: 'started' },
      { severity: 'ERROR', text: 'BigQuery query failed: quota' },
      { severity: 'WARNING', text: 'Firestore transaction failed' },
    ]);
    const [entries] = await logging.getEntries({ filter: 'severity>=WARNING AND textPayload=~"failed"' });
    expect(entries.map((e) => e.data).sort()).toEqual([
      'BigQuery query failed: quota',
      'Firestore transaction failed',
    ]);
    expect(entries.every((e) => e.metadata.logName === 'projects/logging-test/logs/app')).toBe(true);
    // The client adds one diagnostic entry (jsonPayload) to the first write of the process: skip it.
    const stored = standIn.entries().filter((e) => e.logName.endsWith('/app') && e.textPayload !== undefined);
    expect(stored.map((e) => e.severity)).toEqual(['INFO', 'ERROR', 'WARNING']);
    expect(new Set(stored.map((e) => e.insertId)).size).toBe(3);
  });

  it('pages through more than 50 entries with page tokens, newest first on request', async () => {
    const base = Date.parse('2026-02-01T00:00:00Z');
    await writeTexts(
      'bulk',
      Array.from({ length: 130 }, (_, i) => ({
        severity: 'ERROR',
        text: `e${i}`,
        at: new Date(base + i * 1000),
      })),
    );
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const [entries, next] = await logging.getEntries({
        filter: 'logName="projects/logging-test/logs/bulk" AND timestamp>="2026-01-01T00:00:00Z"',
        orderBy: 'timestamp desc',
        pageSize: 50,
        autoPaginate: false,
        ...(pageToken ? { pageToken } : {}),
      });
      seen.push(...entries.map((e) => String(e.data)));
      pageToken = (next as { pageToken?: string } | null)?.pageToken || undefined;
      pages += 1;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(130);
    expect(seen[0]).toBe('e129');
    expect(seen.at(-1)).toBe('e0');
  });

  it('orders entries of the same timestamp by insertId, as the service does, not by arrival', async () => {
    const at = new Date('2026-02-01T00:00:00Z');
    const log = logging.log('same-ms');
    const write = (texts: string[], idPrefix: string) =>
      log.write(
        texts.map((text, i) =>
          log.entry(
            { severity: 'INFO', resource: global, timestamp: at, insertId: `${idPrefix}-${i}` },
            text,
          ),
        ),
      );
    // The first write's ids sort after the second's: arrival order and insertId order disagree.
    await write(['b0', 'b1', 'b2'], 'b');
    await write(['a0', 'a1', 'a2'], 'a');
    const list = async (orderBy: string) =>
      (
        await logging.getEntries({
          // The end leaves out the client's once-per-process diagnostic entry, stamped now.
          filter:
            'logName="projects/logging-test/logs/same-ms" AND timestamp>="2026-01-01T00:00:00Z" AND timestamp<"2026-02-02T00:00:00Z"',
          orderBy,
        })
      )[0].map((e) => String(e.data));
    expect(await list('timestamp asc')).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2']);
    expect(await list('timestamp desc')).toEqual(['b2', 'b1', 'b0', 'a2', 'a1', 'a0']);
  });

  it('returns only the entries of the projects named in resourceNames', async () => {
    const other = standIn.client({ projectId: 'someone-else' });
    const log = other.log('theirs');
    await log.write(log.entry({ severity: 'ERROR', resource: global }, 'not yours'));
    await writeTexts('mine', [{ severity: 'ERROR', text: 'yours' }]);
    const [entries] = await logging.getEntries({ filter: 'severity=ERROR' });
    expect(entries.map((e) => e.data)).toEqual(['yours']);
  });

  it('answers INVALID_ARGUMENT for a filter it cannot read, naming the position', async () => {
    await expect(
      logging.getEntries({ filter: 'severity>=ERROR AND (textPayload=~"x"' }),
    ).rejects.toMatchObject({
      code: 3,
      message: expect.stringMatching(/Expected '\)'.*position/),
    });
  });

  it('matches =~ in linear time, as RE2 does: a pattern that backtracks exponentially elsewhere answers', async () => {
    // With a backtracking engine `(a+)+$` on 40 a's and a '!' runs for days and freezes the process.
    await writeTexts('redos', [
      { severity: 'ERROR', text: `${'a'.repeat(40)}!` },
      { severity: 'ERROR', text: 'aaaa' },
    ]);
    const [entries] = await logging.getEntries({ filter: 'textPayload=~"(a+)+$"' });
    expect(entries.map((e) => e.data)).toEqual(['aaaa']);
    const [anchored] = await logging.getEntries({ filter: 'textPayload=~"^(a|aa)+$"' });
    expect(anchored.map((e) => e.data)).toEqual(['aaaa']);
  });

  it('reads =~ patterns with RE2 syntax and semantics, and refuses what RE2 refuses', async () => {
    await writeTexts('re2', [
      { severity: 'ERROR', text: 'Überweisung fehlgeschlagen' },
      { severity: 'ERROR', text: 'job 42 failed' },
      { severity: 'ERROR', text: 'cost was $5.* exactly' },
      { severity: 'ERROR', text: 'BIGQUERY quota' },
    ]);
    const matching = async (pattern: string) => {
      const [entries] = await logging.getEntries({ filter: `textPayload=~"${pattern}"` });
      return entries.map((e) => e.data);
    };
    expect(await matching('^\\\\p{Lu}\\\\p{Ll}+ ')).toEqual(['Überweisung fehlgeschlagen']);
    expect(await matching('job [[:digit:]]+ failed')).toEqual(['job 42 failed']);
    expect(await matching('\\\\Q$5.*\\\\E')).toEqual(['cost was $5.* exactly']);
    expect(await matching('(?i:bigquery) quota')).toEqual(['BIGQUERY quota']);
    await expect(logging.getEntries({ filter: 'textPayload=~"a{1001}"' })).rejects.toMatchObject({
      code: 3,
    });
    await expect(logging.getEntries({ filter: 'textPayload=~"(?=x)"' })).rejects.toMatchObject({ code: 3 });
  });

  it('injects faults by RPC name, as the Pub/Sub stand-in does', async () => {
    const fault = standIn.faults.add({ method: 'ListLogEntries', code: 'PERMISSION_DENIED', times: 1 });
    await expect(logging.getEntries({ filter: 'severity>=ERROR' })).rejects.toMatchObject({ code: 7 });
    expect(fault.hits).toBe(1);
    await expect(logging.getEntries({ filter: 'severity>=ERROR' })).resolves.toBeDefined();
    expect(standIn.requests.filter((r) => r.method === 'ListLogEntries').at(-2)?.fault?.code).toBe(7);
    expect(() => standIn.faults.add({ method: 'Publish', code: 14 })).toThrow(
      /Unknown Cloud Logging RPC 'Publish'/,
    );
  });

  it('turns cloudLoggingLogger lines into the entries Cloud Run would make of them', async () => {
    const sink = standIn.lineWriter({ serviceName: 'phase2' });
    const logger = cloudLoggingLogger({ write: sink.write, labels: { processor: 'phase2' } });
    logger.error('insert failed', {
      error: Object.assign(new Error('Backend error'), { code: 'SERVICE_UNAVAILABLE' }),
    });
    logger.info('fine');
    sink.write('plain text line');
    expect(await sink.flush()).toMatchObject({ written: 3, failed: 0 });

    const stored = standIn.entries().filter((e) => e.logName.endsWith('/run.googleapis.com%2Fstdout'));
    expect(stored.map((e) => e.severity)).toEqual(['ERROR', 'INFO', 'DEFAULT']);
    const [error] = stored;
    expect(error?.resource).toMatchObject({ type: 'cloud_run_revision', labels: { service_name: 'phase2' } });
    expect(error?.labels).toEqual({ processor: 'phase2' });
    // An ERROR entry with an error is an Error Reporting event as well.
    expect(error?.jsonPayload).toEqual({
      message: 'insert failed',
      error: { name: 'Error', message: 'Backend error', code: 'SERVICE_UNAVAILABLE' },
      '@type': 'type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent',
      serviceContext: { service: expect.any(String) },
      stack_trace: expect.stringMatching(/^Error: Backend error\n\s+at /),
    });
    expect(stored[2]?.textPayload).toBe('plain text line');
    const [found] = await logging.getEntries({ filter: 'jsonPayload.error.code=~"." AND severity>=ERROR' });
    expect(found).toHaveLength(1);
  });
});
