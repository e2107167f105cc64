import type { BigQuery } from '@google-cloud/bigquery';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BigQueryStandIn } from '../../../../src/testing/bigquery/index.js';
import { failure, type PartialFailureLike, useStandIn } from './stand-in-fixture.js';

const fixture = useStandIn();
let s: BigQueryStandIn;
let bq: BigQuery;
beforeAll(() => {
  ({ s, bq } = fixture);
});

describe('BigQuery stand-in driven by the real @google-cloud/bigquery client', () => {
  describe('streaming inserts', () => {
    it('applies a row once per insertId and lists rows with tabledata.list', async () => {
      await bq.dataset('ds').createTable('stream', { schema: 'id:INTEGER,name:STRING' });
      const table = bq.dataset('ds').table('stream');
      const rows = [
        { insertId: 'r1', json: { id: 1, name: 'a' } },
        { insertId: 'r2', json: { id: 2, name: 'b' } },
        { insertId: 'r1', json: { id: 1, name: 'a' } },
      ];
      await table.insert(rows, { raw: true, partialRetries: 0 });
      await table.insert(rows.slice(0, 2), { raw: true, partialRetries: 0 });
      const [listed] = await table.getRows();
      expect(listed).toEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ]);
      const [meta] = await table.getMetadata();
      expect(meta.numRows).toBe('2');
      expect(meta.streamingBuffer.estimatedRows).toBe('2');
    });

    it('rejects a batch with an invalid row: invalid for it, stopped for the others, nothing applied', async () => {
      await bq.dataset('ds').createTable('strict', { schema: 'id:INTEGER,name:STRING' });
      const table = bq.dataset('ds').table('strict');
      const err = (await failure(
        table.insert([{ id: 1 }, { id: 'x' }, { id: 3, nme: 'typo' }], { partialRetries: 0 }),
      )) as unknown as PartialFailureLike;
      expect(err.name).toBe('PartialFailureError');
      expect(err.errors.map((e) => e.errors.map((x) => x.reason).join())).toEqual([
        'stopped',
        'invalid',
        'invalid',
      ]);
      expect(err.errors[2]!.errors[0]!.message).toBe('no such field: nme.');
      expect(await s.run('SELECT COUNT(*) AS n FROM ds.strict')).toEqual([{ n: 0 }]);
      await failure(table.insert([{ id: 1 }, { id: 'x' }], { partialRetries: 0, skipInvalidRows: true }));
      expect(await s.run('SELECT id FROM ds.strict')).toEqual([{ id: 1 }]);
    });
  });
});
