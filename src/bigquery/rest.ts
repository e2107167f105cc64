import { type BigQueryClient, PROJECT_ID_TOKEN } from './client.js';
import { firstUnsafeInteger, unsafeIntegerError } from './unsafe-integers.js';

/**
 * BigQuery REST through the client's own authenticated `request` (the @google-cloud/common `Service`
 * method every client call ends in): the executor builds each request body itself, so it knows exactly
 * what is sent (one `requestId` reused by every re-send, our job ids, no hidden polling).
 */

/** A job's address: `projects/{projectId}/jobs/{jobId}` in `location`. */
export interface JobRef {
  projectId?: string;
  jobId: string;
  location?: string;
}

/** The BigQuery `Job` resource fields the executor reads. */
export interface JobResource {
  jobReference?: { jobId?: string; location?: string; projectId?: string };
  configuration?: {
    jobType?: string;
    query?: { query?: string; queryParameters?: unknown[] };
    load?: {
      destinationTable?: { projectId?: string; datasetId?: string; tableId?: string };
      sourceFormat?: string;
      writeDisposition?: string;
    };
  };
  status?: { state?: string; errorResult?: { reason?: string; message?: string }; errors?: unknown[] };
  statistics?: {
    totalBytesProcessed?: string | number;
    query?: {
      totalBytesProcessed?: string | number;
      numDmlAffectedRows?: string | number;
      statementType?: string;
      referencedTables?: Array<{ projectId?: string; datasetId?: string; tableId?: string }>;
    };
    load?: { outputRows?: string | number; inputFileBytes?: string | number };
  };
}

/** The jobs.query and jobs.getQueryResults answer fields the executor reads. */
export interface QueryResponse {
  jobReference?: { jobId?: string; location?: string; projectId?: string };
  /** Set on an answer given without a job (`JOB_CREATION_OPTIONAL`). */
  queryId?: string;
  jobComplete?: boolean;
  schema?: { fields?: unknown[] };
  rows?: unknown[];
  pageToken?: string;
  totalRows?: string | number;
  numDmlAffectedRows?: string | number;
  totalBytesProcessed?: string | number;
  statementType?: string;
}

/** One REST request, relative to `/bigquery/v2/projects/{projectId}`. */
export interface RestRequest {
  method?: 'GET' | 'POST';
  uri: string;
  json?: unknown;
  qs?: Record<string, string | number | boolean | undefined>;
  /** The project in the path; the client's own project when absent. */
  projectId?: string;
}

/** A request whose JSON body travels as text, which the client sends as written. */
interface TextRequest extends Omit<RestRequest, 'json'> {
  body: string;
  headers: Record<string, string>;
}

interface RequestingClient {
  request(options: RestRequest | TextRequest, callback: (err: Error | null, body?: unknown) => void): unknown;
  /** The client's project, asking its credentials when it was not given (@google-cloud/common). */
  getProjectId?: () => Promise<string>;
  /** Its google-auth-library `GoogleAuth`: `getClient` rejects when no credentials can be found. */
  authClient?: { getClient?: () => Promise<unknown> };
}

function requesting(client: BigQueryClient): RequestingClient {
  const candidate = client as unknown as Partial<RequestingClient>;
  if (typeof candidate.request !== 'function') {
    throw new TypeError(
      'BigQueryExecutor needs a @google-cloud/bigquery client for queries and jobs: the given client has no request() method',
    );
  }
  return candidate as RequestingClient;
}

/**
 * Sends one request with the client's auth, endpoint, user agent and interceptors; resolves with the
 * body. The client replaces `{{projectId}}` in every string of a JSON body, the SQL text and the
 * parameter values included (`SELECT '{{projectId}}'` would return the project id): a body holding
 * that text goes as text, which the client leaves as written, with the job reference's project
 * resolved here (the one place the executor means the token). The URI still gets the client's
 * project as before.
 */
export async function restCall<T>(client: BigQueryClient, request: RestRequest): Promise<T> {
  const target = requesting(client);
  const { json, ...rest } = request;
  let sent: RestRequest | TextRequest = request;
  let body = json === undefined ? '' : JSON.stringify(json);
  if (body.includes(PROJECT_ID_TOKEN)) {
    const reference = (json as { jobReference?: { projectId?: unknown } }).jobReference;
    if (reference?.projectId === PROJECT_ID_TOKEN) {
      // What the client's own substitution would ask its credentials for. A project that cannot be
      // found for want of any credentials is reported as that, as the client's own request does.
      const projectId = await target.getProjectId?.().catch(async (err: unknown) => {
        await target.authClient?.getClient?.();
        throw err;
      });
      body = JSON.stringify({ ...(json as object), jobReference: { ...reference, projectId } });
    }
    sent = { ...rest, body, headers: { 'Content-Type': 'application/json' } };
  }
  return new Promise<T>((resolve, reject) => {
    target.request(sent, (err, answer) => {
      if (err) reject(err);
      else resolve(answer as T);
    });
  });
}

/** `jobs.get`: the job's current resource. */
export function getJob(client: BigQueryClient, ref: JobRef): Promise<JobResource> {
  return restCall<JobResource>(client, jobRequest(ref, ''));
}

/** A request about one job: `/jobs/{jobId}{suffix}?location=...` in the job's project. */
function jobRequest(ref: JobRef, suffix: string, method: 'GET' | 'POST' = 'GET'): RestRequest {
  return {
    method,
    uri: `/jobs/${encodeURIComponent(ref.jobId)}${suffix}`,
    ...(ref.location ? { qs: { location: ref.location } } : {}),
    ...(ref.projectId ? { projectId: ref.projectId } : {}),
  };
}

/** `jobs.cancel`, best effort: errors are ignored (the job may have finished meanwhile). */
export function cancelJob(client: BigQueryClient, ref: JobRef): void {
  restCall(client, jobRequest(ref, '/cancel', 'POST')).catch(() => undefined);
}

/** A job reference as the REST answers give it, or `undefined` when it names no job. */
export function jobRefOf(
  reference: { jobId?: string; location?: string; projectId?: string } | undefined,
): JobRef | undefined {
  if (reference?.jobId === undefined || reference.jobId === '') return undefined;
  return {
    jobId: reference.jobId,
    ...(reference.location ? { location: reference.location } : {}),
    ...(reference.projectId ? { projectId: reference.projectId } : {}),
  };
}

interface SchemaMerging {
  mergeSchemaWithRows_(
    schema: unknown,
    rows: unknown[],
    options: { wrapIntegers: boolean; parseJSON: boolean; listParams: Record<string, unknown> },
  ): unknown[];
}

/**
 * Rows of a jobs.query / getQueryResults answer, decoded by the client's own decoder (INT64 as number
 * or `BigQueryInt`, TIMESTAMP as `BigQueryTimestamp`, ...), exactly as `bigquery.query()` returns them.
 * Timestamps arrive as int64 microseconds: every request asks `formatOptions.useInt64Timestamp`.
 */
export function decodeRows(
  client: BigQueryClient,
  response: QueryResponse,
  wrapIntegers: boolean,
): unknown[] {
  if (!response.schema || !Array.isArray(response.rows) || response.rows.length === 0) return [];
  const decoder = client.constructor as unknown as Partial<SchemaMerging>;
  if (typeof decoder.mergeSchemaWithRows_ !== 'function') {
    throw new TypeError(
      'BigQueryExecutor needs a @google-cloud/bigquery client to decode rows: the given client has no mergeSchemaWithRows_',
    );
  }
  if (!wrapIntegers) {
    const unsafe = firstUnsafeInteger(response.schema.fields, response.rows);
    if (unsafe !== undefined) throw unsafeIntegerError(unsafe);
  }
  const fields = response.schema.fields;
  const renamed = holdsProto(fields) ? withoutProto(fields) : undefined;
  const rows = decoder.mergeSchemaWithRows_(
    renamed ? { ...response.schema, fields: renamed } : response.schema,
    response.rows,
    { wrapIntegers, parseJSON: false, listParams: { 'formatOptions.useInt64Timestamp': true } },
  );
  return renamed ? rows.map((row) => restoreProto(row, renamed)) : rows;
}

/**
 * BigQuery allows a column (or struct field) named `__proto__`; the client's decoder builds a row by
 * assignment, which sets a prototype instead of a property, so the column vanished (and a key
 * `undefined` appeared). Such a field is decoded under a name no BigQuery field can have (it holds
 * a NUL), then given back its name as an own property.
 */
const PROTO = '__proto__';
const PROTO_STANDIN = '\u0000__proto__';

interface DecodedField {
  name?: unknown;
  mode?: unknown;
  fields?: unknown;
}

function holdsProto(fields: unknown): boolean {
  return (
    Array.isArray(fields) &&
    (fields as DecodedField[]).some((f) => f?.name === PROTO || holdsProto(f?.fields))
  );
}

function withoutProto(fields: unknown): DecodedField[] {
  return (fields as DecodedField[]).map((f) => ({
    ...f,
    ...(f.name === PROTO ? { name: PROTO_STANDIN } : {}),
    ...(Array.isArray(f.fields) ? { fields: withoutProto(f.fields) } : {}),
  }));
}

function restoreProto(value: unknown, fields: readonly DecodedField[]): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const byName = new Map(fields.map((f) => [f.name, f]));
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => {
      const field = byName.get(key);
      const nested = Array.isArray(field?.fields) ? (field.fields as DecodedField[]) : undefined;
      const restored =
        nested === undefined
          ? v
          : Array.isArray(v) && field?.mode === 'REPEATED'
            ? v.map((item) => restoreProto(item, nested))
            : restoreProto(v, nested);
      return [key === PROTO_STANDIN ? PROTO : key, restored];
    }),
  );
}

/** A number from BigQuery's int64-as-string fields. */
export function int64(value: string | number | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : undefined;
}
