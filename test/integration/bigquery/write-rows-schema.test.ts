import { describe, expect, it } from 'vitest';
import { StorageError, UnsupportedSchemaError } from '../../../src/errors/index.js';
import { caught } from '../../helpers/caught.js';
import { useWriteStandIn } from './helpers.js';

/**
 * A table whose schema the Storage Write path cannot describe (here an INTERVAL column) is refused
 * with `UnsupportedSchemaError` before anything happens to it: no stream, no append, the rows intact.
 */
describe('writeRows into a table it cannot write (real clients against the stand-in)', () => {
  const w = useWriteStandIn('iv');
  const { executor, calls } = w;
  let unwritableNo = 0;
  const unwritableTable = async () => {
    const id = `iv${++unwritableNo}`;
    await w.s
      .client()
      .dataset('ds')
      .createTable(id, {
        schema: {
          fields: [
            { name: 'id', type: 'INTEGER' },
            { name: 'span', type: 'INTERVAL' },
          ],
        },
      });
    return `ds.${id}`;
  };

  it.each(['committed', 'atomic', 'default'] as const)(
    '%s: refused up front with UnsupportedSchemaError, no stream created, no row sent',
    async (mode) => {
      const table = await unwritableTable();
      const rows = [{ id: 1 }, { id: 2 }];
      const mark = w.s.storageWrite.requests.length;
      const error = await caught(executor().writeRows(table, rows, { mode }));
      expect(error).toBeInstanceOf(UnsupportedSchemaError);
      expect(error).not.toBeInstanceOf(StorageError);
      expect(error).toMatchObject({ kind: 'table', code: 'UNSUPPORTED_SCHEMA', transient: false });
      expect((error as Error).message).toMatch(/'span' has type INTERVAL/);
      expect((error as Error).message).toMatch(/none of the 2 row\(s\) was sent/);
      expect(calls('CreateWriteStream', mark)).toHaveLength(0);
      expect(calls('AppendRows', mark)).toHaveLength(0);
      expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
      expect(await w.s.run(`SELECT COUNT(*) AS n FROM ${table}`)).toEqual([{ n: 0 }]);
    },
  );

  it("committed: when the schema could not be read first, the stream's own schema is checked: the same error, not APPEND_FAILED", async () => {
    const table = await unwritableTable();
    const mark = w.s.storageWrite.requests.length;
    w.s.storageWrite.faults.add({ method: 'GetWriteStream', times: 1, code: 'UNAVAILABLE' });
    const error = await caught(executor().writeRows(table, [{ id: 1 }], { mode: 'committed' }));
    w.s.storageWrite.faults.clear();
    expect(error).toBeInstanceOf(UnsupportedSchemaError);
    expect(error).toMatchObject({ kind: 'table', transient: false });
    expect(calls('AppendRows', mark)).toHaveLength(0);
  });
});
