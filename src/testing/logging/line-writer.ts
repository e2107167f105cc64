import type { Logging } from '@google-cloud/logging';
import { LOG_SEVERITY_LEVELS } from '../../monitoring/filter/index.js';
import { messageOf } from '../../shared/message-of.js';

/**
 * Options of {@link LoggingStandIn.lineWriter}: where the entries of the lines go.
 *
 * @example
 * ```ts
 * import { cloudLoggingLogger } from 'gcp-pipeline-resilience';
 * import { startLoggingStandIn, type LoggingLineWriterOptions } from 'gcp-pipeline-resilience/testing';
 * const logging = await startLoggingStandIn();
 * const asCloudRun: LoggingLineWriterOptions = { logId: 'run.googleapis.com%2Fstdout', serviceName: 'phase2' };
 * const sink = logging.lineWriter(asCloudRun);
 * const logger = cloudLoggingLogger({ write: sink.write }); // its lines become entries the monitor can find
 * ```
 */
export interface LoggingLineWriterOptions {
  /** The log's id. Default `'run.googleapis.com%2Fstdout'`, as Cloud Run names a service's stdout. */
  logId?: string;
  /** The monitored resource. Default: a `cloud_run_revision` of `serviceName`. */
  resource?: { type: string; labels?: Record<string, string> };
  /** The Cloud Run service of the default resource. Default `'stand-in-service'`. */
  serviceName?: string;
}

/**
 * What {@link LoggingStandIn.lineWriter} returns: `write` takes one line of stdout (as
 * `cloudLoggingLogger({ write })` produces them); `flush` waits for every entry to be written.
 *
 * @example
 * ```ts
 * import { cloudLoggingLogger } from 'gcp-pipeline-resilience';
 * import { startLoggingStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startLoggingStandIn();
 * const sink = standIn.lineWriter();
 * cloudLoggingLogger({ write: sink.write }).error('BigQuery query failed', { code: 'QUOTA' });
 * const { written, failed } = await sink.flush();
 * ```
 */
export interface LoggingLineWriter {
  write(line: string): void;
  /** Resolves once every line written so far is stored (or failed); never rejects. */
  flush(): Promise<{ written: number; failed: number; errors: Error[] }>;
}

// Fields of a structured JSON line that Cloud Logging's agents lift out of the payload.
const SPECIAL = {
  severity: 'severity',
  time: 'time',
  timestamp: 'timestamp',
  labels: 'logging.googleapis.com/labels',
  insertId: 'logging.googleapis.com/insertId',
  trace: 'logging.googleapis.com/trace',
  spanId: 'logging.googleapis.com/spanId',
} as const;

function severityOf(value: unknown): string {
  const name = typeof value === 'string' ? value.toUpperCase() : '';
  // The agents map WARN to WARNING and FATAL to CRITICAL, as pino and log4j spell them.
  const aliased = name === 'WARN' ? 'WARNING' : name === 'FATAL' ? 'CRITICAL' : name;
  return Object.hasOwn(LOG_SEVERITY_LEVELS, aliased) ? aliased : 'DEFAULT';
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, String(v)]));
}

/**
 * Turns one stdout line into the entry Cloud Run's logging agent would make of it: a JSON object
 * becomes a `jsonPayload` (with `severity`, `time` and the `logging.googleapis.com/*` fields lifted
 * into the entry); anything else becomes a `textPayload` of severity DEFAULT.
 */
export function lineToEntry(line: string): { metadata: Record<string, unknown>; data: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { metadata: { severity: 'DEFAULT' }, data: line };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { metadata: { severity: 'DEFAULT' }, data: line };
  }
  const payload = { ...(parsed as Record<string, unknown>) };
  const metadata: Record<string, unknown> = { severity: severityOf(payload[SPECIAL.severity]) };
  const time = payload[SPECIAL.time] ?? payload[SPECIAL.timestamp];
  if (typeof time === 'string' && !Number.isNaN(Date.parse(time))) metadata.timestamp = new Date(time);
  const labels = stringRecord(payload[SPECIAL.labels]);
  if (labels) metadata.labels = labels;
  for (const key of ['insertId', 'trace', 'spanId'] as const) {
    const value = payload[SPECIAL[key]];
    if (typeof value === 'string') metadata[key] = value;
  }
  for (const key of Object.values(SPECIAL)) delete payload[key];
  return { metadata, data: payload };
}

/** A writer that sends each line through the real `@google-cloud/logging` client (WriteLogEntries). */
export function createLineWriter(
  logging: Logging,
  projectId: string,
  options: LoggingLineWriterOptions,
): LoggingLineWriter {
  const log = logging.log(options.logId ?? 'run.googleapis.com%2Fstdout');
  const resource = options.resource ?? {
    type: 'cloud_run_revision',
    labels: {
      project_id: projectId,
      service_name: options.serviceName ?? 'stand-in-service',
      revision_name: `${options.serviceName ?? 'stand-in-service'}-00001`,
      location: 'us-central1',
      configuration_name: options.serviceName ?? 'stand-in-service',
    },
  };
  const pending = new Set<Promise<void>>();
  let written = 0;
  const errors: Error[] = [];
  return {
    write(line: string): void {
      const { metadata, data } = lineToEntry(line);
      const done = log
        .write(log.entry(metadata, data as string | object), { resource })
        .then(
          () => {
            written += 1;
          },
          (error: unknown) => {
            errors.push(error instanceof Error ? error : new Error(messageOf(error)));
          },
        )
        .finally(() => pending.delete(done));
      pending.add(done);
    },
    async flush() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
      return { written, failed: errors.length, errors: [...errors] };
    },
  };
}
