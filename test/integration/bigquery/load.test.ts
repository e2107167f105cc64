import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BigQueryExecutor } from '../../../src/bigquery/index.js';
import {
  BadRequestError,
  InternalServerError,
  PartialInsertError,
  PipelineError,
} from '../../../src/errors/index.js';
import { caught } from '../../helpers/caught.js';
import { countRowsAndIds, GET_JOB, type Harness, startHarness, UPLOAD } from './helpers.js';

const uploadJobId = (r: { body: unknown }) =>
  (r.body as { metadata: { jobReference: { jobId: string } } }).metadata.jobReference.jobId;

describe('loadRows (batch load job from NDJSON) with the real client against the stand-in', () => {
  let h: Harness;
  let bq: BigQueryExecutor;
  let mark = 0;
  let tableNo = 0;
  const uploads = () =>
    h.standIn.requests.slice(mark).filter((r) => r.method === 'POST' && UPLOAD.test(r.path));
  const rows = [
    { id: 1, name: 'a', at: new Date('2024-01-01T00:00:00Z') },
    { id: 2, name: 'b', at: new Date('2024-01-02T00:00:00Z') },
    { id: 3, name: 'c', at: null },
  ];
  const count = (table: string) => countRowsAndIds(bq, table);
  const freshTable = async () => {
    const name = `ds.l${++tableNo}`;
    await h.executor().query(`CREATE TABLE ${name} (id INT64, name STRING, at TIMESTAMP)`);
    mark = h.standIn.requests.length;
    bq = h.executor();
    return name;
  };

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
  });
  afterAll(() => h.close());
  afterEach(() => h.standIn.faults.clear());

  it('appends with WRITE_APPEND / NEWLINE_DELIMITED_JSON, and DML works on the rows at once', async () => {
    const table = await freshTable();
    const result = await bq.loadRows(table, rows);
    expect(result.outputRows).toBe(3);
    expect(result.jobId).toMatch(/^gpr_/);
    expect(uploads()).toHaveLength(1);
    expect(await bq.update(`UPDATE ${table} SET name = 'z' WHERE id = 2`)).toBe(1);
    await bq.loadRows(table, [{ id: 4, name: 'd', at: null }]);
    expect(await count(table)).toEqual({ n: 4, d: 4 });
  });

  it('two different loads of the same byte size both land, under a caller job id or without one', async () => {
    const table = await freshTable();
    const first = [{ id: 1, name: 'a', at: null }];
    const second = [{ id: 2, name: 'b', at: null }];
    expect(JSON.stringify(first).length).toBe(JSON.stringify(second).length);
    const a = await bq.loadRows(table, first, { jobId: 'daily_load' });
    const b = await bq.loadRows(table, second, { jobId: 'daily_load' });
    expect(a.outputRows).toBe(1);
    expect(b.outputRows).toBe(1);
    expect(a.jobId).not.toBe(b.jobId);
    expect(await count(table)).toEqual({ n: 2, d: 2 });
    // The same rows again under the same caller id are read back, not loaded twice.
    expect(await bq.loadRows(table, second, { jobId: 'daily_load' })).toMatchObject({ jobId: b.jobId });
    expect(await count(table)).toEqual({ n: 2, d: 2 });
    const c = await bq.loadRows(table, [{ id: 3, name: 'c', at: null }]);
    const d = await bq.loadRows(table, [{ id: 4, name: 'd', at: null }]);
    expect(c.jobId).not.toBe(d.jobId);
    expect(await count(table)).toEqual({ n: 4, d: 4 });
  });

  it('the same rows with their keys in another order are the same load: same job id, each row once', async () => {
    await h
      .executor()
      .query(
        'CREATE TABLE ds.reordered (id INT64, name STRING, at TIMESTAMP, big INT64, raw BYTES, meta STRUCT<a INT64, tags ARRAY<STRING>>)',
      );
    mark = h.standIn.requests.length;
    const at = new Date('2024-01-01T00:00:00Z');
    const built = [
      {
        id: 1,
        name: 'a',
        at,
        big: 9007199254740993n,
        raw: Buffer.from('hi'),
        meta: { a: 1, tags: ['x', 'y'] },
      },
      { id: 2, name: 'b', at: null, big: 2n, raw: null, meta: { a: 2, tags: [] } },
    ];
    // Built again in another order, nested keys too, with equal values of other objects.
    const rebuilt = [
      {
        meta: { tags: ['x', 'y'], a: 1 },
        raw: Buffer.from('hi'),
        big: 9007199254740993n,
        at: new Date(at),
        name: 'a',
        id: 1,
      },
      { raw: null, meta: { tags: [], a: 2 }, big: 2n, name: 'b', at: null, id: 2 },
    ];
    const first = await bq.loadRows('ds.reordered', built, { jobId: 'nightly' });
    const again = await bq.loadRows('ds.reordered', rebuilt, { jobId: 'nightly' });
    expect(again.jobId).toBe(first.jobId);
    expect(await count('ds.reordered')).toEqual({ n: 2, d: 2 });
    // Only the fingerprint is canonical: the NDJSON sent keeps the caller's order.
    const sent = uploads().map((u) => (u.body as { data: string }).data.split('\n')[0]);
    expect(sent[0]).toMatch(/^\{"id":1,"name":"a",/);
    expect(sent[1]).toMatch(/^\{"meta":\{"tags":\["x","y"\],"a":1\},/);
    // An array keeps its order: other content, its own job.
    const otherOrder = [{ ...built[0], id: 3, meta: { a: 1, tags: ['y', 'x'] } }];
    const sameArray = [{ ...built[0], id: 3 }];
    const a = await bq.loadRows('ds.reordered', otherOrder, { jobId: 'nightly' });
    const b = await bq.loadRows('ds.reordered', sameArray, { jobId: 'nightly' });
    expect(a.jobId).not.toBe(b.jobId);
    expect(await count('ds.reordered')).toEqual({ n: 4, d: 3 });
  });

  it('an id an earlier version reported (fingerprint of the NDJSON as sent, keys unsorted), passed back, reads its job', async () => {
    const table = await freshTable();
    const unsorted = [{ name: 'a', id: 1, at: null }];
    const ndjson = `${JSON.stringify(unsorted[0])}\n`;
    const legacy = createHash('sha256').update(ndjson).digest('hex').slice(0, 32);
    const reported = `gpr_${'0'.repeat(8)}_${legacy}`;
    expect((await bq.loadRows(table, unsorted, { jobId: reported })).jobId).toBe(reported);
    expect((await bq.loadRows(table, unsorted, { jobId: reported })).jobId).toBe(reported);
    expect(await count(table)).toEqual({ n: 1, d: 1 });
  });

  it('makes no request for no rows', async () => {
    const table = await freshTable();
    expect(await bq.loadRows(table, [])).toEqual({ jobId: null, jobIds: [], outputRows: 0 });
    expect(h.standIn.requests.length).toBe(mark);
  });

  it('retries a failed upload under the same job id', async () => {
    const table = await freshTable();
    h.standIn.faults.add({
      method: 'POST',
      path: UPLOAD,
      error: { status: 503, reason: 'backendError' },
      times: 1,
    });
    await bq.loadRows(table, rows);
    expect(uploads().map((r) => r.status)).toEqual([503, 200]);
    expect(await count(table)).toEqual({ n: 3, d: 3 });
  });

  it('loads exactly once when the upload was applied and its answer lost', async () => {
    const table = await freshTable();
    h.standIn.faults.add({ method: 'POST', path: UPLOAD, reset: 'after', times: 1 });
    const { jobId } = await bq.loadRows(table, rows);
    const sent = uploads();
    expect(sent).toHaveLength(2);
    expect(sent[0]?.fault).toBeDefined();
    expect(sent[1]?.status).toBe(409);
    expect(uploadJobId(sent[1]!)).toBe(uploadJobId(sent[0]!));
    expect(uploadJobId(sent[0]!)).toBe(jobId);
    expect(
      h.standIn.requests.slice(mark).filter((r) => r.method === 'GET' && GET_JOB.test(r.path)),
    ).toHaveLength(1);
    expect(h.standIn.requests.slice(mark).some((r) => r.path.endsWith(`/jobs/${jobId}`))).toBe(true);
    expect(await count(table)).toEqual({ n: 3, d: 3 });
  });

  it('a call that gives up after an upload whose answer was lost reads the job back: loaded once, reported loaded', async () => {
    const table = await freshTable();
    h.standIn.faults.add({ method: 'POST', path: UPLOAD, reset: 'after', times: 1 });
    h.standIn.faults.add({ method: 'POST', path: UPLOAD, error: { status: 503, reason: 'backendError' } });
    const result = await bq.loadRows(table, rows);
    expect(result.outputRows).toBe(3);
    const sent = uploads();
    expect(sent).toHaveLength(5);
    expect(new Set(sent.map(uploadJobId))).toEqual(new Set([result.jobId]));
    h.standIn.faults.clear();
    expect(await count(table)).toEqual({ n: 3, d: 3 });
  });

  it('a call that gives up on a job whose outcome cannot be read says so, naming the job; loading again under that id loads once', async () => {
    const table = await freshTable();
    h.standIn.faults.add({ method: 'POST', path: UPLOAD, reset: 'after', times: 1 });
    h.standIn.faults.add({ method: 'POST', path: UPLOAD, error: { status: 503, reason: 'backendError' } });
    h.standIn.faults.add({ method: 'GET', path: GET_JOB, error: { status: 503, reason: 'backendError' } });
    const error = await caught(bq.loadRows(table, rows));
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toMatchObject({ code: 'JOB_OUTCOME_UNKNOWN', transient: false });
    expect((error as PipelineError).cause).toBeInstanceOf(InternalServerError);
    const jobId = uploadJobId(uploads()[0]!);
    expect((error as Error).message).toContain(jobId);
    h.standIn.faults.clear();
    // The rows were loaded by the first upload: the call did not say "failed" for them.
    expect(await count(table)).toEqual({ n: 3, d: 3 });
    const again = await bq.loadRows(table, rows, { jobId });
    expect(again).toMatchObject({ jobId, outputRows: 3 });
    expect(await count(table)).toEqual({ n: 3, d: 3 });
  });

  it('a call whose uploads were all answered with an error rejects with that error, reading no job', async () => {
    const table = await freshTable();
    h.standIn.faults.add({ error: { status: 503, reason: 'backendError' } });
    const error = await caught(bq.loadRows(table, rows));
    expect(error).toBeInstanceOf(InternalServerError);
    const gets = h.standIn.requests.slice(mark).filter((r) => r.method === 'GET' && GET_JOB.test(r.path));
    expect(gets).toEqual([]);
    h.standIn.faults.clear();
    expect(await count(table)).toEqual({ n: 0, d: 0 });
  });

  it('a call that gives up after an upload whose answer was lost, when the job was never created, rejects with the upload error after one read', async () => {
    const table = await freshTable();
    // The connection is cut before the upload is applied: no job; the read-back says so (404).
    h.standIn.faults.add({ method: 'POST', path: UPLOAD, reset: true });
    const error = await caught(bq.loadRows(table, rows));
    expect(error).toMatchObject({ code: 'NETWORK_ERROR' });
    const gets = h.standIn.requests.slice(mark).filter((r) => r.method === 'GET' && GET_JOB.test(r.path));
    expect(gets.map((r) => r.status)).toEqual([404]);
    expect(await count(table)).toEqual({ n: 0, d: 0 });
  });

  it('an abort after an upload whose answer was lost says the job may exist, naming it, not the bare reason', async () => {
    const table = await freshTable();
    h.standIn.faults.add({ method: 'POST', path: UPLOAD, reset: 'after', times: 1 });
    const controller = new AbortController();
    const reason = new Error('shutting down');
    // The caller aborts (a SIGTERM) while the call waits to re-send the upload whose answer was lost.
    const error = await caught(
      bq.loadRows(table, rows, {
        retry: { signal: controller.signal, onRetry: () => controller.abort(reason) },
      }),
    );
    expect(error).toMatchObject({ code: 'JOB_OUTCOME_UNKNOWN', transient: false, cause: reason });
    expect((error as Error).message).toContain(uploadJobId(uploads()[0]!));
    expect(uploads()).toHaveLength(1);
    expect(await count(table)).toEqual({ n: 3, d: 3 });
  });

  it('an abort while the job runs (a handler timeout) rejects with the job id and location as fields; passing them back reads the job, not a second load', async () => {
    const table = await freshTable();
    // A job that takes a while: the call is still polling it when the caller gives up.
    h.standIn.faults.add({ path: UPLOAD, pendingPolls: 3, times: 1 });
    const controller = new AbortController();
    const reason = new Error('handler timed out');
    const loading = caught(bq.loadRows(table, rows, { retry: { signal: controller.signal } }));
    while (!h.standIn.requests.slice(mark).some((r) => r.method === 'GET' && GET_JOB.test(r.path))) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    controller.abort(reason);
    const error = (await loading) as PipelineError & { jobId?: string; location?: string };
    expect(error).toMatchObject({ code: 'JOB_OUTCOME_UNKNOWN', transient: false, cause: reason });
    expect(error.jobId).toBe(uploadJobId(uploads()[0]!));
    expect(error.location).toBe('US');
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ jobId: error.jobId, location: 'US' });
    // The redelivered message passes them back: the job (finished meanwhile) is read, not run again.
    const again = await bq.loadRows(table, rows, { jobId: error.jobId, location: error.location });
    expect(again).toMatchObject({ jobId: error.jobId, outputRows: 3 });
    expect(await count(table)).toEqual({ n: 3, d: 3 });
  });

  it('an abort while one job of a load split into several runs names the whole load: passing its jobId back reads every job, loading each row once', async () => {
    const table = await freshTable();
    const six = Array.from({ length: 6 }, (_, i) => ({ id: i, name: `n${i}`, at: null }));
    // 31 bytes a row of NDJSON: 62 bytes a job makes three jobs of two rows; the first takes a while.
    const split = { jobBytes: 62, concurrency: 1 };
    h.standIn.faults.add({ path: UPLOAD, pendingPolls: 3, times: 1 });
    const controller = new AbortController();
    const reason = new Error('handler timed out');
    const loading = caught(bq.loadRows(table, six, { ...split, retry: { signal: controller.signal } }));
    while (!h.standIn.requests.slice(mark).some((r) => r.method === 'GET' && GET_JOB.test(r.path))) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    controller.abort(reason);
    const error = (await loading) as PipelineError & { jobId?: string; location?: string };
    expect(error).toMatchObject({ code: 'JOB_OUTCOME_UNKNOWN', transient: false, location: 'US' });
    expect(uploads()).toHaveLength(1);
    expect(uploadJobId(uploads()[0]!).startsWith(`${error.jobId}_p0_`)).toBe(true);
    expect(error.message).toContain(uploadJobId(uploads()[0]!));
    // The redelivered message passes the id back with the same rows: the first job (finished
    // meanwhile) is read, the two never started are loaded, under the same ids a first run gives.
    const again = await bq.loadRows(table, six, { ...split, jobId: error.jobId, location: error.location });
    expect(again.jobIds).toHaveLength(3);
    expect(again.jobIds[0]).toBe(uploadJobId(uploads()[0]!));
    expect(again.outputRows).toBe(6);
    expect(await count(table)).toEqual({ n: 6, d: 6 });
  });

  it('a load split into several jobs of which some loaded and one failed names the whole load: not transient, and passing its jobId back loads only the rest', async () => {
    const table = await freshTable();
    const six = Array.from({ length: 6 }, (_, i) => ({ id: i, name: `n${i}`, at: null }));
    const split = { jobBytes: 62, concurrency: 1 };
    // The second job's upload is refused until the attempts run out (never created): rows 0-1 loaded.
    h.standIn.faults.add({ path: UPLOAD, after: 1, error: { status: 503, reason: 'backendError' } });
    const error = (await caught(bq.loadRows(table, six, split))) as PartialInsertError & { jobId?: string };
    h.standIn.faults.clear();
    expect(error).toBeInstanceOf(PartialInsertError);
    expect(error.inserted).toBe(2);
    expect(error.failures.map((f) => f.index)).toEqual([2, 3, 4, 5]);
    // Transient, a redelivery loaded rows 0-1 a second time under a new random id.
    expect(error.transient).toBe(false);
    expect(uploadJobId(uploads()[0]!).startsWith(`${error.jobId}_p0_`)).toBe(true);
    expect(error.message).toContain(`jobId: '${error.jobId}'`);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ jobId: error.jobId });
    const again = await bq.loadRows(table, six, { ...split, jobId: error.jobId });
    expect(again.outputRows).toBe(6);
    expect(await count(table)).toEqual({ n: 6, d: 6 });
  });

  it('a client whose project comes from its credentials (no projectId) finds its own job after a lost upload answer, not "a job id in use"', async () => {
    const table = await freshTable();
    // As on Cloud Run: no projectId option, the credentials know the project.
    const passThrough = h.standIn.client().authClient;
    const authClient = Object.assign(Object.create(passThrough) as typeof passThrough, {
      getProjectId: async () => 'test-project',
    });
    const client = h.standIn.client({ projectId: undefined, authClient: authClient as never });
    expect(client.projectId).toBe('{{projectId}}');
    h.standIn.faults.add({ method: 'POST', path: UPLOAD, reset: 'after', times: 1 });
    const loaded = await h.executor({ client }).loadRows(table, rows, { jobId: 'message_123' });
    expect(loaded.jobId).toBe(uploadJobId(uploads()[0]!));
    expect(uploads()).toHaveLength(2);
    expect(await count(table)).toEqual({ n: 3, d: 3 });
  });

  it('loads the rows the array held when the call was made, though the caller empties it at once', async () => {
    const table = await freshTable();
    const buffer = [...rows];
    const loading = bq.loadRows(table, buffer);
    buffer.length = 0;
    expect((await loading).outputRows).toBe(3);
    expect(await count(table)).toEqual({ n: 3, d: 3 });
  });

  it('re-runs a load job that failed with a transient reason under a new job id', async () => {
    const table = await freshTable();
    h.standIn.faults.add({ method: 'POST', path: UPLOAD, jobError: { reason: 'backendError' }, times: 1 });
    const { jobId } = await bq.loadRows(table, rows);
    const sent = uploads();
    expect(sent).toHaveLength(2);
    expect(sent.map(uploadJobId)).toEqual([expect.any(String), jobId]);
    expect(uploadJobId(sent[0]!)).not.toBe(jobId);
    expect(await count(table)).toEqual({ n: 3, d: 3 });
    expect(bq.stats.retries).toBe(1);
  });

  it('surfaces a load job that failed for good after one attempt', async () => {
    const table = await freshTable();
    const err = await bq
      .loadRows(table, [{ id: 'not-a-number', name: 'x', at: null }], { ignoreUnknownValues: false })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(uploads()).toHaveLength(1);
    expect(await count(table)).toEqual({ n: 0, d: 0 });
  });

  it('fails a row with a key the table lacks by default, loading nothing, instead of dropping its value', async () => {
    const table = await freshTable();
    const misspelled = [
      { id: 1, name: 'a', at: null },
      { id: 2, nmae: 'b', at: null },
    ];
    const err = await bq.loadRows(table, misspelled).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(await count(table)).toEqual({ n: 0, d: 0 });
    // The opt-in drops the unknown key and loads both rows.
    await bq.loadRows(table, misspelled, { ignoreUnknownValues: true });
    expect(await count(table)).toEqual({ n: 2, d: 2 });
  });

  it('sends the load configuration and NDJSON', async () => {
    const table = await freshTable();
    await bq.loadRows(table, rows);
    const body = uploads()[0]?.body as {
      metadata: { configuration: { load: Record<string, unknown> } };
      data: string;
    };
    expect(body.metadata.configuration.load).toMatchObject({
      sourceFormat: 'NEWLINE_DELIMITED_JSON',
      writeDisposition: 'WRITE_APPEND',
      ignoreUnknownValues: false,
    });
    expect(body.data.split('\n')).toEqual([
      '{"id":1,"name":"a","at":"2024-01-01T00:00:00.000Z"}',
      '{"id":2,"name":"b","at":"2024-01-02T00:00:00.000Z"}',
      '{"id":3,"name":"c","at":null}',
      '',
    ]);
  });
});
