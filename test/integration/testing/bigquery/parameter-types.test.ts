/**
 * Query parameters whose type GoogleSQL does not accept where they are used, through the real
 * client: BigQuery refuses the query (400 `invalidQuery`); the stand-in used to convert them as
 * DuckDB does, so `WHERE id = @id` with a STRING id matched rows and a JavaScript `Date` (sent as
 * TIMESTAMP) compared with a DATETIME column, and the test passed where production fails.
 */
import type { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';
import { failure } from './stand-in-fixture.js';

describe('query parameter types, through the real client', () => {
  let s: BigQueryStandIn;
  let bq: BigQuery;

  beforeAll(async () => {
    s = await startBigQueryStandIn({ projectId: 'params' });
    bq = s.client({ autoRetry: false, maxRetries: 0 });
    await bq.createDataset('ds');
    await bq.dataset('ds').createTable('games', {
      schema: [
        { name: 'game_id', type: 'INT64' },
        { name: 'team', type: 'STRING' },
        { name: 'points', type: 'FLOAT64' },
        { name: 'price', type: 'NUMERIC' },
        { name: 'played_on', type: 'DATE' },
        { name: 'started', type: 'DATETIME' },
        { name: 'loaded', type: 'TIMESTAMP' },
        { name: 'final', type: 'BOOL' },
      ],
    });
    await s.run(`INSERT ds.games VALUES
      (1, 'hawks', 101.5, 9.99, '2024-01-02', '2024-01-02 19:30:00', '2024-01-03 00:00:00+00', true),
      (2, 'bulls', 99, 19.99, '2024-01-03', '2024-01-03 20:00:00', '2024-01-04 00:00:00+00', false)`);
  });
  afterAll(() => s.close());

  async function run(query: string, params: unknown, types?: Record<string, unknown>) {
    const [rows] = await bq.query({
      query,
      params,
      ...(types ? { types } : {}),
      useLegacySql: false,
    } as never);
    return rows as Array<Record<string, unknown>>;
  }

  async function refused(query: string, params: unknown, types?: Record<string, unknown>) {
    const err = await failure(run(query, params, types));
    expect(err.code).toBe(400);
    expect(err.errors?.[0]?.reason).toBe('invalidQuery');
    return err.message;
  }

  describe('refused as BigQuery refuses them', () => {
    it('a STRING compared with an INT64 column (an id read from a message as text)', async () => {
      const message = await refused('SELECT team FROM ds.games WHERE game_id = @id', { id: '1' });
      expect(message).toMatch(/@id has type STRING.*INT64/);
    });

    it('an INT64 compared with a STRING column', async () => {
      expect(await refused('SELECT game_id FROM ds.games WHERE team = @team', { team: 1 })).toMatch(
        /@team has type INT64.*STRING/,
      );
    });

    it('a JavaScript Date (sent as TIMESTAMP) compared with a DATETIME column', async () => {
      expect(
        await refused('SELECT game_id FROM ds.games WHERE started > @since', {
          since: new Date('2024-01-01'),
        }),
      ).toMatch(/@since has type TIMESTAMP.*DATETIME/);
    });

    it('a BOOL compared with an INT64, a positional STRING compared with an INT64', async () => {
      await refused('SELECT team FROM ds.games WHERE game_id = @flag', { flag: true });
      expect(await refused('SELECT team FROM ds.games WHERE game_id = ?', ['2'])).toMatch(
        /positional parameter 1 has type STRING/,
      );
    });

    it('a mismatched parameter in DML changes nothing', async () => {
      await refused('UPDATE ds.games SET final = false WHERE game_id = @id', { id: '1' });
      await refused('INSERT ds.games (game_id, team) VALUES (@id, @team)', { id: '3', team: 'cats' });
      expect(await run('SELECT game_id, final FROM ds.games ORDER BY game_id', {})).toEqual([
        { game_id: 1, final: true },
        { game_id: 2, final: false },
      ]);
    });
  });

  describe('accepted as BigQuery accepts them (coercions)', () => {
    it('numbers across INT64, FLOAT64 and NUMERIC', async () => {
      expect(
        await run('SELECT game_id FROM ds.games WHERE points > @p ORDER BY game_id', { p: 100 }),
      ).toEqual([{ game_id: 1 }]);
      expect(await run('SELECT game_id FROM ds.games WHERE price < @p', { p: 10 })).toEqual([{ game_id: 1 }]);
      expect(
        await run('SELECT game_id FROM ds.games WHERE game_id = @g', { g: 2.0 }, { g: 'FLOAT64' }),
      ).toEqual([{ game_id: 2 }]);
    });

    it('a STRING where a DATE, DATETIME or TIMESTAMP is expected; a DATE where a DATETIME is', async () => {
      expect(await run('SELECT game_id FROM ds.games WHERE played_on = @d', { d: '2024-01-03' })).toEqual([
        { game_id: 2 },
      ]);
      expect(
        await run('SELECT game_id FROM ds.games WHERE started < @d', { d: '2024-01-03 00:00:00' }),
      ).toEqual([{ game_id: 1 }]);
      expect(
        await run('SELECT game_id FROM ds.games WHERE loaded > @t', { t: new Date('2024-01-03T12:00:00Z') }),
      ).toEqual([{ game_id: 2 }]);
      expect(
        await run('SELECT game_id FROM ds.games WHERE started < @d', { d: bq.date('2024-01-03') }),
      ).toEqual([{ game_id: 1 }]);
    });

    it('an INT64 in LIMIT, a parameter selected on its own, an array in UNNEST', async () => {
      expect(await run('SELECT game_id FROM ds.games ORDER BY game_id LIMIT @n', { n: 1 })).toEqual([
        { game_id: 1 },
      ]);
      expect(await run('SELECT @x AS x', { x: 'free' })).toEqual([{ x: 'free' }]);
      expect(
        await run('SELECT game_id FROM ds.games WHERE game_id IN UNNEST(@ids) ORDER BY game_id', {
          ids: [1, 2],
        }),
      ).toEqual([{ game_id: 1 }, { game_id: 2 }]);
    });
  });

  it('a TIME past 23:59:59 or an INT64 beyond 64 bits is refused as an invalid parameter value', async () => {
    for (const time of ['24:00:00', '99:99:99', '23:60:00', '23:59:60']) {
      const err = await failure(run('SELECT @t AS t', { t: bq.time(time) }));
      expect(err.code).toBe(400);
      expect(err.errors?.[0]?.reason).toBe('invalid');
      expect(err.message).toContain(`of type TIME: "${time}"`);
    }
    expect(await run('SELECT @t AS t', { t: bq.time('23:59:59.999999') })).toEqual([
      { t: { value: '23:59:59.999999' } },
    ]);
    for (const n of ['9223372036854775808', '-9223372036854775809']) {
      const err = await failure(run('SELECT @n AS n', { n: bq.int(n) }));
      expect(err.code).toBe(400);
      expect(err.errors?.[0]?.reason).toBe('invalid');
      expect(err.message).toContain(`of type INT64: "${n}"`);
    }
    const [max] = await bq.query({
      query: 'SELECT @n AS n',
      params: { n: bq.int('9223372036854775807') },
      wrapIntegers: true,
    });
    expect(String((max[0] as { n: { value: string } }).n.value)).toBe('9223372036854775807');
  });

  it('a BYTES parameter that is not base64 is refused, not decoded to other bytes', async () => {
    const err = await failure(run('SELECT @b AS b', { b: 'not base64!' }, { b: 'BYTES' }));
    expect(err.code).toBe(400);
    expect(err.errors?.[0]?.reason).toBe('invalid');
    expect(err.message).toContain('of type BYTES: "not base64!"');
    const [row] = await run('SELECT @b AS b', { b: Buffer.from('hi') });
    expect(Buffer.from(row?.b as Uint8Array).toString()).toBe('hi');
  });

  it('a parameter named like an Object.prototype member (__proto__, constructor) is bound like any other', async () => {
    const [rows] = await bq.query({
      query: 'SELECT @__proto__ AS a, @constructor AS b, @toString AS c',
      params: JSON.parse('{"__proto__": 1, "constructor": "x", "toString": true}'),
    });
    expect(rows).toEqual([{ a: 1, b: 'x', c: true }]);
  });
});
