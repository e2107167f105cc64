import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { BadRequestError, NotFoundError, PartialInsertError } from '../../../src/errors/index.js';
import { countRowsAndIds, type Harness, INSERT_ALL, startHarness } from './helpers.js';

const ROWS = 10_000;

describe('soak: 10,000 rows through insertRows, 4 batches in flight, under 30% seeded faults', () => {
  let h: Harness;
  let bq: BigQueryExecutor;

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
    await h.executor().query('CREATE TABLE ds.soak (id INT64, payload STRING)');
  });
  afterAll(() => h.close());

  it('ends with every row exactly once', async () => {
    // Rules are tried in order, each at its own seeded rate: 1 - 0.95^7 ≈ 30% of requests are hit.
    const kinds = [
      { error: { status: 503, reason: 'backendError' } },
      { error: { status: 500, reason: 'backendError' } },
      { error: { status: 403, reason: 'rateLimitExceeded' } },
      { reset: true as const },
      { reset: 'after' as const },
      { delayMs: 20 },
      { insertErrors: { invalid: [] } },
    ];
    kinds.forEach((action, i) => {
      h.standIn.faults.add({
        name: `soak-${i}`,
        method: 'POST',
        path: INSERT_ALL,
        rate: 0.05,
        seed: 1000 + i,
        ...action,
      });
    });
    bq = h.executor({ retry: { maxAttempts: 12, baseDelayMs: 1, maxDelayMs: 5 } });
    const rows = Array.from({ length: ROWS }, (_, id) => ({ id, payload: `row-${id}` }));
    const mark = h.standIn.requests.length;
    const started = performance.now();
    const result = await bq.insertRows('ds.soak', rows, { batchRows: 100, concurrency: 4 });
    const elapsedMs = performance.now() - started;
    const stats = bq.stats;
    h.standIn.faults.clear();

    expect(result).toEqual({ inserted: ROWS, failed: [] });
    expect(await countRowsAndIds(bq, 'ds.soak')).toEqual({ n: ROWS, d: ROWS });

    const sent = h.standIn.requests.slice(mark).filter((r) => r.method === 'POST' && INSERT_ALL.test(r.path));
    const faulted = sent.filter((r) => r.fault !== undefined);
    const byKind = new Map<string, number>();
    for (const r of faulted) byKind.set(r.fault as string, (byKind.get(r.fault as string) ?? 0) + 1);
    console.info(
      `soak: ${ROWS} rows, ${sent.length} insertAll requests (${ROWS / 100} batches), ${faulted.length} faults injected ` +
        `(${[...byKind].map(([k, v]) => `${k}=${v}`).join(', ')}), attempts=${stats.attempts}, retries=${stats.retries}, ` +
        `${Math.round(elapsedMs)} ms`,
    );
    // Every kind acted at least once, and the overall rate is in the 30% region.
    expect(byKind.size).toBe(kinds.length);
    expect(faulted.length / sent.length).toBeGreaterThan(0.2);
    expect(faulted.length / sent.length).toBeLessThan(0.4);
    // One request per attempt: the executor's own counters match the stand-in's log.
    expect(stats.attempts).toBe(sent.length);
    expect(stats.retries).toBe(sent.length - ROWS / 100);
  });

  it('surfaces permanent faults after exactly one attempt with the right class', async () => {
    const mark = h.standIn.requests.length;
    const executor = h.executor({ retry: { maxAttempts: 12, baseDelayMs: 1, maxDelayMs: 5 } });
    // 400 invalid rows: reported, not retried; the other rows of the request are re-sent once.
    h.standIn.faults.add({ method: 'POST', path: INSERT_ALL, insertErrors: { invalid: [0, 1] }, times: 1 });
    const partial = await executor.insertRows(
      'ds.soak',
      [
        { id: ROWS, payload: 'x' },
        { id: ROWS + 1, payload: 'y' },
        { id: ROWS + 2, payload: 'z' },
      ],
      { throwOnFailure: false },
    );
    expect(partial.inserted).toBe(1);
    expect(partial.failed.map((f) => [f.index, f.reasons[0]?.reason])).toEqual([
      [0, 'invalid'],
      [1, 'invalid'],
    ]);
    h.standIn.faults.clear();
    // A 400 on the whole request, and a 404 table: one request each.
    h.standIn.faults.add({
      method: 'POST',
      path: INSERT_ALL,
      error: { status: 400, reason: 'invalid' },
      times: 1,
    });
    const refused = await executor.insertRows('ds.soak', [{ id: -1, payload: 'p' }]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PartialInsertError);
    expect((refused as PartialInsertError).cause).toBeInstanceOf(BadRequestError);
    await expect(executor.insertRows('ds.nope', [{ id: -2, payload: 'q' }])).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const sent = h.standIn.requests.slice(mark).filter((r) => r.method === 'POST' && INSERT_ALL.test(r.path));
    expect(sent.map((r) => (r.body as { rows: unknown[] }).rows.length)).toEqual([3, 1, 1, 1]);
    expect(executor.stats).toEqual({ calls: 3, attempts: 4, retries: 1 });
  });
});
