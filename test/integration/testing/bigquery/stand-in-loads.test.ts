import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BigQuery } from '@google-cloud/bigquery';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BigQueryStandIn } from '../../../../src/testing/bigquery/index.js';
import { failure, useStandIn } from './stand-in-fixture.js';

const fixture = useStandIn();
let s: BigQueryStandIn;
let bq: BigQuery;
const { since, arm } = fixture;
beforeAll(() => {
  ({ s, bq } = fixture);
});

describe('BigQuery stand-in driven by the real @google-cloud/bigquery client', () => {
  describe('load jobs from NDJSON uploads', () => {
    it('loads through createWriteStream (multipart upload) and through table.load(file)', async () => {
      const table = bq.dataset('ds').table('loaded');
      arm();
      const stream = table.createWriteStream({
        sourceFormat: 'NEWLINE_DELIMITED_JSON',
        schema: {
          fields: [
            { name: 'id', type: 'INTEGER' },
            { name: 'tags', type: 'STRING', mode: 'REPEATED' },
          ],
        },
      });
      const done = new Promise<void>((resolve, reject) => {
        stream.on('complete', () => resolve());
        stream.on('error', reject);
      });
      stream.end('{"id":1,"tags":["a"]}\n{"id":2,"tags":[]}\n');
      await done;
      const upload = since().find((r) => r.path.startsWith('/upload/'))!;
      expect(upload.query.uploadType).toBe('multipart');
      expect((upload.body as { data: string }).data).toContain('{"id":1');
      const dir = await mkdtemp(join(tmpdir(), 'bq-stand-in-'));
      try {
        const file = join(dir, 'rows.json');
        await writeFile(file, '{"id":3,"tags":["x","y"]}\n');
        const [job] = await table.load(file, { sourceFormat: 'NEWLINE_DELIMITED_JSON' });
        expect(job.status?.state).toBe('DONE');
        expect(job.statistics?.load?.outputRows).toBe('1');
        const bad = join(dir, 'bad.json');
        await writeFile(bad, '{"id":4}\n{"id":"four"}\n');
        const err = await failure(table.load(bad, { sourceFormat: 'NEWLINE_DELIMITED_JSON' }));
        expect(err.errors?.[0]?.reason).toBe('invalid');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      expect(await s.run('SELECT id, tags FROM ds.loaded ORDER BY id')).toEqual([
        { id: 1, tags: ['a'] },
        { id: 2, tags: [] },
        { id: 3, tags: ['x', 'y'] },
      ]);
    });
  });
});
