import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import got from 'got';
import ky from 'ky';
import { HttpHostRegistry, resilientFetch } from '../../src/index.js';
import { type Case, type CaseTiming, interleave } from '../lib/measure.js';
import type { Mode, SectionResult, Target } from '../lib/section.js';
import { fmt, round, type Table } from '../lib/stats.js';

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

function timingOf(timings: CaseTiming[], name: string): number {
  return timings.find((t) => t.name === name)!.medianNs;
}

/**
 * resilientFetch's cost per call over a bare `fetch` on loopback (the floor), and next to the retrying
 * HTTP clients users reach for (ky 1.x over the same fetch, got 14 over node:http), each configured as
 * their docs show for 3 retries and a long timeout. Every case reads the whole body. Interleaved
 * rounds in one process; the figure is the median per call.
 */
export async function http(mode: Mode): Promise<SectionResult> {
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
      name: 'resilientFetch (defaults: breaker + budget per host)',
      run: async () => (await resilientFetch(ok, undefined, { hosts })).arrayBuffer(),
    },
    {
      name: 'resilientFetch + concurrency and rate limit',
      run: async () => (await resilientFetch(ok, undefined, { hosts: limitedHosts })).arrayBuffer(),
    },
    { name: 'ky 1.x (retry limit 3)', run: () => kyClient.get(ok).arrayBuffer() },
    { name: 'got 14 (retry limit 3)', run: () => gotClient.get(ok).buffer() },
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

  const settings =
    mode === 'smoke'
      ? { rounds: 3, batchMs: 20, warmupMs: 100 }
      : { rounds: 21, batchMs: 60, warmupMs: 1000, iterations: 200 };
  try {
    const happyTimings = await interleave(happy, settings);
    const retriedTimings = await interleave(retried, settings);
    const floor = timingOf(happyTimings, happy[0]!.name);
    const ours = timingOf(happyTimings, happy[1]!.name);
    const ratio = ours / floor;
    const retriedFloor = timingOf(retriedTimings, retried[0]!.name);
    const row = (floorNs: number) => (t: CaseTiming) => [
      t.name,
      fmt(t.medianNs / 1000, 1),
      `${(t.medianNs / floorNs).toFixed(3)}x`,
      `${t.medianNs >= floorNs ? '+' : ''}${fmt((t.medianNs - floorNs) / 1000, 1)}`,
    ];
    const tables: Table[] = [
      {
        title: 'HTTP per-call cost on loopback, success (a 4 KB JSON page)',
        headers: ['Call', 'median µs/call', 'vs bare fetch', 'µs over bare fetch'],
        rows: happyTimings.map(row(floor)),
        note:
          `Interleaved rounds (${settings.rounds}), median per call; one node:http server on 127.0.0.1, keep-alive. ` +
          'Every case reads the whole body; resilientFetch reads it inside the attempt (its timeout covers it) and returns a buffered Response.',
      },
      {
        title: 'HTTP per-call cost when every call meets one 503 and retries once (no backoff)',
        headers: ['Call', 'median µs/call', 'vs hand-written retry', 'µs over it'],
        rows: retriedTimings.map(row(retriedFloor)),
        note: 'Two requests per call. Every client is told to wait 0 between attempts, so the figure is its retry machinery.',
      },
    ];
    const targets: Target[] = [
      {
        name: 'resilientFetch overhead per call vs bare fetch on loopback <= 1.05x',
        met: ratio <= 1.05,
        detail: `${ratio.toFixed(3)}x (${fmt(ours / 1000, 1)} vs ${fmt(floor / 1000, 1)} µs)`,
      },
    ];
    return {
      title: 'HTTP: resilientFetch vs bare fetch, ky and got',
      tables,
      figures: {
        medianNs: Object.fromEntries(
          [...happyTimings, ...retriedTimings].map((t) => [t.name, round(t.medianNs, 0)]),
        ),
        ratioVsBareFetch: round(ratio, 4),
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
