import v8 from 'node:v8';
import vm from 'node:vm';
import { median } from './stats.js';

/**
 * A young-generation collection before each timed batch, so that every batch starts with an empty young
 * generation and pays for exactly the garbage it makes. Without it the scavenges land in whichever
 * case happens to be running, and cases with long batches (the fast ones) are charged for the
 * garbage of the others: measured as a 4x spread between two identical bare loops.
 */
export const collect: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as ((options?: { type: 'minor' | 'major' }) => void) | undefined;
  // A scavenge only: it empties the young generation without leaving old-space sweeping work that
  // would spill into the timed batch.
  return typeof gc === 'function' ? () => gc({ type: 'minor' }) : () => {};
})();

/** One function under test for the interleaved micro-benchmark. */
export interface Case {
  name: string;
  /** One call; awaited by the harness. */
  run: () => Promise<unknown> | unknown;
}

/** Settings of {@link interleave}. */
export interface InterleaveOptions {
  /** Number of rounds; each round runs every case once, in a rotated order. */
  rounds: number;
  /** Target wall time of one case in one round, used to size its batch (when `iterations` is not set). */
  batchMs: number;
  /**
   * The same number of calls per batch for every case. Preferred: garbage collection is then charged
   * to every case in proportion to what it allocates, whereas time-sized batches give fast cases long
   * batches that include scavenges and slow cases short ones that may include none.
   */
  iterations?: number;
  /** Wall time spent warming each case up (JIT) before calibration. */
  warmupMs: number;
}

/** Per-case outcome: ns per call of every round, and their median. */
export interface CaseTiming {
  name: string;
  iterationsPerRound: number;
  nsPerCallByRound: number[];
  medianNs: number;
}

async function runBatch(c: Case, iterations: number): Promise<number> {
  collect();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await c.run();
  return Number(process.hrtime.bigint() - start);
}

async function runFor(c: Case, ms: number): Promise<{ iterations: number; ns: number }> {
  let iterations = 0;
  let ns = 0;
  let batch = 64;
  while (ns < ms * 1e6) {
    ns += await runBatch(c, batch);
    iterations += batch;
    batch = Math.min(batch * 2, 65536);
  }
  return { iterations, ns };
}

/**
 * Interleaved rounds in one process: every case is warmed up and sized so that one batch takes about
 * `batchMs`, then each round runs every case once (order rotated each round so that no case always
 * follows the same neighbour, which matters for GC and JIT state). The figure is the median ns per call
 * over rounds; overhead is then `median(case) - median(bare)`, because the loop and the await cost the
 * same in every case.
 *
 * @example
 * const timings = await interleave([{ name: 'bare', run: fn }], { rounds: 15, batchMs: 30, warmupMs: 200 });
 */
export async function interleave(cases: readonly Case[], options: InterleaveOptions): Promise<CaseTiming[]> {
  const sizes = new Map<string, number>();
  for (const c of cases) {
    await runFor(c, options.warmupMs);
    const probe = await runFor(c, Math.max(options.batchMs / 2, 5));
    const nsPerCall = probe.ns / probe.iterations;
    sizes.set(c.name, options.iterations ?? Math.max(16, Math.round((options.batchMs * 1e6) / nsPerCall)));
  }
  const byRound = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < options.rounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + r) % cases.length]!;
      const n = sizes.get(c.name)!;
      const ns = await runBatch(c, n);
      byRound.get(c.name)!.push(ns / n);
    }
  }
  return cases.map((c) => {
    const list = byRound.get(c.name)!;
    return {
      name: c.name,
      iterationsPerRound: sizes.get(c.name)!,
      nsPerCallByRound: list,
      medianNs: median(list),
    };
  });
}
