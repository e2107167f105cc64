import type { Logging } from '@google-cloud/logging';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LoggingStandIn, startLoggingStandIn } from '../../../../src/testing/index.js';

let standIn: LoggingStandIn;
let logging: Logging;
const global = { type: 'global' };
// Recent: the client's getEntries adds `timestamp >= (24 hours ago)` to a filter that has none.
const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000 + 123);

beforeAll(async () => {
  standIn = await startLoggingStandIn({ projectId: 'insert-id-test' });
  logging = standIn.client();
});

beforeEach(() => {
  standIn.clear();
});

afterAll(async () => {
  await standIn.close();
});

async function write(logId: string, items: Array<{ insertId: string; text: string; timestamp?: Date }>) {
  const log = logging.log(logId);
  await log.write(
    items.map((item) =>
      log.entry(
        { resource: global, severity: 'ERROR', insertId: item.insertId, timestamp: item.timestamp ?? at },
        item.text,
      ),
    ),
  );
}

async function listed(filter: string): Promise<string[]> {
  const [entries] = await logging.getEntries({ filter, orderBy: 'timestamp asc' });
  // The client adds a diagnostic entry (a jsonPayload) to its first write: only the texts count.
  return entries.map((entry) => entry.data).filter((data): data is string => typeof data === 'string');
}

describe('Logging stand-in: entries with the same insertId and timestamp are one entry', () => {
  it('a write retried with the same insertId and timestamp is listed once (the first one kept)', async () => {
    await write('retried', [{ insertId: 'job-42', text: 'first try' }]);
    await write('retried', [{ insertId: 'job-42', text: 'retry' }]);
    expect(await listed('logName="projects/insert-id-test/logs/retried"')).toEqual(['first try']);
    const stored = standIn.entries().filter((e) => e.logName.endsWith('/retried') && e.textPayload);
    expect(stored.map((e) => e.textPayload)).toEqual(['first try']);
  });

  it('duplicates within one request are one entry too', async () => {
    await write('batch', [
      { insertId: 'same', text: 'a' },
      { insertId: 'same', text: 'b' },
    ]);
    expect(await listed('logName="projects/insert-id-test/logs/batch"')).toEqual(['a']);
  });

  it('the same insertId at another timestamp, or in another project, is another entry', async () => {
    await write('times', [
      { insertId: 'x', text: 'noon' },
      { insertId: 'x', text: 'a second later', timestamp: new Date(at.getTime() + 1000) },
    ]);
    expect(await listed('logName="projects/insert-id-test/logs/times"')).toEqual(['noon', 'a second later']);
    const elsewhere = standIn.client({ projectId: 'other-project' });
    const other = elsewhere.log('times');
    await other.write(other.entry({ resource: global, insertId: 'x', timestamp: at }, 'elsewhere'));
    const [entries] = await elsewhere.getEntries({ filter: 'logName="projects/other-project/logs/times"' });
    expect(entries.map((entry) => entry.data)).toEqual(['elsewhere']);
  });

  it('the same insertId and timestamp in another log of the project is a duplicate, as the service says (same project)', async () => {
    await write('one', [{ insertId: 'shared', text: 'in one' }]);
    await write('two', [{ insertId: 'shared', text: 'in two' }]);
    expect(await listed('severity=ERROR')).toEqual(['in one']);
  });
});
