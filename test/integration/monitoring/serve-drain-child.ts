/**
 * `gpr serve` in its own process, as Cloud Run runs it, with a Cloud Monitoring that takes every
 * ListTimeSeries and never answers (so a check stays in flight until `callTimeoutMs`, 20 s), and real
 * Pub/Sub and Logging stand-ins. Says on stderr when Monitoring got a request (`monitoring: called`),
 * so that the parent sends SIGTERM while a check is surely in flight. Argument: the drain, ms
 * (given as `GPR_DRAIN_MS`).
 * Run as `node --import tsx serve-drain-child.ts 400`.
 */

import type { MetricServiceClient } from '@google-cloud/monitoring';
import type * as Grpc from '@grpc/grpc-js';
import { runCli } from '../../../src/index.js';
import { startLoggingStandIn, startPubSubStandIn } from '../../../src/testing/index.js';
import { loadMonitoringPeers } from '../../../src/testing/monitoring/proto.js';
import { bindLoopback } from '../../../src/testing/shared/grpc-server.js';
import { loopbackClientOptions } from '../../../src/testing/shared/peers.js';

const PROJECT = 'serve-drain';
const pubsub = await startPubSubStandIn({ projectId: PROJECT });
const logging = await startLoggingStandIn({ projectId: PROJECT });
const peers = await loadMonitoringPeers();
const [service] = peers.services as [Grpc.ServiceDefinition];
const hung = new peers.grpc.Server();
const held: Array<Grpc.sendUnaryData<unknown>> = [];
hung.addService(service, {
  ListTimeSeries: (_call: unknown, callback: Grpc.sendUnaryData<unknown>) => {
    held.push(callback);
    process.stderr.write('monitoring: called\n');
  },
});
const port = await bindLoopback(peers.grpc, hung);
const monitoring = new peers.client.MetricServiceClient(
  loopbackClientOptions(peers, port, PROJECT) as never,
) as MetricServiceClient;

const status = await runCli(['serve', '--port', '0', '--sport', 'mlb'], {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: { GCP_PROJECT_ID: PROJECT, GPR_DRAIN_MS: process.argv[2] ?? '400' },
  clients: { pubsub: pubsub.client(), monitoring, logging: logging.client() },
});
process.stderr.write(`serve: resolved ${status}\n`);
await monitoring.close();
hung.forceShutdown();
await Promise.allSettled([logging.close(), pubsub.close()]);
process.exit(status);
