/**
 * The demo's fault plan on the stand-ins, and the tally of what it did (read back from the stand-ins'
 * request logs: a fault counts only if it acted on a request).
 */
import type { BigQueryStandIn, PubSubStandIn } from '../src/testing/index.js';

/** gRPC status names the demo injects, by code (for the tally). */
const GRPC_NAMES: Record<number, string> = { 4: 'DEADLINE_EXCEEDED', 14: 'UNAVAILABLE' };

/**
 * Arms the BigQuery and Pub/Sub fault plans. Rates are drawn from PRNGs seeded with `seed`, and caps
 * (`times`) keep every call within the retry budget, so any seed finishes. Rules are consulted in
 * order; the first one due acts.
 */
export function armFaults(bigquery: BigQueryStandIn, pubsub: PubSubStandIn, seed: number): void {
  const s = (k: number) => seed * 7919 + k;
  const jobs = /\/projects\/[^/]+\/(jobs|queries)$/;
  const insertAll = /\/insertAll$/;
  const plan = bigquery.faults;
  // The flush of unresolved players: the first insert is applied but its answer is lost; the
  // executor's retry re-sends the same insert ids and BigQuery drops the copies.
  plan.add({
    name: 'reset after apply (flush)',
    path: /unresolved_players\/insertAll$/,
    times: 1,
    reset: 'after',
  });
  // An outage longer than the executor's retries: the first raw-lines query fails on all 6 attempts,
  // the handler nacks, and Pub/Sub's redelivery finishes the job.
  plan.add({
    name: '503 outage (retries exhausted)',
    sql: /player_game_lines/,
    method: 'POST',
    path: jobs,
    times: 6,
    error: { status: 503, reason: 'backendError' },
  });
  plan.add({
    name: 'job failed: jobBackendError',
    sql: /player_game_lines/,
    rate: 0.35,
    seed: s(1),
    times: 2,
    jobError: { reason: 'jobBackendError' },
  });
  plan.add({
    name: '503 backendError',
    method: 'POST',
    path: jobs,
    rate: 0.2,
    seed: s(2),
    times: 4,
    error: { status: 503, reason: 'backendError' },
  });
  plan.add({
    name: '403 rateLimitExceeded',
    method: 'POST',
    path: jobs,
    rate: 0.15,
    seed: s(3),
    times: 3,
    error: { status: 403, reason: 'rateLimitExceeded' },
  });
  plan.add({ name: 'connection reset', rate: 0.06, seed: s(4), times: 3, reset: true });
  plan.add({
    name: 'insert rows stopped',
    path: insertAll,
    rate: 0.35,
    seed: s(6),
    times: 3,
    insertErrors: { invalid: [] },
  });
  plan.add({ name: 'reset after apply', path: insertAll, rate: 0.3, seed: s(5), times: 2, reset: 'after' });
  // Storage Write (the processor's default writer): an append and a commit applied but answered
  // UNAVAILABLE (lost answers), and a stream creation refused once.
  const storage = bigquery.storageWrite.faults;
  storage.add({
    name: 'append answer lost',
    method: 'AppendRows',
    times: 1,
    code: 'UNAVAILABLE',
    served: true,
  });
  storage.add({
    name: 'commit answer lost',
    method: 'BatchCommitWriteStreams',
    times: 1,
    code: 'UNAVAILABLE',
    served: true,
  });
  storage.add({
    name: 'create stream unavailable',
    method: 'CreateWriteStream',
    rate: 0.3,
    seed: s(7),
    times: 2,
    code: 'UNAVAILABLE',
  });
  // The client retries Publish on UNAVAILABLE by itself (its GAPIC config); we only count.
  pubsub.faults.add({ method: 'Publish', times: 2, code: 'UNAVAILABLE' });
}

/** Removes every rule (before the verification queries, which must read the truth). */
export function disarmFaults(bigquery: BigQueryStandIn, pubsub: PubSubStandIn): void {
  bigquery.faults.clear();
  bigquery.storageWrite.faults.clear();
  pubsub.faults.clear();
}

/**
 * Faults that acted on a request, by kind, from both request logs. For Pub/Sub, each faulted Publish
 * is also one retry of the client (it re-sent the batch).
 */
export function tallyFaults(
  bigquery: BigQueryStandIn,
  pubsub: PubSubStandIn,
): { byKind: Record<string, number>; total: number; publishRetries: number } {
  const byKind: Record<string, number> = {};
  for (const request of bigquery.requests) {
    if (request.fault === undefined) continue;
    const kind = `bigquery: ${request.fault}`;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  for (const request of bigquery.storageWrite.requests) {
    if (request.fault === undefined) continue;
    const kind = `bigquery storage write: ${request.fault.id}`;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  let publishRetries = 0;
  for (const request of pubsub.requests) {
    if (request.fault === undefined) continue;
    const kind = `pubsub: ${request.method} ${GRPC_NAMES[request.fault.code] ?? `code ${request.fault.code}`}`;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    if (request.method === 'Publish') publishRetries += 1;
  }
  const total = Object.values(byKind).reduce((a, b) => a + b, 0);
  return { byKind, total, publishRetries };
}
