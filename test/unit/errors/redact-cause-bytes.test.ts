import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { toPipelineError } from '../../../src/errors/index.js';

// Built at runtime, obviously fake.
const SECRET = ['Zx9', 'fake', 'bytes', 'secret', 'value'].join('q');
const BODY = `{"error":"unauthorized","access_token":"${SECRET}"}`;

function causeOf(body: unknown): { body: unknown } {
  const thrown = Object.assign(new Error('got: 401'), { code: 401, body });
  return toPipelineError(thrown).cause as { body: unknown };
}

describe('a byte body in a kept cause loses the credential its text holds', () => {
  it('a Buffer echoing a token becomes a Buffer without it (inspect, JSON, toString)', () => {
    const err = toPipelineError(Object.assign(new Error('got: 401'), { code: 401, body: Buffer.from(BODY) }));
    const body = (err.cause as { body: Buffer }).body;
    expect(Buffer.isBuffer(body)).toBe(true);
    expect(body.toString('utf8')).toBe('{"error":"unauthorized","access_token":"[REDACTED]"}');
    expect(inspect(err, { depth: 12 })).not.toContain(Buffer.from(SECRET).toString('hex').slice(0, 20));
    expect(JSON.stringify(err.cause)).not.toContain(JSON.stringify([...Buffer.from(SECRET)]).slice(1, 40));
  });

  it('a Uint8Array stays a Uint8Array (a Buffer copy)', () => {
    const asArray = causeOf(new TextEncoder().encode(BODY)).body as Uint8Array;
    expect(asArray).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(asArray)).not.toContain(SECRET);
  });

  it('only the credential changes: binary and UTF-8 bytes around it come back as they were', () => {
    const binary = Buffer.from([0x00, 0xff, 0x80, 0xc3, 0xa9]);
    const body = Buffer.concat([binary, Buffer.from(` token=${SECRET} `), binary]);
    const kept = causeOf(body).body as Buffer;
    expect(kept.subarray(0, 5)).toEqual(binary);
    expect(kept.subarray(-5)).toEqual(binary);
    expect(kept.toString('latin1')).toContain(' token=[REDACTED] ');
  });

  it('bytes without a credential are kept as they are (identity)', () => {
    const body = Buffer.from('{"error":"backendError"}');
    expect(causeOf(body).body).toBe(body);
  });

  it.each([
    ['a bare ArrayBuffer', (bytes: Uint8Array) => bytes.buffer],
    ['a DataView', (bytes: Uint8Array) => new DataView(bytes.buffer)],
    ['a Uint16Array', (bytes: Uint8Array) => new Uint16Array(bytes.buffer, 0, bytes.byteLength >> 1)],
    [
      'a SharedArrayBuffer',
      (bytes: Uint8Array) => {
        const shared = new SharedArrayBuffer(bytes.byteLength);
        new Uint8Array(shared).set(bytes);
        return shared;
      },
    ],
  ])('%s echoing a token becomes a Buffer without it', (_label, wrap) => {
    // An even length, so that the 16-bit view covers every byte.
    const bytes = new TextEncoder().encode(`${BODY}${BODY.length % 2 === 0 ? '' : ' '}`);
    const kept = causeOf(wrap(bytes)).body;
    expect(Buffer.isBuffer(kept)).toBe(true);
    expect((kept as Buffer).toString('latin1')).toContain('"access_token":"[REDACTED]"');
    expect(inspect(kept)).not.toContain(
      Buffer.from(SECRET).toString('hex').slice(0, 20).replace(/(..)/g, '$1 ').trim(),
    );
  });

  it('a bare ArrayBuffer without a credential is kept as it is (identity)', () => {
    const body = new TextEncoder().encode('{"error":"backendError"}').buffer;
    expect(causeOf(body).body).toBe(body);
  });

  it('bytes past what a walk checks are not kept, whatever they hold', () => {
    const big = Buffer.alloc(128 * 1024, 0x61);
    big.write(`token=${SECRET}`, 100 * 1024);
    const kept = causeOf(big).body;
    expect(typeof kept).toBe('string');
    expect(kept).toMatch(/^\[not kept: /);
  });
});
