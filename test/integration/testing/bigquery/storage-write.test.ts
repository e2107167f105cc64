import type { v1 } from '@google-cloud/bigquery-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStorageModule } from '../../../../src/bigquery/storage-write/client.js';
import { encodeRow } from '../../../../src/bigquery/storage-write/encode.js';
import {
  compileSchema,
  type StorageField,
  type WriteSchema,
} from '../../../../src/bigquery/storage-write/schema.js';
import { type BigQueryStandIn, startBigQueryStandIn } from '../../../../src/testing/bigquery/index.js';
import { caught } from '../../../helpers/caught.js';

type Answer = {
  appendResult?: { offset?: { value?: string } } | null;
  error?: { code: number; message: string } | null;
  rowErrors?: Array<{ index: string; code: string; message: string }>;
};

/** One AppendRows connection driven by hand: write requests, read answers in order, see how it ends. */
function openConnection(client: v1.BigQueryWriteClient) {
  const call = client.appendRows();
  const answers: Answer[] = [];
  const waiters: Array<() => void> = [];
  let ended: { code?: number; details?: string } | undefined;
  call.on('data', (a: Answer) => {
    answers.push(a);
    waiters.shift()?.();
  });
  call.on('error', (e: { code?: number; details?: string }) => {
    ended = { code: e.code, details: e.details };
    for (const w of waiters.splice(0)) w();
  });
  call.on('end', () => {
    ended ??= {};
    for (const w of waiters.splice(0)) w();
  });
  return {
    write: (request: Record<string, unknown>) => call.write(request),
    async answer(n: number): Promise<Answer | undefined> {
      while (answers.length <= n && ended === undefined) await new Promise<void>((r) => waiters.push(r));
      return answers[n];
    },
    ended: () => ended,
    end: () => call.end(),
  };
}

describe('Storage Write stand-in driven by the real v1.BigQueryWriteClient', () => {
  let s: BigQueryStandIn;
  let writer: v1.BigQueryWriteClient;
  let schema: WriteSchema;
  let tableNo = 0;
  const parentOf = (table: string) => `projects/test-project/datasets/ds/tables/${table}`;
  const rowsOf = (...rows: Array<Record<string, unknown>>) =>
    rows.map((row) => {
      const out = encodeRow(schema, row, false);
      if ('problems' in out) throw new Error(JSON.stringify(out.problems));
      return Buffer.from(out.bytes);
    });
  const request = (stream: string, rows: Buffer[], offset?: number, first = true) => ({
    writeStream: stream,
    ...(offset === undefined ? {} : { offset: { value: offset } }),
    protoRows: {
      ...(first ? { writerSchema: { protoDescriptor: schema.descriptor } } : {}),
      rows: { serializedRows: rows },
    },
  });
  const count = async (table: string) => {
    const [rows] = await s.client().query(`SELECT COUNT(*) AS n FROM ds.${table}`);
    return (rows as Array<{ n: number }>)[0]?.n;
  };
  const freshTable = async () => {
    const name = `t${++tableNo}`;
    await s.run(`CREATE TABLE ds.${name} (id INT64 NOT NULL, name STRING, seen TIMESTAMP, played_on DATE)`);
    return name;
  };

  beforeAll(async () => {
    s = await startBigQueryStandIn();
    await s.run('CREATE SCHEMA ds');
    writer = s.writeClient();
    const fields: StorageField[] = [
      { name: 'id', type: 'INT64', mode: 'REQUIRED' },
      { name: 'name', type: 'STRING' },
      { name: 'seen', type: 'TIMESTAMP' },
      { name: 'played_on', type: 'DATE' },
    ];
    schema = compileSchema(await loadStorageModule(), fields);
  });
  afterAll(async () => {
    await s.close();
  });

  it('CreateWriteStream returns the table schema with Storage API type names', async () => {
    const table = await freshTable();
    const [stream] = await writer.createWriteStream({
      parent: parentOf(table),
      writeStream: { type: 'PENDING' },
    });
    expect(stream.name).toMatch(new RegExp(`^${parentOf(table)}/streams/`));
    expect(stream.type).toBe('PENDING');
    expect(stream.commitTime).toBeFalsy();
    expect(stream.tableSchema?.fields?.map((f) => [f.name, f.type, f.mode])).toEqual([
      ['id', 'INT64', 'REQUIRED'],
      ['name', 'STRING', 'NULLABLE'],
      ['seen', 'TIMESTAMP', 'NULLABLE'],
      ['played_on', 'DATE', 'NULLABLE'],
    ]);
  });

  it('a PENDING stream is invisible until BatchCommitWriteStreams, then visible whole; a second commit is refused', async () => {
    const table = await freshTable();
    const [stream] = await writer.createWriteStream({
      parent: parentOf(table),
      writeStream: { type: 'PENDING' },
    });
    const conn = openConnection(writer);
    conn.write(
      request(
        stream.name!,
        rowsOf(
          { id: 1, name: 'a', seen: new Date('2026-01-02T03:04:05.678Z'), played_on: '2026-01-02' },
          { id: 2 },
        ),
        0,
      ),
    );
    conn.write(request(stream.name!, rowsOf({ id: 3 }), 2, false));
    expect((await conn.answer(0))?.appendResult?.offset?.value).toBe('0');
    expect((await conn.answer(1))?.appendResult?.offset?.value).toBe('2');
    conn.end();
    expect(await count(table)).toBe(0);
    const [finalized] = await writer.finalizeWriteStream({ name: stream.name });
    expect(Number(finalized.rowCount)).toBe(3);
    expect(await count(table)).toBe(0);
    const [commit] = await writer.batchCommitWriteStreams({
      parent: parentOf(table),
      writeStreams: [stream.name!],
    });
    expect(commit.commitTime).toBeTruthy();
    expect(commit.streamErrors).toEqual([]);
    const rows = await s.run(`SELECT id, name, seen, played_on FROM ds.${table} ORDER BY id`);
    expect(rows[0]).toEqual({
      id: 1,
      name: 'a',
      seen: new Date('2026-01-02T03:04:05.678Z'),
      played_on: '2026-01-02',
    });
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
    const [again] = await writer.batchCommitWriteStreams({
      parent: parentOf(table),
      writeStreams: [stream.name!],
    });
    expect(again.commitTime).toBeFalsy();
    expect(again.streamErrors?.map((e) => e.code)).toEqual(['STREAM_ALREADY_COMMITTED']);
    const [state] = await writer.getWriteStream({ name: stream.name });
    expect(state.commitTime).toBeTruthy();
    expect(await count(table)).toBe(3);
  });

  it('commits are all or nothing: one unfinalized stream keeps every stream of the batch uncommitted', async () => {
    const table = await freshTable();
    const [a] = await writer.createWriteStream({ parent: parentOf(table), writeStream: { type: 'PENDING' } });
    const [b] = await writer.createWriteStream({ parent: parentOf(table), writeStream: { type: 'PENDING' } });
    for (const stream of [a, b]) {
      const conn = openConnection(writer);
      conn.write(request(stream.name!, rowsOf({ id: 1 }), 0));
      expect((await conn.answer(0))?.appendResult).toBeTruthy();
      conn.end();
    }
    await writer.finalizeWriteStream({ name: a.name });
    const [commit] = await writer.batchCommitWriteStreams({
      parent: parentOf(table),
      writeStreams: [a.name!, b.name!],
    });
    expect(commit.commitTime).toBeFalsy();
    expect(commit.streamErrors?.map((e) => [e.code, e.entity])).toEqual([['INVALID_STREAM_STATE', b.name]]);
    expect(await count(table)).toBe(0);
  });

  it('offsets: a resent offset is ALREADY_EXISTS, a gap is OUT_OF_RANGE, both in-band with nothing appended', async () => {
    const table = await freshTable();
    const [stream] = await writer.createWriteStream({
      parent: parentOf(table),
      writeStream: { type: 'COMMITTED' },
    });
    expect(stream.commitTime).toBeTruthy();
    const conn = openConnection(writer);
    conn.write(request(stream.name!, rowsOf({ id: 1 }, { id: 2 }), 0));
    conn.write(request(stream.name!, rowsOf({ id: 2 }), 1, false));
    conn.write(request(stream.name!, rowsOf({ id: 9 }), 5, false));
    conn.write(request(stream.name!, rowsOf({ id: 3 }), 2, false));
    expect((await conn.answer(0))?.appendResult?.offset?.value).toBe('0');
    expect((await conn.answer(1))?.error?.code).toBe(6);
    expect((await conn.answer(2))?.error?.code).toBe(11);
    expect((await conn.answer(3))?.appendResult?.offset?.value).toBe('2');
    conn.end();
    // COMMITTED: visible as appended.
    expect((await s.run(`SELECT id FROM ds.${table} ORDER BY id`)).map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('the _default stream takes no offsets and writes at once', async () => {
    const table = await freshTable();
    const name = `${parentOf(table)}/streams/_default`;
    const [info] = await writer.getWriteStream({ name, view: 'FULL' });
    expect(info.type).toBe('COMMITTED');
    expect(info.tableSchema?.fields?.length).toBe(4);
    const conn = openConnection(writer);
    conn.write(request(name, rowsOf({ id: 1 })));
    conn.write(request(name, rowsOf({ id: 2 }), 1, false));
    expect((await conn.answer(0))?.appendResult).toBeTruthy();
    expect((await conn.answer(0))?.appendResult?.offset).toBeFalsy();
    expect((await conn.answer(1))?.error?.code).toBe(3);
    conn.end();
    expect(await count(table)).toBe(1);
    expect((await caught(writer.finalizeWriteStream({ name }))) as { code: number }).toMatchObject({
      code: 3,
    });
  });

  it('rows that do not fit the schema come back as row_errors by index, and none of the request is written', async () => {
    const table = await freshTable();
    const [stream] = await writer.createWriteStream({
      parent: parentOf(table),
      writeStream: { type: 'COMMITTED' },
    });
    const conn = openConnection(writer);
    // A row without the REQUIRED id, encoded with a descriptor that does not require it.
    const loose = compileSchema(await loadStorageModule(), [
      { name: 'id', type: 'INT64' },
      { name: 'name', type: 'STRING' },
    ]);
    const bad = encodeRow(loose, { name: 'no id' }, false) as { bytes: Uint8Array };
    conn.write({
      writeStream: stream.name,
      offset: { value: 0 },
      protoRows: {
        writerSchema: { protoDescriptor: loose.descriptor },
        rows: {
          serializedRows: [
            Buffer.from((encodeRow(loose, { id: 1 }, false) as { bytes: Uint8Array }).bytes),
            Buffer.from(bad.bytes),
          ],
        },
      },
    });
    const answer = await conn.answer(0);
    expect(answer?.error?.code).toBe(3);
    expect(answer?.rowErrors?.map((r) => [r.index, r.code])).toEqual([['1', 'FIELDS_ERROR']]);
    expect(answer?.rowErrors?.[0]?.message).toMatch(/id/);
    conn.end();
    expect(await count(table)).toBe(0);
  });

  it('BUFFERED streams show rows up to the flushed offset', async () => {
    const table = await freshTable();
    const [stream] = await writer.createWriteStream({
      parent: parentOf(table),
      writeStream: { type: 'BUFFERED' },
    });
    const conn = openConnection(writer);
    conn.write(request(stream.name!, rowsOf({ id: 1 }, { id: 2 }, { id: 3 }), 0));
    await conn.answer(0);
    conn.end();
    expect(await count(table)).toBe(0);
    const [flushed] = await writer.flushRows({ writeStream: stream.name, offset: { value: 1 } });
    expect(Number(flushed.offset)).toBe(1);
    expect(await count(table)).toBe(2);
  });

  it('rows written over REST insertAll and over the Storage Write API are read by the same query', async () => {
    const table = await freshTable();
    await s
      .client()
      .dataset('ds')
      .table(table)
      .insert([{ id: 100, name: 'rest' }]);
    const conn = openConnection(writer);
    conn.write(request(`${parentOf(table)}/streams/_default`, rowsOf({ id: 200, name: 'grpc' })));
    await conn.answer(0);
    conn.end();
    const [rows] = await s.client().query(`SELECT name FROM ds.${table} ORDER BY id`);
    expect(rows).toEqual([{ name: 'rest' }, { name: 'grpc' }]);
  });

  it('fault plan: a disconnect mid-stream ends the connection on the chosen append, with nothing of it written', async () => {
    const table = await freshTable();
    const [stream] = await writer.createWriteStream({
      parent: parentOf(table),
      writeStream: { type: 'COMMITTED' },
    });
    const rule = s.storageWrite.faults.add({ method: 'AppendRows', after: 1, times: 1, code: 'UNAVAILABLE' });
    const conn = openConnection(writer);
    conn.write(request(stream.name!, rowsOf({ id: 1 }), 0));
    conn.write(request(stream.name!, rowsOf({ id: 2 }), 1, false));
    expect((await conn.answer(0))?.appendResult?.offset?.value).toBe('0');
    expect(await conn.answer(1)).toBeUndefined();
    expect(conn.ended()?.code).toBe(14);
    expect(rule.hits).toBe(1);
    expect(await count(table)).toBe(1);
  });

  it('fault plan: an append applied but whose answer is lost, then resent, is ALREADY_EXISTS (written once)', async () => {
    const table = await freshTable();
    const [stream] = await writer.createWriteStream({
      parent: parentOf(table),
      writeStream: { type: 'COMMITTED' },
    });
    s.storageWrite.faults.add({ method: 'AppendRows', times: 1, code: 'UNAVAILABLE', served: true });
    const first = openConnection(writer);
    first.write(request(stream.name!, rowsOf({ id: 1 }), 0));
    expect(await first.answer(0)).toBeUndefined();
    expect(first.ended()?.code).toBe(14);
    const second = openConnection(writer);
    second.write(request(stream.name!, rowsOf({ id: 1 }), 0));
    expect((await second.answer(0))?.error?.code).toBe(6);
    second.end();
    expect(await count(table)).toBe(1);
  });

  it('fault plan: a commit applied but whose answer is lost is visible in GetWriteStream', async () => {
    const table = await freshTable();
    const [stream] = await writer.createWriteStream({
      parent: parentOf(table),
      writeStream: { type: 'PENDING' },
    });
    const conn = openConnection(writer);
    conn.write(request(stream.name!, rowsOf({ id: 1 }), 0));
    await conn.answer(0);
    conn.end();
    await writer.finalizeWriteStream({ name: stream.name });
    s.storageWrite.faults.add({
      method: 'BatchCommitWriteStreams',
      times: 1,
      code: 'UNAVAILABLE',
      served: true,
    });
    const noRetry = {
      retry: {
        retryCodes: [],
        backoffSettings: {
          initialRetryDelayMillis: 1,
          retryDelayMultiplier: 1,
          maxRetryDelayMillis: 1,
          initialRpcTimeoutMillis: 5000,
          rpcTimeoutMultiplier: 1,
          maxRpcTimeoutMillis: 5000,
          totalTimeoutMillis: 5000,
        },
      },
    };
    const error = (await caught(
      writer.batchCommitWriteStreams({ parent: parentOf(table), writeStreams: [stream.name!] }, noRetry),
    )) as { code: number };
    expect(error.code).toBe(14);
    const [state] = await writer.getWriteStream({ name: stream.name });
    expect(state.commitTime).toBeTruthy();
    expect(await count(table)).toBe(1);
    const log = s.storageWrite.requests.filter((r) => r.method === 'BatchCommitWriteStreams');
    expect(log.at(-1)?.fault?.served).toBe(true);
  });

  it('a view cannot be written, and a missing table is NOT_FOUND', async () => {
    const table = await freshTable();
    await s.run(`CREATE VIEW ds.v_${table} AS SELECT id FROM ds.${table}`);
    const view = (await caught(
      writer.createWriteStream({ parent: parentOf(`v_${table}`), writeStream: { type: 'PENDING' } }),
    )) as { code: number };
    expect(view.code).toBe(3);
    const missing = (await caught(
      writer.getWriteStream({ name: `${parentOf('nope')}/streams/_default` }),
    )) as { code: number };
    expect(missing.code).toBe(5);
  });

  it('fault rules are checked: unknown RPC, inBand outside AppendRows, two actions', () => {
    expect(() => s.storageWrite.faults.add({ method: 'Append' as 'AppendRows', code: 14 })).toThrow(
      /Unknown BigQuery Storage Write RPC 'Append'/,
    );
    expect(() => s.storageWrite.faults.add({ method: 'FlushRows', code: 14, inBand: true })).toThrow(
      /inBand/,
    );
    expect(() => s.storageWrite.faults.add({ method: 'AppendRows', code: 14, delayMs: 5 })).toThrow(
      /exactly one/,
    );
    expect(s.storageWrite.faults.rules).toHaveLength(0);
  });
});
