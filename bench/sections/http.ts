import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import got from 'got';
import ky from 'ky';
import * as sources from '../../src/index.js';
import { loadBuilt } from '../lib/built.js';
import { threadSchedule } from '../lib/cpu-wait.js';
import { type Case, collect } from '../lib/measure.js';
import type { Mode, SectionResult, Target } from '../lib/section.js';
import { fmt, mean, median, round, type Table } from '../lib/stats.js';

/** A page of the size a scraper typically fetches (about 4 KB of JSON). */
const PAGE = JSON.stringify({
  data: Array.from({ length: 40 }, (_, i) => ({ game_id: `g${i}`, player: `player_${i}`, points: i * 3 })),
});

/**
 * The physical floor: a bare node:http server on loopback. `/ok` always answers the page; `/flaky`
 * answers 503 (with `Retry-After: 0`) to every other request, so each call through a retrying client
 * costs exactly one failure and one retry.
 */
async function startServer(): Promise<{ url: string; server: Server }> {
  let flaky = 0;
  const server = createServer((req, res) => {
    if (req.url === '/flaky' && flaky++ % 2 === 0) {
      res.writeHead(503, { 'content-type': 'text/plain', 'content-length': '4', 'retry-after': '0' });
      res.end('down');
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(PAGE)),
    });
    res.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** One case's figures: medians over rounds of the time per call, and of its per-round ratio to the floor. */
interface PairedTiming {
  name: string;
  /** Wall clock, as read. */
  wallUs: number;
  wallRatio: number;
  /** Time the thread was runnable but other processes held the CPUs. */
  cpuWaitUs: number;
  /** Wall clock less that wait: what the wall clock reads on an idle machine. */
  ownWallUs: number;
  ownWallRatio: number;
  /** Process CPU time (client, loopback server and V8's helper threads). */
  cpuUs: number;
  cpuRatio: number;
  /** Times per call the thread blocked of its own accord (in epoll, for a timer): 0 when nothing waits. */
  sleepsPerCall: number;
}

/**
 * Rounds in one process; each round runs every case for a batch of `calls` (order rotated per round)
 * and records per call the wall time, the time spent waiting for a CPU (Linux) and the process CPU
 * time. Each batch starts with an empty young generation, so it pays for its own garbage. Ratios are
 * taken within a round, against the first case, then the median: on a shared machine the load drifts
 * between rounds far more than within one, so rounds are many and short.
 */
async function pairedRounds(
  cases: Case[],
  rounds: number,
  calls: number,
  warmup: number,
): Promise<PairedTiming[]> {
  for (const c of cases) for (let i = 0; i < warmup; i++) await c.run();
  const series = cases.map(() => ({
    wall: [] as number[],
    wait: [] as number[],
    cpu: [] as number[],
    sleeps: [] as number[],
  }));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + r) % cases.length;
      const c = cases[i]!;
      collect();
      const sched0 = threadSchedule();
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let n = 0; n < calls; n++) await c.run();
      const ns = Number(process.hrtime.bigint() - t0);
      const used = process.cpuUsage(cpu0);
      const sched1 = threadSchedule();
      const s = series[i]!;
      s.wall.push(ns / calls / 1000);
      s.cpu.push((used.user + used.system) / calls);
      s.wait.push(sched0 && sched1 ? (sched1.waitNs - sched0.waitNs) / calls / 1000 : 0);
      s.sleeps.push(sched0 && sched1 ? (sched1.sleeps - sched0.sleeps) / calls : Number.NaN);
    }
  }
  const floor = series[0]!;
  const own = (s: (typeof series)[number]) => s.wall.map((w, r) => w - s.wait[r]!);
  const floorOwn = own(floor);
  return cases.map((c, i) => {
    const s = series[i]!;
    const ownWall = own(s);
    return {
      name: c.name,
      wallUs: median(s.wall),
      wallRatio: median(s.wall.map((v, r) => v / floor.wall[r]!)),
      cpuWaitUs: median(s.wait),
      ownWallUs: median(ownWall),
      ownWallRatio: median(ownWall.map((v, r) => v / floorOwn[r]!)),
      cpuUs: median(s.cpu),
      cpuRatio: median(s.cpu.map((v, r) => v / floor.cpu[r]!)),
      sleepsPerCall: mean(s.sleeps),
    };
  });
}

/**
 * resilientFetch's cost per call over a bare `fetch` on loopback (the floor), and next to the retrying
 * HTTP clients users reach for (ky 1.x over the same fetch, got 14 over node:http), each configured as
 * their docs show for 3 retries and a long timeout. Every case reads the whole body. Interleaved
 * rounds in one process; the figure is the median per call.
 */
export async function http(mode: Mode): Promise<SectionResult> {
  // The library as built (no tsx keepNames wrappers), as a user runs it; the sources if esbuild is missing.
  type HttpApi = Pick<typeof sources, 'resilientFetch' | 'HttpHostRegistry'>;
  const built = await loadBuilt<HttpApi>();
  const { resilientFetch, HttpHostRegistry } = built.api ?? sources;
  const { url, server } = await startServer();
  const ok = `${url}/ok`;
  const flaky = `${url}/flaky`;
  // A registry per case, as a process would keep one: breaker and retry budget per host.
  const hosts = new HttpHostRegistry();
  const limitedHosts = new HttpHostRegistry({
    maxConcurrent: 8,
    rateLimit: { requestsPerSecond: 1e6, burst: 1000 },
  });
  const kyClient = ky.create({ retry: { limit: 3 }, timeout: 180_000 });
  const gotClient = got.extend({ retry: { limit: 3 }, timeout: { request: 180_000 } });
  const kyZeroDelay = ky.create({ retry: { limit: 3, delay: () => 0 }, timeout: 180_000 });
  const gotZeroDelay = got.extend({
    retry: { limit: 3, calculateDelay: ({ computedValue }) => (computedValue > 0 ? 1 : 0) },
    timeout: { request: 180_000 },
  });

  const bare = async (target: string) => {
    const response = await fetch(target);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.arrayBuffer();
  };
  const happy: Case[] = [
    { name: 'bare fetch + arrayBuffer (floor)', run: () => bare(ok) },
    {
      name: 'fetch with AbortSignal.timeout(180 s) + arrayBuffer',
      run: async () => {
        const response = await fetch(ok, { signal: AbortSignal.timeout(180_000) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.arrayBuffer();
      },
    },
    {
      name: 'resilientFetch (defaults: breaker + budget per host)',
      run: async () => (await resilientFetch(ok, undefined, { hosts })).arrayBuffer(),
    },
    {
      name: 'resilientFetch + concurrency and rate limit',
      run: async () => (await resilientFetch(ok, undefined, { hosts: limitedHosts })).arrayBuffer(),
    },
    { name: 'ky 1.x (retry limit 3)', run: () => kyClient.get(ok).arrayBuffer() },
    { name: 'got 14 (retry limit 3)', run: () => gotClient.get(ok).buffer() },
    {
      // The platform's cheapest way to read the same body: what resilientFetch does inside the attempt.
      name: "bare fetch, body through the stream's reader (no arrayBuffer)",
      run: async () => {
        const response = await fetch(ok);
        if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
        const reader = response.body.getReader();
        let bytes = 0;
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
          bytes += chunk.value.byteLength;
        return bytes;
      },
    },
  ];
  // One 503 then a success per call, no backoff (every client told to wait 0): the retry machinery only.
  const retried: Case[] = [
    {
      name: 'bare fetch, hand-written retry of a 503',
      run: async () => {
        for (;;) {
          const response = await fetch(flaky);
          const body = await response.arrayBuffer();
          if (response.ok) return body;
        }
      },
    },
    {
      name: 'resilientFetch (baseDelayMs 0)',
      run: async () =>
        (await resilientFetch(flaky, undefined, { hosts, baseDelayMs: 0, budget: false })).arrayBuffer(),
    },
    { name: 'ky 1.x (delay 0)', run: () => kyZeroDelay.get(flaky).arrayBuffer() },
    { name: 'got 14 (delay ~0)', run: () => gotZeroDelay.get(flaky).buffer() },
  ];

  const { rounds, calls, warmup } =
    mode === 'smoke' ? { rounds: 3, calls: 20, warmup: 20 } : { rounds: 201, calls: 20, warmup: 300 };
  try {
    const happyTimings = await pairedRounds(happy, rounds, calls, warmup);
    const retriedTimings = await pairedRounds(retried, rounds, Math.ceil(calls / 3), Math.ceil(warmup / 3));
    const ours = happyTimings[2]!;
    const withTimeout = happyTimings[1]!;
    const readerFloor = happyTimings[happy.length - 1]!;
    const x = (ratio: number) => `${ratio.toFixed(3)}x`;
    const row = (t: PairedTiming) => [
      t.name,
      fmt(t.ownWallUs, 1),
      x(t.ownWallRatio),
      fmt(t.cpuUs, 1),
      x(t.cpuRatio),
      fmt(t.wallUs, 1),
      x(t.wallRatio),
      fmt(t.cpuWaitUs, 1),
      Number.isNaN(t.sleepsPerCall) ? 'n/a' : t.sleepsPerCall.toFixed(3),
    ];
    const headers = [
      'Call',
      'µs/call (wall less CPU wait)',
      'ratio',
      'µs/call (CPU)',
      'ratio (CPU)',
      'µs/call (raw wall)',
      'ratio (raw wall)',
      'µs/call waiting for a CPU',
      'sleeps/call',
    ];
    const method =
      `${rounds} rounds of ${calls} sequential calls per case, order rotated, each batch after a scavenge; ratios are per round against the first row, then the median. ` +
      "Wall less CPU wait: the wall clock minus the time the event loop's thread was runnable but other processes held the CPUs (Linux schedstat), i.e. what the wall clock reads on an idle machine; " +
      'the raw wall clock on this shared 2-core machine is mostly that wait. Sleeps/call: how often the thread blocked of its own accord (0: nothing in the call waits on a timer, a delayed ACK or a new connection). ' +
      "CPU is the process's (client, loopback server, V8 helper threads). One node:http server on 127.0.0.1, keep-alive.";
    const tables: Table[] = [
      {
        title: 'HTTP per-call cost on loopback, success (a 4 KB JSON page)',
        headers,
        rows: happyTimings.map(row),
        note: `${method} Every case reads the whole body; resilientFetch reads it inside the attempt (its 180 s timeout covers it), with the stream's own reader: the last row is that read and nothing else, so the gap between it and resilientFetch is resilientFetch's own cost, mostly the per-attempt abort signal (undici keeps a WeakRef and a FinalizationRegistry entry for every request given a signal).`,
      },
      {
        title: 'HTTP per-call cost when every call meets one 503 and retries once (no backoff)',
        headers,
        rows: retriedTimings.map(row),
        note: `${method} Two requests per call; ratios against a hand-written retry loop. Every client is told to wait 0 between attempts (a 0 ms timer still costs about 1 ms, a sleep the table shows), so the figure is its retry machinery.`,
      },
    ];
    const targets: Target[] = [
      {
        name: 'resilientFetch overhead per call vs bare fetch on loopback <= 1.05x',
        met: ours.ownWallRatio <= 1.05 && ours.cpuRatio <= 1.05,
        detail:
          `wall less CPU wait ${x(ours.ownWallRatio)} (${fmt(ours.ownWallUs, 1)} µs), CPU ${x(ours.cpuRatio)}, raw wall ${x(ours.wallRatio)}; ` +
          `a fetch with a timeout signal alone is ${x(withTimeout.ownWallRatio)} wall less CPU wait, ${x(withTimeout.cpuRatio)} CPU; ` +
          `a bare fetch reading its body through the stream's reader is ${x(readerFloor.ownWallRatio)} / ${x(readerFloor.cpuRatio)}`,
      },
    ];
    const rounded = (t: PairedTiming) => ({
      name: t.name,
      ownWallUs: round(t.ownWallUs, 1),
      ownWallRatio: round(t.ownWallRatio, 4),
      cpuUs: round(t.cpuUs, 1),
      cpuRatio: round(t.cpuRatio, 4),
      wallUs: round(t.wallUs, 1),
      wallRatio: round(t.wallRatio, 4),
      cpuWaitUs: round(t.cpuWaitUs, 1),
      sleepsPerCall: Number.isNaN(t.sleepsPerCall) ? null : round(t.sleepsPerCall, 4),
    });
    return {
      title: 'HTTP: resilientFetch vs bare fetch, ky and got',
      tables,
      figures: {
        success: happyTimings.map(rounded),
        retried: retriedTimings.map(rounded),
        library: built.api ? 'as built by esbuild' : `sources through tsx (${built.reason})`,
        versions: { ky: '1.x (2.x needs Node 22)', got: '14.x (15+ needs Node 22)' },
      },
      targets,
      notes: [
        'ky 2.x and got 15+ declare Node >= 22; the newest majors that install and run on Node 20 are measured.',
      ],
    };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
