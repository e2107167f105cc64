import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryExecutor } from '../../../src/bigquery/index.js';
import { createShutdownCoordinator, defaultShutdownCoordinator } from '../../../src/shutdown/index.js';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../src/testing/bigquery/index.js';
import { FakeProcess } from '../../helpers/fake-process.js';
import { fastRetry } from './helpers.js';

/** SIGTERM while a write is in flight: the process may exit only once the write has settled. */
describe('writes in flight join the shutdown (real clients against the stand-in)', () => {
  let s: BigQueryStandIn;
  let tableNo = 0;
  const freshTable = async () => {
    const name = `ds.s${++tableNo}`;
    await s.run(`CREATE TABLE ${name} (id INT64, name STRING)`);
    return name;
  };
  const count = async (table: string) => Number((await s.run(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n);
  const rows = Array.from({ length: 20 }, (_, i) => ({ id: i, name: `n${i}` }));
  const executorWith = (shutdown: ReturnType<typeof createShutdownCoordinator> | false) =>
    new BigQueryExecutor({
      client: s.client(),
      writeClient: s.writeClient(),
      projectId: 'test-project',
      retry: fastRetry,
      shutdown,
    });

  beforeAll(async () => {
    s = await startBigQueryStandIn();
    await s.run('CREATE SCHEMA ds');
  });
  afterAll(() => s.close());
  afterEach(() => {
    s.faults.clear();
    s.storageWrite.faults.clear();
  });

  const writes = {
    insertRows: (bq: BigQueryExecutor, table: string) => bq.insertRows(table, rows),
    loadRows: (bq: BigQueryExecutor, table: string) => bq.loadRows(table, rows),
    writeRows: (bq: BigQueryExecutor, table: string) => bq.writeRows(table, rows),
    update: (bq: BigQueryExecutor, table: string) =>
      bq.update(`INSERT INTO ${table} (id, name) SELECT x, 'n' FROM UNNEST(GENERATE_ARRAY(0, 19)) AS x`),
    // DML through query() writes as much as through update().
    query: (bq: BigQueryExecutor, table: string) =>
      bq.query(`INSERT INTO ${table} (id, name) SELECT x, 'n' FROM UNNEST(GENERATE_ARRAY(0, 19)) AS x`),
  } as const;

  it.each(Object.keys(writes) as Array<keyof typeof writes>)(
    '%s: SIGTERM during the write waits for it; the rows are written before the shutdown ends',
    async (method) => {
      const table = await freshTable();
      // Every answer comes late, so the write is still in flight when SIGTERM arrives.
      s.faults.add({ delayMs: 100 });
      s.storageWrite.faults.add({ method: 'AppendRows', delayMs: 100 });
      const coordinator = createShutdownCoordinator({ process: new FakeProcess(), signals: ['SIGTERM'] });
      const bq = executorWith(coordinator);
      const events: string[] = [];
      const writing = writes[method](bq, table).then(() => events.push('written'));
      const report = await coordinator.shutdown('SIGTERM');
      events.push('shutdown ended');
      await writing;
      expect(events).toEqual(['written', 'shutdown ended']);
      expect(report.tasks).toEqual([
        { name: `BigQueryExecutor.${method}: a write in flight`, status: 'completed' },
      ]);
      s.faults.clear();
      expect(await count(table)).toBe(20);
    },
  );

  it("a failed write ends its shutdown task too (the failure is the caller's to report)", async () => {
    const coordinator = createShutdownCoordinator({ process: new FakeProcess(), signals: ['SIGTERM'] });
    const bq = executorWith(coordinator);
    const writing = bq.insertRows('ds.missing', rows).catch((e: unknown) => e);
    const report = await coordinator.shutdown('SIGTERM');
    expect(report.tasks.map((t) => t.status)).toEqual(['completed']);
    expect(await writing).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reads do not join, and shutdown: false joins nothing', async () => {
    const table = await freshTable();
    const coordinator = createShutdownCoordinator({ process: new FakeProcess(), signals: ['SIGTERM'] });
    const reading = executorWith(coordinator).query(`SELECT COUNT(*) AS n FROM ${table}`);
    expect(coordinator.size).toBe(0);
    await reading;
    const writing = executorWith(false).insertRows(table, rows);
    expect(coordinator.size).toBe(0);
    await writing;
  });

  it('by default a write in flight joins the process-wide shutdown, and leaves it when done', async () => {
    const table = await freshTable();
    const bq = new BigQueryExecutor({ client: s.client(), projectId: 'test-project', retry: fastRetry });
    const before = defaultShutdownCoordinator().size;
    const writing = bq.insertRows(table, rows);
    expect(defaultShutdownCoordinator().size).toBe(before + 1);
    await writing;
    expect(defaultShutdownCoordinator().size).toBe(before);
  });

  it('refuses a shutdown option that is not a coordinator or false', () => {
    expect(() => new BigQueryExecutor({ shutdown: true as never })).toThrow(/shutdown/);
    expect(() => new BigQueryExecutor({ shutdown: {} as never })).toThrow(/shutdown.*onShutdown/);
  });
});
