import type { BigQuery } from '@google-cloud/bigquery';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';
import { type ApiErrorLike, failure, type PartialFailureLike, useStandIn } from './stand-in-fixture.js';

const fixture = useStandIn();
let s: BigQueryStandIn;
let bq: BigQuery;
const { since, arm } = fixture;
beforeAll(async () => {
  ({ s, bq } = fixture);
  // The streaming-insert faults write to a table of their own.
  await bq.dataset('ds').createTable('stream', { schema: 'id:INTEGER,name:STRING' });
});

describe('BigQuery stand-in driven by the real @google-cloud/bigquery client', () => {
  describe('fault plan', () => {
    it('error: a Google error body with Retry-After, exactly one request, nothing applied', async () => {
      const rule = s.faults.add({
        path: /\/insertAll$/,
        times: 1,
        error: { status: 503, reason: 'backendError', retryAfterSeconds: 7 },
      });
      arm();
      const err = (await failure(
        bq
          .dataset('ds')
          .table('stream')
          .insert([{ id: 9 }], { partialRetries: 0 }),
      )) as ApiErrorLike & {
        response: { headers: Record<string, string> };
      };
      expect(err.code).toBe(503);
      expect(err.errors?.[0]).toMatchObject({ reason: 'backendError', domain: 'global' });
      expect(err.response.headers['retry-after']).toBe('7');
      expect(since()).toHaveLength(1);
      expect(since()[0]).toMatchObject({ fault: rule.id, status: 503 });
      expect(rule.hits).toBe(1);
      expect(await s.run('SELECT COUNT(*) AS n FROM ds.stream WHERE id = 9')).toEqual([{ n: 0 }]);
    });

    it('reset: true loses the request; reset: "after" applies it and loses the answer', async () => {
      await bq.dataset('ds').createTable('resets', { schema: 'id:INTEGER' });
      const table = bq.dataset('ds').table('resets');
      s.faults.add({ path: /\/resets\/insertAll$/, times: 1, reset: true });
      const before = (await failure(
        table.insert([{ insertId: 'a', json: { id: 1 } }], { raw: true, partialRetries: 0 }),
      )) as ApiErrorLike & {
        code?: unknown;
      };
      expect(String((before as { code?: unknown }).code ?? before.message)).toMatch(
        /ECONNRESET|socket hang up/,
      );
      expect(await s.run('SELECT COUNT(*) AS n FROM ds.resets')).toEqual([{ n: 0 }]);
      s.faults.add({ path: /\/resets\/insertAll$/, times: 1, reset: 'after' });
      await failure(table.insert([{ insertId: 'a', json: { id: 1 } }], { raw: true, partialRetries: 0 }));
      expect(await s.run('SELECT COUNT(*) AS n FROM ds.resets')).toEqual([{ n: 1 }]);
      await table.insert([{ insertId: 'a', json: { id: 1 } }], { raw: true, partialRetries: 0 });
      expect(await s.run('SELECT COUNT(*) AS n FROM ds.resets')).toEqual([{ n: 1 }]);
    });

    it('delayMs answers normally after the delay', async () => {
      const rule = s.faults.add({ method: 'POST', path: '/queries', times: 1, delayMs: 30 });
      arm();
      const [rows] = await bq.query('SELECT 1 AS one');
      expect(rows).toEqual([{ one: 1 }]);
      expect(since()[0]).toMatchObject({ fault: rule.id, status: 200 });
    });

    it('jobError fails the job: jobs.query answers the HTTP error, jobs.insert the DONE job with errorResult', async () => {
      s.faults.add({
        sql: /FROM ds\.people/,
        times: 2,
        jobError: { reason: 'jobBackendError', message: 'boom' },
      });
      const viaQuery = await failure(bq.query('SELECT id FROM ds.people'));
      expect(viaQuery.code).toBe(400);
      expect(viaQuery.errors?.[0]).toMatchObject({ reason: 'jobBackendError', message: 'boom' });
      const viaJob = await failure(
        bq.createQueryJob({ query: 'SELECT id FROM ds.people', jobId: 'failing-job' }),
      );
      expect(viaJob.errors?.[0]?.reason).toBe('jobBackendError');
      const [meta] = await bq.job('failing-job').getMetadata();
      expect(meta.status).toMatchObject({
        state: 'DONE',
        errorResult: { reason: 'jobBackendError', message: 'boom' },
      });
      const results = await failure(bq.job('failing-job', { location: 'US' }).getQueryResults());
      expect(results.code).toBe(400);
      const [ok] = await bq.query('SELECT COUNT(*) AS n FROM ds.people');
      expect(ok).toEqual([{ n: 5 }]);
    });

    it('insertErrors: invalid for the listed rows, stopped for the others, none applied', async () => {
      s.faults.add({ path: /\/stream\/insertAll$/, times: 1, insertErrors: { invalid: [1] } });
      const err = (await failure(
        bq
          .dataset('ds')
          .table('stream')
          .insert([{ id: 10 }, { id: 11 }, { id: 12 }], { partialRetries: 0 }),
      )) as unknown as PartialFailureLike<{ id: number }>;
      expect(err.errors.map((e) => [e.row.id, e.errors[0]!.reason])).toEqual([
        [10, 'stopped'],
        [11, 'invalid'],
        [12, 'stopped'],
      ]);
      expect(await s.run('SELECT COUNT(*) AS n FROM ds.stream WHERE id >= 10')).toEqual([{ n: 0 }]);
    });

    it('rate with a seed acts on the same requests every run', async () => {
      const pattern = async () => {
        s.faults.clear();
        s.faults.add({
          path: '/queries',
          rate: 0.5,
          seed: 7,
          error: { status: 500, reason: 'backendError' },
        });
        const out: boolean[] = [];
        for (let i = 0; i < 8; i++)
          out.push(
            await bq.query('SELECT 1 AS x').then(
              () => true,
              () => false,
            ),
          );
        return out;
      };
      const first = await pattern();
      expect(first).toEqual(await pattern());
      expect(first.filter((ok) => !ok).length).toBeGreaterThan(0);
      expect(first.filter((ok) => ok).length).toBeGreaterThan(0);
    });

    it('jobs.cancel stops a running job', async () => {
      s.faults.add({ path: /\/jobs$/, pendingPolls: 5 });
      const [job] = await bq.createQueryJob({
        query: "UPDATE ds.people SET name = 'x' WHERE TRUE",
        jobId: 'slow-job',
      });
      expect(job.metadata.status.state).toBe('RUNNING');
      const [cancelled] = (await job.cancel()) as unknown as [
        { job: { status: { state: string; errorResult: { reason: string } } } },
      ];
      expect(cancelled.job.status).toMatchObject({ state: 'DONE', errorResult: { reason: 'stopped' } });
      expect(await s.run("SELECT COUNT(*) AS n FROM ds.people WHERE name = 'x'")).toEqual([{ n: 0 }]);
    });

    it('hang never answers, and close() still ends the socket', async () => {
      const other = await startBigQueryStandIn();
      const client = other.client({ autoRetry: false });
      other.faults.add({ hang: true });
      const pending = client.getDatasets().then(
        () => 'answered',
        () => 'failed',
      );
      while (other.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      const settled = await Promise.race([pending, new Promise((r) => setTimeout(() => r('pending'), 50))]);
      expect(settled).toBe('pending');
      expect(other.requests[0]!.status).toBeUndefined();
      await other.close();
      expect(await pending).toBe('failed');
    });
  });
});
