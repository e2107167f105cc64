import { describe, expect, it } from 'vitest';
import { RowError } from '../../../src/errors/index.js';
import { caught } from '../../helpers/caught.js';
import { useWriteStandIn } from './helpers.js';

/**
 * Default-mode writeRows caches the table's schema per executor. A column added afterwards
 * (ALTER TABLE ADD COLUMN) is not in the cached schema: under ignoreUnknownValues its values were
 * dropped without a word. Real clients against the stand-in.
 */
describe('writeRows (default mode) after ALTER TABLE ADD COLUMN, same executor', () => {
  const w = useWriteStandIn('stale');

  it('ignoreUnknownValues: the new column is written, not dropped by the cached schema', async () => {
    const table = await w.freshTable('id INT64 NOT NULL');
    const bq = w.executor();
    await bq.writeRows(table, [{ id: 1 }], { mode: 'default' });
    await w.s.run(`ALTER TABLE ${table} ADD COLUMN note STRING`);
    await bq.writeRows(table, [{ id: 2, note: 'kept', extra: 'ignored' }], {
      mode: 'default',
      ignoreUnknownValues: true,
    });
    expect(await w.s.run(`SELECT id, note FROM ${table} ORDER BY id`)).toEqual([
      { id: 1, note: null },
      { id: 2, note: 'kept' },
    ]);
  });

  it('without ignoreUnknownValues: the new column is written too', async () => {
    const table = await w.freshTable('id INT64 NOT NULL');
    const bq = w.executor();
    await bq.writeRows(table, [{ id: 1 }], { mode: 'default' });
    await w.s.run(`ALTER TABLE ${table} ADD COLUMN note STRING`);
    await bq.writeRows(table, [{ id: 2, note: 'kept' }], { mode: 'default' });
    expect(await w.s.run(`SELECT id, note FROM ${table} WHERE id = 2`)).toEqual([{ id: 2, note: 'kept' }]);
  });
});

/**
 * The other way round: a column dropped after the schema was cached. The rows were encoded with the
 * stale schema, BigQuery refused the dropped column's values, and every later call of that executor
 * failed the same way (a non-transient RowError, dead-lettered), where insertRows writes them.
 */
describe('writeRows (default mode) after ALTER TABLE DROP COLUMN, same executor', () => {
  const w = useWriteStandIn('dropped');

  it('ignoreUnknownValues: the dropped column is ignored and the rows written, in this call and the next', async () => {
    const table = await w.freshTable('id INT64 NOT NULL, note STRING');
    const bq = w.executor();
    await bq.writeRows(table, [{ id: 1, note: 'a' }], { mode: 'default' });
    await w.s.run(`ALTER TABLE ${table} DROP COLUMN note`);
    const options = { mode: 'default', ignoreUnknownValues: true, batchRows: 2 } as const;
    const rows = [2, 3, 4, 5, 6].map((id) => ({ id, note: 'gone' }));
    expect(await bq.writeRows(table, rows, options)).toMatchObject({ written: 5 });
    expect(await bq.writeRows(table, [{ id: 7, note: 'gone' }], options)).toMatchObject({ written: 1 });
    expect(await w.ids(table)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("without ignoreUnknownValues: BigQuery's row error, and the next call refuses the row before sending, on the fresh schema", async () => {
    const table = await w.freshTable('id INT64 NOT NULL, note STRING');
    const bq = w.executor();
    await bq.writeRows(table, [{ id: 1, note: 'a' }], { mode: 'default' });
    await w.s.run(`ALTER TABLE ${table} DROP COLUMN note`);
    const rows = [{ id: 2 }, { id: 3, note: 'b' }];
    const first = await caught(bq.writeRows(table, rows, { mode: 'default' }));
    expect(first).toBeInstanceOf(RowError);
    expect((first as RowError).writtenRows).toBe(0);
    expect((first as RowError).failures.map((f) => [f.index, f.reasons[0]?.reason])).toEqual([
      [0, 'stopped'],
      [1, 'invalid'],
    ]);
    const mark = w.s.storageWrite.requests.length;
    const second = await caught(bq.writeRows(table, rows, { mode: 'default' }));
    expect((second as RowError).failures.map((f) => [f.index, f.reasons[0]?.message])).toEqual([
      [1, 'note: no such column in the table'],
    ]);
    expect(w.calls('AppendRows', mark)).toEqual([]);
    expect(await w.ids(table)).toEqual([1]);
  });
});
