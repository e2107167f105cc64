import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StorageStandIn, startStorageStandIn } from '../../../../src/testing/index.js';

let standIn: StorageStandIn;
const content = Buffer.from('0123456789abcdefghij');

beforeAll(async () => {
  standIn = await startStorageStandIn({ buckets: ['lake'] });
  await standIn.client().bucket('lake').file('ranged.txt').save(content, { resumable: false });
});
afterAll(async () => {
  await standIn.close();
});

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: unknown }) => e.code,
  );

describe('Cloud Storage stand-in: a download honors the byte range the client asks for', () => {
  it.each<[string, { start?: number; end?: number }, string]>([
    ['start and end (inclusive)', { start: 2, end: 5 }, '2345'],
    ['a start alone: to the end', { start: 15 }, 'fghij'],
    ['an end past the object: cut at its end', { start: 18, end: 40 }, 'ij'],
  ])('%s', async (_what, range, expected) => {
    const [bytes] = await standIn.client().bucket('lake').file('ranged.txt').download(range);
    expect(bytes.toString()).toBe(expected);
  });

  it('the same through createReadStream', async () => {
    const chunks: Buffer[] = [];
    const stream = standIn
      .client()
      .bucket('lake')
      .file('ranged.txt')
      .createReadStream({ start: 10, end: 12 });
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('abc');
  });

  it('a range that starts past the end is 416', async () => {
    const file = standIn.client().bucket('lake').file('ranged.txt');
    expect(await codeOf(file.download({ start: 25, end: 30 }))).toBe(416);
  });
});

describe('Cloud Storage stand-in: names Cloud Storage refuses are refused', () => {
  it.each([
    ['a line break', 'logs/a\nb'],
    ['a carriage return', 'logs/a\rb'],
    ['"."', '.'],
    ['".."', '..'],
    ['over 1024 bytes of UTF-8', 'é'.repeat(513)],
    ['the ACME challenge prefix', '.well-known/acme-challenge/token'],
  ])('an object name with %s: 400', async (_what, name) => {
    const file = standIn.client().bucket('lake').file(name);
    expect(await codeOf(file.save('x', { resumable: false }))).toBe(400);
    expect(standIn.object('lake', name)).toBeUndefined();
  });

  it.each([
    ['upper case', 'Lake'],
    ['two characters', 'ab'],
    ['a leading hyphen', '-lake'],
    ['an IP address', '192.168.5.4'],
    ['the goog prefix', 'goog-lake'],
    ['"google" inside', 'my-google-lake'],
  ])('a bucket name with %s: 400', async (_what, name) => {
    expect(await codeOf(standIn.client().createBucket(name))).toBe(400);
  });

  it('accepts ordinary names', async () => {
    await standIn.client().createBucket('data-lake_2026.raw');
    const file = standIn.client().bucket('data-lake_2026.raw').file('year=2026/día 1.csv');
    await file.save('x', { resumable: false });
    expect(standIn.object('data-lake_2026.raw', 'year=2026/día 1.csv')).toBeDefined();
  });
});
