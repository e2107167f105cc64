/**
 * Child process of the BigQuery bench's insert figures: a stand-in in a process of its own, as
 * BigQuery runs on machines of its own, so its work does not take CPU time from the client under
 * measurement (the same stand-in serves both clients).
 * Usage: fork with `--import tsx`. Sends `{ endpoint, projectId }` when it listens. Messages:
 * `{ delayMs }` sets the delay of every insertAll (0: none) and is answered `{ ok: true }`;
 * `{ close: true }` closes the stand-in, is answered `{ closed: true }`, and the child exits.
 */
import { startBigQueryStandIn } from '../../src/testing/bigquery/index.js';

const send = (message: unknown) => (process.send as (m: unknown) => boolean)(message);
const standIn = await startBigQueryStandIn({});
process.on('message', (message: { delayMs?: number; close?: boolean }) => {
  if (message.close) {
    standIn.close().then(
      () => {
        send({ closed: true });
        process.disconnect();
      },
      (err: Error) => {
        send({ closed: false, error: err.message });
        process.disconnect();
      },
    );
    return;
  }
  standIn.faults.clear();
  const delayMs = message.delayMs ?? 0;
  if (delayMs > 0) standIn.faults.add({ name: 'rtt', method: 'POST', path: /\/insertAll$/, delayMs });
  send({ ok: true });
});
send({ endpoint: standIn.endpoint, projectId: standIn.projectId });
