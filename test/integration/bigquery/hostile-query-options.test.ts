import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caught, type Harness, INSERT_JOB, JOBS_QUERY, startHarness } from './helpers.js';

/**
 * Query options a caller got wrong are refused before anything is sent, with a TypeError that names
 * the option: never an error thrown from inside the caller's own object, never a request BigQuery
 * refuses with a 400 that reads like a problem of the statement.
 */
describe('hostile query options', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  async function refused(run: () => Promise<unknown>, field: RegExp): Promise<void> {
    const before = h.standIn.requests.length;
    const error = await caught(run());
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(field);
    expect(h.standIn.requests.length).toBe(before);
  }

  it('params whose reading throws (a getter, a Proxy) are a TypeError naming the parameters', async () => {
    const bq = h.executor();
    const getter = {
      get a(): number {
        throw new Error('getter boom');
      },
    };
    await refused(() => bq.query('SELECT @a AS a', { params: getter }), /parameter.*getter boom/i);
    const keys = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('ownKeys boom');
        },
      },
    );
    await refused(
      () => bq.update('UPDATE ds.t SET n = 1 WHERE true', { params: keys }),
      /parameters.*ownKeys boom/i,
    );
    const element = new Proxy([1], {
      get(target, key, receiver) {
        if (key === '0') throw new Error('element boom');
        return Reflect.get(target, key, receiver);
      },
    });
    await refused(() => bq.query('SELECT ? AS a', { params: element }), /parameter.*element boom/i);
  });

  it('labels BigQuery would refuse are a TypeError naming labels and the label', async () => {
    const bq = h.executor();
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ 'Bad Key': 'v' }, /labels.*Bad Key/],
      [{ team: 'Data Eng' }, /labels.*team/],
      [{ team: 5 }, /labels.*team/],
      [{ '': 'v' }, /labels/],
      [{ '1st': 'v' }, /labels.*1st/],
      [{ ['k'.repeat(64)]: 'v' }, /labels/],
      [{ k: 'v'.repeat(64) }, /labels.*k/],
      [Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])), /labels.*65/],
    ];
    for (const [labels, field] of cases) {
      await refused(() => bq.query('SELECT 1 AS one', { labels: labels as Record<string, string> }), field);
    }
  });

  it('labels within the rules are sent as given, international lowercase and empty values included', async () => {
    const labels = { team: 'data-eng_1', équipe: 'données', empty: '' };
    expect(await h.executor().query('SELECT 1 AS one', { labels })).toEqual([{ one: 1 }]);
    const sent = h.standIn.requests.filter(
      (r) => r.method === 'POST' && (JOBS_QUERY.test(r.path) || INSERT_JOB.test(r.path)),
    );
    expect((sent.at(-1)?.body as { labels?: unknown } | undefined)?.labels).toEqual(labels);
  });
});
