import { backoffDelays, type JitterStrategy } from '../../../src/index.js';
import type { Mode, SectionResult, Target } from '../../lib/section.js';
import { fmt, round, type Table } from '../../lib/stats.js';
import { awsStrategies } from './aws.js';
import { searchCandidates } from './candidates.js';
import { type PointOutcome, type Strategy, simulatePoint } from './sim.js';

const BASE_MS = 5;
const CAP_MS = 2000;
const SEED = 20150304; // the blog post's date

type JitterOption = NonNullable<Parameters<typeof backoffDelays>[0]>['jitter'];

/** One client's delays straight from `backoffDelays`: the generator `retry` itself sleeps from. */
function fromBackoffDelays(jitter: JitterOption | undefined): Strategy {
  return (random) => {
    const delays =
      jitter === undefined
        ? backoffDelays({ baseDelayMs: BASE_MS, maxDelayMs: CAP_MS, random })
        : backoffDelays({ baseDelayMs: BASE_MS, maxDelayMs: CAP_MS, jitter, random });
    return () => delays.next().value;
  };
}

function sweep(strategies: Record<string, Strategy>, clients: number[], runs: number) {
  const out: Record<string, PointOutcome[]> = {};
  for (const [name, strategy] of Object.entries(strategies)) {
    out[name] = clients.map((n) => simulatePoint(n, strategy, runs, SEED));
  }
  return out;
}

function callsTimeTable(
  title: string,
  results: Record<string, PointOutcome[]>,
  clients: number[],
  note: string,
): Table {
  const names = Object.keys(results);
  return {
    title,
    headers: ['Clients', ...names.map((n) => `${n}: calls`), ...names.map((n) => `${n}: ms`)],
    rows: clients.map((c, i) => [
      String(c),
      ...names.map((n) => fmt(results[n]![i]!.meanCalls)),
      ...names.map((n) => fmt(results[n]![i]!.meanTimeMs)),
    ]),
    note,
  };
}

/**
 * §2 Backoff under contention: the AWS optimistic-concurrency model (see sim.ts) driven by
 * `backoffDelays`, plus a search for a schedule that beats Full Jitter on calls and Decorrelated Jitter
 * on time at every client count.
 */
export async function contention(mode: Mode): Promise<SectionResult> {
  const clients = mode === 'smoke' ? [10, 50] : [10, 50, 100, 190];
  const runs = mode === 'smoke' ? 5 : 100;
  const started = Date.now();

  const aws = sweep(awsStrategies(BASE_MS, CAP_MS), clients, runs);
  const ours = sweep(
    {
      none: fromBackoffDelays('none'),
      full: fromBackoffDelays('full'),
      equal: fromBackoffDelays('equal'),
      decorrelated: fromBackoffDelays('decorrelated'),
      'default (no jitter option)': fromBackoffDelays(undefined),
    },
    clients,
    runs,
  );

  // The bar: the better of the AWS formula and our mode of the same name, at each client count.
  const bar = clients.map((_, i) => ({
    fullCalls: Math.min(aws['AWS full jitter']![i]!.meanCalls, ours.full![i]!.meanCalls),
    decorrelatedMs: Math.min(aws['AWS decorrelated']![i]!.meanTimeMs, ours.decorrelated![i]!.meanTimeMs),
  }));

  const candidates: Record<string, Strategy> = {};
  for (const c of searchCandidates()) candidates[c.name] = fromBackoffDelays(c as JitterStrategy);
  const search = sweep(candidates, clients, runs);
  const dominates = (name: string) =>
    search[name]!.every((p, i) => p.meanCalls < bar[i]!.fullCalls && p.meanTimeMs < bar[i]!.decorrelatedMs);
  const winners = Object.keys(search).filter(dominates);

  const searchTable: Table = {
    title: 'Search: calls / Full Jitter calls and time / Decorrelated time (both < 1 at every count wins)',
    headers: ['Candidate (via backoffDelays)', ...clients.map((c) => `${c} clients`), 'Dominates?'],
    rows: Object.keys(search).map((name) => [
      name,
      ...search[name]!.map(
        (p, i) =>
          `${(p.meanCalls / bar[i]!.fullCalls).toFixed(2)} / ${(p.meanTimeMs / bar[i]!.decorrelatedMs).toFixed(2)}`,
      ),
      dominates(name) ? 'yes' : 'no',
    ]),
    note:
      'Bar at each count: the lower of AWS-formula and our-mode Full Jitter calls, and the lower of AWS-formula ' +
      'and our-mode Decorrelated time.',
  };

  const common = `Mean over ${runs} seeded runs per point (seed ${SEED}); base ${BASE_MS} ms, cap ${CAP_MS} ms, hop |normal(10, 2)| ms.`;
  const targets: Target[] = [
    {
      name: 'A default that beats Full Jitter on calls and Decorrelated Jitter on time at every client count',
      met: winners.length > 0,
      detail: winners.length > 0 ? `dominating: ${winners.join('; ')}` : 'no candidate dominated both bars',
    },
  ];
  return {
    title: '2. Backoff under contention (AWS "Exponential Backoff And Jitter" model)',
    tables: [
      callsTimeTable(
        'Simulator check: the AWS formulas (first window base*2, as in the published simulator)',
        aws,
        clients,
        `${common} Compare with the local re-run of the published Python simulator (resilience-anchors.md §2.1).`,
      ),
      callsTimeTable(
        'Our schedules, one backoffDelays generator per client (first window = base)',
        ours,
        clients,
        `${common} 'decorrelated' is the original system's formula (AWS decorrelated plus ±30 %).`,
      ),
      searchTable,
    ],
    figures: {
      model: { baseMs: BASE_MS, capMs: CAP_MS, hop: '|normal(10, 2)|', runs, seed: SEED, clients },
      aws: roundAll(aws),
      ours: roundAll(ours),
      search: roundAll(search),
      bar: bar.map((b, i) => ({
        clients: clients[i],
        fullCalls: round(b.fullCalls, 1),
        decorrelatedMs: round(b.decorrelatedMs, 1),
      })),
      winners,
      elapsedMs: Date.now() - started,
    },
    targets,
  };
}

function roundAll(results: Record<string, PointOutcome[]>) {
  const out: Record<string, Array<{ clients: number; calls: number; timeMs: number }>> = {};
  for (const [name, points] of Object.entries(results)) {
    out[name] = points.map((p) => ({
      clients: p.clients,
      calls: round(p.meanCalls, 1),
      timeMs: round(p.meanTimeMs, 1),
    }));
  }
  return out;
}
