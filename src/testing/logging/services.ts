import type * as Grpc from '@grpc/grpc-js';
import { buildServiceImplementation, type ServiceContext, type Unary } from '../shared/grpc-server.js';
import type { LogStore } from './log-store.js';

interface Context extends ServiceContext {
  store: LogStore;
}

/** `LoggingServiceV2`: WriteLogEntries and ListLogEntries served, everything else UNIMPLEMENTED. */
export function buildLoggingImplementation(
  ctx: Context,
  service: Grpc.ServiceDefinition,
): Grpc.UntypedServiceImplementation {
  const impls: Record<string, Unary> = {
    WriteLogEntries: (req) => {
      ctx.store.write(req);
      return {};
    },
    ListLogEntries: (req) => ctx.store.list(req),
  };
  return buildServiceImplementation(ctx, 'Cloud Logging', service, impls);
}
