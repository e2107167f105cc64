import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BigQueryExecutor } from '../../../src/bigquery/index.js';
import {
  ForbiddenError,
  InternalServerError,
  NetworkError,
  NotFoundError,
  OperationTimeoutError,
  PipelineError,
  ServiceUnavailableError,
  StreamingBufferError,
  TooManyRequestsError,
} from '../../../src/errors/index.js';
import type { RetryInfo } from '../../../src/retry/index.js';
import {
  fastRetry,
  GET_JOB,
  type Harness,
  INSERT_JOB,
  JOBS_QUERY,
  jobIdOf,
  QUERY_RESULTS,
  requestIdOf,
  startHarness,
} from './helpers.js';

describe('query faults: one retry layer, exactly one request per attempt', () => {
  let h: Harness;
  let bq: BigQueryExecutor;
  const SQL = 'SELECT id FROM ds.t ORDER BY id';
  let mark = 0;
  const since = (method: string, path: RegExp) =>
    h.standIn.requests.slice(mark).filter((r) => r.method === method && path.test(r.path));

  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
    const setup = h.executor();
    await setup.query('CREATE TABLE ds.t (id INT64)');
    await setup.loadRows('ds.t', [{ id: 1 }, { id: 2 }]);
  });
  afterAll(() => h.close());
  afterEach(() => h.standIn.faults.clear());

  const arm = () => {
    mark = h.standIn.requests.length;
    bq = h.executor();
  };

  it.each([
    // The reason picks the class (job-error-class.test.ts): backendError is one class on 500 and 503.
    ['503 backendError', { status: 503, reason: 'backendError' }, InternalServerError],
    ['500 backendError', { status: 500, reason: 'backendError' }, InternalServerError],
    ['403 rateLimitExceeded', { status: 403, reason: 'rateLimitExceeded' }, TooManyRequestsError],
    ['503 without a reason', { status: 503, reason: 'somethingNew' }, ServiceUnavailableError],
  ])('retries jobs.query after %s: 2 requests, same requestId', async (_name, error, klass) => {
    arm();
    const seen: RetryInfo[] = [];
    h.standIn.faults.add({ method: 'POST', path: JOBS_QUERY, error, times: 1 });
    expect(await bq.query(SQL, { retry: { onRetry: (i) => seen.push(i) } })).toEqual([{ id: 1 }, { id: 2 }]);
    const sent = since('POST', JOBS_QUERY);
    expect(sent.map((r) => r.status)).toEqual([error.status, 200]);
    expect(requestIdOf(sent[0]!)).toBe(requestIdOf(sent[1]!));
    expect(seen[0]?.error).toBeInstanceOf(klass);
    expect(bq.stats).toEqual({ calls: 1, attempts: 2, retries: 1 });
  });

  it.each([
    ['503 backendError', { status: 503, reason: 'backendError' }],
    ['403 rateLimitExceeded', { status: 403, reason: 'rateLimitExceeded' }],
  ])('retries jobs.insert of a caller-named job after %s: 2 inserts, same job id', async (_name, error) => {
    arm();
    h.standIn.faults.add({ method: 'POST', path: INSERT_JOB, error, times: 1 });
    expect(await bq.query(SQL, { jobId: `named_${error.status}_${error.reason}` })).toEqual([
      { id: 1 },
      { id: 2 },
    ]);
    const inserts = since('POST', INSERT_JOB);
    expect(inserts.map((r) => r.status)).toEqual([error.status, 200]);
    expect(jobIdOf(inserts[0]!)).toBe(jobIdOf(inserts[1]!));
    expect(bq.stats).toEqual({ calls: 1, attempts: 2, retries: 1 });
  });

  it('honors Retry-After on a 429', async () => {
    arm();
    const seen: RetryInfo[] = [];
    h.standIn.faults.add({
      method: 'POST',
      path: JOBS_QUERY,
      error: { status: 429, reason: 'rateLimitExceeded', retryAfterSeconds: 1 },
      times: 1,
    });
    await bq.query(SQL, { retry: { onRetry: (i) => seen.push(i), maxDelayMs: 2000 } });
    expect(since('POST', JOBS_QUERY).map((r) => r.status)).toEqual([429, 200]);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.delayMs).toBeGreaterThanOrEqual(1000);
  });

  it('retries a connection reset before the request is applied', async () => {
    arm();
    h.standIn.faults.add({ method: 'POST', path: JOBS_QUERY, reset: true, times: 1 });
    expect(await bq.query(SQL)).toHaveLength(2);
    const sent = since('POST', JOBS_QUERY);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.status).toBe(200);
    expect(since('GET', GET_JOB)).toHaveLength(0);
  });

  it('a lost jobs.query answer is re-sent with the same requestId and BigQuery answers it from the first run', async () => {
    arm();
    h.standIn.faults.add({ method: 'POST', path: JOBS_QUERY, reset: 'after', times: 1 });
    expect(await bq.query(SQL)).toEqual([{ id: 1 }, { id: 2 }]);
    const sent = since('POST', JOBS_QUERY);
    expect(sent).toHaveLength(2);
    expect(requestIdOf(sent[0]!)).toBe(requestIdOf(sent[1]!));
    expect(sent[1]?.status).toBe(200);
  });

  it('fetches the job when the insert was applied but its answer lost (409 on our own id)', async () => {
    arm();
    h.standIn.faults.add({ method: 'POST', path: INSERT_JOB, reset: 'after', times: 1 });
    expect(await bq.query(SQL, { jobId: 'lost_answer_job' })).toEqual([{ id: 1 }, { id: 2 }]);
    const inserts = since('POST', INSERT_JOB);
    expect(inserts).toHaveLength(2);
    expect(jobIdOf(inserts[0]!)).toBe(jobIdOf(inserts[1]!));
    expect(inserts[1]?.status).toBe(409);
    expect(since('GET', GET_JOB)).toHaveLength(1);
    expect(since('GET', QUERY_RESULTS)).toHaveLength(1);
  });

  it('runs a DML statement exactly once when its job insert was applied and the answer lost', async () => {
    arm();
    await h.executor().query('CREATE TABLE ds.counter (n INT64)');
    await h.executor().loadRows('ds.counter', [{ n: 0 }]);
    arm();
    h.standIn.faults.add({ method: 'POST', path: INSERT_JOB, sql: /UPDATE/, reset: 'after', times: 1 });
    expect(await bq.update('UPDATE ds.counter SET n = n + 1 WHERE true')).toBe(1);
    // DML runs as a job under our id (never through jobs.query): the re-send's 409 reads the job.
    expect(since('POST', JOBS_QUERY)).toHaveLength(0);
    const sent = since('POST', INSERT_JOB);
    expect(sent.map((r) => r.status)).toEqual([undefined, 409]);
    expect(jobIdOf(sent[0]!)).toBe(jobIdOf(sent[1]!));
    expect(await h.executor().query('SELECT n FROM ds.counter')).toEqual([{ n: 1 }]);
  });

  it('runs a DML statement of a caller-named job exactly once when its jobs.insert answer was lost', async () => {
    arm();
    await h.executor().query('CREATE TABLE ds.counter2 (n INT64)');
    await h.executor().loadRows('ds.counter2', [{ n: 0 }]);
    arm();
    h.standIn.faults.add({ method: 'POST', path: INSERT_JOB, sql: /UPDATE/, reset: 'after', times: 1 });
    expect(await bq.update('UPDATE ds.counter2 SET n = n + 1 WHERE true', { jobId: 'dml_once' })).toBe(1);
    expect(since('POST', INSERT_JOB).map((r) => r.status)).toEqual([undefined, 409]);
    expect(await h.executor().query('SELECT n FROM ds.counter2')).toEqual([{ n: 1 }]);
  });

  it('waits through a delay without retrying', async () => {
    arm();
    h.standIn.faults.add({ path: JOBS_QUERY, delayMs: 100, times: 1 });
    await bq.query(SQL);
    expect(bq.stats).toEqual({ calls: 1, attempts: 1, retries: 0 });
  });

  it('continues on the job BigQuery created for a slow query, polling getQueryResults', async () => {
    arm();
    h.standIn.faults.add({ method: 'POST', path: JOBS_QUERY, pendingPolls: 2, times: 1 });
    expect(await bq.query(SQL)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(since('POST', JOBS_QUERY)).toHaveLength(1);
    expect(since('GET', QUERY_RESULTS)).toHaveLength(2);
    expect(bq.stats).toEqual({ calls: 1, attempts: 1, retries: 0 });
  });

  it('abandons a hung request after attemptTimeoutMs and resumes the same job', async () => {
    mark = h.standIn.requests.length;
    // Long enough that no request but the hung one reaches it on a loaded machine: the counts below
    // assume exactly one timeout.
    bq = h.executor({ retry: { ...fastRetry, attemptTimeoutMs: 2_000 } });
    const seen: RetryInfo[] = [];
    h.standIn.faults.add({ method: 'POST', path: JOBS_QUERY, pendingPolls: 1, times: 1 });
    h.standIn.faults.add({ path: QUERY_RESULTS, hang: true, times: 1 });
    expect(await bq.query(SQL, { retry: { onRetry: (i) => seen.push(i) } })).toHaveLength(2);
    expect(seen[0]?.error).toBeInstanceOf(OperationTimeoutError);
    expect(since('POST', JOBS_QUERY)).toHaveLength(1);
    // The job's state is refreshed once before polling again (it might have failed meanwhile).
    expect(since('GET', GET_JOB)).toHaveLength(1);
    expect(since('GET', QUERY_RESULTS)).toHaveLength(2);
  });

  it('gives up on a request that always hangs with OperationTimeoutError', async () => {
    mark = h.standIn.requests.length;
    bq = h.executor({ retry: { attemptTimeoutMs: 100, maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    h.standIn.faults.add({ method: 'POST', path: JOBS_QUERY, hang: true });
    const err = await bq.query(SQL).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationTimeoutError);
    expect(since('POST', JOBS_QUERY)).toHaveLength(2);
  });

  it.each(['jobBackendError', 'jobInternalError', 'jobRateLimitExceeded'])(
    're-runs a query whose job failed with %s under a new requestId',
    async (reason) => {
      arm();
      h.standIn.faults.add({ method: 'POST', path: JOBS_QUERY, jobError: { reason }, times: 1 });
      expect(await bq.query(SQL)).toEqual([{ id: 1 }, { id: 2 }]);
      const ids = since('POST', JOBS_QUERY).map(requestIdOf);
      expect(ids).toHaveLength(2);
      expect(new Set(ids).size).toBe(2);
      expect(bq.stats.retries).toBe(1);
    },
  );

  it('re-sends a query answered with backendError under the same requestId (its first run applied nothing)', async () => {
    arm();
    h.standIn.faults.add({
      method: 'POST',
      path: JOBS_QUERY,
      jobError: { reason: 'backendError' },
      times: 1,
    });
    expect(await bq.query(SQL)).toEqual([{ id: 1 }, { id: 2 }]);
    const sent = since('POST', JOBS_QUERY);
    expect(sent.map((r) => r.status)).toEqual([500, 200]);
    expect(requestIdOf(sent[0]!)).toBe(requestIdOf(sent[1]!));
  });

  it('re-runs a query whose job BigQuery created then failed with a transient error, under a new requestId', async () => {
    arm();
    h.standIn.faults.add({
      method: 'POST',
      path: JOBS_QUERY,
      jobError: { reason: 'backendError', afterPolls: 1 },
      times: 1,
    });
    expect(await bq.query(SQL)).toEqual([{ id: 1 }, { id: 2 }]);
    const sent = since('POST', JOBS_QUERY);
    expect(sent).toHaveLength(2);
    expect(requestIdOf(sent[0]!)).not.toBe(requestIdOf(sent[1]!));
    // The poll that found the job failed (500), then one jobs.get that read its errorResult.
    expect(since('GET', QUERY_RESULTS).map((r) => r.status)).toEqual([500]);
    expect(since('GET', GET_JOB)).toHaveLength(1);
    expect(bq.stats).toEqual({ calls: 1, attempts: 3, retries: 2 });
  });

  it.each(['jobBackendError', 'jobInternalError', 'jobRateLimitExceeded', 'backendError'])(
    're-runs a caller-named job that failed with %s under <id>_r1',
    async (reason) => {
      arm();
      h.standIn.faults.add({ method: 'POST', path: INSERT_JOB, jobError: { reason }, times: 1 });
      expect(await bq.query(SQL, { jobId: `rerun_${reason}` })).toEqual([{ id: 1 }, { id: 2 }]);
      expect(since('POST', INSERT_JOB).map(jobIdOf)).toEqual([`rerun_${reason}`, `rerun_${reason}_r1`]);
      expect(bq.stats.retries).toBe(1);
    },
  );

  it('does not re-run a script whose job failed with a transient error: its statements that ran are not rolled back', async () => {
    arm();
    const script = 'INSERT INTO ds.t (id) VALUES (10); INSERT INTO ds.t (id) VALUES (11)';
    h.standIn.faults.add({
      method: 'POST',
      path: INSERT_JOB,
      jobError: { reason: 'backendError' },
      times: 1,
    });
    const error = await bq.update(script).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toMatchObject({ code: 'SCRIPT_FAILED', transient: false });
    expect((error as PipelineError).cause).toMatchObject({ code: expect.any(String), transient: true });
    expect((error as Error).message).toMatch(/not rolled back/);
    expect((error as Error).message).toContain(jobIdOf(since('POST', INSERT_JOB)[0]!));
    expect(since('POST', INSERT_JOB)).toHaveLength(1);
    expect(bq.stats.retries).toBe(0);
  });

  it('does not re-run a job that failed for good', async () => {
    arm();
    h.standIn.faults.add({
      method: 'POST',
      path: JOBS_QUERY,
      jobError: { reason: 'accessDenied' },
      times: 1,
    });
    await expect(bq.query(SQL)).rejects.toBeInstanceOf(ForbiddenError);
    expect(since('POST', JOBS_QUERY)).toHaveLength(1);
    arm();
    h.standIn.faults.add({
      method: 'POST',
      path: INSERT_JOB,
      jobError: { reason: 'accessDenied' },
      times: 1,
    });
    await expect(bq.query(SQL, { jobId: 'denied_job' })).rejects.toBeInstanceOf(ForbiddenError);
    expect(since('POST', INSERT_JOB)).toHaveLength(1);
  });

  it.each([
    ['404 notFound', { status: 404, reason: 'notFound' }, NotFoundError],
    ['403 accessDenied', { status: 403, reason: 'accessDenied' }, ForbiddenError],
    ['403 quotaExceeded', { status: 403, reason: 'quotaExceeded' }, ForbiddenError],
  ])('rejects a permanent %s after exactly one request', async (_name, error, klass) => {
    arm();
    h.standIn.faults.add({ method: 'POST', path: JOBS_QUERY, error });
    const err = await bq.query(SQL).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(klass);
    expect(since('POST', JOBS_QUERY)).toHaveLength(1);
    expect(bq.stats).toEqual({ calls: 1, attempts: 1, retries: 0 });
  });

  it('reports DML on the streaming buffer as StreamingBufferError, once', async () => {
    arm();
    h.standIn.faults.add({
      method: 'POST',
      path: INSERT_JOB,
      sql: /^UPDATE/,
      error: {
        status: 400,
        reason: 'invalidQuery',
        message:
          'UPDATE or DELETE statement over table test-project.ds.t would affect rows in the streaming buffer, which is not supported',
      },
    });
    const err = await bq.update('UPDATE ds.t SET id = id WHERE id = 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamingBufferError);
    expect((err as Error).message).toMatch(/streaming buffer/);
    expect(since('POST', INSERT_JOB)).toHaveLength(1);
  });

  it('makes exactly N requests for N attempts when everything fails (no hidden client retries)', async () => {
    arm();
    h.standIn.faults.add({
      method: 'POST',
      path: JOBS_QUERY,
      error: { status: 503, reason: 'backendError' },
    });
    const err = await bq.query(SQL, { retry: { maxAttempts: 4 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err).toMatchObject({ httpStatus: 503, reason: 'backendError', transient: true });
    expect(since('POST', JOBS_QUERY)).toHaveLength(4);
    expect(bq.stats).toEqual({ calls: 1, attempts: 4, retries: 3 });
  });

  it('makes one request per attempt on connection resets too (the client noResponseRetries are off)', async () => {
    arm();
    h.standIn.faults.add({ method: 'POST', path: JOBS_QUERY, reset: true });
    const err = await bq.query(SQL, { retry: { maxAttempts: 2 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(since('POST', JOBS_QUERY)).toHaveLength(2);
  });
});
