/**
 * The Cloud Storage stand-in's buckets and objects: one live generation per object, generation and
 * metageneration preconditions checked and applied in one step (the compare-and-set GCS gives).
 * @module
 */
import { createHash } from 'node:crypto';
import { bucketNameProblem, objectNameProblem } from './names.js';

/** One stored object, as the JSON API describes it. */
export interface StoredObject {
  name: string;
  bucket: string;
  generation: number;
  metageneration: number;
  contentType: string;
  content: Buffer;
  metadata: Record<string, string>;
  cacheControl?: string;
  timeCreated: string;
  updated: string;
  crc32c: string;
}

/** The preconditions a request may carry (query parameters of the JSON API). */
export interface Preconditions {
  ifGenerationMatch?: string;
  ifGenerationNotMatch?: string;
  ifMetagenerationMatch?: string;
  ifMetagenerationNotMatch?: string;
}

/** Why a request failed, as the JSON API says it. */
export class StorageFault extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const PRECONDITION_FAILED = () =>
  new StorageFault(412, 'conditionNotMet', 'At least one of the pre-conditions you specified did not hold.');

/** The generation clock: microseconds since the epoch, strictly increasing (as GCS generations are). */
function generationClock(): () => number {
  let last = 0;
  return () => {
    last = Math.max(last + 1, Date.now() * 1000);
    return last;
  };
}

export class ObjectStore {
  readonly buckets = new Map<string, { created: string; objects: Map<string, StoredObject> }>();
  readonly #nextGeneration = generationClock();

  constructor(private readonly crc32c: (content: Buffer) => string) {}

  createBucket(name: string): void {
    const problem = bucketNameProblem(name);
    if (problem)
      throw new StorageFault(400, 'invalid', `Invalid bucket name ${JSON.stringify(name)}: ${problem}.`);
    if (this.buckets.has(name)) {
      throw new StorageFault(409, 'conflict', 'The requested bucket name is not available.');
    }
    this.buckets.set(name, { created: new Date().toISOString(), objects: new Map() });
  }

  /** Deletes an empty bucket (409 while it holds objects, as GCS answers). */
  deleteBucket(name: string): void {
    if (this.bucket(name).objects.size > 0) {
      throw new StorageFault(409, 'conflict', 'The bucket you tried to delete is not empty.');
    }
    this.buckets.delete(name);
  }

  bucket(name: string) {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new StorageFault(404, 'notFound', 'The specified bucket does not exist.');
    return bucket;
  }

  /** The live object, after checking the preconditions against it. */
  get(bucketName: string, name: string, pre: Preconditions & { generation?: string } = {}): StoredObject {
    const object = this.bucket(bucketName).objects.get(name);
    if (pre.ifGenerationMatch === '0' && object) throw PRECONDITION_FAILED();
    if (!object || (pre.generation !== undefined && pre.generation !== String(object.generation))) {
      throw new StorageFault(404, 'notFound', `No such object: ${bucketName}/${name}`);
    }
    check(object, pre);
    return object;
  }

  /** Writes a new generation of `name` if the preconditions hold (`ifGenerationMatch=0`: only if absent). */
  put(
    bucketName: string,
    name: string,
    content: Buffer,
    resource: { contentType?: string; metadata?: Record<string, string>; cacheControl?: string },
    pre: Preconditions,
  ): StoredObject {
    const bucket = this.bucket(bucketName);
    const problem = objectNameProblem(name);
    if (problem) {
      throw new StorageFault(
        400,
        'invalid',
        `The object name ${JSON.stringify(name.slice(0, 64))} is not valid: ${problem}.`,
      );
    }
    const current = bucket.objects.get(name);
    if (current) check(current, pre);
    else if (pre.ifGenerationMatch !== undefined && pre.ifGenerationMatch !== '0')
      throw PRECONDITION_FAILED();
    else if (pre.ifMetagenerationMatch !== undefined) throw PRECONDITION_FAILED();
    const now = new Date().toISOString();
    const object: StoredObject = {
      name,
      bucket: bucketName,
      generation: this.#nextGeneration(),
      metageneration: 1,
      contentType: resource.contentType ?? 'application/octet-stream',
      content,
      metadata: { ...resource.metadata },
      ...(resource.cacheControl !== undefined ? { cacheControl: resource.cacheControl } : {}),
      timeCreated: now,
      updated: now,
      crc32c: this.crc32c(content),
    };
    bucket.objects.set(name, object);
    return object;
  }

  /** Changes the metadata of the live generation (a new metageneration) if the preconditions hold. */
  patch(
    bucketName: string,
    name: string,
    changes: { metadata?: Record<string, string | null>; contentType?: string; cacheControl?: string },
    pre: Preconditions,
  ): StoredObject {
    const object = this.get(bucketName, name, pre);
    for (const [k, v] of Object.entries(changes.metadata ?? {})) {
      if (v === null) delete object.metadata[k];
      else object.metadata[k] = v;
    }
    if (changes.contentType !== undefined) object.contentType = changes.contentType;
    if (changes.cacheControl !== undefined) object.cacheControl = changes.cacheControl;
    object.metageneration++;
    object.updated = new Date().toISOString();
    return object;
  }

  delete(bucketName: string, name: string, pre: Preconditions): void {
    this.get(bucketName, name, pre);
    this.bucket(bucketName).objects.delete(name);
  }
}

function check(object: StoredObject, pre: Preconditions): void {
  const generation = String(object.generation);
  const metageneration = String(object.metageneration);
  if (pre.ifGenerationMatch !== undefined && pre.ifGenerationMatch !== generation)
    throw PRECONDITION_FAILED();
  if (pre.ifGenerationNotMatch !== undefined && pre.ifGenerationNotMatch === generation)
    throw PRECONDITION_FAILED();
  if (pre.ifMetagenerationMatch !== undefined && pre.ifMetagenerationMatch !== metageneration) {
    throw PRECONDITION_FAILED();
  }
  if (pre.ifMetagenerationNotMatch !== undefined && pre.ifMetagenerationNotMatch === metageneration) {
    throw PRECONDITION_FAILED();
  }
}

/** The JSON API's object resource. */
export function objectResource(o: StoredObject): Record<string, unknown> {
  const id = `${o.bucket}/${o.name}/${o.generation}`;
  return {
    kind: 'storage#object',
    id,
    name: o.name,
    bucket: o.bucket,
    generation: String(o.generation),
    metageneration: String(o.metageneration),
    contentType: o.contentType,
    size: String(o.content.length),
    md5Hash: createHash('md5').update(o.content).digest('base64'),
    crc32c: o.crc32c,
    etag: Buffer.from(id).toString('base64'),
    storageClass: 'STANDARD',
    timeCreated: o.timeCreated,
    updated: o.updated,
    ...(o.cacheControl !== undefined ? { cacheControl: o.cacheControl } : {}),
    ...(Object.keys(o.metadata).length > 0 ? { metadata: { ...o.metadata } } : {}),
  };
}
