/**
 * Loading `@google-cloud/bigquery-storage` (an optional peer) on first use, and the call options
 * that switch off google-gax's own retries so that ours is the one retry layer.
 * @module
 */
import { createRequire } from 'node:module';
import { moduleRequire } from '../../shared/module-require.js';
import type { BigQueryWriteClient } from '../client-types.js';

export type { BigQueryWriteClient } from '../client-types.js';

/** The parts of protobufjs the encoder uses. */
export interface ProtobufApi {
  Root: new () => { add(type: ProtoType): { resolveAll(): unknown } };
  Type: { fromDescriptor(descriptor: unknown, syntax?: string): ProtoType };
}

/** A protobufjs message type. */
export interface ProtoType {
  fromObject(object: Record<string, unknown>): unknown;
  encode(message: unknown): { finish(): Uint8Array };
}

/** What the writer loads from the client package. */
export interface StorageModule {
  WriteClient: new (options?: Record<string, unknown>) => BigQueryWriteClient;
  protobuf: ProtobufApi;
  /** `DescriptorProto.fromObject` of `protobufjs/ext/descriptor`. */
  descriptorFromObject(object: unknown): unknown;
}

const ENTRY = '@google-cloud/bigquery-storage/build/src/v1/index.js';

let loading: Promise<StorageModule> | undefined;

/**
 * Loads the client's v1 entry (not the package root, which also loads the Arrow-based reader) and
 * the protobufjs the client itself depends on. A failed load is forgotten, so a later call retries.
 */
export function loadStorageModule(): Promise<StorageModule> {
  loading ??= (async () => {
    let mod: { BigQueryWriteClient: StorageModule['WriteClient'] };
    try {
      mod = (await import(ENTRY)) as typeof mod;
      const withDefault = mod as typeof mod & { default?: typeof mod };
      if (!mod.BigQueryWriteClient && withDefault.default) mod = withDefault.default;
    } catch (cause) {
      throw new Error(
        'writeRows needs the optional peer dependency @google-cloud/bigquery-storage (5.x on Node 20): npm install @google-cloud/bigquery-storage',
        { cause },
      );
    }
    const requireFromClient = createRequire(moduleRequire().resolve(ENTRY));
    const protobuf = requireFromClient('protobufjs') as ProtobufApi;
    const descriptor = requireFromClient('protobufjs/ext/descriptor') as {
      DescriptorProto: { fromObject(object: unknown): unknown };
    };
    return {
      WriteClient: mod.BigQueryWriteClient,
      protobuf,
      descriptorFromObject: (object: unknown) => descriptor.DescriptorProto.fromObject(object),
    };
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/**
 * Per-call options of every unary Storage Write RPC: no gax retries (its CreateWriteStream backoff
 * starts at 10 s, and a retried BatchCommit answers STREAM_ALREADY_COMMITTED for a commit that
 * succeeded), and gax's own timeout as a backstop to ours.
 */
export function unaryCallOptions(timeoutMs: number): Record<string, unknown> {
  return {
    timeout: Number.isFinite(timeoutMs) ? timeoutMs : 600_000,
    retry: {
      retryCodes: [],
      backoffSettings: {
        initialRetryDelayMillis: 100,
        retryDelayMultiplier: 1.3,
        maxRetryDelayMillis: 1000,
        initialRpcTimeoutMillis: Number.isFinite(timeoutMs) ? timeoutMs : 600_000,
        rpcTimeoutMultiplier: 1,
        maxRpcTimeoutMillis: Number.isFinite(timeoutMs) ? timeoutMs : 600_000,
        totalTimeoutMillis: Number.isFinite(timeoutMs) ? timeoutMs : 600_000,
      },
    },
  };
}

/** Options of the default client: keepalive as the Google clients' managed writer sets it. */
export const DEFAULT_WRITE_CLIENT_OPTIONS: Record<string, unknown> = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
};
