/**
 * `startStorageStandIn`: the Cloud Storage JSON API on 127.0.0.1 for the real `@google-cloud/storage`
 * client: buckets, objects with generations and metagenerations, and their preconditions.
 * @module
 */
import type { Storage, StorageOptions } from '@google-cloud/storage';
import { googleErrorBody } from '../bigquery/http-errors.js';
import type { HttpFaultPlan } from '../http/faults.js';
import { type HttpStandInAnswer, type HttpStandInRequest, startHttpStandIn } from '../http/stand-in.js';
import { importPeers } from '../shared/peers.js';
import { splitMultipart } from '../shared/read-body.js';
import {
  ObjectStore,
  objectResource,
  type Preconditions,
  StorageFault,
  type StoredObject,
} from './objects.js';

/**
 * Options of {@link startStorageStandIn}.
 *
 * @example
 * ```ts
 * import { startStorageStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startStorageStandIn({ buckets: ['alert-state'] });
 * ```
 */
export interface StorageStandInOptions {
  /** The project of the clients `client()` returns. Default `'test-project'`. */
  projectId?: string;
  /** Buckets that exist from the start. */
  buckets?: string[];
  /** The port on 127.0.0.1; default 0 (any free port). */
  port?: number;
}

/**
 * An object as the stand-in holds it.
 *
 * @example
 * ```ts
 * import { startStorageStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startStorageStandIn({ buckets: ['alert-state'] });
 * const object = standIn.object('alert-state', 'gpr-alert-rate-limits/dlq:orders-dlq-sub');
 * object?.generation; // 1733050000000000
 * ```
 */
export interface StorageStandInObject {
  readonly name: string;
  readonly generation: number;
  readonly metageneration: number;
  readonly contentType: string;
  readonly content: Buffer;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * A running Cloud Storage stand-in.
 *
 * @example
 * ```ts
 * import { startStorageStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startStorageStandIn({ buckets: ['b'] });
 * const file = standIn.client().bucket('b').file('state.json');
 * await file.save('{}', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
 * await file.save('{}', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } }).catch((e) => e.code); // 412
 * await standIn.close();
 * ```
 */
export interface StorageStandIn {
  /** `'http://127.0.0.1:PORT'`: the client's `apiEndpoint`. */
  readonly url: string;
  readonly projectId: string;
  /**
   * A new, independent `Storage` client pointed at the stand-in (no credentials: a custom endpoint is
   * not authenticated). Each call makes its own client, as separate instances would.
   */
  client(options?: StorageOptions): Storage;
  /** Creates a bucket (as `storage.createBucket` would). */
  createBucket(name: string): void;
  /** The live generation of an object, if any. */
  object(bucket: string, name: string): StorageStandInObject | undefined;
  /** Fault injection by method and path (e.g. `{ status: 503 }` on every request: an outage). */
  readonly faults: HttpFaultPlan;
  /** Every request received, in arrival order. */
  readonly requests: HttpStandInRequest[];
  /** Stops the server. Idempotent. */
  close(): Promise<void>;
}

const OBJECT_PATH = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/;
const OBJECTS_PATH = /^\/storage\/v1\/b\/([^/]+)\/o$/;
const UPLOAD_PATH = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/;
const BUCKET_PATH = /^\/storage\/v1\/b\/([^/]+)$/;

function preconditions(query: Readonly<Record<string, string>>): Preconditions {
  const out: Preconditions = {};
  for (const key of [
    'ifGenerationMatch',
    'ifGenerationNotMatch',
    'ifMetagenerationMatch',
    'ifMetagenerationNotMatch',
  ] as const) {
    if (query[key] !== undefined) out[key] = query[key];
  }
  return out;
}

function json(status: number, body: object): HttpStandInAnswer {
  return { status, json: body };
}

/** A request as the routes read it: the query parsed, the body as bytes. */
interface StorageRequest {
  method: string;
  path: string;
  query: Readonly<Record<string, string>>;
  headers: Readonly<Record<string, string>>;
  body: Buffer;
}

function fault(status: number, reason: string, message: string): never {
  throw new StorageFault(status, reason, message);
}

/** The upload's resource and media: multipart (`uploadType=multipart`) or media alone (`uploadType=media`). */
function readUpload(request: StorageRequest): {
  resource: { name?: string; contentType?: string; metadata?: Record<string, string>; cacheControl?: string };
  content: Buffer;
} {
  const type = request.query.uploadType;
  if (type === 'media') {
    return {
      resource: { name: request.query.name, contentType: request.headers['content-type'] },
      content: request.body,
    };
  }
  if (type !== 'multipart') {
    return fault(
      400,
      'invalid',
      `uploadType=${type ?? ''} is not supported by the stand-in (use resumable: false)`,
    );
  }
  const parts = splitMultipart(request.body, request.headers['content-type'] ?? '');
  if (!parts || parts.length < 2)
    return fault(400, 'invalid', 'Multipart upload without metadata and media parts');
  let resource: Record<string, unknown>;
  try {
    resource = JSON.parse(parts[0]!.content) as Record<string, unknown>;
  } catch {
    return fault(400, 'parseError', 'Parse Error');
  }
  const mediaType = /content-type:\s*([^\r\n]+)/i.exec(parts[1]!.headers)?.[1]?.trim();
  return {
    resource: {
      ...(resource as object),
      ...(resource.contentType === undefined && mediaType ? { contentType: mediaType } : {}),
    },
    content: Buffer.from(parts[1]!.content, 'utf8'),
  };
}

/**
 * Starts a Cloud Storage JSON API stand-in on 127.0.0.1 that the real `@google-cloud/storage` client
 * (7.x; an optional peer) talks to: bucket create and get, object get (metadata or `alt=media`),
 * list, simple and multipart upload, metadata patch and delete, with the generation and
 * metageneration preconditions (`ifGenerationMatch=0`: create only) applied atomically, answered 412
 * `conditionNotMet` as GCS does. Every write makes a new, larger generation. Resumable uploads are not
 * served (pass `resumable: false`), and content is kept as UTF-8 text (JSON, CSV: what a pipeline keeps
 * in small state objects). Takes the HTTP stand-in's fault plan (`{ status: 503 }`: an outage).
 *
 * @example
 * ```ts
 * import { startStorageStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startStorageStandIn({ buckets: ['alert-state'] });
 * standIn.faults.add({ status: 503 }); // an outage: every request answers 503
 * standIn.faults.clear();
 * await standIn.close();
 * ```
 */
export async function startStorageStandIn(options: StorageStandInOptions = {}): Promise<StorageStandIn> {
  const projectId = options.projectId ?? 'test-project';
  const [mod] = await importPeers(
    'Cloud Storage',
    ['@google-cloud/storage'],
    async () => [await import('@google-cloud/storage')] as const,
  );
  const store = new ObjectStore((content) => {
    const crc = new mod.CRC32C();
    crc.update(content);
    return crc.toString();
  });
  for (const name of options.buckets ?? []) store.createBucket(name);

  const route = (request: StorageRequest): HttpStandInAnswer => {
    const { method, path, query } = request;
    const pre = preconditions(query);
    let m = OBJECT_PATH.exec(path);
    if (m) {
      const [bucket, name] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
      if (method === 'GET') {
        const object = store.get(bucket, name, {
          ...pre,
          ...(query.generation ? { generation: query.generation } : {}),
        });
        if (query.alt === 'media') {
          return {
            status: 200,
            body: object.content,
            headers: {
              'content-type': object.contentType,
              'x-goog-generation': String(object.generation),
              'x-goog-metageneration': String(object.metageneration),
              'x-goog-hash': `crc32c=${object.crc32c},md5=${objectResource(object).md5Hash as string}`,
              'x-goog-stored-content-encoding': 'identity',
            },
          };
        }
        return json(200, objectResource(object));
      }
      if (method === 'DELETE') {
        store.delete(bucket, name, pre);
        return { status: 204 };
      }
      if (method === 'PATCH' || method === 'PUT') {
        const changes = JSON.parse(request.body.toString('utf8') || '{}') as Parameters<
          ObjectStore['patch']
        >[2];
        return json(200, objectResource(store.patch(bucket, name, changes, pre)));
      }
    }
    m = OBJECTS_PATH.exec(path);
    if (m && method === 'GET') {
      const bucket = store.bucket(decodeURIComponent(m[1]!));
      const prefix = query.prefix ?? '';
      const items = [...bucket.objects.values()]
        .filter((o) => o.name.startsWith(prefix))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(objectResource);
      return json(200, { kind: 'storage#objects', items });
    }
    m = UPLOAD_PATH.exec(path);
    if (m && method === 'POST') {
      const { resource, content } = readUpload(request);
      const name = query.name ?? resource.name;
      if (!name) fault(400, 'required', 'Required parameter: name');
      return json(200, objectResource(store.put(decodeURIComponent(m[1]!), name, content, resource, pre)));
    }
    if (path === '/storage/v1/b' && method === 'POST') {
      const body = JSON.parse(request.body.toString('utf8') || '{}') as { name?: string };
      if (!body.name) fault(400, 'required', 'Required parameter: name');
      store.createBucket(body.name);
      return json(200, { kind: 'storage#bucket', id: body.name, name: body.name, projectNumber: '0' });
    }
    m = BUCKET_PATH.exec(path);
    if (m && method === 'GET') {
      const name = decodeURIComponent(m[1]!);
      const bucket = store.bucket(name);
      return json(200, {
        kind: 'storage#bucket',
        id: name,
        name,
        timeCreated: bucket.created,
        location: 'US',
      });
    }
    return fault(404, 'notFound', `Not found: ${method} ${path}`);
  };

  const service = await startHttpStandIn({
    ...(options.port !== undefined ? { port: options.port } : {}),
    routes: [
      {
        path: /.*/,
        handler(request) {
          try {
            return route({
              method: request.method,
              path: request.path,
              query: Object.fromEntries(new URLSearchParams(request.query)),
              headers: request.headers,
              body: Buffer.from(request.body, 'utf8'),
            });
          } catch (error) {
            if (error instanceof StorageFault) {
              return json(error.status, googleErrorBody(error.status, error.reason, error.message));
            }
            if (error instanceof SyntaxError)
              return json(400, googleErrorBody(400, 'parseError', 'Parse Error'));
            throw error;
          }
        },
      },
    ],
  });

  const view = (o: StoredObject): StorageStandInObject => ({
    name: o.name,
    generation: o.generation,
    metageneration: o.metageneration,
    contentType: o.contentType,
    content: Buffer.from(o.content),
    metadata: { ...o.metadata },
  });

  return {
    url: service.url,
    projectId,
    faults: service.faults,
    requests: service.requests,
    client(clientOptions = {}) {
      return new mod.Storage({ apiEndpoint: service.url, projectId, ...clientOptions });
    },
    createBucket: (name) => store.createBucket(name),
    object(bucket, name) {
      const o = store.buckets.get(bucket)?.objects.get(name);
      return o && view(o);
    },
    close: () => service.close(),
  };
}
