import { beforeAll, describe, expect, it } from 'vitest';
import { loadStorageModule, type StorageModule } from '../../../../src/bigquery/storage-write/client.js';
import { encodeRow } from '../../../../src/bigquery/storage-write/encode.js';
import {
  compileSchema,
  type StorageField,
  type WriteSchema,
} from '../../../../src/bigquery/storage-write/schema.js';

let mod: StorageModule;
const schemaOf = (...fields: StorageField[]): WriteSchema => compileSchema(mod, fields);

/** The problem of a row that must be refused: its location and message. */
function refused(schema: WriteSchema, row: unknown, ignoreUnknownValues = false) {
  const out = encodeRow(schema, row, ignoreUnknownValues);
  if (!('problems' in out)) throw new Error(`expected ${JSON.stringify(row)} to be refused`);
  return out.problems[0]!;
}

/** The decoded message of a row that must be accepted (longs as strings, bytes as base64). */
function decoded(schema: WriteSchema, row: unknown) {
  const out = encodeRow(schema, row, false);
  if ('problems' in out) throw new Error(JSON.stringify(out.problems));
  const type = schema.type as unknown as {
    decode(b: Uint8Array): unknown;
    toObject(m: unknown, o: object): Record<string, unknown>;
  };
  return type.toObject(type.decode(out.bytes), { longs: String, bytes: String });
}

describe('encodeRow: every value is converted explicitly or refused, naming the column', () => {
  beforeAll(async () => {
    mod = await loadStorageModule();
  });

  it('INT64: safe integers, digit strings and bigints exactly; never a silent 0 or a rounded value', () => {
    const s = schemaOf({ name: 'n', type: 'INT64' });
    expect(decoded(s, { n: '9223372036854775807' })).toEqual({ n: '9223372036854775807' });
    expect(decoded(s, { n: -5n })).toEqual({ n: '-5' });
    expect(refused(s, { n: 'abc' })).toMatchObject({
      location: 'n',
      message: expect.stringMatching(/not an INT64/),
    });
    expect(refused(s, { n: 1.9 }).message).toMatch(/safe integer/);
    expect(refused(s, { n: 2 ** 53 + 2 }).message).toMatch(/safe integer/);
    // The same rule and advice as insertRows and loadRows (int64.ts).
    expect(refused(s, { n: 2 ** 53 + 2 }).message).toContain(
      "a bigint (9007199254740994n) or a decimal string ('9007199254740994')",
    );
    expect(refused(s, { n: 1e21 }).message).toContain("outside INT64's range");
    expect(decoded(s, { n: ' +42 ' })).toEqual({ n: '42' });
    expect(decoded(s, { n: -0 })).toEqual({ n: '0' });
    expect(refused(s, { n: '9223372036854775808' }).message).toMatch(/INT64 range/);
    expect(refused(s, { n: true }).location).toBe('n');
  });

  it("FLOAT64: a decimal text beyond the FLOAT64 range is refused, never written as Infinity; 'Infinity' itself is kept", () => {
    const s = schemaOf({ name: 'f', type: 'DOUBLE' });
    expect(decoded(s, { f: '1.5e3' })).toEqual({ f: 1500 });
    expect(decoded(s, { f: '-Infinity' })).toEqual({ f: -Infinity });
    expect(refused(s, { f: '1e400' })).toMatchObject({
      location: 'f',
      message: expect.stringMatching(/FLOAT64 range/),
    });
    expect(refused(s, { f: '-2e308' }).location).toBe('f');
  });

  it("BOOL: booleans and 'true'/'false' only ('yes' and 1 are refused, 'false' is false)", () => {
    const s = schemaOf({ name: 'b', type: 'BOOL' });
    expect(decoded(s, { b: 'false' })).toEqual({ b: false });
    expect(refused(s, { b: 'yes' }).location).toBe('b');
    expect(refused(s, { b: 1 }).location).toBe('b');
  });

  it('DATE: calendar dates and Dates (UTC day); a day number or an impossible date is refused', () => {
    const s = schemaOf({ name: 'd', type: 'DATE' });
    expect(decoded(s, { d: '1970-01-02' })).toEqual({ d: 1 });
    expect(decoded(s, { d: new Date('2026-01-02T23:59:59Z') })).toEqual({ d: 20455 });
    expect(refused(s, { d: '2026-02-30' }).message).toMatch(/calendar date/);
    expect(refused(s, { d: 20455 }).location).toBe('d');
    expect(refused(s, { d: new Date('nope') }).location).toBe('d');
  });

  it('TIMESTAMP: Dates, ISO 8601 with zones (microseconds kept) and seconds as numbers, as insertAll reads them', () => {
    const s = schemaOf({ name: 't', type: 'TIMESTAMP' });
    expect(decoded(s, { t: '1970-01-01T00:00:01.000001Z' })).toEqual({ t: '1000001' });
    expect(decoded(s, { t: '1970-01-01 01:00:00+01:00' })).toEqual({ t: '0' });
    expect(decoded(s, { t: new Date(1500) })).toEqual({ t: '1500000' });
    expect(decoded(s, { t: 1.5 })).toEqual({ t: '1500000' });
    expect(refused(s, { t: 'yesterday' }).location).toBe('t');
    expect(refused(s, { t: '2026-01-01T25:00:00Z' }).location).toBe('t');
  });

  it('TIMESTAMP, DATE, DATETIME outside 0001-01-01..9999-12-31 are refused, never written as another instant', () => {
    // 1e20 seconds used to become the INT64 text "1e+26", which protobufjs read as 1 microsecond.
    const t = schemaOf({ name: 't', type: 'TIMESTAMP' });
    expect(refused(t, { t: 1e20 })).toMatchObject({ location: 't', message: expect.stringMatching(/range/) });
    expect(refused(t, { t: -1e12 }).message).toMatch(/range/);
    expect(refused(t, { t: new Date(Date.UTC(10000, 0, 1)) }).message).toMatch(/range/);
    expect(decoded(t, { t: '9999-12-31T23:59:59.999999Z' })).toEqual({ t: '253402300799999999' });
    const d = schemaOf({ name: 'd', type: 'DATE' });
    const farPast = new Date(0);
    farPast.setUTCFullYear(-5000);
    expect(refused(d, { d: farPast })).toMatchObject({
      location: 'd',
      message: expect.stringMatching(/range/),
    });
    const dt = schemaOf({ name: 'dt', type: 'DATETIME' });
    expect(refused(dt, { dt: new Date(Date.UTC(20000, 0, 1)) })).toMatchObject({
      location: 'dt',
      message: expect.stringMatching(/range/),
    });
  });

  it('years 0001-0099 are dates like any other (Date.UTC would read them as 1900-1999)', () => {
    const t = schemaOf({ name: 't', type: 'TIMESTAMP' });
    expect(decoded(t, { t: '0001-01-01T00:00:00Z' })).toEqual({ t: '-62135596800000000' });
    const d = schemaOf({ name: 'd', type: 'DATE' });
    expect(decoded(d, { d: '0001-01-01' })).toEqual({ d: -719162 });
    expect(decoded(d, { d: '0099-12-31' })).toEqual({ d: -683004 });
    const dt = schemaOf({ name: 'dt', type: 'DATETIME' });
    expect(decoded(dt, { dt: '0050-06-01 00:00:00' })).toEqual({ dt: '0050-06-01 00:00:00' });
    expect(refused(d, { d: '0000-01-01' }).location).toBe('d');
  });

  it('a string with a lone surrogate is refused, not written with replacement characters', () => {
    const s = schemaOf({ name: 's', type: 'STRING' }, { name: 'tags', type: 'STRING', mode: 'REPEATED' });
    expect(refused(s, { s: 'a\ud800b' })).toMatchObject({
      location: 's',
      message: expect.stringMatching(/surrogate/),
    });
    expect(refused(s, { tags: ['ok', '\udc00'] }).location).toBe('tags[1]');
    const j = schemaOf({ name: 'j', type: 'JSON' });
    expect(refused(j, { j: '"\ud800"' }).location).toBe('j');
    expect(decoded(s, { s: 'emoji \ud83d\ude00 ok' })).toEqual({ s: 'emoji \ud83d\ude00 ok' });
  });

  it('BYTES: buffers and strict base64; any other string is refused, not mangled', () => {
    const s = schemaOf({ name: 'x', type: 'BYTES' });
    expect(decoded(s, { x: Buffer.from('hi') })).toEqual({ x: Buffer.from('hi').toString('base64') });
    expect(decoded(s, { x: 'aGk=' })).toEqual({ x: 'aGk=' });
    expect(refused(s, { x: 'hello world!' }).location).toBe('x');
  });

  it('JSON, NUMERIC, DATETIME, TIME: text forms checked, values serialized (bigint included)', () => {
    const s = schemaOf(
      { name: 'j', type: 'JSON' },
      { name: 'm', type: 'NUMERIC' },
      { name: 'dt', type: 'DATETIME' },
      { name: 'tm', type: 'TIME' },
    );
    expect(
      decoded(s, { j: { a: 1n }, m: 12345678901234567890n, dt: '2026-01-02T03:04:05.5', tm: '23:59' }),
    ).toEqual({
      j: '{"a":"1"}',
      m: '12345678901234567890',
      dt: '2026-01-02 03:04:05.5',
      tm: '23:59:00',
    });
    expect(refused(s, { j: '{not json' }).location).toBe('j');
    expect(refused(s, { m: '1.2.3' }).location).toBe('m');
    expect(refused(s, { dt: '2026-13-01 00:00:00' }).location).toBe('dt');
    expect(refused(s, { tm: '24:00:00' }).location).toBe('tm');
  });

  it('modes: REQUIRED must be present, REPEATED takes an array without nulls, STRUCT recurses with paths', () => {
    const s = schemaOf(
      { name: 'id', type: 'INT64', mode: 'REQUIRED' },
      { name: 'tags', type: 'STRING', mode: 'REPEATED' },
      { name: 'p', type: 'STRUCT', fields: [{ name: 'team', type: 'STRING', mode: 'REQUIRED' }] },
    );
    expect(decoded(s, { id: 1, tags: ['a', 'b'], p: { team: 'LAL' } })).toEqual({
      id: '1',
      tags: ['a', 'b'],
      p: { team: 'LAL' },
    });
    expect(refused(s, { tags: [] }).location).toBe('id');
    expect(refused(s, { id: 1, tags: 'a' }).location).toBe('tags');
    expect(refused(s, { id: 1, tags: ['a', null] }).location).toBe('tags[1]');
    expect(refused(s, { id: 1, p: {} }).location).toBe('p.team');
    expect(refused(s, { id: 1, p: { team: 'x', extra: 1 } }).location).toBe('p.extra');
  });

  it('a hole in a REPEATED array is refused like a null, never written as the text "undefined" or a 0', () => {
    const s = schemaOf(
      { name: 'tags', type: 'STRING', mode: 'REPEATED' },
      { name: 'ns', type: 'INT64', mode: 'REPEATED' },
    );
    const tags: string[] = [];
    tags[2] = 'x';
    expect(refused(s, { tags })).toMatchObject({
      location: 'tags[0]',
      message: 'tags[0]: null in a REPEATED column',
    });
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    expect(refused(s, { ns: [1, , 3] }).location).toBe('ns[1]');
  });

  it('a row or a STRUCT with toJSON is written as its result, as insertRows sends it (not its own fields)', () => {
    const s = schemaOf(
      { name: 'id', type: 'INT64' },
      { name: 'p', type: 'STRUCT', fields: [{ name: 'team', type: 'STRING' }] },
    );
    class Event {
      constructor(private readonly _id: number) {}
      toJSON() {
        return { id: this._id, p: { toJSON: () => ({ team: 'LAL' }) } };
      }
    }
    // Under ignoreUnknownValues its own field `_id` was skipped and `id` written NULL, silently.
    const out = encodeRow(s, new Event(7), true);
    if ('problems' in out) throw new Error(JSON.stringify(out.problems));
    expect(decoded(s, new Event(7))).toEqual({ id: '7', p: { team: 'LAL' } });
    expect(decoded(s, { id: 1, toJSON: () => ({ id: 2 }) })).toEqual({ id: '2' });
    expect(refused(s, { toJSON: () => 'x' })).toMatchObject({
      location: '',
      message: expect.stringMatching(/toJSON gave .*, not a record/),
    });
    expect(
      refused(s, {
        toJSON() {
          throw new Error('no');
        },
      }).message,
    ).toMatch(/toJSON threw: no/);
  });

  it('unknown columns are refused unless ignoreUnknownValues; non-object rows are refused', () => {
    const s = schemaOf({ name: 'id', type: 'INT64' });
    expect(refused(s, { id: 1, nope: 2 }).location).toBe('nope');
    expect('bytes' in encodeRow(s, { id: 1, nope: 2 }, true)).toBe(true);
    expect(refused(s, null).message).toMatch(/must be an object/);
    expect(refused(s, [1]).message).toMatch(/must be an object/);
    // An own key named like an Object.prototype member is just an unknown column.
    expect(refused(s, JSON.parse('{"__proto__": 1, "id": 1}')).location).toBe('__proto__');
  });

  it('a schema the writer cannot describe is refused up front', () => {
    expect(() => schemaOf({ name: 'first-name', type: 'STRING' })).toThrow(/not a valid proto field name/);
    expect(() => schemaOf({ name: 'r', type: 'RANGE' })).toThrow(/RANGE/);
  });
});

describe('encodeRow takes what insertRows gets BigQuery to take (the canonical civil forms)', () => {
  beforeAll(async () => {
    mod = await loadStorageModule();
  });

  it('DATE: a one-digit month or day', () => {
    const s = schemaOf({ name: 'd', type: 'DATE' });
    expect(decoded(s, { d: '1970-1-2' })).toEqual({ d: 1 });
    expect(refused(s, { d: '1970-1-32' }).location).toBe('d');
  });

  it('DATETIME: a date alone, one-digit parts; written zero-padded', () => {
    const s = schemaOf({ name: 'dt', type: 'DATETIME' });
    expect(decoded(s, { dt: '2026-01-02' })).toEqual({ dt: '2026-01-02 00:00:00' });
    expect(decoded(s, { dt: '2026-1-2 3:04:05.25' })).toEqual({ dt: '2026-01-02 03:04:05.25' });
    expect(decoded(s, { dt: '2026-1-2T3:04' })).toEqual({ dt: '2026-01-02 03:04:00' });
    expect(refused(s, { dt: '2026-01-02 24:00:00' }).location).toBe('dt');
    expect(refused(s, { dt: '2026-01-02 03:04:05Z' }).location).toBe('dt');
  });

  it('TIME: a one-digit hour; written zero-padded', () => {
    const s = schemaOf({ name: 'tm', type: 'TIME' });
    expect(decoded(s, { tm: '3:04:05' })).toEqual({ tm: '03:04:05' });
    expect(decoded(s, { tm: '3:04' })).toEqual({ tm: '03:04:00' });
    expect(refused(s, { tm: '3:4:5' }).location).toBe('tm');
  });

  it('TIMESTAMP: seconds since the epoch as decimal text, slashes, one-digit parts and zone hours', () => {
    const s = schemaOf({ name: 't', type: 'TIMESTAMP' });
    expect(decoded(s, { t: '1.5' })).toEqual({ t: '1500000' });
    expect(decoded(s, { t: '-86400' })).toEqual({ t: '-86400000000' });
    expect(decoded(s, { t: '1970/01/02' })).toEqual({ t: '86400000000' });
    expect(decoded(s, { t: '1970-1-1 1:00:00+1' })).toEqual({ t: '0' });
    expect(refused(s, { t: '1e3' }).location).toBe('t');
  });

  it('FLOAT64: a bigint, as its nearest double', () => {
    const s = schemaOf({ name: 'f', type: 'DOUBLE' });
    expect(decoded(s, { f: 5n })).toEqual({ f: 5 });
    expect(decoded(s, { f: 2n ** 60n + 1n })).toEqual({ f: 2 ** 60 });
  });
});
