/**
 * Starts the Storage Write gRPC service of the BigQuery stand-in over the stand-in's engine, and
 * builds real `BigQueryWriteClient`s pointed at it.
 * @module
 */
import type { v1 } from '@google-cloud/bigquery-storage';
import { bindLoopback } from '../../shared/grpc-server.js';
import type { Engine } from '../engine.js';
import { createStorageWriteFaultPlan, type StorageWriteFaultPlan } from './faults.js';
import { loadStorageWritePeers } from './proto.js';
import { type StorageWriteRequestLogEntry, storageWriteImplementation } from './service.js';
import { WriteStreams } from './streams.js';

/**
 * The Storage Write side of a running BigQuery stand-in (`standIn.storageWrite`).
 *
 * @example
 * ```ts
 * import { startBigQueryStandIn } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startBigQueryStandIn();
 * standIn.storageWrite.faults.add({ method: 'AppendRows', times: 1, code: 'UNAVAILABLE', served: true });
 * console.log(standIn.storageWrite.endpoint); // 127.0.0.1:PORT
 * ```
 */
export interface StorageWriteStandIn {
  /** `'127.0.0.1:PORT'` of the gRPC server. */
  readonly endpoint: string;
  readonly port: number;
  /** Fault injection by RPC (AppendRows: by request on a connection). */
  readonly faults: StorageWriteFaultPlan;
  /** Every RPC received (AppendRows: every request), in arrival order. */
  readonly requests: StorageWriteRequestLogEntry[];
}

/**
 * Options of the `BigQueryWriteClient` that `standIn.writeClient()` builds: google-gax client options,
 * merged over the loopback ones (endpoint, port, insecure credentials, pass-through auth).
 *
 * @example
 * ```ts
 * import { startBigQueryStandIn, type WriteClientOptions } from 'gcp-pipeline-resilience/testing';
 * const standIn = await startBigQueryStandIn();
 * const options: WriteClientOptions = { 'grpc.keepalive_time_ms': 30_000 };
 * const client = standIn.writeClient(options);
 * ```
 */
export type WriteClientOptions = Record<string, unknown>;

/** The running service plus what the BigQuery stand-in needs to wire it in. */
export interface StartedStorageWrite extends StorageWriteStandIn {
  writeClient(options?: WriteClientOptions): v1.BigQueryWriteClient;
  close(): Promise<void>;
}

/** Starts the service on 127.0.0.1 over `engine`'s catalog. Needs the optional peers. */
export async function startStorageWrite(engine: Engine, projectId: string): Promise<StartedStorageWrite> {
  const peers = await loadStorageWritePeers();
  const streams = new WriteStreams(engine);
  const faults = createStorageWriteFaultPlan();
  const requests: StorageWriteRequestLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const server = new peers.grpc.Server({
    // The service takes requests up to 10 MB; grpc-js refuses more than 4 MB by default.
    'grpc.max_receive_message_length': 20 * 1024 * 1024,
  });
  server.addService(
    peers.service,
    storageWriteImplementation({
      peers,
      streams,
      faults,
      requests,
      later(ms, fn) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          fn();
        }, ms);
        timers.add(timer);
      },
      closed: () => closed,
    }),
  );
  const port = await bindLoopback(peers.grpc, server, 0);
  const clients: Array<{ close(): Promise<void> }> = [];
  return {
    endpoint: `127.0.0.1:${port}`,
    port,
    faults,
    requests,
    writeClient(options = {}) {
      const client = new peers.WriteClient({
        projectId,
        apiEndpoint: '127.0.0.1',
        port,
        sslCreds: peers.insecureCredentials(),
        authClient: peers.passThroughAuth(),
        universeDomain: 'googleapis.com',
        ...options,
      }) as v1.BigQueryWriteClient;
      clients.push(client);
      return client;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.forceShutdown();
      await Promise.allSettled(clients.map((c) => c.close()));
    },
  };
}
