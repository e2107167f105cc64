import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AlertResult,
  createAlertManager,
  gcsRateLimitStore,
  silentLogger,
  slackChannel,
} from '../../../src/index.js';
import {
  createTestClock,
  type SlackStandIn,
  type StorageStandIn,
  startSlackStandIn,
  startStorageStandIn,
} from '../../../src/testing/index.js';

const BUCKET = 'alert-state';
const dlqAlert = {
  key: 'dlq:orders-dlq-sub',
  severity: 'critical' as const,
  title: '4 messages in dead-letter queue orders-dlq-sub',
};

let storage: StorageStandIn;
let slack: SlackStandIn;

// Every wait in this file ends with an event (an answer, a child's line, a hit of a fault); these
// limits only stop a run that hangs. A loaded machine (load 20 on 2 cores) took 66 s for the
// 4-process race and over 30 s for the 3 rounds of 100 managers.
const HANG_GUARD_MS = 300_000;
/** Per request, for clients whose requests must end with the store's answer, however slow. */
const NO_REQUEST_TIMEOUT_MS = 120_000;

beforeAll(async () => {
  storage = await startStorageStandIn({ buckets: [BUCKET] });
  slack = await startSlackStandIn();
}, HANG_GUARD_MS);
afterAll(async () => {
  await Promise.all([storage.close(), slack.close()]);
});

/**
 * One instance: its own Storage client (nothing shared in memory with the others), its own manager.
 * Its budgets (`storeTimeoutMs`, `deadlineMs`, the retries' sleeps) run on its own virtual clock, so a
 * starved event loop cannot spend them: only the store's answers (or a request's own timeout) end a
 * phase. `now` is what the records hold.
 */
function instance(
  now: () => number = Date.now,
  prefix = 'limits/',
  tuning: { storeTimeoutMs?: number; requestTimeoutMs?: number } = {},
) {
  return createAlertManager({
    channels: [slackChannel({ webhookUrl: slack.webhookUrl, minIntervalMs: 0 })],
    store: gcsRateLimitStore({
      storage: storage.client(),
      bucket: BUCKET,
      prefix,
      requestTimeoutMs: tuning.requestTimeoutMs ?? NO_REQUEST_TIMEOUT_MS,
    }),
    logger: silentLogger,
    now,
    clock: createTestClock(),
    deadlineMs: 45_000,
    storeTimeoutMs: tuning.storeTimeoutMs ?? 15_000,
  });
}

/** Resolves once `hit()` holds; rejects if the child exits first (it failed before its post). */
async function untilHit(hit: () => boolean, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (!hit()) {
    if (gone) throw new Error('the child process exited before its Slack post arrived');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What a sender that fell back to sending without the limit says (the store did not answer in time). */
function unlimited(results: AlertResult[]) {
  return results.filter((r) => r.rateLimit === 'unavailable').map((r) => r.detail);
}

function tally(results: AlertResult[]) {
  const count = (f: (r: AlertResult) => boolean) => results.filter(f).length;
  return {
    sent: count((r) => r.outcome === 'sent'),
    inFlight: count((r) => r.reason === 'in_flight'),
    limited: count((r) => r.reason === 'rate_limited'),
  };
}

describe('the rate limit shared through Cloud Storage (real @google-cloud/storage client, stand-in)', () => {
  it(
    '100 instances racing with the same alert send it exactly once per window',
    async () => {
      slack.messages.length = 0;
      let clock = Date.parse('2026-12-01T10:00:00Z');
      const now = () => clock;
      const prefix = 'race/';
      const first = await Promise.all(
        Array.from({ length: 100 }, () => instance(now, prefix).send(dlqAlert)),
      );
      // A working store: nobody may fall back to sending without the limit. (On a loaded machine a
      // real-time budget did run out, and the fallback sent: that is by design, and tested below.)
      expect(unlimited(first)).toEqual([]);
      expect(tally(first).sent).toBe(1);
      expect(tally(first).inFlight + tally(first).limited).toBe(99);
      expect(slack.messages).toHaveLength(1);
      // The 412 answers prove the race was real: the stand-in refused the losers' writes.
      expect(storage.requests.filter((r) => r.status === 412).length).toBeGreaterThan(0);

      // Later in the same 60-minute window: still nobody sends.
      clock += 59 * 60_000;
      const again = await Promise.all(
        Array.from({ length: 100 }, () => instance(now, prefix).send(dlqAlert)),
      );
      expect(tally(again)).toEqual({ sent: 0, inFlight: 0, limited: 100 });
      expect(slack.messages).toHaveLength(1);

      // The next window: exactly one more.
      clock += 2 * 60_000;
      const next = await Promise.all(Array.from({ length: 100 }, () => instance(now, prefix).send(dlqAlert)));
      expect(unlimited(next)).toEqual([]);
      expect(tally(next).sent).toBe(1);
      expect(slack.messages).toHaveLength(2);
    },
    HANG_GUARD_MS,
  );

  it(
    '100 senders in 4 processes send it exactly once per window',
    async () => {
      slack.messages.length = 0;
      const before = storage.requests.filter((r) => r.status === 412).length;
      const children = [1, 2, 3, 4].map(() => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', fileURLToPath(new URL('./race-child.ts', import.meta.url))],
          {
            env: {
              ...process.env,
              GPR_STORAGE_URL: storage.url,
              GPR_BUCKET: BUCKET,
              GPR_WEBHOOK: slack.webhookUrl,
              GPR_PREFIX: 'process-race/',
              GPR_SENDERS: '25',
            },
            stdio: ['pipe', 'pipe', 'ignore'],
          },
        );
        const lines: string[] = [];
        let waiting: Array<() => void> = [];
        let buffer = '';
        child.stdout.on('data', (chunk: Buffer) => {
          buffer += chunk.toString('utf8');
          const parts = buffer.split('\n');
          buffer = parts.pop() ?? '';
          lines.push(...parts);
          for (const wake of waiting) wake();
          waiting = [];
        });
        const exited = new Promise((resolve) => child.once('exit', resolve));
        const nextLine = async (): Promise<string> => {
          while (lines.length === 0) await new Promise<void>((resolve) => waiting.push(resolve));
          return lines.shift() ?? '';
        };
        return { child, nextLine, exited };
      });
      // Every process has its 25 managers and clients before the first round starts.
      expect(await Promise.all(children.map((c) => c.nextLine()))).toEqual([
        'ready',
        'ready',
        'ready',
        'ready',
      ]);
      const round = async (at: number) => {
        for (const c of children) c.child.stdin.write(`${at}\n`);
        const answers = await Promise.all(
          children.map(async (c) => JSON.parse(await c.nextLine()) as string[]),
        );
        const all = answers.flat();
        return {
          sent: all.filter((a) => a === 'sent').length,
          held: all.filter((a) => a === 'in_flight' || a === 'rate_limited').length,
          // The store answered: nobody may have fallen back to sending without the limit.
          unlimited: all.filter((a) => a === 'sent without the limit').length,
        };
      };
      const t0 = Date.parse('2026-12-01T10:00:00Z');
      try {
        expect(await round(t0)).toEqual({ sent: 1, held: 99, unlimited: 0 });
        expect(slack.messages).toHaveLength(1);
        // The processes really raced: the stand-in refused the losers' writes.
        expect(storage.requests.filter((r) => r.status === 412).length).toBeGreaterThan(before);
        expect(await round(t0 + 59 * 60_000)).toEqual({ sent: 0, held: 100, unlimited: 0 });
        expect(await round(t0 + 61 * 60_000)).toEqual({ sent: 1, held: 99, unlimited: 0 });
        expect(slack.messages).toHaveLength(2);
      } finally {
        for (const c of children) c.child.stdin.end();
        await Promise.all(children.map((c) => c.exited));
      }
    },
    HANG_GUARD_MS,
  );

  it('senders whose store answers slower than its per-request timeout keep asking within storeTimeoutMs: still exactly once', async () => {
    // What a loaded instance sees: the first 30 reads answer after 1.5 s, past the store's 1 s
    // per-request timeout, so each of the 10 senders loses its first three reads. storeTimeoutMs
    // (15 s) leaves room to ask again; none may fall back to sending without the limit.
    slack.messages.length = 0;
    const slow = storage.faults.add({ method: 'GET', path: /slow-store/, times: 30, delayMs: 1500 });
    try {
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          instance(Date.now, 'slow-store/', { requestTimeoutMs: 1000 }).send(dlqAlert),
        ),
      );
      // Each sender's budget is spent only by its retries' sleeps (its clock is virtual): a request
      // that a loaded machine makes slower than 1 s is one more retry, not a fallback.
      expect(slow.hits).toBe(30);
      expect(unlimited(results)).toEqual([]);
      expect(tally(results)).toMatchObject({ sent: 1 });
      expect(tally(results).inFlight + tally(results).limited).toBe(9);
      expect(slack.messages).toHaveLength(1);
    } finally {
      slow.remove();
    }
  });

  it('a store write whose answer is lost (connection reset after it was applied) still sends exactly once', async () => {
    slack.messages.length = 0;
    storage.faults.add({ method: 'POST', path: /\/upload\//, times: 1, reset: 'after' });
    const a = await instance(Date.now, 'lost-answer/').send(dlqAlert);
    expect(a).toMatchObject({ outcome: 'sent', rateLimit: 'allowed', recorded: true });
    expect((await instance(Date.now, 'lost-answer/').send(dlqAlert)).reason).toBe('rate_limited');
    expect(slack.messages).toHaveLength(1);
  });

  it('a store outage sends anyway and says so; the limit works again once the store is back', async () => {
    slack.messages.length = 0;
    const outage = storage.faults.add({ status: 503 });
    // Every answer is a 503: each sender retries for its storeTimeoutMs, then sends.
    const results = await Promise.all(
      [1, 2, 3].map(() => instance(Date.now, 'outage/', { storeTimeoutMs: 1000 }).send(dlqAlert)),
    );
    for (const r of results) {
      expect(r).toMatchObject({ outcome: 'sent', rateLimit: 'unavailable' });
      expect(r.rateLimitError?.code).toBe('SERVICE_UNAVAILABLE');
      expect(r.detail).toContain('rate-limit store gcs unavailable');
    }
    expect(slack.messages).toHaveLength(3);
    outage.remove();
    expect((await instance(Date.now, 'outage/').send(dlqAlert)).rateLimit).toBe('allowed');
    expect((await instance(Date.now, 'outage/').send(dlqAlert)).reason).toBe('rate_limited');
  });

  it('deliveries made while the store was down are written back once it answers: neither the same instance nor another sends the key again in that window', async () => {
    slack.messages.length = 0;
    let clock = Date.parse('2026-12-01T12:00:00Z');
    const now = () => clock;
    const a = instance(now, 'write-back/', { storeTimeoutMs: 1000 });
    const outage = storage.faults.add({ status: 503 });
    const otherKey = { ...dlqAlert, key: 'dlq:billing-dlq-sub' };
    expect(await a.send(dlqAlert)).toMatchObject({ outcome: 'sent', rateLimit: 'unavailable' });
    expect(await a.send(otherKey)).toMatchObject({ outcome: 'sent', rateLimit: 'unavailable' });
    outage.remove();
    clock += 60_000;
    // The same instance, store back: its outage delivery counts in the shared record (it sent before).
    expect(await a.send(dlqAlert)).toMatchObject({ outcome: 'suppressed', reason: 'rate_limited' });
    // That answer also wrote back the other key's outage delivery: a fresh instance holds both back.
    expect(await instance(now, 'write-back/').send(dlqAlert)).toMatchObject({ reason: 'rate_limited' });
    expect(await instance(now, 'write-back/').send(otherKey)).toMatchObject({ reason: 'rate_limited' });
    expect(slack.messages).toHaveLength(2);
    // After the window of the outage delivery, the key is sent again.
    clock += 60 * 60_000;
    expect(await instance(now, 'write-back/').send(dlqAlert)).toMatchObject({ rateLimit: 'allowed' });
  });

  it.each([
    ['an emoji', 'dlq:\u{1F3C0}-games-dlq-sub'],
    ['a lone surrogate', 'dlq:games\uD800-sub'],
    ['CJK and spaces', 'dlq:\u7403\u5458 \u9519\u8BEF'],
  ])(
    'a key with %s is limited through the store like any other (not sent without the limit each time)',
    async (_, key) => {
      slack.messages.length = 0;
      const first = await instance(Date.now, 'unicode-keys/').send({ ...dlqAlert, key });
      expect(first).toMatchObject({ outcome: 'sent', rateLimit: 'allowed', recorded: true });
      const second = await instance(Date.now, 'unicode-keys/').send({ ...dlqAlert, key });
      expect(second).toMatchObject({ outcome: 'suppressed', reason: 'rate_limited' });
      expect(slack.messages).toHaveLength(1);
    },
  );

  it('a key holding a credential is named in the bucket without it, and still limited by the whole key', async () => {
    slack.messages.length = 0;
    const key = 'http:https://ops:s3cretPassw0rd@api.example.com/v1?api_key=AKfy12345678901234567890';
    const other = key.replace('s3cretPassw0rd', 'an0therPassw0rd');
    const prefix = 'secret-keys/';
    expect(await instance(Date.now, prefix).send({ ...dlqAlert, key })).toMatchObject({
      rateLimit: 'allowed',
    });
    expect(await instance(Date.now, prefix).send({ ...dlqAlert, key })).toMatchObject({
      reason: 'rate_limited',
    });
    // A key that differs only in its password is another record, not the same object.
    expect(await instance(Date.now, prefix).send({ ...dlqAlert, key: other })).toMatchObject({
      rateLimit: 'allowed',
    });
    expect(slack.messages).toHaveLength(2);
    const [files] = await storage.client().bucket(BUCKET).getFiles({ prefix });
    const names = files.map((file) => file.name);
    expect(names).toHaveLength(2);
    for (const name of names) {
      expect(name).not.toMatch(/s3cretPassw0rd|an0therPassw0rd|AKfy1234/);
      expect(name).toMatch(/REDACTED/);
    }
  });

  it('a store that cannot be reached at all (server gone) sends anyway', async () => {
    const gone = await startStorageStandIn({ buckets: [BUCKET] });
    const client = gone.client();
    await gone.close();
    slack.messages.length = 0;
    // A virtual clock: the budget ends after the retries' sleeps, never while a refusal is on its way.
    const result = await createAlertManager({
      channels: [slackChannel({ webhookUrl: slack.webhookUrl, minIntervalMs: 0 })],
      store: gcsRateLimitStore({ storage: client, bucket: BUCKET }),
      logger: silentLogger,
      clock: createTestClock(),
    }).send(dlqAlert);
    expect(result).toMatchObject({ outcome: 'sent', rateLimit: 'unavailable' });
    expect(result.rateLimitError?.code).toBe('NETWORK_ERROR');
    expect(slack.messages).toHaveLength(1);
  });

  it(
    'an instance killed after claiming: the others hold back until its lease ends, then one sends',
    async () => {
      slack.messages.length = 0;
      const hang = slack.faults.add({ method: 'POST', hang: true });
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(new URL('./crash-child.ts', import.meta.url))],
        {
          env: {
            ...process.env,
            GPR_STORAGE_URL: storage.url,
            GPR_BUCKET: BUCKET,
            GPR_WEBHOOK: slack.webhookUrl,
          },
          stdio: 'ignore',
        },
      );
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Wait until the child's Slack post has arrived: its claim is then in the store.
      await untilHit(() => hang.hits > 0, exited);
      expect(hang.hits).toBe(1);
      child.kill('SIGKILL');
      await exited;
      hang.remove();

      // The child used the default prefix; its lease was 600 s.
      const survivor = (now: () => number) =>
        createAlertManager({
          channels: [slackChannel({ webhookUrl: slack.webhookUrl, minIntervalMs: 0 })],
          store: gcsRateLimitStore({
            storage: storage.client(),
            bucket: BUCKET,
            requestTimeoutMs: NO_REQUEST_TIMEOUT_MS,
          }),
          logger: silentLogger,
          now,
          clock: createTestClock(),
        });
      expect(await survivor(Date.now).send(dlqAlert)).toMatchObject({
        outcome: 'suppressed',
        reason: 'in_flight',
      });
      expect(slack.messages).toHaveLength(0);
      const later = await survivor(() => Date.now() + 601_000).send(dlqAlert);
      expect(later).toMatchObject({ outcome: 'sent', rateLimit: 'allowed', recorded: true });
      expect(slack.messages).toHaveLength(1);
    },
    HANG_GUARD_MS,
  );
  it(
    'SIGTERM while a send is in flight: the process waits for it, records it and logs it before it exits',
    async () => {
      slack.messages.length = 0;
      const slow = slack.faults.add({ method: 'POST', times: 1, delayMs: 1500 });
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(new URL('./sigterm-child.ts', import.meta.url))],
        {
          env: {
            ...process.env,
            GPR_STORAGE_URL: storage.url,
            GPR_BUCKET: BUCKET,
            GPR_WEBHOOK: slack.webhookUrl,
            GPR_PREFIX: 'sigterm/',
          },
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once('exit', (_code, signal) => resolve(signal)),
      );
      // Wait until the child's Slack post has arrived: its claim is in the store, the answer 1.5 s away.
      await untilHit(() => slow.hits > 0, exited);
      expect(slow.hits).toBe(1);
      child.kill('SIGTERM');
      // It still ends the way SIGTERM ends a process, once the send is done.
      expect(await exited).toBe('SIGTERM');
      expect(stdout).toContain('alert sent: 4 dead letters');
      expect(slack.messages).toHaveLength(1);
      // The delivery was recorded, not left as a claim: the next sender is rate limited, not in flight.
      expect(await instance(Date.now, 'sigterm/').send(dlqAlert)).toMatchObject({
        outcome: 'suppressed',
        reason: 'rate_limited',
      });
    },
    HANG_GUARD_MS,
  );
});
