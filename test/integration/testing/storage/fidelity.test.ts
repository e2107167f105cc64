import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, type StorageStandIn, startStorageStandIn } from '../../../../src/testing/index.js';

let standIn: StorageStandIn;

beforeAll(async () => {
  standIn = await startStorageStandIn({ buckets: ['lake'] });
  const bucket = standIn.client().bucket('lake');
  for (const name of ['a/1', 'a/2', 'a/b/3', 'a/', 'c', 'd/4', 'B']) {
    await bucket.file(`tree/${name}`).save(name, { resumable: false });
  }
});
afterAll(async () => {
  await standIn.close();
});

/** Seeded bytes covering every byte value, so a UTF-8 round trip would change them. */
function binary(length: number): Buffer {
  const random = mulberry32(11);
  return Buffer.from(Array.from({ length }, (_, i) => (i < 256 ? i : Math.floor(random() * 256))));
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: unknown }) => e.code,
  );

const names = (files: Array<{ name: string }>) => files.map((f) => f.name);

describe('Cloud Storage stand-in fidelity, with the real @google-cloud/storage client', () => {
  it('keeps binary content byte for byte, multipart and media uploads alike', async () => {
    const bytes = binary(4096);
    const bucket = standIn.client().bucket('lake');
    // The client checks its crc32c/md5 against the stand-in's after the upload: a changed byte fails it.
    await bucket.file('bin/multipart.gz').save(bytes, { resumable: false });
    expect(standIn.object('lake', 'bin/multipart.gz')?.content.equals(bytes)).toBe(true);
    const [downloaded] = await bucket.file('bin/multipart.gz').download();
    expect(downloaded.equals(bytes)).toBe(true);
  });

  it('serves resumable uploads (the client default of file.save), binary and with preconditions', async () => {
    const bytes = binary(300_000);
    const file = standIn.client().bucket('lake').file('bin/resumable.parquet');
    await file.save(bytes, { preconditionOpts: { ifGenerationMatch: 0 } });
    expect(standIn.object('lake', 'bin/resumable.parquet')?.content.equals(bytes)).toBe(true);
    expect(await codeOf(file.save(bytes, { preconditionOpts: { ifGenerationMatch: 0 } }))).toBe(412);
    // Several chunks of 256 KiB, each answered 308 with the range received so far.
    const chunked = standIn.client().bucket('lake').file('bin/chunked.bin');
    await chunked.save(bytes, { chunkSize: 256 * 1024 });
    expect(standIn.object('lake', 'bin/chunked.bin')?.content.equals(bytes)).toBe(true);
  });

  it('a resumable upload whose final answer is lost is answered again by the session, not written twice', async () => {
    const file = standIn.client().bucket('lake').file('bin/lost-answer.json');
    const lost = standIn.faults.add({
      method: 'PUT',
      path: '/upload/storage/v1/b/lake/o',
      times: 1,
      reset: 'after',
    });
    await file.save('{"v":1}', { preconditionOpts: { ifGenerationMatch: 0 } });
    expect(lost.hits).toBe(1);
    expect(standIn.object('lake', 'bin/lost-answer.json')?.content.toString()).toBe('{"v":1}');
    const puts = standIn.requests.filter((r) => r.method === 'PUT' && r.query.includes('lost-answer'));
    expect(puts.length).toBeGreaterThanOrEqual(2);
  });

  it('groups names under a delimiter into prefixes, as GCS lists a folder', async () => {
    const bucket = standIn.client().bucket('lake');
    const [files, , response] = await bucket.getFiles({
      prefix: 'tree/',
      delimiter: '/',
      autoPaginate: false,
    });
    expect(names(files)).toEqual(['tree/B', 'tree/c']);
    expect((response as { prefixes?: string[] }).prefixes).toEqual(['tree/a/', 'tree/d/']);
    const [withTrailing] = await bucket.getFiles({
      prefix: 'tree/a/',
      delimiter: '/',
      includeTrailingDelimiter: true,
    });
    expect(names(withTrailing)).toEqual(['tree/a/', 'tree/a/1', 'tree/a/2']);
  });

  it('pages with maxResults and pageToken, in byte order of the names', async () => {
    const bucket = standIn.client().bucket('lake');
    const [first, next] = await bucket.getFiles({ prefix: 'tree/', maxResults: 3, autoPaginate: false });
    expect(names(first)).toEqual(['tree/B', 'tree/a/', 'tree/a/1']);
    expect(next).toMatchObject({ pageToken: expect.any(String) });
    const [rest] = await bucket.getFiles(next as object);
    expect(names(rest)).toEqual(['tree/a/2', 'tree/a/b/3', 'tree/c']);
    const [all] = await bucket.getFiles({ prefix: 'tree/' });
    expect(names(all)).toHaveLength(7);
    const [capped] = await bucket.getFiles({ prefix: 'tree/', maxResults: 2 });
    expect(names(capped)).toEqual(['tree/B', 'tree/a/']);
  });

  it('applies startOffset, endOffset and matchGlob', async () => {
    const bucket = standIn.client().bucket('lake');
    const [range] = await bucket.getFiles({ startOffset: 'tree/a/2', endOffset: 'tree/d' });
    expect(names(range)).toEqual(['tree/a/2', 'tree/a/b/3', 'tree/c']);
    const [globbed] = await bucket.getFiles({ matchGlob: 'tree/a/*' });
    expect(names(globbed)).toEqual(['tree/a/', 'tree/a/1', 'tree/a/2']);
    const [deep] = await bucket.getFiles({ matchGlob: 'tree/**/[0-9]' });
    expect(names(deep)).toEqual(['tree/a/1', 'tree/a/2', 'tree/a/b/3', 'tree/d/4']);
  });

  it('copies and moves objects (rewrite), keeping content and metadata', async () => {
    const bucket = standIn.client().bucket('lake');
    await bucket.file('copy/src').save('payload', { resumable: false, metadata: { metadata: { k: 'v' } } });
    await bucket.file('copy/src').copy(bucket.file('copy/dst'));
    expect(standIn.object('lake', 'copy/dst')).toMatchObject({ metadata: { k: 'v' } });
    expect(standIn.object('lake', 'copy/dst')?.content.toString()).toBe('payload');
    await bucket.file('copy/dst').move('copy/moved');
    expect(standIn.object('lake', 'copy/dst')).toBeUndefined();
    expect(standIn.object('lake', 'copy/moved')?.content.toString()).toBe('payload');
    expect(await codeOf(bucket.file('copy/none').copy('copy/x'))).toBe(404);
  });

  it('lists and deletes buckets; a bucket with objects is refused 409', async () => {
    const storage = standIn.client();
    await storage.createBucket('scratch');
    const [buckets] = await storage.getBuckets();
    expect(buckets.map((b) => b.name)).toEqual(['lake', 'scratch']);
    await storage.bucket('scratch').file('x').save('x', { resumable: false });
    expect(await codeOf(storage.bucket('scratch').delete())).toBe(409);
    await storage.bucket('scratch').file('x').delete();
    await storage.bucket('scratch').delete();
    expect((await storage.bucket('scratch').exists())[0]).toBe(false);
  });

  it('answers an injected status with a JSON API error body the client reads', async () => {
    const fault = standIn.faults.add({ status: 429, times: 1 });
    // No client retries: the first answer is the one under test (and the client's backoff sleeps).
    const client = standIn.client({ retryOptions: { autoRetry: false } });
    const err = (await client
      .bucket('lake')
      .file('c')
      .getMetadata()
      .catch((e: unknown) => e)) as {
      code: number;
      message: string;
      errors: Array<{ reason: string }>;
    };
    fault.remove();
    expect(err.code).toBe(429);
    expect(err.errors[0]?.reason).toBe('rateLimitExceeded');
    expect(err.message).not.toMatch(/Multiple errors/);
  });

  it('answers an unsupported route 501 notImplemented, not a 404 that reads as "no such object"', async () => {
    const bucket = standIn.client().bucket('lake');
    const err = (await bucket
      .file('tree/c')
      .makePublic()
      .catch((e: unknown) => e)) as { code: number; message: string };
    expect(err.code).toBe(501);
    expect(err.message).toMatch(/not served by the Cloud Storage stand-in/);
  });
});
