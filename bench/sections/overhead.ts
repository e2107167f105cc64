import asyncRetry from 'async-retry';
import {
  ConsecutiveBreaker,
  circuitBreaker as cockatielBreaker,
  retry as cockatielRetry,
  ExponentialBackoff,
  handleAll,
  wrap,
} from 'cockatiel';
import { backOff } from 'exponential-backoff';
import Opossum from 'opossum';
import pRetry from 'p-retry';
import { CircuitBreaker, RetryBudget, retry } from '../../src/index.js';
import { loadBuilt } from '../lib/built.js';
import { type Case, type CaseTiming, interleave } from '../lib/measure.js';
import type { Mode, SectionResult, Target } from '../lib/section.js';
import { fmt, median, round, type Table } from '../lib/stats.js';
import { executorOverhead } from './executor-overhead.js';

type RetryApi = Pick<typeof import('../../src/index.js'), 'retry' | 'RetryBudget' | 'CircuitBreaker'>;

/** The happy path: an async function that resolves at once, as every library's own benchmark uses. */
const fn = async () => 1;

function buildCases(built: RetryApi | undefined): { cases: Case[]; dispose: () => void } {
  const budget = new RetryBudget();
  const breaker = new CircuitBreaker();
  const cRetry = cockatielRetry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });
  const cRetryBreaker = wrap(
    cockatielRetry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() }),
    cockatielBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
  );
  // opossum's defaults (10 s timeout: one timer per call) and with the timeout off.
  const opossumDefault = new Opossum(fn);
  const opossumNoTimeout = new Opossum(fn, { timeout: false });
  const cases: Case[] = [
    { name: 'bare await fn()', run: () => fn() },
    { name: 'retry(fn) (ours)', run: () => retry(fn) },
    { name: 'retry(fn, { budget, breaker }) (ours)', run: () => retry(fn, { budget, breaker }) },
    { name: 'cockatiel retry', run: () => cRetry.execute(fn) },
    { name: 'cockatiel wrap(retry, circuitBreaker)', run: () => cRetryBreaker.execute(fn) },
    { name: 'opossum fire() (defaults, 10 s timeout)', run: () => opossumDefault.fire() },
    { name: 'opossum fire() (timeout: false)', run: () => opossumNoTimeout.fire() },
    { name: 'async-retry (retries: 2)', run: () => asyncRetry(fn, { retries: 2 }) },
    { name: 'exponential-backoff backOff (3 attempts)', run: () => backOff(fn, { numOfAttempts: 3 }) },
    { name: 'p-retry 7 (retries: 2)', run: () => pRetry(fn, { retries: 2 }) },
  ];
  if (built !== undefined) {
    const b = { budget: new built.RetryBudget(), breaker: new built.CircuitBreaker() };
    cases.push(
      { name: 'retry(fn) (ours, as built)', run: () => built.retry(fn) },
      { name: 'retry(fn, { budget, breaker }) (ours, as built)', run: () => built.retry(fn, b) },
    );
  }
  return {
    cases,
    dispose: () => {
      opossumDefault.shutdown();
      opossumNoTimeout.shutdown();
    },
  };
}

/**
 * §1 Per-call overhead on the happy path: interleaved rounds in one process, median ns per call,
 * overhead = median − bare median. Then the executor's per-call cost over the raw client on the
 * BigQuery stand-in.
 */
export async function overhead(mode: Mode): Promise<SectionResult> {
  const built = await loadBuilt<RetryApi>();
  const { cases, dispose } = buildCases(built.api);
  const settings =
    mode === 'smoke'
      ? { rounds: 3, batchMs: 5, warmupMs: 20, iterations: 500 }
      : { rounds: 40, batchMs: 4, warmupMs: 300, iterations: 10_000 };
  let timings: CaseTiming[];
  try {
    timings = await interleave(cases, settings);
  } finally {
    dispose();
  }
  const byName = new Map(timings.map((t) => [t.name, t]));
  const bare = byName.get('bare await fn()')!.medianNs;
  // Paired by round: each case against the bare loop of the same round (adjacent in time), then the
  // median over rounds. On a shared machine this cancels the slow periods that a difference of two
  // independent medians would keep.
  const bareRounds = byName.get('bare await fn()')!.nsPerCallByRound;
  const pairedOverhead = new Map(
    timings.map((t) => [t.name, median(t.nsPerCallByRound.map((ns, r) => ns - bareRounds[r]!))]),
  );
  const over = (name: string) => pairedOverhead.get(name)!;
  const ours = over('retry(fn) (ours)');
  const oursBB = over('retry(fn, { budget, breaker }) (ours)');
  const cockatiel = over('cockatiel retry');
  const cockatielBB = over('cockatiel wrap(retry, circuitBreaker)');

  const table: Table = {
    title: 'Per-call overhead on the happy path (fn = async () => 1)',
    headers: [
      'Call',
      'median ns/call',
      'overhead ns',
      'overhead vs cockatiel retry',
      'spread (p10–p90 of rounds)',
    ],
    rows: timings.map((t) => {
      const sorted = [...t.nsPerCallByRound].sort((a, b) => a - b);
      const p10 = sorted[Math.floor(sorted.length * 0.1)]!;
      const p90 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))]!;
      const o = pairedOverhead.get(t.name)!;
      return [
        t.name,
        fmt(t.medianNs),
        t.name === 'bare await fn()' ? '—' : fmt(o),
        t.name === 'bare await fn()' ? '—' : `${(o / cockatiel).toFixed(2)}x`,
        `${fmt(p10)}–${fmt(p90)}`,
      ];
    }),
    note:
      `${settings.rounds} interleaved rounds of ${fmt(settings.iterations)} calls per case, each batch after a scavenge (so each case pays for its own garbage); median over rounds; overhead = median over rounds of (case − bare of the same round). ` +
      'Every library is called with 3 attempts in total and its own default backoff; only the first attempt runs. ' +
      '"ours" runs the TypeScript sources under tsx (esbuild with keepNames); "as built" is src/index.ts bundled by ' +
      `esbuild without keepNames, as tsup ships it${built.api === undefined ? ` (not measured: ${built.reason})` : ''}.`,
  };

  const builtOver = (name: string) => (byName.has(name) ? over(name) : Number.NaN);
  const oursBuilt = builtOver('retry(fn) (ours, as built)');
  const oursBBBuilt = builtOver('retry(fn, { budget, breaker }) (ours, as built)');
  const targets: Target[] = [
    {
      name: 'retry alone ≤ 1/3 of cockatiel retry overhead',
      met: ours <= cockatiel / 3,
      detail: `${fmt(ours)} ns vs ${fmt(cockatiel)} ns = ${(ours / cockatiel).toFixed(2)}x (limit 0.33x)`,
    },
    {
      name: 'retry + budget + breaker ≤ 1/4 of cockatiel retry + circuitBreaker overhead',
      met: oursBB <= cockatielBB / 4,
      detail: `${fmt(oursBB)} ns vs ${fmt(cockatielBB)} ns = ${(oursBB / cockatielBB).toFixed(2)}x (limit 0.25x)`,
    },
    {
      name: 'as built: retry alone ≤ 1/3 of cockatiel retry overhead',
      met: oursBuilt <= cockatiel / 3,
      detail: `${fmt(oursBuilt)} ns vs ${fmt(cockatiel)} ns = ${(oursBuilt / cockatiel).toFixed(2)}x (limit 0.33x)`,
    },
    {
      name: 'as built: retry + budget + breaker ≤ 1/4 of cockatiel retry + circuitBreaker overhead',
      met: oursBBBuilt <= cockatielBB / 4,
      detail: `${fmt(oursBBBuilt)} ns vs ${fmt(cockatielBB)} ns = ${(oursBBBuilt / cockatielBB).toFixed(2)}x (limit 0.25x)`,
    },
  ];

  const tables = [table];
  const figures: Record<string, unknown> = {
    settings,
    bareMedianNs: round(bare, 1),
    cases: timings.map((t) => ({
      name: t.name,
      medianNs: round(t.medianNs, 1),
      overheadNs: round(pairedOverhead.get(t.name)!, 1),
      iterationsPerRound: t.iterationsPerRound,
      nsPerCallByRound: t.nsPerCallByRound.map((v) => round(v, 1)),
    })),
    ratios: {
      oursVsCockatielRetry: round(ours / cockatiel, 3),
      oursBBVsCockatielBB: round(oursBB / cockatielBB, 3),
    },
  };

  const executor = await executorOverhead(mode);
  tables.push(executor.table);
  figures.executor = executor.figures;
  targets.push(...executor.targets);

  return { title: '1. Per-call overhead', tables, figures, targets };
}
