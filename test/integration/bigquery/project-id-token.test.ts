import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/errors/index.js';
import { GET_JOB, type Harness, INSERT_JOB, JOBS_QUERY, jobIdOf, startHarness } from './helpers.js';

/**
 * @google-cloud/common replaces `{{projectId}}` in every string of a JSON request body, so the SQL
 * text `SELECT '{{projectId}}'` and a parameter holding the token reached BigQuery with the project
 * id in them. The executor sends such a body as text, with its own job reference resolved, so the
 * statement runs as written.
 */
describe('queries holding the text {{projectId}} run as written', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
  });
  afterAll(() => h.close());

  it('a string literal in the SQL (jobs.query)', async () => {
    expect(await h.executor().query("SELECT '{{projectId}}' AS t")).toEqual([{ t: '{{projectId}}' }]);
  });

  it('a parameter value, inferred and typed, and an array parameter', async () => {
    expect(
      await h.executor().query('SELECT @p AS p, @q AS q, @r AS r', {
        params: { p: 'a {{projectId}} b', q: '{{projectId}}', r: ['{{projectId}}'] },
        types: { q: 'STRING' },
      }),
    ).toEqual([{ p: 'a {{projectId}} b', q: '{{projectId}}', r: ['{{projectId}}'] }]);
  });

  it('a job of the caller’s id (jobs.insert) and a DML statement', async () => {
    expect(await h.executor().query("SELECT '{{projectId}}' AS t", { jobId: 'token_job_1' })).toEqual([
      { t: '{{projectId}}' },
    ]);
    await h.executor().query('CREATE TABLE ds.notes (note STRING)');
    expect(await h.executor().update("INSERT INTO ds.notes (note) VALUES ('see {{projectId}} docs')")).toBe(
      1,
    );
    expect(await h.executor().query('SELECT note FROM ds.notes')).toEqual([
      { note: 'see {{projectId}} docs' },
    ]);
  });

  it('a dry run reads the statement as written', async () => {
    const mark = h.standIn.requests.length;
    await h.executor().dryRun("SELECT '{{projectId}}' AS t");
    const [sent] = h.standIn.requests.slice(mark).filter((r) => INSERT_JOB.test(r.path));
    const body = sent?.body as { configuration?: { query?: { query?: string } } } | undefined;
    expect(body?.configuration?.query?.query).toBe("SELECT '{{projectId}}' AS t");
  });

  it('a statement without the token is sent as before (a JSON body, the project from the client)', async () => {
    const mark = h.standIn.requests.length;
    expect(await h.executor().query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(h.standIn.requests.slice(mark).filter((r) => JOBS_QUERY.test(r.path))).toHaveLength(1);
  });

  it('a client whose project comes from its credentials: the job reference names the real project, the SQL keeps the token', async () => {
    const passThrough = h.standIn.client().authClient;
    const authClient = Object.assign(Object.create(passThrough) as typeof passThrough, {
      getProjectId: async () => 'test-project',
    });
    const client = h.standIn.client({ projectId: undefined, authClient: authClient as never });
    expect(client.projectId).toBe('{{projectId}}');
    const mark = h.standIn.requests.length;
    const bq = h.executor({ client });
    expect(await bq.query("SELECT '{{projectId}}' AS t", { jobId: 'token_job_2' })).toEqual([
      { t: '{{projectId}}' },
    ]);
    expect(await bq.query("SELECT '{{projectId}}' AS t")).toEqual([{ t: '{{projectId}}' }]);
    const [inserted] = h.standIn.requests.slice(mark).filter((r) => INSERT_JOB.test(r.path));
    expect(jobIdOf(inserted!)).toBe('token_job_2');
    expect(
      (inserted?.body as { jobReference?: { projectId?: string } } | undefined)?.jobReference?.projectId,
    ).toBe('test-project');
    expect(inserted?.path).toContain('/projects/test-project/');
    expect(h.standIn.requests.slice(mark).some((r) => GET_JOB.test(r.path) && r.path.includes('{{'))).toBe(
      false,
    );
  });

  it('a body sent as text is retried and refused as a JSON body is: a lost answer re-sent, a missing table a NotFoundError', async () => {
    const bq = h.executor();
    const mark = h.standIn.requests.length;
    h.standIn.faults.add({
      method: 'POST',
      path: JOBS_QUERY,
      error: { status: 503, reason: 'backendError' },
      times: 1,
    });
    expect(await bq.query("SELECT '{{projectId}}' AS t")).toEqual([{ t: '{{projectId}}' }]);
    h.standIn.faults.clear();
    expect(h.standIn.requests.slice(mark).filter((r) => JOBS_QUERY.test(r.path))).toHaveLength(2);
    const error = await bq.query("SELECT '{{projectId}}' AS t FROM ds.missing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('missing');
  });

  it('next to a backslash, quotes and an emoji, and repeated, the token stays as written', async () => {
    const text = '\\{{projectId}}\'"😀{{projectId}}{{projectId}}';
    expect(await h.executor().query('SELECT @t AS t', { params: { t: text } })).toEqual([{ t: text }]);
  });
});
