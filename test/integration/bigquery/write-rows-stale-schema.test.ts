import { describe, expect, it } from 'vitest';
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
