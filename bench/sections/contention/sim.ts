import { deriveSeed, mulberry32, normal, type Random } from '../../lib/rng.js';

/**
 * A per-client source of backoff delays: called once per failed write, in order, and returns the
 * sleep in ms. A fresh source is made for every client of every run (schedules such as decorrelated
 * jitter carry state from one delay to the next).
 */
export type DelaySource = () => number;

/** Makes one client's delay source; `random` is the run's seeded stream. */
export type Strategy = (random: Random) => DelaySource;

/** The parameters of the AWS "Exponential Backoff And Jitter" model. */
export interface ContentionModel {
  /** Mean of one network hop in ms (10 in the blog). */
  hopMeanMs: number;
  /** Standard deviation of one hop in ms (2 in the blog). */
  hopSdMs: number;
}

/** The AWS model as published: |normal(10 ms, 2 ms)| per hop. */
export const awsModel: ContentionModel = { hopMeanMs: 10, hopSdMs: 2 };

/** One simulated run. */
export interface RunOutcome {
  /** Write attempts that reached the row (the blog's "calls"). */
  calls: number;
  /** Time in ms at which the last client got its successful write response. */
  timeMs: number;
}

const SERVER_READ = 0;
const CLIENT_READ_RSP = 1;
const SERVER_WRITE = 2;
const CLIENT_WRITE_RSP = 3;

/**
 * A binary min-heap of events keyed by time. Kept as parallel typed arrays because a 190-client run
 * pushes tens of thousands of events and object churn would dominate the simulation time.
 */
class EventQueue {
  private time = new Float64Array(1024);
  private kind = new Uint8Array(1024);
  private client = new Int32Array(1024);
  private payload = new Float64Array(1024);
  size = 0;

  push(time: number, kind: number, client: number, payload: number): void {
    if (this.size === this.time.length) this.grow();
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.time[parent]! <= time) break;
      this.move(parent, i);
      i = parent;
    }
    this.time[i] = time;
    this.kind[i] = kind;
    this.client[i] = client;
    this.payload[i] = payload;
  }

  /** Pops the earliest event into `out` ([time, kind, client, payload]). */
  pop(out: Float64Array): void {
    out[0] = this.time[0]!;
    out[1] = this.kind[0]!;
    out[2] = this.client[0]!;
    out[3] = this.payload[0]!;
    const last = --this.size;
    if (last === 0) return;
    const t = this.time[last]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      const c = r < last && this.time[r]! < this.time[l]! ? r : l;
      if (this.time[c]! >= t) break;
      this.move(c, i);
      i = c;
    }
    this.move(last, i);
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from]!;
    this.kind[to] = this.kind[from]!;
    this.client[to] = this.client[from]!;
    this.payload[to] = this.payload[from]!;
  }

  private grow(): void {
    const n = this.time.length * 2;
    const time = new Float64Array(n);
    time.set(this.time);
    const kind = new Uint8Array(n);
    kind.set(this.kind);
    const client = new Int32Array(n);
    client.set(this.client);
    const payload = new Float64Array(n);
    payload.set(this.payload);
    this.time = time;
    this.kind = kind;
    this.client = client;
    this.payload = payload;
  }
}

/**
 * One run of the AWS optimistic-concurrency model, event for event as in
 * `aws-arch-backoff-simulator/src/backoff_simulator.py`: every client reads the row's version (one hop
 * there, one back), writes with that version (one hop there, one back), and on a stale version sleeps
 * `hop + backoff` before it reads again. Each client writes successfully exactly once. `calls` counts
 * writes that reach the row; the time is that of the last event.
 *
 * @example
 * simulate(100, (rnd) => { let n = 0; return () => rnd() * Math.min(2000, 5 * 2 ** ++n); }, 7);
 */
export function simulate(
  clients: number,
  strategy: Strategy,
  seed: number,
  model: ContentionModel = awsModel,
): RunOutcome {
  const random = mulberry32(seed);
  const hop = () => Math.abs(normal(random, model.hopMeanMs, model.hopSdMs));
  const sources: DelaySource[] = [];
  const queue = new EventQueue();
  for (let c = 0; c < clients; c++) {
    sources.push(strategy(random));
    queue.push(hop(), SERVER_READ, c, 0);
  }
  let version = 0;
  let calls = 0;
  let now = 0;
  const ev = new Float64Array(4);
  while (queue.size > 0) {
    queue.pop(ev);
    now = ev[0]!;
    const kind = ev[1]!;
    const c = ev[2]!;
    switch (kind) {
      case SERVER_READ:
        queue.push(now + hop(), CLIENT_READ_RSP, c, version);
        break;
      case CLIENT_READ_RSP:
        queue.push(now + hop(), SERVER_WRITE, c, ev[3]!);
        break;
      case SERVER_WRITE: {
        calls++;
        const ok = ev[3] === version;
        if (ok) version++;
        queue.push(now + hop(), CLIENT_WRITE_RSP, c, ok ? 1 : 0);
        break;
      }
      case CLIENT_WRITE_RSP:
        if (ev[3] === 0) queue.push(now + hop() + sources[c]!(), SERVER_READ, c, 0);
        break;
    }
  }
  return { calls, timeMs: now };
}

/** Mean calls and time over `runs` seeded runs at one client count. */
export interface PointOutcome {
  clients: number;
  runs: number;
  meanCalls: number;
  meanTimeMs: number;
}

/**
 * Runs `runs` seeded simulations at one client count and averages them, as the blog's simulator does.
 * Run r of every strategy uses the same seed, so strategies are compared on the same network draws
 * as far as their event sequences coincide.
 *
 * @example
 * const p = simulatePoint(50, fullJitter, 100, 1);
 */
export function simulatePoint(clients: number, strategy: Strategy, runs: number, seed: number): PointOutcome {
  let calls = 0;
  let time = 0;
  for (let r = 0; r < runs; r++) {
    const out = simulate(clients, strategy, deriveSeed(seed, clients, r));
    calls += out.calls;
    time += out.timeMs;
  }
  return { clients, runs, meanCalls: calls / runs, meanTimeMs: time / runs };
}
