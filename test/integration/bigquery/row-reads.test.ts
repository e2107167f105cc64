import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartialInsertError, PipelineError, RowError } from '../../../src/errors/index.js';
import { caught, type Harness, startHarness } from './helpers.js';

/**
 * Rows whose property getter throws: on its first read (before anything is sent) or only on a later
 * read (when its batch or job is made, after earlier ones were written). Either way the caller learns
 * exactly which rows were written and which were not, never a bare error after a partial write.
 */
describe('rows whose getters throw', () => {
  let h: Harness;
  let tableNo = 0;

  /** Rows 0..5; row `bad` has a `name` getter that throws from its read number `from` on. */
  const rowsWithGetter = (bad: number, from: number) =>
    Array.from({ length: 6 }, (_, id) => {
      if (id !== bad) return { id, name: `n${id}` };
      let reads = 0;
      const row = { id } as { id: number; name?: string };
      Object.defineProperty(row, 'name', {
        enumerable: true,
        get() {
          reads += 1;
          if (reads >= from) throw new Error(`getter of row ${id} failed on read ${reads}`);
          return `n${id}`;
        },
      });
      return row;
    });

  const freshTable = async () => {
    const name = `ds.g${++tableNo}`;
    await h.executor().query(`CREATE TABLE ${name} (id INT64, name STRING)`);
    return name;
  };
  const idsIn = async (table: string) =>
    (await h.executor().query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
  });
  afterAll(() => h.close());

  it('insertRows: a getter that throws on its first read fails the call before any request, naming the row', async () => {
    const table = await freshTable();
    const sent = h.standIn.requests.length;
    const error = await caught(h.executor().insertRows(table, rowsWithGetter(3, 1), { batchRows: 2 }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/row 3: .*getter of row 3 failed on read 1/);
    expect(h.standIn.requests.slice(sent).filter((r) => r.path.endsWith('/insertAll'))).toHaveLength(0);
  });

  it('insertRows: a getter that throws only on a later read reports the rows written and the rows not, exactly', async () => {
    const table = await freshTable();
    const error = await caught(
      h.executor().insertRows(table, rowsWithGetter(3, 2), { batchRows: 2, concurrency: 1 }),
    );
    expect(error).toBeInstanceOf(PartialInsertError);
    const partial = error as PartialInsertError;
    expect(partial.inserted).toBe(2);
    expect(partial.transient).toBe(false);
    expect(partial.failures.map((f) => f.index)).toEqual([2, 3, 4, 5]);
    expect(partial.failures.find((f) => f.index === 3)?.reasons[0]).toMatchObject({
      reason: 'invalid',
      message: expect.stringMatching(/row 3 .*getter of row 3 failed on read 2/),
    });
    for (const i of [2, 4, 5])
      expect(partial.failures.find((f) => f.index === i)?.reasons[0]?.reason).toBe('stopped');
    expect(partial.cause).toBeInstanceOf(PipelineError);
    expect(partial.cause).toMatchObject({ code: 'ROW_UNREADABLE' });
    expect(await idsIn(table)).toEqual([0, 1]);
  });

  it('insertRows: a row unreadable when its batch is made, with nothing written yet, fails with the typed error', async () => {
    const table = await freshTable();
    const error = await caught(h.executor().insertRows(table, rowsWithGetter(0, 2), { batchRows: 2 }));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toMatchObject({ code: 'ROW_UNREADABLE', transient: false });
    expect((error as Error).message).toMatch(/row 0 /);
    expect(await idsIn(table)).toEqual([]);
  });

  it('loadRows: a getter that throws on its first read fails the call before any job, naming the row', async () => {
    const table = await freshTable();
    const sent = h.standIn.requests.length;
    const error = await caught(h.executor().loadRows(table, rowsWithGetter(3, 1)));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/row 3: .*getter of row 3 failed on read 1/);
    expect(h.standIn.requests.slice(sent).filter((r) => r.path.includes('/upload/'))).toHaveLength(0);
  });

  it('loadRows: a getter that throws only when its job is made reports the jobs loaded and the rows not, exactly', async () => {
    const table = await freshTable();
    // Every row is a job of its own (jobBytes below one row's NDJSON).
    const error = await caught(
      h.executor().loadRows(table, rowsWithGetter(3, 2), { jobBytes: 10, concurrency: 1 }),
    );
    expect(error).toBeInstanceOf(PartialInsertError);
    const partial = error as PartialInsertError;
    expect(partial.inserted).toBe(3);
    expect(partial.failures.map((f) => f.index)).toEqual([3, 4, 5]);
    expect(partial.failures[0]?.reasons[0]).toMatchObject({
      reason: 'invalid',
      message: expect.stringMatching(/row 3 .*getter of row 3 failed on read 2/),
    });
    expect(partial.failures.slice(1).map((f) => f.reasons[0]?.reason)).toEqual(['stopped', 'stopped']);
    expect(await idsIn(table)).toEqual([0, 1, 2]);
  });
});

describe('writeRows: rows are read once, before anything is sent', () => {
  let h: Harness;
  let tableNo = 0;
  const writer = () => h.executor({ writeClient: h.standIn.writeClient(), projectId: 'test-project' });
  const freshTable = async () => {
    const name = `ds.wg${++tableNo}`;
    await h.executor().query(`CREATE TABLE ${name} (id INT64, name STRING)`);
    return name;
  };
  /** Rows 0..5; row 3's `name` getter counts its reads and throws from read `from` on. */
  const counted = (from: number) => {
    const reads = { n: 0 };
    const rows = Array.from({ length: 6 }, (_, id) => {
      if (id !== 3) return { id, name: `n${id}` };
      const row = { id } as { id: number; name?: string };
      Object.defineProperty(row, 'name', {
        enumerable: true,
        get() {
          reads.n += 1;
          if (reads.n >= from) throw new Error(`getter of row 3 failed on read ${reads.n}`);
          return 'n3';
        },
      });
      return row;
    });
    return { rows, reads };
  };

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
  });
  afterAll(() => h.close());

  it.each(['atomic', 'committed', 'default'] as const)(
    '%s: each row is read once for the whole call, however many chunks and appends',
    async (mode) => {
      const table = await freshTable();
      const { rows, reads } = counted(2);
      expect(await writer().writeRows(table, rows, { mode, batchRows: 2 })).toMatchObject({ written: 6 });
      expect(reads.n).toBe(1);
    },
  );

  it('a getter that throws is a RowError naming the row, before any append', async () => {
    const table = await freshTable();
    const { rows } = counted(1);
    const mark = h.standIn.storageWrite.requests.length;
    const error = await caught(writer().writeRows(table, rows, { mode: 'committed', batchRows: 2 }));
    expect(error).toBeInstanceOf(RowError);
    expect((error as RowError).writtenRows).toBe(0);
    expect((error as RowError).failures.map((f) => f.index)).toEqual([3]);
    expect((error as RowError).failures[0]?.reasons[0]?.message).toMatch(/getter of row 3 failed on read 1/);
    expect(h.standIn.storageWrite.requests.slice(mark).filter((r) => r.method === 'AppendRows')).toHaveLength(
      0,
    );
  });
});
