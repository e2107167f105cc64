import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, type PipelineError } from '../../../src/errors/index.js';
import { caught, createCounter, type Harness, INSERT_JOB, jobIdOf, startHarness } from './helpers.js';

/** BigQuery's answer to a mutating statement that lost a race with another on the same table. */
const concurrentUpdate = (table: string) => ({
  reason: 'invalidQuery',
  status: 400,
  message: `Could not serialize access to table test-project:${table} due to concurrent update`,
});

/**
 * Two mutating DML statements on one table conflict: BigQuery aborts one with 400 `invalidQuery`
 * "Could not serialize access to table ... due to concurrent update". The aborted statement changed
 * nothing, and Google's advice is to run it again later.
 */
describe('update: a statement aborted by a concurrent update', () => {
  let h: Harness;
  let tables = 0;
  beforeAll(async () => {
    h = await startHarness();
    await h.standIn.client().createDataset('ds');
  });
  afterAll(() => h.close());
  afterEach(() => h.standIn.faults.clear());

  async function counter(): Promise<string> {
    const table = `ds.conflict_${++tables}`;
    await createCounter(h, table);
    return table;
  }

  it('is run again as a new job and applied once', async () => {
    const table = await counter();
    const mark = h.standIn.requests.length;
    h.standIn.faults.add({
      method: 'POST',
      path: INSERT_JOB,
      sql: /UPDATE/,
      times: 2,
      jobError: concurrentUpdate(table),
    });
    expect(await h.executor().update(`UPDATE ${table} SET n = n + 1 WHERE true`)).toBe(1);
    const inserts = h.standIn.requests
      .slice(mark)
      .filter((r) => r.method === 'POST' && INSERT_JOB.test(r.path));
    // Three runs, each under its own job id (a failed job cannot be revived under its id).
    expect(new Set(inserts.map(jobIdOf)).size).toBe(3);
    h.standIn.faults.clear();
    expect(await h.executor().query(`SELECT n FROM ${table}`)).toEqual([{ n: 1 }]);
  });

  it('when the conflict outlasts the attempts: rejects transient, saying nothing was changed and why', async () => {
    const table = await counter();
    h.standIn.faults.add({
      method: 'POST',
      path: INSERT_JOB,
      sql: /UPDATE/,
      jobError: concurrentUpdate(table),
    });
    const error = await caught(h.executor().update(`UPDATE ${table} SET n = n + 1 WHERE true`));
    // The class follows BigQuery's status (400), the retry decision its meaning: worth running again.
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ transient: true, requiresNewJobId: true });
    expect((error as Error).message).toMatch(/concurrent update/);
    h.standIn.faults.clear();
    expect(await h.executor().query(`SELECT n FROM ${table}`)).toEqual([{ n: 0 }]);
  });

  it('a script is still never run again: SCRIPT_FAILED with the conflict as its cause', async () => {
    const table = await counter();
    h.standIn.faults.add({
      method: 'POST',
      path: INSERT_JOB,
      sql: /UPDATE/,
      jobError: concurrentUpdate(table),
    });
    const error = await caught(
      h
        .executor()
        .update(`UPDATE ${table} SET n = n + 1 WHERE true; UPDATE ${table} SET n = n + 1 WHERE true`),
    );
    expect(error).toMatchObject({ code: 'SCRIPT_FAILED' });
    expect(String((error as PipelineError).cause)).toMatch(/concurrent update/);
  });
});
