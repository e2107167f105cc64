import type { Logging, LoggingOptions } from '@google-cloud/logging';
import type * as Grpc from '@grpc/grpc-js';
import { closeLoggingClient } from '../../monitoring/clients.js';
import { checkOptions, OPTION_ALIASES } from '../../shared/check-options.js';
import { FaultPlan, type GrpcFaultPlan } from '../shared/grpc-faults.js';
import { bindLoopback, type GrpcRequestLogEntry, methodNames } from '../shared/grpc-server.js';
import { loopbackClientOptions } from '../shared/peers.js';
import { loadRe2Compiler } from '../shared/re2.js';
import type { LoggingStandInEntry } from './entry-view.js';
import { createLineWriter, type LoggingLineWriter, type LoggingLineWriterOptions } from './line-writer.js';
import { LogStore } from './log-store.js';
import { loadLoggingPeers } from './proto.js';
import { buildLoggingImplementation } from './services.js';

/**
 * Options of {@link startLoggingStandIn}.
 *
 * @example
 * ```ts
 * import { startLoggingStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startLoggingStandIn({ projectId: 'demo' });
 * ```
 */
export interface LoggingStandInOptions {
  /** The project of the client `client()` returns. Default `'test-project'`. */
  projectId?: string;
  /** The port on 127.0.0.1; default 0 (any free port). */
  port?: number;
}

/**
 * A running Cloud Logging stand-in.
 *
 * @example
 * ```ts
 * import { startLoggingStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startLoggingStandIn();
 * const logging = standIn.client();
 * const log = logging.log('my-log');
 * await log.write(log.entry({ severity: 'ERROR', resource: { type: 'global' } }, 'BigQuery query failed'));
 * const [entries] = await logging.getEntries({ filter: 'severity>=ERROR' });
 * console.log(entries.length); // 1
 * await standIn.close();
 * ```
 */
export interface LoggingStandIn {
  /** `'127.0.0.1:PORT'`. */
  readonly endpoint: string;
  readonly projectId: string;
  /**
   * A real `Logging` client pointed at the stand-in: an insecure channel, no credentials, a fixed
   * universe domain (so no metadata-server lookup).
   */
  client(options?: LoggingOptions): Logging;
  /**
   * A sink for `cloudLoggingLogger({ write })`: each JSON line becomes the entry Cloud Run's agent
   * would make of it, written through the real client.
   */
  lineWriter(options?: LoggingLineWriterOptions): LoggingLineWriter;
  /** Fault injection by RPC name (`'WriteLogEntries'`, `'ListLogEntries'`, ...). */
  readonly faults: GrpcFaultPlan;
  /** Every RPC received, in arrival order. */
  readonly requests: GrpcRequestLogEntry[];
  /** Every entry stored so far, in write order. */
  entries(): LoggingStandInEntry[];
  /** Forgets every entry. */
  clear(): void;
  /** Stops the server and closes the clients it handed out. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a Cloud Logging v2 gRPC server on 127.0.0.1 that the real `@google-cloud/logging` client
 * talks to: `WriteLogEntries` and `ListLogEntries` (filters in the Logging query language subset the
 * monitor uses, `timestamp asc|desc` order, pages of up to 1000 with page tokens). Other RPCs answer
 * UNIMPLEMENTED. `=~` patterns run on RE2JS, as RE2 runs them in Cloud Logging (linear time, RE2
 * syntax). Needs the optional peers `@google-cloud/logging`, `@grpc/grpc-js`, `@grpc/proto-loader`
 * and `re2js`.
 *
 * @example
 * ```ts
 * import { startLoggingStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startLoggingStandIn();
 * standIn.faults.add({ method: 'ListLogEntries', times: 1, code: 'UNAVAILABLE' });
 * const logging = standIn.client();
 * // ... code under test reads logging ...
 * await standIn.close();
 * ```
 */
export async function startLoggingStandIn(options: LoggingStandInOptions = {}): Promise<LoggingStandIn> {
  checkOptions('startLoggingStandIn', options, { projectId: 'string', port: 'number' }, OPTION_ALIASES);
  const projectId = options.projectId ?? 'test-project';
  const [peers, compilePattern] = await Promise.all([loadLoggingPeers(), loadRe2Compiler()]);
  const store = new LogStore(compilePattern);
  const faults = new FaultPlan('Cloud Logging', methodNames(...peers.services));
  const requests: GrpcRequestLogEntry[] = [];

  const [service] = peers.services as [Grpc.ServiceDefinition];
  const server = new peers.grpc.Server();
  server.addService(service, buildLoggingImplementation({ store, faults, requests }, service));
  const port = await bindLoopback(peers.grpc, server, options.port);
  const endpoint = `127.0.0.1:${port}`;
  const clients: Logging[] = [];
  let internalClient: Logging | undefined;
  let closing: Promise<void> | undefined;

  const client = (clientOptions?: LoggingOptions): Logging => {
    const logging = new peers.client.Logging({
      ...loopbackClientOptions(peers, port, projectId),
      ...clientOptions,
    } as LoggingOptions);
    clients.push(logging);
    return logging;
  };

  return {
    endpoint,
    projectId,
    faults,
    requests,
    client,
    lineWriter(writerOptions = {}) {
      internalClient ??= client();
      return createLineWriter(internalClient, projectId, writerOptions);
    },
    entries: () => store.all(),
    clear: () => store.clear(),
    close() {
      closing ??= (async () => {
        server.forceShutdown();
        await Promise.allSettled(clients.map((c) => closeLoggingClient(c)));
      })();
      return closing;
    },
  };
}
