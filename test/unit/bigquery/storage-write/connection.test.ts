import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { BigQueryWriteClient } from '../../../../src/bigquery/storage-write/client.js';
import { AppendConnection } from '../../../../src/bigquery/storage-write/connection.js';
import { OperationTimeoutError, StorageError } from '../../../../src/errors/index.js';
import { createTestClock } from '../../../../src/testing/clock.js';

/** A duplex that records what was written and answers only when told to. */
class FakeCall extends EventEmitter {
  readonly written: Array<Record<string, unknown>> = [];
  ended = false;
  cancelled = false;
  write(request: Record<string, unknown>): boolean {
    this.written.push(request);
    return true;
  }
  end(): void {
    this.ended = true;
  }
  cancel(): void {
    this.cancelled = true;
  }
  answer(offset: number): void {
    this.emit('data', { appendResult: { offset: { value: String(offset) } }, response: 'appendResult' });
  }
}

function connect(
  limits: { maxInflightRequests?: number; maxInflightBytes?: number; timeoutMs?: number } = {},
) {
  const call = new FakeCall();
  const clock = createTestClock();
  const client = { appendRows: () => call } as unknown as BigQueryWriteClient;
  const conn = new AppendConnection(
    client,
    'projects/p/datasets/d/tables/t/streams/s',
    { name: 'root' },
    {
      maxInflightRequests: limits.maxInflightRequests ?? 100,
      maxInflightBytes: limits.maxInflightBytes ?? 1024,
      timeoutMs: limits.timeoutMs ?? 1000,
      clock,
      table: 'd.t',
    },
  );
  return { call, clock, conn };
}

const row = (bytes: number) => new Uint8Array(bytes);
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('AppendConnection', () => {
  it('sends the writer schema only on the first request, with the stream and the offset on each', () => {
    const { call, conn } = connect();
    void conn.send([row(1)], 0);
    void conn.send([row(1)], 1);
    expect(
      call.written.map((r) => [
        r.writeStream,
        (r.offset as { value: number }).value,
        'writerSchema' in (r.protoRows as object),
      ]),
    ).toEqual([
      ['projects/p/datasets/d/tables/t/streams/s', 0, true],
      ['projects/p/datasets/d/tables/t/streams/s', 1, false],
    ]);
  });

  it('keeps at most maxInflightRequests requests in flight, releasing one per answer', async () => {
    const { call, conn } = connect({ maxInflightRequests: 2 });
    const sent: number[] = [];
    const sender = (async () => {
      for (let i = 0; i < 5; i++) {
        await conn.ready(1);
        void conn.send([row(1)], i);
        sent.push(i);
      }
    })();
    await tick();
    expect(sent).toEqual([0, 1]);
    call.answer(0);
    await tick();
    expect(sent).toEqual([0, 1, 2]);
    call.answer(1);
    call.answer(2);
    await tick();
    expect(sent).toEqual([0, 1, 2, 3, 4]);
    call.answer(3);
    call.answer(4);
    await sender;
  });

  it('keeps the bytes in flight under maxInflightBytes (one request larger than the window still goes alone)', async () => {
    const { call, conn } = connect({ maxInflightBytes: 100 });
    const first = conn.send([row(60)], 0);
    let readyForSecond = false;
    void conn.ready(60).then(() => {
      readyForSecond = true;
    });
    await tick();
    expect(readyForSecond).toBe(false);
    call.answer(0);
    expect(await first).toEqual({ offset: 0 });
    await tick();
    expect(readyForSecond).toBe(true);
    // Alone, an oversized request is let through rather than waiting forever.
    await conn.ready(500);
    expect(conn.open).toBe(true);
  });

  it('settles answers in order, and passes in-band errors and row errors through', async () => {
    const { call, conn } = connect();
    const a = conn.send([row(1)], 0);
    const b = conn.send([row(1), row(1)], 1);
    call.answer(0);
    call.emit('data', {
      error: { code: 3, message: 'bad rows' },
      rowErrors: [{ index: '1', code: 'FIELDS_ERROR', message: 'no id' }],
      response: 'error',
    });
    expect(await a).toEqual({ offset: 0 });
    expect(await b).toEqual({
      error: { code: 3, message: 'bad rows' },
      rowErrors: [{ index: 1, message: 'no id' }],
    });
  });

  it('a connection that ends with a status rejects every request in flight with a typed, transient error', async () => {
    const { call, conn } = connect();
    const pending = [conn.send([row(1)], 0), conn.send([row(1)], 1)];
    call.emit('error', Object.assign(new Error('14 UNAVAILABLE: gone'), { code: 14, details: 'gone' }));
    for (const p of pending) {
      const error = await p.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect(error).toMatchObject({ storageCode: 'CONNECTION_LOST', grpcCode: 14, transient: true });
    }
    expect(conn.open).toBe(false);
    await expect(conn.send([row(1)], 2)).rejects.toBeInstanceOf(StorageError);
  });

  it('a server that ends the call with OK (no status) cannot leave requests hanging', async () => {
    const { call, conn } = connect();
    const pending = conn.send([row(1)], 0);
    call.emit('end');
    await expect(pending).rejects.toMatchObject({ storageCode: 'CONNECTION_LOST', transient: true });
  });

  it('a non-retryable status is not transient', async () => {
    const { call, conn } = connect();
    const pending = conn.send([row(1)], 0);
    call.emit('error', Object.assign(new Error('7 PERMISSION_DENIED'), { code: 7, details: 'denied' }));
    await expect(pending).rejects.toMatchObject({ grpcCode: 7, transient: false });
  });

  it('an unanswered request ends the connection after timeoutMs (virtual time) and cancels the call', async () => {
    const { call, clock, conn } = connect({ timeoutMs: 500 });
    const first = conn.send([row(1)], 0);
    const second = conn.send([row(1)], 1);
    clock.advance(499);
    expect(conn.open).toBe(true);
    clock.advance(1);
    await expect(first).rejects.toBeInstanceOf(OperationTimeoutError);
    await expect(second).rejects.toBeInstanceOf(OperationTimeoutError);
    expect(call.cancelled).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('close() with a reason rejects what is in flight with that reason, and clears its timers', async () => {
    const { clock, conn } = connect();
    const pending = conn.send([row(1)], 0);
    const reason = new Error('aborted by caller');
    conn.close(reason);
    await expect(pending).rejects.toBe(reason);
    expect(clock.pendingTimers).toBe(0);
  });
});
