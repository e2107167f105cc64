import type { Logging } from '@google-cloud/logging';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LoggingStandIn, startLoggingStandIn } from '../../../../src/testing/index.js';

let standIn: LoggingStandIn;
let logging: Logging;
const resource = { type: 'global' };

beforeAll(async () => {
  standIn = await startLoggingStandIn({ projectId: 'write-options' });
  logging = standIn.client();
  // The client adds a diagnostic entry to the first write of a process, and forces partialSuccess on
  // for that write: done here, so that each test's write is an ordinary one.
  await logging.log('warm-up').write(logging.log('warm-up').entry({ resource }, 'warm-up'));
});
beforeEach(() => {
  standIn.clear();
});
afterAll(async () => {
  await standIn.close();
});

/** A text of `kib` KiB. */
const text = (kib: number) => 'x'.repeat(kib * 1024);
const texts = (logId: string) =>
  standIn
    .entries()
    .filter((e) => e.logName.endsWith(`/${logId}`))
    .map((e) => e.textPayload?.slice(0, 20));

describe('Logging stand-in: WriteLogEntries honors the request options the service honors', () => {
  it('refuses an entry over 256 KiB with INVALID_ARGUMENT naming it; the client’s default partialSuccess writes the others', async () => {
    const log = logging.log('big');
    const error = await log
      .write([
        log.entry({ resource }, 'first'),
        log.entry({ resource }, text(300)),
        log.entry({ resource }, 'third'),
      ])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 3, details: expect.stringMatching(/entries\[1\].*256/) });
    expect(texts('big')).toEqual(['first', 'third']);
  });

  it('without partialSuccess, one refused entry keeps the whole batch out', async () => {
    const log = logging.log('all-or-nothing', { partialSuccess: false });
    await expect(
      log.write([log.entry({ resource }, 'first'), log.entry({ resource }, text(300))]),
    ).rejects.toMatchObject({ code: 3 });
    expect(texts('all-or-nothing')).toEqual([]);
  });

  it('the client’s maxEntrySize cuts an entry to fit, and the stand-in then takes it', async () => {
    const log = logging.log('cut', { maxEntrySize: 250_000 });
    await log.write(log.entry({ resource }, text(300)));
    const [stored] = standIn.entries().filter((e) => e.logName.endsWith('/cut'));
    expect(stored?.textPayload?.length).toBeLessThan(250_000);
  });

  it('dryRun: the entries are checked and answered as written, but not stored', async () => {
    const log = logging.log('dry');
    await log.write([log.entry({ resource }, 'checked only')], { dryRun: true });
    expect(texts('dry')).toEqual([]);
    await expect(log.write([log.entry({ resource }, text(300))], { dryRun: true })).rejects.toMatchObject({
      code: 3,
    });
    const [listed] = await logging.getEntries({ filter: 'logName="projects/write-options/logs/dry"' });
    expect(listed).toEqual([]);
  });
});
