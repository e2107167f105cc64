import { RetryBudget, retry, ServiceUnavailableError } from '../../src/index.js';
import { createTestClock, type TestClock } from '../../src/testing/clock.js';
import { deriveSeed, mulberry32, type Random } from '../lib/rng.js';
import type { Mode, SectionResult, Target } from '../lib/section.js';
import { fmt, round, type Table } from '../lib/stats.js';

const SEED = 6;

/** A backend that fails each attempt with probability `failureRate` (a transient 503), seeded. */
class Backend {
  attempts = 0;
  readonly #random: Random;
  constructor(
    readonly failureRate: number,
    seed: number,
  ) {
    this.#random = mulberry32(seed);
  }
  call = async (): Promise<number> => {
    this.attempts++;
    if (this.#random() < this.failureRate)
      throw new ServiceUnavailableError('backend unavailable', { httpStatus: 503 });
    return 1;
  };
}

/** What one strategy did over all logical calls at one failure rate. */
interface Outcome {
  attemptsPerCall: number;
  successRate: number;
  /** Mean backoff slept per logical call (virtual time, ms). */
  sleepMsPerCall: number;
}

type Strategy = (backend: Backend, clock: TestClock, random: Random) => () => Promise<unknown>;

/**
 * @google-cloud/common's default retry (gcp-errors.md §4.2, §6.3): 1 + maxRetries(3) = 4 attempts on
 * 408/429/5xx, sleeping `2^n * 1000 + rand(0..999)` ms before retry n = 1, 2, 3.
 */
function bigQueryClientDefault(backend: Backend, clock: TestClock, random: Random) {
  return async () => {
    for (let n = 0; ; n++) {
      try {
        return await backend.call();
      } catch (err) {
        if (n === 3) throw err;
        await clock.sleep(2 ** (n + 1) * 1000 + Math.floor(random() * 1000));
      }
    }
  };
}

const strategies: Record<string, Strategy> = {
  'naive retry (3 attempts, no backoff, no budget)': (backend) => async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await backend.call();
      } catch (err) {
        if (attempt === 3) throw err;
      }
    }
  },
  'retry + default RetryBudget (ours)': (backend, clock, random) => {
    const budget = new RetryBudget();
    return () => retry(backend.call, { budget, clock, random });
  },
  'BigQuery client default (4) under a 3-attempt wrapper': (backend, clock, random) => {
    const client = bigQueryClientDefault(backend, clock, random);
    return () => retry(client, { maxAttempts: 3, clock, random });
  },
  'same, wrapper with the default RetryBudget': (backend, clock, random) => {
    const client = bigQueryClientDefault(backend, clock, random);
    const budget = new RetryBudget();
    return () => retry(client, { maxAttempts: 3, budget, clock, random });
  },
};

async function runStrategy(strategy: Strategy, failureRate: number, calls: number): Promise<Outcome> {
  // Same backend seed for every strategy: while two strategies make the same decisions they see the
  // same sequence of failures, so equal decisions give exactly equal success rates.
  const backend = new Backend(failureRate, deriveSeed(SEED, 'backend', failureRate));
  const clock = createTestClock();
  const call = strategy(backend, clock, mulberry32(deriveSeed(SEED, 'jitter', failureRate)));
  let ok = 0;
  for (let i = 0; i < calls; i++) {
    try {
      await call();
      ok++;
    } catch {
      // counted as a failed logical call
    }
  }
  return {
    attemptsPerCall: backend.attempts / calls,
    successRate: ok / calls,
    sleepMsPerCall: clock.sleeps.reduce((a, b) => a + b, 0) / calls,
  };
}

/**
 * §3 Retry amplification: attempts per logical call and success rate against a backend with a set
 * failure rate, for naive retry, our retry with the default RetryBudget, and the BigQuery client's own
 * retries layered under a 3-attempt wrapper (the 3 x 4 = 12 case the executor avoids). Virtual time.
 */
export async function amplification(mode: Mode): Promise<SectionResult> {
  const calls = mode === 'smoke' ? 200 : 10_000;
  const rates = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 1];
  const results: Record<string, Record<string, Outcome>> = {};
  for (const [name, strategy] of Object.entries(strategies)) {
    results[name] = {};
    for (const rate of rates) results[name]![String(rate)] = await runStrategy(strategy, rate, calls);
  }
  const names = Object.keys(strategies);
  const pct = (r: number) => `${round(r * 100, 3)} %`;
  const attemptsTable: Table = {
    title: 'Attempts per logical call (backend load multiplier)',
    headers: ['Failure rate', ...names],
    rows: rates.map((r) => [pct(r), ...names.map((n) => results[n]![String(r)]!.attemptsPerCall.toFixed(3))]),
    note: `${fmt(calls)} sequential logical calls per cell, seeded (seed ${SEED}); each attempt fails with a transient 503 at the given rate. Test clock: no real sleeping.`,
  };
  const successTable: Table = {
    title: 'Success rate of logical calls',
    headers: ['Failure rate', ...names],
    rows: rates.map((r) => [pct(r), ...names.map((n) => pct(results[n]![String(r)]!.successRate))]),
  };
  const sleepTable: Table = {
    title: 'Backoff slept per logical call (virtual seconds)',
    headers: ['Failure rate', ...names],
    rows: rates.map((r) => [
      pct(r),
      ...names.map((n) => (results[n]![String(r)]!.sleepMsPerCall / 1000).toFixed(2)),
    ]),
    note: 'Our retry with its defaults (base 1 s, cap 15 s, full jitter); the BigQuery client sleeps 2^n s + rand(0..1) s.',
  };
  const ours = results['retry + default RetryBudget (ours)']!;
  const naive = results['naive retry (3 attempts, no backoff, no budget)']!;
  const targets: Target[] = [
    {
      name: 'At 100 % failure the budget keeps attempts per call ≤ 1.05',
      met: ours['1']!.attemptsPerCall <= 1.05,
      detail: `${ours['1']!.attemptsPerCall.toFixed(4)} attempts per call (naive: ${naive['1']!.attemptsPerCall.toFixed(2)})`,
    },
    {
      name: "At 5 % failure the budget's success rate equals naive retry's",
      met: ours['0.05']!.successRate === naive['0.05']!.successRate,
      detail: `ours ${pct(ours['0.05']!.successRate)} vs naive ${pct(naive['0.05']!.successRate)}`,
    },
  ];
  // Budget sizing: the same backend and seeds, our retry with other RetryBudget settings.
  const sizes: Array<{ maxTokens: number; tokenRatio: number }> = [
    { maxTokens: 10, tokenRatio: 0.1 },
    { maxTokens: 20, tokenRatio: 0.1 },
    { maxTokens: 50, tokenRatio: 0.1 },
    { maxTokens: 100, tokenRatio: 0.1 },
    { maxTokens: 100, tokenRatio: 0.2 },
  ];
  const sizingRates = [0.05, 0.1, 0.25, 1];
  const sizing: Array<{ maxTokens: number; tokenRatio: number; byRate: Record<string, Outcome> }> = [];
  for (const size of sizes) {
    const byRate: Record<string, Outcome> = {};
    const strategy: Strategy = (backend, clock, random) => {
      const budget = new RetryBudget(size);
      return () => retry(backend.call, { budget, clock, random });
    };
    for (const rate of sizingRates) byRate[String(rate)] = await runStrategy(strategy, rate, calls);
    sizing.push({ ...size, byRate });
  }
  const defaults = new RetryBudget();
  const sizingTable: Table = {
    title: 'RetryBudget sizing (our retry; success rate / attempts per call)',
    headers: ['maxTokens, tokenRatio', ...sizingRates.map((r) => `${pct(r)} failure`)],
    rows: [
      [
        'naive retry (reference)',
        ...sizingRates.map(
          (r) => `${pct(naive[String(r)]!.successRate)} / ${naive[String(r)]!.attemptsPerCall.toFixed(3)}`,
        ),
      ],
      ...sizing.map((s) => [
        `${s.maxTokens}, ${s.tokenRatio}${s.maxTokens === defaults.maxTokens && s.tokenRatio === defaults.tokenRatio ? ' (default)' : ''}`,
        ...sizingRates.map(
          (r) =>
            `${pct(s.byRate[String(r)]!.successRate)} / ${s.byRate[String(r)]!.attemptsPerCall.toFixed(3)}`,
        ),
      ]),
    ],
    note: 'A small bucket runs dry in the random clusters of failures that a 5 % rate still produces, and then refuses retries that naive retry would have made.',
  };
  const figures: Record<string, unknown> = {
    calls,
    seed: SEED,
    rates,
    results: roundResults(results),
    budgetSizing: sizing.map((s) => ({
      maxTokens: s.maxTokens,
      tokenRatio: s.tokenRatio,
      byRate: roundResults({ x: s.byRate }).x,
    })),
  };
  return {
    title: '3. Retry amplification',
    tables: [attemptsTable, successTable, sleepTable, sizingTable],
    figures,
    targets,
  };
}

function roundResults(results: Record<string, Record<string, Outcome>>) {
  const out: Record<string, Record<string, Outcome>> = {};
  for (const [name, byRate] of Object.entries(results)) {
    out[name] = {};
    for (const [rate, o] of Object.entries(byRate)) {
      out[name]![rate] = {
        attemptsPerCall: round(o.attemptsPerCall, 4),
        successRate: round(o.successRate, 6),
        sleepMsPerCall: round(o.sleepMsPerCall, 1),
      };
    }
  }
  return out;
}
