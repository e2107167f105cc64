import { once } from 'node:events';
import { createServer, type Server, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { wasNotSent } from '../../../src/errors/not-sent.js';
import { UnresolvedPlayerTracker, unresolvedPlayersTableDdl } from '../../../src/registry/index.js';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../src/testing/bigquery/index.js';

const PROJECT = 'test-project';
const TABLE = `${PROJECT}.mlb_reference.unresolved_players`;

/**
 * A TCP relay in front of the stand-in that can stop listening (connections are then refused, as
 * when BigQuery's endpoint cannot be reached) and listen again on the same port.
 */
class Relay {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  port = 0;
  constructor(readonly target: number) {}
  async open(): Promise<void> {
    const server = createServer((downstream) => {
      const upstream = new Socket();
      this.#sockets.add(downstream).add(upstream);
      upstream.connect(this.target, '127.0.0.1');
      downstream.pipe(upstream);
      upstream.pipe(downstream);
      const end = () => {
        // Stop listening before the client hears of the reset: its next attempt is refused.
        if (this.closeOnReset) this.close();
        downstream.destroy();
        upstream.destroy();
      };
      upstream.on('close', end).on('error', end);
      downstream.on('close', end).on('error', end);
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }
  closeOnReset = false;
  close(): void {
    this.closeOnReset = false;
    this.#server?.close();
    this.#server = undefined;
  }
  destroy(): void {
    this.close();
    for (const socket of this.#sockets) socket.destroy();
  }
}

let standIn: BigQueryStandIn;
beforeAll(async () => {
  // BigQuery forgets insert ids after its window: -1 ms stands for a next flush minutes later.
  standIn = await startBigQueryStandIn({ projectId: PROJECT, insertIdWindowMs: -1 });
  await standIn.client().createDataset('mlb_reference');
  await new BigQueryExecutor({ client: standIn.client() }).query(unresolvedPlayersTableDdl(TABLE));
});
afterAll(() => standIn.close());

describe('an insert whose first attempt landed (answer lost) and whose last attempt was refused a connection', () => {
  it('is not taken for "never sent": the next flush, minutes later, writes no duplicate', async () => {
    const relay = new Relay(Number(new URL(standIn.endpoint).port));
    await relay.open();
    try {
      const executor = new BigQueryExecutor({
        client: standIn.client({ apiEndpoint: `http://127.0.0.1:${relay.port}` }),
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
      });
      let now = Date.parse('2026-06-01T12:00:00Z');
      const tracker = new UnresolvedPlayerTracker({
        executor,
        sport: 'mlb',
        source: 'pitcher_strikeouts_predictor',
        table: TABLE,
        env: {},
        clock: { now: () => now },
        flushOnExit: false,
      });
      tracker.track('loganwebb', 'pitcher');
      tracker.track('loganwebb', 'pitcher');
      // Attempt 1 is applied and its answer lost; attempt 2 finds no one listening.
      standIn.faults.add({ path: /\/insertAll$/, reset: 'after', times: 1 });
      relay.closeOnReset = true;
      const failed = await tracker.flush();
      expect(failed).toMatchObject({ flushed: 0, retained: 1 });
      // What the executor reports is its last attempt: a connection refused, "never sent".
      expect(wasNotSent(failed.error)).toBe(true);
      expect((await standIn.run(`SELECT * FROM \`${TABLE}\``)).length).toBe(1);

      await relay.open();
      now += 5 * 60_000;
      expect(await tracker.flush()).toEqual({ flushed: 1, retained: 0 });
      const rows = await standIn.run(`SELECT occurrence_count FROM \`${TABLE}\``);
      // Before, the rows were taken for never sent and re-sent blind: two rows, 4 misses for 2.
      expect(rows.map((row) => Number(row.occurrence_count))).toEqual([2]);
    } finally {
      relay.destroy();
    }
  });
});
