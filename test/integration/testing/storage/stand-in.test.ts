import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StorageStandIn, startStorageStandIn } from '../../../../src/testing/index.js';

let standIn: StorageStandIn;

beforeAll(async () => {
  standIn = await startStorageStandIn({ buckets: ['state-bucket'] });
});
afterAll(async () => {
  await standIn.close();
});

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: unknown }) => e.code,
  );

describe('the Cloud Storage stand-in, driven by the real @google-cloud/storage client', () => {
  it('create-only (ifGenerationMatch=0), then compare-and-set on the generation, answered 412 like GCS', async () => {
    const file = standIn.client().bucket('state-bucket').file('records/a.json');
    const save = (text: string, ifGenerationMatch: number) =>
      file.save(text, {
        resumable: false,
        contentType: 'application/json',
        preconditionOpts: { ifGenerationMatch },
      });
    expect(await codeOf(save('{"v":1}', 0))).toBe('ok');
    expect(await codeOf(save('{"v":1}', 0))).toBe(412);
    const [metadata] = await file.getMetadata();
    const generation = Number(metadata.generation);
    expect(await codeOf(save('{"v":2}', generation + 1))).toBe(412);
    expect(await codeOf(save('{"v":2}', generation))).toBe('ok');
    const [after] = await file.getMetadata();
    expect(Number(after.generation)).toBeGreaterThan(generation);
    // The download is checked by the client against the stand-in's crc32c and md5.
    const [content] = await file.download();
    expect(content.toString()).toBe('{"v":2}');
    expect(standIn.object('state-bucket', 'records/a.json')?.content.toString()).toBe('{"v":2}');
  });

  it('custom metadata, metageneration preconditions on a patch, and delete with a generation precondition', async () => {
    const file = standIn.client().bucket('state-bucket').file('records/b.json');
    await file.save('x', { resumable: false, metadata: { metadata: { state: 'one' } } });
    const [m1] = await file.getMetadata();
    expect(m1.metadata).toEqual({ state: 'one' });
    await file.setMetadata(
      { metadata: { state: 'two' } },
      { ifMetagenerationMatch: Number(m1.metageneration) },
    );
    expect(
      await codeOf(
        file.setMetadata(
          { metadata: { state: 'three' } },
          { ifMetagenerationMatch: Number(m1.metageneration) },
        ),
      ),
    ).toBe(412);
    const [m2] = await file.getMetadata();
    expect(m2).toMatchObject({ metadata: { state: 'two' }, metageneration: '2', generation: m1.generation });
    expect(await codeOf(file.delete({ ifGenerationMatch: Number(m1.generation) + 1 }))).toBe(412);
    await file.delete({ ifGenerationMatch: Number(m1.generation) });
    expect(await codeOf(file.getMetadata())).toBe(404);
  });

  it('lists by prefix, 404s a missing bucket, creates buckets, and takes a fault plan', async () => {
    const storage = standIn.client();
    await storage.bucket('state-bucket').file('list/1').save('1', { resumable: false });
    await storage.bucket('state-bucket').file('list/2').save('2', { resumable: false });
    const [files] = await storage.bucket('state-bucket').getFiles({ prefix: 'list/' });
    expect(files.map((f) => f.name)).toEqual(['list/1', 'list/2']);
    expect(await codeOf(storage.bucket('no-such-bucket').file('x').getMetadata())).toBe(404);
    await storage.createBucket('made-by-client');
    const [exists] = await storage.bucket('made-by-client').exists();
    expect(exists).toBe(true);
    const outage = standIn.faults.add({ status: 503 });
    expect(await codeOf(storage.bucket('state-bucket').file('list/1').getMetadata({}))).toBe(503);
    outage.remove();
  });
});
