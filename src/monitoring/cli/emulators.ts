import type { ConfigEnv } from '../../config/index.js';
import { quoteValue } from '../../errors/redact.js';
import { closeLoggingClient, type MonitorClients } from '../clients.js';
import { UsageError } from './args.js';

/**
 * Environment variables that point the CLI's clients at local emulators or the `/testing` stand-ins
 * (insecure channels, no credentials): `PUBSUB_EMULATOR_HOST` (read by the Pub/Sub client itself),
 * `GPR_MONITORING_EMULATOR_HOST` and `GPR_LOGGING_EMULATOR_HOST` (`host:port`).
 */
export const EMULATOR_VARIABLES = [
  'PUBSUB_EMULATOR_HOST',
  'GPR_MONITORING_EMULATOR_HOST',
  'GPR_LOGGING_EMULATOR_HOST',
] as const;

function hostPort(value: string, name: string): { apiEndpoint: string; port: number } {
  const match = /^\[?([^\]\s/]+?)\]?:(\d{1,5})$/.exec(value.trim());
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) {
    throw new UsageError(
      `${name} must be host:port with a port from 1 to 65535 (e.g. localhost:8085), got ${quoteValue(value)}`,
    );
  }
  return { apiEndpoint: match[1]!, port };
}

/**
 * Checks every emulator variable that is set (an empty one counts as unset, as the Pub/Sub client
 * reads it): a malformed one is a `UsageError` naming it, before any client exists. A blank or
 * port-less value would otherwise send the CLI to Google itself, or wait out every call's timeout on
 * a port that cannot exist.
 */
export function checkEmulatorVariables(env: ConfigEnv): void {
  for (const name of EMULATOR_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== '') hostPort(value, name);
  }
}

/**
 * The clients the CLI needs when emulator variables are set (none otherwise: the defaults use
 * Application Default Credentials), and how to close them.
 */
export async function emulatorClients(
  env: ConfigEnv,
  projectId: string,
): Promise<{ clients: MonitorClients; close(): Promise<void> }> {
  const monitoringHost = env.GPR_MONITORING_EMULATOR_HOST;
  const loggingHost = env.GPR_LOGGING_EMULATOR_HOST;
  if (!monitoringHost && !loggingHost) return { clients: {}, close: async () => undefined };
  const grpc = await import('@grpc/grpc-js');
  const insecure = {
    sslCreds: grpc.credentials.createInsecure(),
    universeDomain: 'googleapis.com',
    projectId,
  };
  const clients: MonitorClients = {};
  let monitoring: { close(): Promise<void> } | undefined;
  if (monitoringHost) {
    const { MetricServiceClient } = await import('@google-cloud/monitoring');
    clients.monitoring = monitoring = new MetricServiceClient({
      ...hostPort(monitoringHost, 'GPR_MONITORING_EMULATOR_HOST'),
      ...insecure,
    });
  }
  if (loggingHost) {
    const { Logging } = await import('@google-cloud/logging');
    clients.logging = new Logging({
      ...hostPort(loggingHost, 'GPR_LOGGING_EMULATOR_HOST'),
      ...insecure,
    } as ConstructorParameters<typeof Logging>[0]);
  }
  return {
    clients,
    close: async () => {
      await monitoring?.close();
      if (clients.logging) await closeLoggingClient(clients.logging);
    },
  };
}
