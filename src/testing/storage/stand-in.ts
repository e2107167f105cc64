/**
 * `startStorageStandIn`: the Cloud Storage JSON API on 127.0.0.1 for the real `@google-cloud/storage`
 * client: buckets, objects with generations and metagenerations, and their preconditions.
 * @module
 */
import type { Storage, StorageOptions } from '@google-cloud/storage';
import { checkOptions, OPTION_ALIASES } from '../../shared/check-options.js';
import type { NodeBuffer } from '../../shared/node-types.js';
import { googleErrorBody } from '../bigquery/http-errors.js';
import type { HttpFaultPlan } from '../http/faults.js';
import { type HttpStandInAnswer, type HttpStandInRequest, serveHttpStandIn } from '../http/stand-in.js';
import { importPeers } from '../shared/peers.js';
import { splitMultipartBytes } from '../shared/read-body.js';
import { byteOrder, listEntries, pageOf } from './list.js';
import {
  ObjectStore,
  objectResource,
  type Preconditions,
  StorageFault,
  type StoredObject,
} from './objects.js';
import { UploadSessions } from './resumable.js';

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
  readonly content: NodeBuffer;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * A running Cloud Storage stand-in.
 *
 * @example
 * ```ts
 * import { startStorageStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startStorageStandIn({ buckets: ['state-bucket'] });
 * const file = standIn.client().bucket('state-bucket').file('state.json');
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

/** An object, its name one path segment (the client encodes `/` in names as `%2F`). */
const OBJECT_PATH = /^\/storage\/v1\/b\/([^/]+)\/o\/([^/]+)$/;
const OBJECTS_PATH = /^\/storage\/v1\/b\/([^/]+)\/o$/;
const UPLOAD_PATH = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/;
const BUCKET_PATH = /^\/storage\/v1\/b\/([^/]+)$/;
const REWRITE_PATH = /^\/storage\/v1\/b\/([^/]+)\/o\/([^/]+)\/(?:rewriteTo|copyTo)\/b\/([^/]+)\/o\/([^/]+)$/;

const PRECONDITION_KEYS = [
  'ifGenerationMatch',
  'ifGenerationNotMatch',
  'ifMetagenerationMatch',
  'ifMetagenerationNotMatch',
] as const;

/** The destination's preconditions (`ifGenerationMatch`, ...), or with `source` the source's (`ifSourceGenerationMatch`, ...). */
function preconditions(query: Readonly<Record<string, string>>, source = false): Preconditions {
  const out: Preconditions = {};
  for (const key of PRECONDITION_KEYS) {
    const asked = query[source ? key.replace(/^if/, 'ifSource') : key];
    if (asked !== undefined) out[key] = asked;
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

type Resource = {
  name?: string;
  contentType?: string;
  metadata?: Record<string, string>;
  cacheControl?: string;
};

function fault(status: number, reason: string, message: string): never {
  throw new StorageFault(status, reason, message);
}

/**
 * A request the stand-in does not serve (ACLs, IAM, notifications, compose, ...): 501, so that it reads
 * as a gap in the stand-in, not as a missing object or bucket.
 */
function notServed(request: StorageRequest): never {
  return fault(
    501,
    'notImplemented',
    `${request.method} ${request.path} is not served by the Cloud Storage stand-in`,
  );
}

/** A JSON request body (an object resource, a bucket), `{}` when empty; 400 `parseError` when not JSON. */
function jsonBody(request: StorageRequest): Record<string, unknown> {
  const text = request.body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Answered below.
  }
  return fault(400, 'parseError', 'Parse Error');
}

/**
 * The one byte range of a `Range: bytes=FIRST-LAST` (or `FIRST-`, or `-SUFFIX`) header, cut at the
 * object's end; `undefined` without one (the whole object). A range that starts past the end is 416.
 * Several ranges are not served (GCS answers one): the whole object then.
 */
function byteRange(header: unknown, size: number): { start: number; end: number } | undefined {
  const match = typeof header === 'string' ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [first, last] = [match[1]!, match[2]!];
  const start = first === '' ? Math.max(0, size - Number(last)) : Number(first);
  const end = first === '' || last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || (first === '' && Number(last) === 0) || end < start) {
    return fault(
      416,
      'requestedRangeNotSatisfiable',
      `The requested range cannot be satisfied: ${header as string} of ${size} bytes`,
    );
  }
  return { start, end };
}

/** The upload's resource and media: multipart (`uploadType=multipart`) or media alone (`uploadType=media`). */
function readUpload(request: StorageRequest): { resource: Resource; content: Buffer } {
  const type = request.query.uploadType;
  if (type === 'media') {
    return {
      resource: { name: request.query.name, contentType: request.headers['content-type'] },
      content: request.body,
    };
  }
  if (type !== 'multipart') {
    return fault(400, 'invalid', `Invalid uploadType: ${JSON.stringify(type ?? '')}`);
  }
  const parts = splitMultipartBytes(request.body, request.headers['content-type'] ?? '');
  if (!parts || parts.length < 2)
    return fault(400, 'invalid', 'Multipart upload without metadata and media parts');
  let resource: Record<string, unknown>;
  try {
    resource = JSON.parse(parts[0]!.content.toString('utf8')) as Record<string, unknown>;
  } catch {
    return fault(400, 'parseError', 'Parse Error');
  }
  const mediaType = /content-type:\s*([^\r\n]+)/i.exec(parts[1]!.headers)?.[1]?.trim();
  return {
    resource: {
      ...(resource as object),
      ...(resource.contentType === undefined && mediaType ? { contentType: mediaType } : {}),
    },
    content: parts[1]!.content,
  };
}

/** The reason GCS gives with an HTTP status, for injected status faults. */
const FAULT_REASONS: Readonly<Record<number, string>> = {
  400: 'invalid',
  401: 'required',
  403: 'forbidden',
  404: 'notFound',
  408: 'requestTimeout',
  409: 'conflict',
  412: 'conditionNotMet',
  429: 'rateLimitExceeded',
  500: 'internalError',
  502: 'badGateway',
  503: 'backendError',
  504: 'gatewayTimeout',
};

/**
 * Starts a Cloud Storage JSON API stand-in on 127.0.0.1 that the real `@google-cloud/storage` client
 * (7.x; an optional peer) talks to: buckets (create, get, list, delete: 409 while not empty), object
 * get (metadata or `alt=media` with hashes), list (byte order, `prefix`, `delimiter` with `prefixes`,
 * `startOffset`/`endOffset`, `matchGlob`, pages of `maxResults` with `pageToken`), simple, multipart
 * and resumable uploads (the client's default, chunked or not; a status query after a lost final
 * answer gets the object again), copy and move (`rewriteTo`), metadata patch and delete, with the
 * generation and metageneration preconditions (`ifGenerationMatch=0`: create only) applied atomically,
 * answered 412 `conditionNotMet` as GCS does. Content is kept byte for byte. Every write makes a new,
 * larger generation. A request it does not serve (ACLs, IAM, compose, ...) answers 501
 * `notImplemented`. Takes the HTTP stand-in's fault plan (`{ status: 503 }`: an outage); a status
 * fault answers the JSON API's error body (`backendError`, `rateLimitExceeded`, ...).
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
  checkOptions(
    'startStorageStandIn',
    options,
    { projectId: 'string', buckets: 'array', port: 'number' },
    OPTION_ALIASES,
  );
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

  const sessions = new UploadSessions();
  let baseUrl = '';

  const decode = (segment: string): string => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return fault(400, 'invalid', `Invalid path segment: ${segment}`);
    }
  };

  const objectRoute = (
    request: StorageRequest,
    bucket: string,
    name: string,
  ): HttpStandInAnswer | undefined => {
    const { method, query } = request;
    const pre = preconditions(query);
    if (method === 'GET') {
      const object = store.get(bucket, name, {
        ...pre,
        ...(query.generation ? { generation: query.generation } : {}),
      });
      if (query.alt !== 'media') return json(200, objectResource(object));
      const range = byteRange(request.headers.range, object.content.length);
      return {
        status: range ? 206 : 200,
        body: range ? object.content.subarray(range.start, range.end + 1) : object.content,
        headers: {
          ...(range ? { 'content-range': `bytes ${range.start}-${range.end}/${object.content.length}` } : {}),
          'content-type': object.contentType,
          'x-goog-generation': String(object.generation),
          'x-goog-metageneration': String(object.metageneration),
          'x-goog-hash': `crc32c=${object.crc32c},md5=${objectResource(object).md5Hash as string}`,
          'x-goog-stored-content-encoding': 'identity',
        },
      };
    }
    if (method === 'DELETE') {
      store.delete(bucket, name, pre);
      return { status: 204 };
    }
    if (method === 'PATCH' || method === 'PUT') {
      const changes = jsonBody(request) as Parameters<ObjectStore['patch']>[2];
      return json(200, objectResource(store.patch(bucket, name, changes, pre)));
    }
    return undefined;
  };

  /** `rewriteTo` (what `copy` and `move` send): done in one call, as it is for a small object. */
  const rewrite = (request: StorageRequest, m: RegExpExecArray): HttpStandInAnswer => {
    const [sourceBucket, sourceName, bucket, name] = [m[1]!, m[2]!, m[3]!, m[4]!].map(decode) as [
      string,
      string,
      string,
      string,
    ];
    const source = store.get(sourceBucket, sourceName, {
      ...preconditions(request.query, true),
      ...(request.query.sourceGeneration ? { generation: request.query.sourceGeneration } : {}),
    });
    const asked = jsonBody(request) as Resource;
    const resource: Resource = {
      contentType: asked.contentType ?? source.contentType,
      metadata: asked.metadata ?? source.metadata,
      ...((asked.cacheControl ?? source.cacheControl) !== undefined
        ? { cacheControl: (asked.cacheControl ?? source.cacheControl) as string }
        : {}),
    };
    const written = objectResource(
      store.put(bucket, name, source.content, resource, preconditions(request.query)),
    );
    const size = String(source.content.length);
    if (request.path.includes('/copyTo/')) return json(200, written);
    return json(200, {
      kind: 'storage#rewriteResponse',
      totalBytesRewritten: size,
      objectSize: size,
      done: true,
      resource: written,
    });
  };

  const upload = (request: StorageRequest, bucket: string): HttpStandInAnswer => {
    const { method, query } = request;
    if (query.uploadType === 'resumable') {
      if (method === 'POST') {
        store.bucket(bucket);
        const resource = jsonBody(request) as Resource;
        const name = query.name ?? resource.name;
        if (!name) return fault(400, 'required', 'Required parameter: name');
        const contentType = resource.contentType ?? request.headers['x-upload-content-type'];
        const id = sessions.open({
          bucket,
          name,
          resource: { ...resource, ...(contentType !== undefined ? { contentType } : {}) },
          query,
        });
        const location = `${baseUrl}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?${new URLSearchParams(
          {
            uploadType: 'resumable',
            name,
            upload_id: id,
          },
        )}`;
        return { status: 200, headers: { location } };
      }
      const id = query.upload_id;
      if (!id) return fault(400, 'required', 'Required parameter: upload_id');
      if (method === 'DELETE') {
        if (!sessions.cancel(id)) return fault(404, 'notFound', `No such upload session: ${id}`);
        return { status: 499 };
      }
      if (method !== 'PUT') return notServed(request);
      const step = sessions.put(id, request.headers['content-range'], request.body);
      if ('written' in step) return json(200, step.written);
      if ('incomplete' in step) {
        const { received } = step.incomplete;
        return { status: 308, headers: received > 0 ? { range: `bytes=0-${received - 1}` } : {} };
      }
      const { content, resource, query: opened } = step.complete;
      const written = objectResource(
        store.put(bucket, step.complete.name, content, resource, preconditions(opened)),
      );
      sessions.written(id, written);
      return json(200, written);
    }
    if (method !== 'POST') return notServed(request);
    const { resource, content } = readUpload(request);
    const name = query.name ?? resource.name;
    if (!name) return fault(400, 'required', 'Required parameter: name');
    return json(200, objectResource(store.put(bucket, name, content, resource, preconditions(query))));
  };

  const bucketResource = (name: string) => ({
    kind: 'storage#bucket',
    id: name,
    name,
    projectNumber: '0',
    timeCreated: store.bucket(name).created,
    location: 'US',
    storageClass: 'STANDARD',
  });

  const route = (request: StorageRequest): HttpStandInAnswer => {
    const { method, path, query } = request;
    let m = OBJECT_PATH.exec(path);
    if (m) return objectRoute(request, decode(m[1]!), decode(m[2]!)) ?? notServed(request);
    m = REWRITE_PATH.exec(path);
    if (m && method === 'POST') return rewrite(request, m);
    m = OBJECTS_PATH.exec(path);
    if (m && method === 'GET') {
      const bucket = store.bucket(decode(m[1]!));
      const { page, nextPageToken } = pageOf(listEntries(bucket.objects.keys(), query), query);
      const items = page
        .filter((e) => e.kind === 'item')
        .map((e) => objectResource(bucket.objects.get(e.key)!));
      const prefixes = page.filter((e) => e.kind === 'prefix').map((e) => e.key);
      return json(200, {
        kind: 'storage#objects',
        ...(items.length > 0 ? { items } : {}),
        ...(prefixes.length > 0 ? { prefixes } : {}),
        ...(nextPageToken !== undefined ? { nextPageToken } : {}),
      });
    }
    m = UPLOAD_PATH.exec(path);
    if (m) return upload(request, decode(m[1]!));
    if (path === '/storage/v1/b' && method === 'POST') {
      const body = jsonBody(request) as { name?: unknown };
      if (typeof body.name !== 'string' || body.name === '')
        return fault(400, 'required', 'Required parameter: name');
      store.createBucket(body.name);
      return json(200, bucketResource(body.name));
    }
    if (path === '/storage/v1/b' && method === 'GET') {
      const names = [...store.buckets.keys()].filter((n) => n.startsWith(query.prefix ?? '')).sort(byteOrder);
      const { page, nextPageToken } = pageOf(
        names.map((key) => ({ kind: 'item' as const, key })),
        query,
      );
      return json(200, {
        kind: 'storage#buckets',
        ...(page.length > 0 ? { items: page.map((e) => bucketResource(e.key)) } : {}),
        ...(nextPageToken !== undefined ? { nextPageToken } : {}),
      });
    }
    m = BUCKET_PATH.exec(path);
    if (m && method === 'GET') return json(200, bucketResource(decode(m[1]!)));
    if (m && method === 'DELETE') {
      store.deleteBucket(decode(m[1]!));
      return { status: 204 };
    }
    return notServed(request);
  };

  const service = await serveHttpStandIn(
    {
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
                body: Buffer.from(request.bodyBytes),
              });
            } catch (error) {
              if (error instanceof StorageFault) {
                return json(error.status, googleErrorBody(error.status, error.reason, error.message));
              }
              throw error;
            }
          },
        },
      ],
    },
    {
      faultAnswer: (rule) => ({
        status: rule.status,
        ...(rule.headers !== undefined ? { headers: rule.headers } : {}),
        json: googleErrorBody(
          rule.status,
          FAULT_REASONS[rule.status] ?? 'backendError',
          rule.body ?? `Injected fault: HTTP ${rule.status}`,
        ),
      }),
    },
  );
  baseUrl = service.url;

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
