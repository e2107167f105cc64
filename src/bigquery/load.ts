import { formatTableName, parseTableName } from '../config/table-name.js';
import { jobFailed } from '../errors/bigquery-wire.js';
import { refusedUnauthenticated } from '../errors/credentials.js';
import { PartialInsertError, type PipelineError, toPipelineError } from '../errors/index.js';
import { nodeCrypto } from '../shared/node-crypto.js';
import { concurrencyOf, sendBatches } from './batch-pool.js';
import { Batcher } from './batching.js';
import type { BigQueryClient, BigQueryTableHandle, BigQueryUploadStream } from './client-types.js';
import { type CallScope, checkJobId, MAX_CHOSEN_JOB_ID_LENGTH, newJobId, pollDelayMs } from './context.js';
import { encodeRow, encodeRowAt, type JsonValue } from './encode-row.js';
import { canonicalJson } from './insert-id.js';
import { collectUnsafeIntegers, type UnsafeIntegers } from './int64.js';
import { refuseUnsafeInt64 } from './int64-columns.js';
import { datasetLocation } from './job-location.js';
import { JOB_OUTCOME_UNKNOWN, type JobPlan, type RunningJob, runJob } from './job-runner.js';
import { int64, type JobResource, jobRefOf } from './rest.js';
import { RowLedger } from './row-ledger.js';
import { operationName } from './telemetry.js';
import type { LoadResult, LoadRowsOptions } from './types.js';

/** The client's `Job` as the upload stream hands it over. */
interface UploadedJob {
  id?: string;
  location?: string;
  metadata?: JobResource;
}

/**
 * NDJSON bytes per load job by default. One job's body is held in memory while its upload may be
 * re-sent, so with `concurrency` jobs in flight this bounds the memory a load needs; a larger input is
 * split into several jobs (BigQuery allows 1,500 load jobs per table per day: 64 MiB per job is
 * 96 GB a day before that limit).
 */
export const DEFAULT_JOB_BYTES = 64 * 1024 * 1024;

/**
 * One multipart upload of NDJSON to the jobs upload endpoint (what `table.createWriteStream` does),
 * resolving with the created job as soon as the upload is answered. The public `createWriteStream`
 * would also subscribe to the job's `complete` event, which starts the client's own background
 * polling (jobs.get every 500 ms); `createWriteStream_` does not, so every request is ours. An
 * abandoned upload (timeout, abort) destroys its stream.
 */
function upload(
  table: BigQueryTableHandle,
  body: string,
  metadata: Record<string, unknown>,
  signal: AbortSignal,
): Promise<UploadedJob> {
  return new Promise<UploadedJob>((resolve, reject) => {
    const sent: SentUpload = {};
    const stream: BigQueryUploadStream = withUploadHeaders(table, sent).createWriteStream_(metadata);
    signal.addEventListener('abort', () => stream.destroy(), { once: true });
    stream.once('job', (job: UploadedJob | null) => {
      if (job) resolve(job);
      else reject(new Error('BigQuery load upload was answered without a job reference'));
    });
    stream.once('error', (error) => {
      // Sent unauthenticated after the client found no credentials, and refused: the insert and the
      // query paths get the client's own "no credentials" error for this; the upload path does not.
      const refused = sent.unauthenticated === true && (error as { code?: unknown }).code === 401;
      reject(refused ? refusedUnauthenticated(error) : error);
    });
    stream.end(body);
  });
}

/** What `createWriteStream_` reads of its table to send the upload (`@google-cloud/bigquery` 7-8). */
interface UploadingTable {
  bigQuery?: {
    makeAuthenticatedRequest?: (reqOpts: { headers?: object }, config: Authenticating) => unknown;
  };
}

/** The callbacks `@google-cloud/common` calls once the upload's credentials are settled. */
interface Authenticating {
  onAuthenticated?: (error: unknown, reqOpts?: { headers?: Record<string, unknown> }) => unknown;
}

/** What became of the upload's credentials: sent without any (found none, or an endpoint that needs none). */
interface SentUpload {
  unauthenticated?: boolean;
}

/**
 * The table, as `createWriteStream_` sees it, with a header object on its upload request. Sent
 * without credentials (a custom endpoint such as an emulator's, or no Application Default Credentials,
 * after which the client tries unauthenticated), `@google-cloud/common` hands the multipart upload to
 * teeny-request with no `headers`; setting its `Content-Type` then throws in a promise nobody awaits:
 * an unhandled rejection that ends the process, or a load that never answers. With `headers: {}` the
 * upload is sent, and the service's answer (a 401 without credentials) is the call's error.
 */
function withUploadHeaders(table: BigQueryTableHandle, sent: SentUpload): BigQueryTableHandle {
  const client = (table as UploadingTable).bigQuery;
  const send = client?.makeAuthenticatedRequest;
  if (client === undefined || typeof send !== 'function') return table;
  const makeAuthenticatedRequest = (reqOpts: { headers?: object }, config: Authenticating): unknown => {
    const onAuthenticated = config?.onAuthenticated;
    const watched: Authenticating =
      typeof onAuthenticated !== 'function'
        ? config
        : {
            ...config,
            onAuthenticated: (error, authenticated) => {
              const headers = authenticated?.headers ?? {};
              sent.unauthenticated = !Object.keys(headers).some(
                (name) => name.toLowerCase() === 'authorization',
              );
              return onAuthenticated(error, authenticated);
            },
          };
    return send.call(client, { ...reqOpts, headers: { ...reqOpts.headers } }, watched);
  };
  // Everything else (the dataset, the endpoint, `job()` for the answer) is read through to the real ones.
  return Object.create(table, {
    bigQuery: {
      value: Object.create(client, { makeAuthenticatedRequest: { value: makeAuthenticatedRequest } }),
    },
  }) as BigQueryTableHandle;
}

/** Hex characters of a job's content fingerprint: 128 bits of SHA-256. */
const FINGERPRINT_CHARS = 32;

/**
 * The end of an id a call reported, passed back: a fingerprint (captured), and a re-run's `_r<n>` if
 * the job ran again.
 */
const FINGERPRINTED = new RegExp(`_([0-9a-f]{${FINGERPRINT_CHARS}})(?:_r\\d+)?$`);

/** BigQuery's limit on a job id, in characters. */
const MAX_JOB_ID_LENGTH = 1024;

/** Room kept after a load job id for a re-run's `_r<n>`. */
const RERUN_SUFFIX_ROOM = 8;

/**
 * One job's NDJSON, as sent, and the fingerprint of its rows: the first 128 bits, in hex, of the SHA-256 of their canonical
 * NDJSON (each row as encoded for sending, with the keys of every object sorted, arrays in their
 * order, one row a line). It ends every load job id, so two loads of different rows never share an
 * id, whatever their sizes: BigQuery does not record a load's content, and a job found under an id
 * that only matched by size used to stand in for rows it never loaded. Canonical, because BigQuery
 * reads a row's fields by name: the same rows built with their keys in another order are the same
 * load and must find its job, not load a second time. Values are hashed as sent (a `Date` as its ISO
 * text, bytes as base64, a `bigint` or a client value class as its string), so two rows fingerprint
 * alike only when BigQuery would read them alike.
 */
function encodePart(part: LoadPart, encoded: (i: number) => JsonValue): { body: string; print: string } {
  const hash = nodeCrypto().createHash('sha256');
  const lines: string[] = [];
  for (let i = part.start; i < part.end; i++) {
    const row = encoded(i);
    lines.push(JSON.stringify(row));
    // A line of JSON text never holds a raw newline, so the lines cannot run into each other.
    hash.update(`${canonicalJson(row)}\n`);
  }
  return { body: `${lines.join('\n')}\n`, print: hash.digest('hex').slice(0, FINGERPRINT_CHARS) };
}

/**
 * The fingerprint earlier versions gave the same rows: of their NDJSON exactly as sent, keys in the
 * caller's order. Only read to recognise an id such a version reported, passed back.
 */
function sentFingerprint(body: string): string {
  return nodeCrypto().createHash('sha256').update(body).digest('hex').slice(0, FINGERPRINT_CHARS);
}

/**
 * `base` followed by the fingerprint, unless it already ends with it (an id a call reported, passed
 * back), or with the fingerprint an earlier version gave these same rows (`legacy`, read only then).
 */
function withFingerprint(base: string, print: string, legacy: () => string): string {
  // Also an id a re-run reported (`<id>_<print>_r<n>`): passed back, it names that job, not a new one.
  const ending = FINGERPRINTED.exec(base)?.[1];
  if (ending === undefined) return `${base}_${print}`;
  return ending === print || ending === legacy() ? base : `${base}_${print}`;
}

/** Consecutive rows `start..end-1` loaded by one job. */
interface LoadPart {
  index: number;
  start: number;
  end: number;
}

/**
 * Batch load jobs from NDJSON with WRITE_APPEND (no streaming buffer, so UPDATE/DELETE work on the
 * rows at once), through the one job runner: a lost upload answer is retried
 * under the same job id (a 409 then means the job exists and is fetched, so rows are never loaded
 * twice); a job that finished with a transient error is re-run under a new job id. Each job is all or
 * nothing. An input over `jobBytes` of NDJSON is split into several jobs, up to `concurrency` at once;
 * a job refused for good is reported row by row while the others load.
 */
export async function loadRows(
  client: BigQueryClient,
  scope: CallScope,
  defaults: { location: string | undefined; jobIdPrefix: string },
  table: string,
  rows: readonly unknown[],
  options: LoadRowsOptions,
): Promise<LoadResult> {
  const ref = parseTableName(table);
  const tableName = formatTableName(ref);
  const where = `loadRows(${tableName})`;
  if (!Array.isArray(rows)) throw new TypeError(`${where} needs an array of rows`);
  const concurrency = concurrencyOf(options.concurrency, where);
  if (options.jobId !== undefined) checkJobId(`${where}: jobId`, options.jobId, MAX_CHOSEN_JOB_ID_LENGTH);
  if (options.jobBytes !== undefined && !(options.jobBytes > 0)) {
    throw new RangeError(`${where}: jobBytes must be a positive number of bytes, got ${options.jobBytes}`);
  }
  const batcher = new Batcher({
    maxRows: Number.MAX_SAFE_INTEGER,
    maxBytes: options.jobBytes ?? DEFAULT_JOB_BYTES,
  });
  if (rows.length === 0) return { jobId: null, jobIds: [], outputRows: 0 };

  const encoded = (i: number): JsonValue => encodeRowAt(rows, i, where);
  const line = (i: number): string => JSON.stringify(encoded(i));
  // Every row is checked, and the jobs' boundaries set, before the first request; each job's NDJSON
  // is made again only when it is next.
  const parts: LoadPart[] = [];
  const unsafe: UnsafeIntegers = new Map();
  for (let i = 0; i < rows.length; i++) {
    const json = encoded(i);
    collectUnsafeIntegers(json, i, unsafe);
    if (batcher.startsNewBatch(Buffer.byteLength(JSON.stringify(json)) + 1) || i === 0) {
      const last = parts.at(-1);
      if (last) last.end = i;
      parts.push({ index: parts.length, start: i, end: rows.length });
    }
  }

  if (options.jobId !== undefined) {
    const longest = `${options.jobId}${parts.length === 1 ? '' : `_p${parts.length - 1}`}`.length;
    const given = parts.length === 1 && FINGERPRINTED.test(options.jobId);
    if (!given && longest + 1 + FINGERPRINT_CHARS + RERUN_SUFFIX_ROOM > MAX_JOB_ID_LENGTH) {
      throw new TypeError(
        `${where}: jobId is ${options.jobId.length} characters; with '_p<k>' and the ${FINGERPRINT_CHARS + 1}-character content fingerprint a job id would pass BigQuery's ${MAX_JOB_ID_LENGTH}`,
      );
    }
  }
  await refuseUnsafeInt64(client, scope, 'loadRows', ref, where, unsafe);

  // The id that names the whole call: the caller's, or (a load split into several jobs) a fresh one,
  // so that each job's id is `<base>_p<k>_<fingerprint>` and passing the base back (from an error
  // whose outcome is unknown) names every job of the same rows again. A single job keeps a fresh id.
  const base = options.jobId ?? (parts.length > 1 ? newJobId(defaults.jobIdPrefix) : undefined);
  const location = options.location ?? defaults.location;
  const dataset = ref.projectId
    ? { projectId: ref.projectId, datasetId: ref.datasetId }
    : { datasetId: ref.datasetId };
  const target = client
    .dataset(ref.datasetId, ref.projectId ? { projectId: ref.projectId } : {})
    .table(ref.tableId, location ? { location } : {});
  const ledger = new RowLedger(
    'loaded',
    tableName,
    rows,
    undefined,
    base === undefined || parts.length === 1
      ? undefined
      : () => `resend with { jobId: '${base}' }, same rows and jobBytes`,
  );
  const jobIds: string[] = new Array(parts.length);
  /** Jobs the call gave up on while they may have loaded their rows. */
  const unknownOutcomes: PipelineError[] = [];
  let outputRows = 0;

  const loadPart = async (part: LoadPart): Promise<void> => {
    // Rows are read again now, after earlier jobs may have loaded (a getter that throws on a later
    // read): this job is not started, the call stops, and the report says which rows were loaded.
    let reading = part.start;
    let made: { body: string; print: string };
    try {
      made = encodePart(part, (i) => {
        reading = i;
        return encodeRow(rows[i]);
      });
    } catch (err) {
      ledger.unreadable(where, reading, err);
      ledger.notSent(part.start, reading);
      ledger.notSent(reading + 1, part.end);
      return;
    }
    const { body: sent, print } = made;
    let body: string | undefined = sent;
    // Every id of the job ends with its content's fingerprint: the caller's id (or a fresh one) names
    // these rows, and a call passing back an id it was given (which ends with it) names the same job.
    const chosenId =
      base === undefined
        ? undefined
        : withFingerprint(parts.length === 1 ? base : `${base}_p${part.index}`, print, () =>
            sentFingerprint(sent),
          );
    // An id that looked passed back skipped the check above; one for other rows still gets the
    // fingerprint appended, and must fit too (nothing of this part has been sent yet).
    if (chosenId !== undefined && chosenId.length + RERUN_SUFFIX_ROOM > MAX_JOB_ID_LENGTH) {
      throw new TypeError(
        `${where}: jobId is ${options.jobId?.length} characters and does not end with these rows' fingerprint; with it appended the job id would pass BigQuery's ${MAX_JOB_ID_LENGTH}`,
      );
    }
    let polls = 0;
    const plan: JobPlan<{ jobId: string; outputRows: number }> = {
      name: operationName('loadRows'),
      what: 'load',
      chosenId,
      stoppedLeaves: 'no row was loaded',
      freshId: () => `${newJobId(defaults.jobIdPrefix)}_${print}`,
      idNamesJob: true,
      location,
      locate: () => datasetLocation(client, dataset),
      foreign: (resource) => {
        // A base of our own (a fresh UUID, this call's) names no one else's job: as with a fresh
        // id, a 409 on it is this call's upload, not compared (BigQuery may record a detail
        // otherwise). A caller's id, passed back or not, is checked.
        if (options.jobId === undefined) return undefined;
        // Called after a 409 on this run's upload, so `body` holds the part's NDJSON.
        body ??= ndjson(part, line);
        return otherLoad(resource, {
          projectId: ref.projectId ?? knownProjectId(client),
          datasetId: ref.datasetId,
          tableId: ref.tableId,
          bytes: Buffer.byteLength(body),
        });
      },
      async start(attempt, jobId) {
        body ??= ndjson(part, line);
        const data = body;
        const metadata = {
          jobId,
          sourceFormat: 'NEWLINE_DELIMITED_JSON',
          writeDisposition: 'WRITE_APPEND',
          ignoreUnknownValues: options.ignoreUnknownValues ?? false,
        };
        const job = await scope.request(attempt, 'jobs.insert (upload)', (signal) =>
          upload(target, data, metadata, signal),
        );
        const running: RunningJob = {
          ref: jobRefOf(job.metadata?.jobReference) ?? {
            jobId: job.id ?? jobId,
            ...((job.location ?? location) ? { location: job.location ?? location } : {}),
          },
          resource: job.metadata,
          done: false,
        };
        return { job: running };
      },
      async finish(attempt, job, control) {
        while (job.resource?.status?.state !== 'DONE') {
          await scope.clock.sleep(pollDelayMs(polls++, 50, 2000), attempt.signal);
          await control.refresh(attempt);
        }
        const resource = job.resource;
        if (jobFailed(resource)) control.fail(resource);
        job.done = true;
        // No errorResult with the default maxBadRecords of 0 means every row was appended (loads are
        // all-or-nothing), so the row count stands in if BigQuery's statistics are missing.
        return {
          jobId: job.ref.jobId,
          outputRows: int64(resource.statistics?.load?.outputRows) ?? part.end - part.start,
        };
      },
      restart: () => {
        polls = 0;
      },
      unknownOutcome: {
        advice: (jobId) =>
          parts.length === 1
            ? `Read the job (jobs.get) before loading these rows again, or call loadRows again with { jobId: '${jobId}' }: a job of that id is read, not loaded twice`
            : `Rows ${part.start}..${part.end - 1}: pass { jobId: '${base}' } with the same rows and jobBytes to read each job that ran`,
      },
    };
    try {
      const loaded = await runJob(client, scope, plan);
      jobIds[part.index] = loaded.jobId;
      outputRows += loaded.outputRows;
      ledger.written(part.end - part.start);
    } catch (err) {
      if (scope.signal?.aborted && err === scope.signal.reason) throw err;
      const error = toPipelineError(err);
      if (error.code === JOB_OUTCOME_UNKNOWN) {
        // Of a load split into jobs: the id to pass back is the one every job's id starts with
        // (the job's own is in the message).
        if (parts.length > 1) Object.assign(error, { jobId: base });
        unknownOutcomes.push(error);
      }
      ledger.refusedWhole(part.start, range(part.start, part.end), error);
    } finally {
      body = undefined;
    }
  };

  let nextPart = 0;
  try {
    await sendBatches(
      concurrency,
      () => parts[nextPart++],
      loadPart,
      () => ledger.stopped,
    );
  } catch (err) {
    // An abort ends the call, but a job that may have loaded rows is never reported as a bare reason.
    throw unknownOutcomes[0] ?? err;
  }
  ledger.notSent(parts[nextPart]?.start ?? rows.length, rows.length);
  try {
    ledger.outcome(true, scope.logger, 'any');
  } catch (error) {
    if (!(error instanceof PartialInsertError) || parts.length === 1) throw error;
    // Some jobs of a split load may have loaded: the error names the load as its JOB_OUTCOME_UNKNOWN
    // does. Under our own random base a redelivery would load those jobs' rows again, so it is not
    // transient then; under the caller's jobId a redelivery re-makes the same job ids and reads them.
    throw Object.assign(error, {
      jobId: base,
      ...(error.inserted > 0 && options.jobId === undefined ? { transient: false } : {}),
    });
  }
  const ids = jobIds.filter((id): id is string => id !== undefined);
  return { jobId: ids[0] ?? null, jobIds: ids, outputRows };
}

/**
 * Why a job found under a caller's load job id is not this load: it is not a load, or it loads
 * another table, another format or disposition, or (once BigQuery reports it) another number of
 * bytes. BigQuery does not record the rows, so a load of the same size into the same table is taken
 * as ours. A job whose configuration says nothing is taken as ours.
 */
function otherLoad(
  resource: JobResource,
  expected: { projectId: string | undefined; datasetId: string; tableId: string; bytes: number },
): string | undefined {
  const configuration = resource.configuration;
  if (configuration === undefined) return undefined;
  const load = configuration.load;
  if (load === undefined) return `a ${configuration.jobType ?? 'non-load'} job`;
  const table = load.destinationTable;
  const named = (t: { projectId?: string; datasetId?: string; tableId?: string }) =>
    [t.projectId, t.datasetId, t.tableId].filter((part) => part !== undefined).join('.');
  if (
    table !== undefined &&
    (table.datasetId !== expected.datasetId ||
      table.tableId !== expected.tableId ||
      (table.projectId !== undefined &&
        expected.projectId !== undefined &&
        table.projectId !== expected.projectId))
  ) {
    return `it loads ${named(table)}`;
  }
  if (load.sourceFormat !== undefined && load.sourceFormat !== 'NEWLINE_DELIMITED_JSON') {
    return `it loads ${load.sourceFormat}`;
  }
  if (load.writeDisposition !== undefined && load.writeDisposition !== 'WRITE_APPEND') {
    return `it loads with ${load.writeDisposition}`;
  }
  const bytes = int64(resource.statistics?.load?.inputFileBytes);
  if (bytes !== undefined && bytes !== expected.bytes) {
    return `it loaded ${bytes} bytes of NDJSON, these rows are ${expected.bytes}`;
  }
  return undefined;
}

/**
 * The client's project, when it knows it: a client whose project comes from the environment says
 * `{{projectId}}` until something asks the credentials for it (its requests fill it in), and that
 * text must not be compared with the project a job names.
 */
function knownProjectId(client: BigQueryClient): string | undefined {
  const projectId = (client as { projectId?: string }).projectId;
  return projectId === undefined || projectId.includes('{{') ? undefined : projectId;
}

function ndjson(part: LoadPart, line: (i: number) => string): string {
  const lines: string[] = [];
  for (let i = part.start; i < part.end; i++) lines.push(line(i));
  return `${lines.join('\n')}\n`;
}

function* range(from: number, to: number): Generator<number> {
  for (let i = from; i < to; i++) yield i;
}
