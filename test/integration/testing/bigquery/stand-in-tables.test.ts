import type { BigQuery } from '@google-cloud/bigquery';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BigQueryStandIn } from '../../../../src/testing/bigquery/index.js';
import { failure, useStandIn } from './stand-in-fixture.js';

const fixture = useStandIn();
let s: BigQueryStandIn;
let bq: BigQuery;
beforeAll(() => {
  ({ s, bq } = fixture);
});

describe('BigQuery stand-in driven by the real @google-cloud/bigquery client', () => {
  describe('tables and datasets', () => {
    it('creates, reads and deletes datasets and tables with modes, partitioning and clustering', async () => {
      await bq.createDataset('life');
      const [table] = await bq.dataset('life').createTable('events', {
        schema: [
          { name: 'id', type: 'INTEGER', mode: 'REQUIRED' },
          { name: 'ts', type: 'TIMESTAMP' },
          { name: 'attrs', type: 'RECORD', fields: [{ name: 'k', type: 'STRING' }] },
        ],
        timePartitioning: { type: 'DAY', field: 'ts' },
        clustering: { fields: ['id'] },
      });
      const [meta] = await table.getMetadata();
      expect(meta.schema.fields.map((f: { name: string; mode: string }) => `${f.name}:${f.mode}`)).toEqual([
        'id:REQUIRED',
        'ts:NULLABLE',
        'attrs:NULLABLE',
      ]);
      expect(meta.timePartitioning).toEqual({ type: 'DAY', field: 'ts' });
      expect(meta.clustering).toEqual({ fields: ['id'] });
      const dup = await failure(bq.dataset('life').createTable('events', { schema: 'id:INTEGER' }));
      expect(dup.code).toBe(409);
      expect(dup.errors?.[0]?.reason).toBe('duplicate');
      const inUse = await failure(bq.dataset('life').delete());
      expect(inUse.code).toBe(400);
      expect(inUse.errors?.[0]?.reason).toBe('resourceInUse');
      await table.delete();
      expect((await table.exists())[0]).toBe(false);
      const gone = await failure(table.getMetadata());
      expect(gone.code).toBe(404);
      expect(gone.message).toBe('Not found: Table test-project:life.events');
      await bq.dataset('life').delete({ force: true });
      expect((await bq.dataset('life').exists())[0]).toBe(false);
    });

    it('patches table metadata: description, an added column, REQUIRED relaxed; refuses a new REQUIRED column', async () => {
      const [table] = await bq.dataset('ds').createTable('patched', {
        schema: [{ name: 'id', type: 'INTEGER', mode: 'REQUIRED' }],
      });
      await table.setMetadata({
        description: 'after',
        schema: [
          { name: 'id', type: 'INTEGER', mode: 'NULLABLE' },
          { name: 'extra', type: 'STRING' },
        ],
      });
      const [meta] = await table.getMetadata();
      expect(meta.description).toBe('after');
      expect(meta.schema.fields.map((f: { name: string; mode: string }) => `${f.name}:${f.mode}`)).toEqual([
        'id:NULLABLE',
        'extra:NULLABLE',
      ]);
      await table.insert([{ extra: 'x' }], { partialRetries: 0 });
      expect(await s.run('SELECT id, extra FROM ds.patched')).toEqual([{ id: null, extra: 'x' }]);
      const refused = await failure(
        table.setMetadata({
          schema: [...meta.schema.fields, { name: 'must', type: 'STRING', mode: 'REQUIRED' }],
        }),
      );
      expect(refused.code).toBe(400);
      expect(refused.errors?.[0]?.reason).toBe('invalid');
    });

    it('accepts resumable uploads (POST metadata, PUT data) as well as multipart ones', async () => {
      const start = await fetch(
        `${s.endpoint}/upload/bigquery/v2/projects/test-project/jobs?uploadType=resumable`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            configuration: {
              load: {
                destinationTable: { projectId: 'test-project', datasetId: 'ds', tableId: 'resumable' },
                sourceFormat: 'NEWLINE_DELIMITED_JSON',
                schema: { fields: [{ name: 'id', type: 'INTEGER' }] },
              },
            },
            jobReference: { jobId: 'resumable-1' },
          }),
        },
      );
      const session = start.headers.get('location');
      expect(session).toMatch(/upload_id=/);
      const put = await fetch(session!, { method: 'PUT', body: '{"id":7}\n{"id":8}\n' });
      const job = (await put.json()) as {
        status: { state: string };
        statistics: { load: { outputRows: string } };
      };
      expect(job.status.state).toBe('DONE');
      expect(job.statistics.load.outputRows).toBe('2');
      expect(await s.run('SELECT SUM(id) AS total FROM ds.resumable')).toEqual([{ total: 15 }]);
    });

    it('records PARTITION BY / CLUSTER BY / OPTIONS of CREATE TABLE in the table metadata', async () => {
      await bq.query(`CREATE TABLE IF NOT EXISTS \`test-project.ds.parts\` (
        id INT64 NOT NULL, ts TIMESTAMP, note STRING OPTIONS(description = 'free text'))
      PARTITION BY DATE(ts) CLUSTER BY id OPTIONS(description = 'partitioned', require_partition_filter = true)`);
      const [meta] = await bq.dataset('ds').table('parts').getMetadata();
      expect(meta.timePartitioning).toEqual({ type: 'DAY', field: 'ts' });
      expect(meta.clustering).toEqual({ fields: ['id'] });
      expect(meta.description).toBe('partitioned');
      expect(meta.requirePartitionFilter).toBe(true);
      expect(meta.schema.fields[0]).toMatchObject({ name: 'id', type: 'INTEGER', mode: 'REQUIRED' });
      const [job] = await bq.createQueryJob({ query: 'CREATE TABLE IF NOT EXISTS ds.parts (x INT64)' });
      expect((await job.getMetadata())[0].statistics.query.ddlOperationPerformed).toBe('SKIP');
    });
  });
});
