/**
 * The BigQuery v2 REST endpoints of the stand-in.
 */
import { randomUUID } from 'node:crypto';
import { messageOf } from '../../shared/message-of.js';
import type { Engine, QueryRequest } from './engine.js';
import type { BigQueryFaultRule } from './faults.js';
import { StandInHttpError } from './http-errors.js';
import { inferJobLocation, locationMismatch } from './job-location.js';
import { type JobRecord, type JobStore, pageOf, pageWindow, queryStatistics } from './jobs.js';
import type { WireCodec } from './values.js';

/** insertAll's request size limit: 10 MB (BigQuery answers 400 badRequest above it). */
const INSERT_ALL_MAX_REQUEST_BYTES = 10 * 1024 * 1024;
/** insertAll's row count limit per request (BigQuery answers 400 invalid above it). */
const INSERT_ALL_MAX_ROWS = 50_000;

/**
 * A parsed request handed to a route.
 *
 * @internal
 */
export interface RouteContext {
  method: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  /** The size of the request body in bytes, as received. */
  bodyBytes: number;
  /** The fault rule acting on this request, for the actions handlers apply themselves. */
  fault?: BigQueryFaultRule;
}

/**
 * A route's answer.
 *
 * @internal
 */
export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * What a request is, for fault matching.
 *
 * @internal
 */
export type RouteKind = 'jobCreate' | 'insertAll' | 'other';

/** One route. */
export interface Route {
  name: string;
  method: string;
  pattern: RegExp;
  keys: string[];
  kind: RouteKind;
  handler: (ctx: RouteContext) => Promise<RouteResult>;
}

function route(
  method: string,
  path: string,
  name: string,
  kind: RouteKind,
  handler: Route['handler'],
): Route {
  const keys: string[] = [];
  const source = path.replace(/:(\w+)/g, (_m, k: string) => {
    keys.push(k);
    return '([^/]+)';
  });
  return { name, method, pattern: new RegExp(`^${source}$`), keys, kind, handler };
}

/** JobReference.jobId: "only letters (a-z, A-Z), numbers (0-9), underscores (_), or dashes (-)", at most 1,024. */
const JOB_ID = /^[A-Za-z0-9_-]{1,1024}$/;

/** Refuses a job id BigQuery refuses (400 `invalid`, BigQuery's wording), before anything is created. */
function checkJobId(jobId: string): void {
  if (!JOB_ID.test(jobId)) {
    throw new StandInHttpError(
      400,
      'invalid',
      `Invalid job ID "${jobId}". Job IDs must be alphanumeric (plus underscores and dashes) and must be at most 1024 characters long.`,
    );
  }
}

/**
 * A query job's configuration as BigQuery records it: `QueryParameterValue.value` is a string in the
 * API's schema, so a parameter sent as `42` or `true` reads back from jobs.get as `"42"`, `"true"`,
 * and a null value or an empty array is left out.
 */
/** Fields of a jobs.query request that say how to answer it, not what the job is. */
const REQUEST_ONLY = new Set([
  'kind',
  'maxResults',
  'timeoutMs',
  'location',
  'formatOptions',
  'requestId',
  'jobCreationMode',
]);
/** Fields of a jobs.query request that BigQuery records on the job's configuration, not its query. */
const JOB_LEVEL = new Set(['jobTimeoutMs', 'labels', 'dryRun']);

/**
 * The configuration of the job a jobs.query request makes, as BigQuery records it: `jobTimeoutMs`,
 * `labels` and `dryRun` on the configuration, the query's own fields in `configuration.query`, and
 * the request's answering options (`requestId`, `timeoutMs`, `maxResults`, ...) nowhere.
 */
function jobConfigurationOf(request: Record<string, unknown>): Record<string, unknown> {
  const configuration: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) {
    if (JOB_LEVEL.has(key)) configuration[key] = value;
    else if (!REQUEST_ONLY.has(key)) query[key] = value;
  }
  return { ...configuration, query };
}

function recordedQuery(configuration: Record<string, unknown>): Record<string, unknown> {
  const query = obj(configuration.query);
  if (!Array.isArray(query.queryParameters)) return configuration;
  const value = (v: unknown): unknown => {
    const o = obj(v);
    const out: Record<string, unknown> = {};
    if (o.value !== null && o.value !== undefined) out.value = String(o.value);
    // An empty repeated field is left out of the JSON BigQuery answers with.
    if (Array.isArray(o.arrayValues) && o.arrayValues.length > 0) out.arrayValues = o.arrayValues.map(value);
    if (o.structValues !== null && typeof o.structValues === 'object') {
      out.structValues = Object.fromEntries(
        Object.entries(o.structValues as Record<string, unknown>).map(([k, v2]) => [k, value(v2)]),
      );
    }
    return out;
  };
  const queryParameters = query.queryParameters.map((p: unknown) => {
    const parameter = obj(p);
    return { ...parameter, parameterValue: value(parameter.parameterValue) };
  });
  return { ...configuration, query: { ...query, queryParameters } };
}

function obj(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

function bool(v: unknown): boolean {
  return v === true || v === 'true';
}

/**
 * The fields of a jobs.query request that may change its result (QueryRequest.requestId: "all
 * parameters in the request that may affect the result are considered"; `timeoutMs`, `maxResults` and
 * the like are not).
 */
function requestFingerprint(q: Record<string, unknown>): string {
  return JSON.stringify([
    q.query,
    q.queryParameters,
    q.parameterMode,
    q.useLegacySql,
    q.defaultDataset,
    q.connectionProperties,
    q.maximumBytesBilled,
    q.location,
  ]);
}

/**
 * Dependencies of the routes.
 *
 * @internal
 */
export interface RouteDeps {
  engine: Engine;
  jobs: JobStore;
  codec: WireCodec;
  location: string;
  endpoint: () => string;
  /** The most rows of a tabledata.list page (default 100,000). */
  maxPageRows?: number;
}

/**
 * All routes, matched against the URL path.
 *
 * @internal
 */
export function createRoutes(deps: RouteDeps): Route[] {
  const { engine, jobs, codec } = deps;
  const api = '/bigquery/v2/projects/:project';
  const uploads = new Map<string, { projectId: string; metadata: Record<string, unknown> }>();

  /** Applies a job fault; true when the fault decides the job's outcome (it fails, now or later). */
  const jobFault = (job: JobRecord, fault: BigQueryFaultRule | undefined): boolean => {
    if (fault && 'pendingPolls' in fault) job.pendingPolls = fault.pendingPolls;
    if (fault && 'jobError' in fault) {
      const { reason, message, status, afterPolls } = fault.jobError;
      const fail = () =>
        jobs.fail(job, { reason, message: message ?? `Injected job failure: ${reason}` }, status);
      if (afterPolls !== undefined && afterPolls > 0) {
        // Created and running first; the status read after `afterPolls` finds it failed.
        job.pendingPolls = afterPolls;
        job.work = async () => fail();
      } else {
        fail();
      }
      return true;
    }
    return false;
  };

  const queryRequest = (projectId: string, q: Record<string, unknown>, dryRun: boolean): QueryRequest => {
    if (q.useLegacySql === true) {
      throw new StandInHttpError(
        400,
        'invalidQuery',
        'Unsupported by the BigQuery stand-in: legacy SQL (useLegacySql: true)',
      );
    }
    if (typeof q.query !== 'string' || q.query.trim() === '') {
      throw new StandInHttpError(400, 'invalid', 'Required parameter is missing: query');
    }
    const dd = obj(q.defaultDataset);
    return {
      query: q.query,
      projectId,
      ...(Array.isArray(q.queryParameters) ? { queryParameters: q.queryParameters } : {}),
      ...(typeof q.parameterMode === 'string' ? { parameterMode: q.parameterMode } : {}),
      ...(typeof dd.datasetId === 'string'
        ? {
            defaultDataset: {
              datasetId: dd.datasetId,
              ...(typeof dd.projectId === 'string' ? { projectId: dd.projectId } : {}),
            },
          }
        : {}),
      dryRun,
      ...(q.maximumBytesBilled !== undefined && q.maximumBytesBilled !== null
        ? { maximumBytesBilled: q.maximumBytesBilled as string }
        : {}),
    };
  };

  /** The job's location: the request's, else where the data it touches lives (`inferJobLocation`). */
  const locate = (
    requested: unknown,
    projectId: string,
    touches: Parameters<typeof inferJobLocation>[2],
  ): string =>
    typeof requested === 'string' && requested !== ''
      ? requested
      : inferJobLocation(engine, projectId, touches);

  const newJob = (
    projectId: string,
    jobId: string,
    location: string,
    type: 'QUERY' | 'LOAD',
    configuration: Record<string, unknown>,
  ): JobRecord => {
    const now = Date.now();
    return {
      projectId,
      jobId,
      location,
      jobType: type,
      configuration: type === 'QUERY' ? recordedQuery(configuration) : configuration,
      state: 'RUNNING',
      pendingPolls: 0,
      creationTime: now,
      startTime: now,
    };
  };

  const startLoad = async (
    projectId: string,
    metadata: Record<string, unknown>,
    data: string,
    fault: BigQueryFaultRule | undefined,
  ): Promise<RouteResult> => {
    const configuration = obj(metadata.configuration);
    const load = obj(configuration.load);
    const ref = obj(metadata.jobReference);
    const jobId = typeof ref.jobId === 'string' && ref.jobId !== '' ? ref.jobId : jobs.newJobId();
    checkJobId(jobId);
    const touches = { destination: obj(load.destinationTable) };
    const job = newJob(projectId, jobId, locate(ref.location, projectId, touches), 'LOAD', configuration);
    jobs.add(job);
    const misplaced = locationMismatch(engine, projectId, job.location, touches);
    if (misplaced) {
      jobs.fail(job, misplaced);
    } else if (!jobFault(job, fault)) {
      job.work = async () => {
        try {
          job.load = await engine.load(load, projectId, data);
          job.state = 'DONE';
          job.endTime = Date.now();
        } catch (err) {
          jobs.fail(
            job,
            err instanceof StandInHttpError ? err : new StandInHttpError(400, 'invalid', messageOf(err)),
          );
        }
      };
      await jobs.advance(job);
    }
    return { status: 200, body: jobs.resource(job) };
  };

  const datasetResource = (projectId: string, datasetId: string) => {
    const ds = engine.getDataset(projectId, datasetId);
    return {
      ...ds.resource,
      kind: 'bigquery#dataset',
      etag: `"${ds.lastModifiedTime.toString(36)}"`,
      id: `${projectId}:${datasetId}`,
      datasetReference: { projectId, datasetId },
      location: ds.location,
      creationTime: String(ds.creationTime),
      lastModifiedTime: String(ds.lastModifiedTime),
    };
  };

  return [
    route('POST', `${api}/queries`, 'jobs.query', 'jobCreate', async ({ params, body, fault }) => {
      const q = obj(body);
      const projectId = params.project!;
      const format = obj(q.formatOptions);
      const useInt64 = format.useInt64Timestamp === true;
      const optional = q.jobCreationMode === 'JOB_CREATION_OPTIONAL';
      const dryRun = bool(q.dryRun);
      // Dry runs are never duplicates; any other repeat of a requestId with the same result-affecting
      // fields, within the window, gets the first request's answer instead of running again.
      const requestId =
        typeof q.requestId === 'string' && q.requestId !== '' && !dryRun ? q.requestId : undefined;
      const fingerprint = requestFingerprint(q);
      const seen = requestId === undefined ? undefined : jobs.recall(projectId, requestId, fingerprint);
      if (seen?.answer !== undefined) return { status: 200, body: seen.answer };
      if (seen?.jobId !== undefined) {
        const job = jobs.get(projectId, seen.jobId, jobs.jobs.get(jobs.key(projectId, seen.jobId))?.location);
        const answer = jobs.results(job, await jobs.advance(job), q, useInt64, 'bigquery#queryResponse');
        return { status: 200, body: { ...answer, jobCreationReason: { code: seen.jobCreationReason } } };
      }
      const req = queryRequest(projectId, q, dryRun);
      const touches = {
        sql: req.query,
        ...(req.defaultDataset ? { defaultDataset: req.defaultDataset } : {}),
      };
      const location = locate(q.location, projectId, touches);
      const misplaced = locationMismatch(engine, projectId, location, touches);
      req.location = location;
      if (req.dryRun) {
        if (misplaced) throw misplaced;
        const o = await engine.query(req);
        return {
          status: 200,
          body: {
            kind: 'bigquery#queryResponse',
            jobReference: { projectId, location },
            jobComplete: true,
            totalBytesProcessed: String(o.totalBytesProcessed),
            cacheHit: false,
            ...(o.schema ? { schema: { fields: o.schema } } : {}),
          },
        };
      }
      const job = newJob(projectId, jobs.newJobId(), location, 'QUERY', jobConfigurationOf(q));
      job.sql = req.query;
      // JOB_CREATION_REQUIRED (the default) always creates a job; OPTIONAL only when the answer
      // cannot be given at once (still running, or more than one page).
      if (!optional) jobs.add(job);
      if (misplaced) jobs.fail(job, misplaced);
      else if (!jobFault(job, fault)) job.work = jobs.queryWork(job, req);
      const complete = await jobs.advance(job);
      const answer = jobs.results(job, complete, q, useInt64, 'bigquery#queryResponse');
      if (optional && complete && answer.pageToken === undefined) {
        const { jobReference: _none, ...rest } = answer;
        const jobless = {
          ...rest,
          queryId: `query_${randomUUID().replace(/-/g, '')}`,
          location: job.location,
        };
        if (requestId !== undefined) {
          jobs.remember(projectId, requestId, { fingerprint, at: Date.now(), answer: jobless });
        }
        return { status: 200, body: jobless };
      }
      if (optional) jobs.add(job);
      const reason = !optional ? 'REQUESTED' : complete ? 'LARGE_RESULTS' : 'LONG_RUNNING';
      if (requestId !== undefined) {
        jobs.remember(projectId, requestId, {
          fingerprint,
          at: Date.now(),
          jobId: job.jobId,
          jobCreationReason: reason,
        });
      }
      return { status: 200, body: { ...answer, jobCreationReason: { code: reason } } };
    }),
    route('GET', `${api}/queries/:job`, 'jobs.getQueryResults', 'other', async ({ params, query }) => {
      const job = jobs.get(params.project!, params.job!, query.location);
      const useInt64 = query['formatOptions.useInt64Timestamp'] === 'true';
      const complete = await jobs.advance(job);
      return {
        status: 200,
        body: jobs.results(job, complete, query, useInt64, 'bigquery#getQueryResultsResponse'),
      };
    }),
    route('POST', `${api}/jobs`, 'jobs.insert', 'jobCreate', async ({ params, body, fault }) => {
      const b = obj(body);
      const projectId = params.project!;
      const configuration = obj(b.configuration);
      const ref = obj(b.jobReference);
      if (typeof ref.jobId === 'string' && ref.jobId !== '') checkJobId(ref.jobId);
      if (configuration.load) {
        throw new StandInHttpError(
          400,
          'invalid',
          'Unsupported by the BigQuery stand-in: load jobs from Cloud Storage URIs (upload the data instead)',
        );
      }
      if (!configuration.query) {
        const kind = Object.keys(configuration).find(
          (k) => k !== 'dryRun' && k !== 'labels' && k !== 'jobTimeoutMs',
        );
        throw new StandInHttpError(
          400,
          'invalid',
          `Unsupported by the BigQuery stand-in: ${kind ?? 'empty'} jobs`,
        );
      }
      const q = obj(configuration.query);
      for (const misplaced of ['jobTimeoutMs', 'labels', 'dryRun']) {
        // Fields of the job's configuration, not of its query: BigQuery refuses them there, as it
        // refuses any field it does not know.
        if (Object.hasOwn(q, misplaced)) {
          throw new StandInHttpError(
            400,
            'invalid',
            `Invalid JSON payload received. Unknown name "${misplaced}" at 'job.configuration.query': Cannot find field.`,
          );
        }
      }
      if (q.destinationTable) {
        throw new StandInHttpError(
          400,
          'invalid',
          'Unsupported by the BigQuery stand-in: query destinationTable',
        );
      }
      const dryRun = bool(configuration.dryRun);
      const req = queryRequest(projectId, q, dryRun);
      const touches = {
        sql: req.query,
        ...(req.defaultDataset ? { defaultDataset: req.defaultDataset } : {}),
      };
      const location = locate(ref.location, projectId, touches);
      const misplaced = locationMismatch(engine, projectId, location, touches);
      req.location = location;
      if (dryRun) {
        if (misplaced) throw misplaced;
        const o = await engine.query(req);
        const now = String(Date.now());
        return {
          status: 200,
          body: {
            kind: 'bigquery#job',
            jobReference: { projectId, location },
            configuration: { ...configuration, jobType: 'QUERY' },
            status: { state: 'DONE' },
            statistics: {
              creationTime: now,
              totalBytesProcessed: String(o.totalBytesProcessed),
              query: queryStatistics(o),
            },
          },
        };
      }
      const jobId = typeof ref.jobId === 'string' && ref.jobId !== '' ? ref.jobId : jobs.newJobId();
      const job = newJob(projectId, jobId, location, 'QUERY', configuration);
      job.sql = req.query;
      jobs.add(job);
      if (misplaced) {
        jobs.fail(job, misplaced);
      } else if (!jobFault(job, fault)) {
        job.work = jobs.queryWork(job, req);
        await jobs.advance(job);
      }
      return { status: 200, body: jobs.resource(job) };
    }),
    route('GET', `${api}/jobs`, 'jobs.list', 'other', async ({ params }) => ({
      status: 200,
      body: {
        kind: 'bigquery#jobList',
        jobs: [...jobs.jobs.values()]
          .filter((j) => j.projectId === params.project)
          .map((j) => jobs.resource(j)),
      },
    })),
    route('GET', `${api}/jobs/:job`, 'jobs.get', 'other', async ({ params, query }) => {
      const job = jobs.get(params.project!, params.job!, query.location);
      await jobs.advance(job);
      return { status: 200, body: jobs.resource(job) };
    }),
    route('POST', `${api}/jobs/:job/cancel`, 'jobs.cancel', 'other', async ({ params, query }) => {
      const job = jobs.get(params.project!, params.job!, query.location);
      jobs.cancel(job);
      return { status: 200, body: { kind: 'bigquery#jobCancelResponse', job: jobs.resource(job) } };
    }),
    route('DELETE', `${api}/jobs/:job/delete`, 'jobs.delete', 'other', async ({ params, query }) => {
      const job = jobs.get(params.project!, params.job!, query.location);
      jobs.jobs.delete(jobs.key(job.projectId, job.jobId));
      return { status: 204 };
    }),
    route('POST', `${api}/datasets`, 'datasets.insert', 'other', async ({ params, body }) => {
      const b = obj(body);
      const ref = obj(b.datasetReference);
      const datasetId = typeof ref.datasetId === 'string' ? ref.datasetId : '';
      if (!datasetId)
        throw new StandInHttpError(
          400,
          'invalid',
          'Required parameter is missing: datasetReference.datasetId',
        );
      const { datasetReference: _r, ...rest } = b;
      await engine.createDataset(params.project!, datasetId, rest);
      return { status: 200, body: datasetResource(params.project!, datasetId) };
    }),
    route('GET', `${api}/datasets`, 'datasets.list', 'other', async ({ params }) => ({
      status: 200,
      body: {
        kind: 'bigquery#datasetList',
        datasets: [...engine.datasets.values()]
          .filter((d) => d.projectId === params.project)
          .map((d) => ({
            kind: 'bigquery#dataset',
            id: `${d.projectId}:${d.datasetId}`,
            datasetReference: { projectId: d.projectId, datasetId: d.datasetId },
            location: d.location,
          })),
      },
    })),
    route('GET', `${api}/datasets/:dataset`, 'datasets.get', 'other', async ({ params }) => ({
      status: 200,
      body: datasetResource(params.project!, params.dataset!),
    })),
    route('DELETE', `${api}/datasets/:dataset`, 'datasets.delete', 'other', async ({ params, query }) => {
      await engine.deleteDataset(params.project!, params.dataset!, query.deleteContents === 'true');
      return { status: 204 };
    }),
    ...['PATCH', 'PUT'].map((method) =>
      route(
        method,
        `${api}/datasets/:dataset`,
        `datasets.${method === 'PUT' ? 'update' : 'patch'}`,
        'other',
        async ({ params, body }) => {
          engine.patchDataset(params.project!, params.dataset!, obj(body));
          return { status: 200, body: datasetResource(params.project!, params.dataset!) };
        },
      ),
    ),
    ...['PATCH', 'PUT'].map((method) =>
      route(
        method,
        `${api}/datasets/:dataset/tables/:table`,
        `tables.${method === 'PUT' ? 'update' : 'patch'}`,
        'other',
        async ({ params, body }) => {
          await engine.patchTable(params.project!, params.dataset!, params.table!, obj(body));
          return {
            status: 200,
            body: await engine.tableResource(params.project!, params.dataset!, params.table!),
          };
        },
      ),
    ),
    route('POST', `${api}/datasets/:dataset/tables`, 'tables.insert', 'other', async ({ params, body }) => {
      const b = obj(body);
      const ref = obj(b.tableReference);
      const tableId = typeof ref.tableId === 'string' ? ref.tableId : '';
      if (!tableId)
        throw new StandInHttpError(400, 'invalid', 'Required parameter is missing: tableReference.tableId');
      const { tableReference: _r, ...rest } = b;
      await engine.createTable(params.project!, params.dataset!, tableId, rest);
      return { status: 200, body: await engine.tableResource(params.project!, params.dataset!, tableId) };
    }),
    route('GET', `${api}/datasets/:dataset/tables`, 'tables.list', 'other', async ({ params }) => {
      engine.getDataset(params.project!, params.dataset!);
      const prefix = `${params.project}:${params.dataset}.`;
      const tables = [...engine.tables.entries()]
        .filter(([k]) => k.startsWith(prefix))
        .map(([, t]) => ({
          kind: 'bigquery#table',
          id: `${t.projectId}:${t.datasetId}.${t.tableId}`,
          tableReference: { projectId: t.projectId, datasetId: t.datasetId, tableId: t.tableId },
          type: typeof t.resource.type === 'string' ? t.resource.type : 'TABLE',
          creationTime: String(t.creationTime),
        }));
      return { status: 200, body: { kind: 'bigquery#tableList', tables, totalItems: tables.length } };
    }),
    route('GET', `${api}/datasets/:dataset/tables/:table`, 'tables.get', 'other', async ({ params }) => ({
      status: 200,
      body: await engine.tableResource(params.project!, params.dataset!, params.table!),
    })),
    route(
      'DELETE',
      `${api}/datasets/:dataset/tables/:table`,
      'tables.delete',
      'other',
      async ({ params }) => {
        await engine.deleteTable(params.project!, params.dataset!, params.table!);
        return { status: 204 };
      },
    ),
    route(
      'POST',
      `${api}/datasets/:dataset/tables/:table/insertAll`,
      'tabledata.insertAll',
      'insertAll',
      async ({ params, body, bodyBytes, fault }) => {
        // BigQuery's documented insertAll limits, refused the way it refuses them: the request as a
        // whole, with a 400, nothing applied.
        if (bodyBytes > INSERT_ALL_MAX_REQUEST_BYTES) {
          throw new StandInHttpError(
            400,
            'badRequest',
            `Request payload size exceeds the limit: ${INSERT_ALL_MAX_REQUEST_BYTES} bytes.`,
          );
        }
        const b = obj(body);
        // BigQuery writes such rows to a table it creates from this one (`<table><suffix>`): writing
        // them to the template instead would pass a test that fails in production.
        if (typeof b.templateSuffix === 'string' && b.templateSuffix !== '') {
          throw new StandInHttpError(
            400,
            'invalid',
            'Unsupported by the BigQuery stand-in: templateSuffix (tables created from a template table)',
          );
        }
        const rows = Array.isArray(b.rows) ? (b.rows as Array<{ json?: unknown; insertId?: string }>) : [];
        if (rows.length === 0) throw new StandInHttpError(400, 'invalid', 'No rows present in the request.');
        if (rows.length > INSERT_ALL_MAX_ROWS) {
          throw new StandInHttpError(
            400,
            'invalid',
            `too many rows present in the request, limit: ${INSERT_ALL_MAX_ROWS} row count: ${rows.length}.`,
          );
        }
        engine.getTable(params.project!, params.dataset!, params.table!);
        if (fault && 'insertErrors' in fault) {
          const invalid = new Set(fault.insertErrors.invalid);
          const message = fault.insertErrors.message ?? 'Injected invalid row';
          return {
            status: 200,
            body: {
              kind: 'bigquery#tableDataInsertAllResponse',
              insertErrors: rows.map((_r, index) => ({
                index,
                errors: [
                  invalid.has(index)
                    ? { reason: 'invalid', location: '', debugInfo: '', message }
                    : { reason: 'stopped', location: '', debugInfo: '', message: '' },
                ],
              })),
            },
          };
        }
        const insertErrors = await engine.insertAll(params.project!, params.dataset!, params.table!, rows, {
          skipInvalidRows: bool(b.skipInvalidRows),
          ignoreUnknownValues: bool(b.ignoreUnknownValues),
        });
        return {
          status: 200,
          body: {
            kind: 'bigquery#tableDataInsertAllResponse',
            ...(insertErrors.length
              ? {
                  insertErrors: insertErrors.map((e) => ({
                    index: e.index,
                    errors: e.errors.map((x) => ({ ...x, debugInfo: '' })),
                  })),
                }
              : {}),
          },
        };
      },
    ),
    route(
      'GET',
      `${api}/datasets/:dataset/tables/:table/data`,
      'tabledata.list',
      'other',
      async ({ params, query }) => {
        const window = pageWindow(query, deps.maxPageRows);
        const useInt64 = query['formatOptions.useInt64Timestamp'] === 'true';
        const selectedFields = query.selectedFields ? query.selectedFields.split(',') : undefined;
        const result = await engine.listRows(params.project!, params.dataset!, params.table!, {
          startIndex: window.start,
          maxResults: window.size,
          ...(selectedFields ? { selectedFields } : {}),
        });
        const page = pageOf(codec, result.rows, window, useInt64, result.totalRows, 0);
        return {
          status: 200,
          body: {
            kind: 'bigquery#tableDataList',
            etag: `"${result.totalRows}"`,
            totalRows: String(result.totalRows),
            rows: page.rows,
            ...(page.pageToken ? { pageToken: page.pageToken } : {}),
          },
        };
      },
    ),
    route(
      'POST',
      '/upload/bigquery/v2/projects/:project/jobs',
      'jobs.insert (upload)',
      'jobCreate',
      async ({ params, query, body, fault }) => {
        const projectId = params.project!;
        if (query.uploadType === 'resumable') {
          const metadata = obj(body);
          const uploadId = randomUUID();
          uploads.set(uploadId, { projectId, metadata });
          return {
            status: 200,
            headers: {
              location: `${deps.endpoint()}/upload/bigquery/v2/projects/${projectId}/jobs?uploadType=resumable&upload_id=${uploadId}`,
            },
            body: {},
          };
        }
        const b = obj(body);
        return startLoad(projectId, obj(b.metadata), typeof b.data === 'string' ? b.data : '', fault);
      },
    ),
    route(
      'PUT',
      '/upload/bigquery/v2/projects/:project/jobs',
      'jobs.insert (resumable upload)',
      'jobCreate',
      async ({ query, body, fault }) => {
        const upload = uploads.get(query.upload_id ?? '');
        if (!upload) throw new StandInHttpError(404, 'notFound', 'Not found: upload session');
        uploads.delete(query.upload_id!);
        return startLoad(upload.projectId, upload.metadata, typeof body === 'string' ? body : '', fault);
      },
    ),
  ];
}
