/**
 * Loading the optional peers of the gRPC stand-ins (grpc-js, proto-loader, a Google client) and the
 * protos the clients ship, once per process.
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Grpc from '@grpc/grpc-js';
import { moduleRequire } from '../../shared/module-require.js';

/** CJS modules reached through `import()` expose their exports on `default` in some loaders. */
export function interop<T>(mod: T): T {
  const withDefault = mod as T & { default?: T };
  return withDefault.default && typeof withDefault.default === 'object' ? withDefault.default : mod;
}

/** `<package>/build/protos`, found from the package's resolved entry file (its package.json is not exported). */
export function protosDir(entry: string, packageName: string): string {
  let dir = path.dirname(entry);
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, 'protos');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`Cannot find the protos shipped inside ${packageName} (resolved to ${entry})`);
}

/** The `build/protos` of the google-gax that `clientEntry`'s package uses (it may be nested under it). */
export function gaxProtosDir(clientEntry: string): string {
  return protosDir(createRequire(clientEntry).resolve('google-gax'), 'google-gax');
}

/** The options every stand-in loads its protos with: camelCase fields, int64 as strings, enums by name. */
export const PROTO_LOADER_OPTIONS = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
} as const;

/** Memoises an async loader; a failed load is forgotten so that a later call can try again. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | undefined;
  return () => {
    cached ??= load().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}

/** Imports the optional peers, or throws one error that names every package to install. */
export async function importPeers<T extends unknown[]>(
  standIn: string,
  packages: string[],
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (cause) {
    throw new Error(
      `The ${standIn} stand-in needs the optional peers ${packages.join(', ')}: ` +
        `npm install --save-dev ${packages.join(' ')}`,
      { cause },
    );
  }
}

/** What a gRPC stand-in needs loaded: its client package, where its protos are, which services. */
export interface GrpcPeerSpec<Client> {
  /** The stand-in's name in error messages: `'Pub/Sub'`, `'Cloud Logging'`. */
  standIn: string;
  /** The client package, e.g. `'@google-cloud/logging'`. */
  clientPackage: string;
  /** `import()` of it (a literal specifier, so that bundlers see it). */
  importClient(): Promise<Client>;
  /** The package that ships the protos, resolved from the client (default: the client itself). */
  protoPackage?: string;
  /** The proto file, e.g. `'google/logging/v2/logging.proto'`. */
  proto: string;
  /** Fully qualified service names, e.g. `'google.logging.v2.LoggingServiceV2'`. */
  services: readonly string[];
}

/** The loaded peers of a gRPC stand-in. */
export interface GrpcPeers<Client> {
  grpc: typeof Grpc;
  client: Client;
  /** The service definitions, in the order of `spec.services`. */
  services: Grpc.ServiceDefinition[];
  /** Insecure channel credentials from the grpc-js that the client's own google-gax uses. */
  insecureCredentials(): Grpc.ChannelCredentials;
}

/**
 * Loads grpc-js, proto-loader and the client (one error naming all three when one is missing), then
 * the service definitions from the protos the client ships (with google-gax's common protos).
 */
export async function loadGrpcPeers<Client>(spec: GrpcPeerSpec<Client>): Promise<GrpcPeers<Client>> {
  const [grpc, protoLoader, client] = await importPeers(
    spec.standIn,
    [spec.clientPackage, '@grpc/grpc-js', '@grpc/proto-loader'],
    () =>
      Promise.all([
        import('@grpc/grpc-js').then(interop),
        import('@grpc/proto-loader').then(interop),
        spec.importClient().then(interop),
      ]),
  );
  const clientEntry = moduleRequire().resolve(spec.clientPackage);
  const protoEntry = spec.protoPackage ? createRequire(clientEntry).resolve(spec.protoPackage) : clientEntry;
  const definition = protoLoader.loadSync(spec.proto, {
    includeDirs: [protosDir(protoEntry, spec.protoPackage ?? spec.clientPackage), gaxProtosDir(protoEntry)],
    ...PROTO_LOADER_OPTIONS,
  });
  const root = grpc.loadPackageDefinition(definition) as unknown as Record<string, unknown>;
  const services = spec.services.map((name) => {
    const found = name
      .split('.')
      .reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], root) as
      | Grpc.ServiceClientConstructor
      | undefined;
    if (!found?.service) throw new Error(`${spec.proto} has no service ${name}`);
    return found.service;
  });
  const gax = createRequire(protoEntry)('google-gax') as { grpc: typeof Grpc };
  return { grpc, client, services, insecureCredentials: () => gax.grpc.credentials.createInsecure() };
}

/** The options of a real client pointed at a stand-in on 127.0.0.1: insecure, no metadata-server lookup. */
export function loopbackClientOptions(
  peers: Pick<GrpcPeers<unknown>, 'insecureCredentials'>,
  port: number,
  projectId: string,
): {
  projectId: string;
  apiEndpoint: string;
  port: number;
  sslCreds: Grpc.ChannelCredentials;
  universeDomain: string;
} {
  return {
    projectId,
    apiEndpoint: '127.0.0.1',
    port,
    sslCreds: peers.insecureCredentials(),
    // A universe domain given up front spares google-gax its metadata-server lookup.
    universeDomain: 'googleapis.com',
  };
}
