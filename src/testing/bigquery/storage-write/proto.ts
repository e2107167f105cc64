/**
 * Loading what the Storage Write stand-in needs: grpc-js, proto-loader, the real
 * `@google-cloud/bigquery-storage` client and the `BigQueryWrite` service from the protos it ships,
 * plus protobufjs (from the client's own dependencies) to decode rows with the writer's descriptor.
 * @module
 */
import { createRequire } from 'node:module';
import type * as Grpc from '@grpc/grpc-js';
import { moduleRequire } from '../../../shared/module-require.js';
import { gaxProtosDir, importPeers, interop, once, protosDir } from '../../shared/peers.js';

const CLIENT_PACKAGE = '@google-cloud/bigquery-storage';
const SERVICE = 'google.cloud.bigquery.storage.v1.BigQueryWrite';

/** The subset of protobufjs the stand-in uses (loaded from the client's dependency tree). */
export interface ProtobufModule {
  Root: new () => ProtobufRoot;
  Type: { fromDescriptor(descriptor: unknown, syntax?: string): ProtobufType };
}

/** A protobufjs `Root`. */
export interface ProtobufRoot {
  add(object: ProtobufType): ProtobufRoot;
  resolveAll(): ProtobufRoot;
}

/** A protobufjs message `Type`. */
export interface ProtobufType {
  readonly name: string;
  decode(data: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): Record<string, unknown>;
}

/** The loaded peers of the Storage Write stand-in. */
export interface StorageWritePeers {
  grpc: typeof Grpc;
  service: Grpc.ServiceDefinition;
  protobuf: ProtobufModule;
  /** `DescriptorProto.fromObject`, from `protobufjs/ext/descriptor`. */
  descriptorFromObject(object: unknown): unknown;
  /** `v1.BigQueryWriteClient` of the real client package. */
  WriteClient: new (
    options: Record<string, unknown>,
  ) => unknown;
  /** Insecure channel credentials from the grpc-js the client's google-gax uses. */
  insecureCredentials(): Grpc.ChannelCredentials;
  /** A pass-through auth client from the google-auth-library the client's google-gax uses. */
  passThroughAuth(): unknown;
}

/**
 * Loads the peers once per process. `defaults: false` matters: with defaults, every received
 * `FieldDescriptorProto` carries `oneofIndex: 0`, which `Type.fromDescriptor` then trips on.
 */
export const loadStorageWritePeers: () => Promise<StorageWritePeers> = once(async () => {
  const [grpc, protoLoader] = await importPeers(
    'BigQuery Storage Write',
    [CLIENT_PACKAGE, '@grpc/grpc-js', '@grpc/proto-loader'],
    () =>
      Promise.all([
        import('@grpc/grpc-js').then(interop),
        import('@grpc/proto-loader').then(interop),
        // The v1 entry alone: the package root also loads the Arrow-based reader (about 2x the time).
        import('@google-cloud/bigquery-storage/build/src/v1/index.js').then(interop),
      ]),
  );
  const clientEntry = moduleRequire().resolve('@google-cloud/bigquery-storage/build/src/v1/index.js');
  const requireFromClient = createRequire(clientEntry);
  const definition = protoLoader.loadSync(
    ['google/cloud/bigquery/storage/v1/storage.proto', 'google/cloud/bigquery/storage/v1/annotations.proto'],
    {
      includeDirs: [protosDir(clientEntry, CLIENT_PACKAGE), gaxProtosDir(clientEntry)],
      keepCase: false,
      longs: String,
      enums: String,
      defaults: false,
      oneofs: true,
    },
  );
  const root = grpc.loadPackageDefinition(definition) as unknown as Record<string, unknown>;
  const found = SERVICE.split('.').reduce<unknown>(
    (node, part) => (node as Record<string, unknown>)?.[part],
    root,
  ) as Grpc.ServiceClientConstructor | undefined;
  if (!found?.service) throw new Error(`storage.proto has no service ${SERVICE}`);
  const protobuf = requireFromClient('protobufjs') as ProtobufModule;
  const descriptor = requireFromClient('protobufjs/ext/descriptor') as {
    DescriptorProto: { fromObject(object: unknown): unknown };
  };
  const gax = requireFromClient('google-gax') as {
    grpc: typeof Grpc;
    googleAuthLibrary: { PassThroughClient: new () => unknown };
  };
  const v1 = (await import('@google-cloud/bigquery-storage/build/src/v1/index.js').then(interop)) as {
    BigQueryWriteClient: new (options: Record<string, unknown>) => unknown;
  };
  return {
    grpc,
    service: found.service,
    protobuf,
    descriptorFromObject: (object) => descriptor.DescriptorProto.fromObject(object),
    WriteClient: v1.BigQueryWriteClient,
    insecureCredentials: () => gax.grpc.credentials.createInsecure(),
    passThroughAuth: () => new gax.googleAuthLibrary.PassThroughClient(),
  };
});
