import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Grpc from '@grpc/grpc-js';

/** The optional peers, loaded on first use so that importing `/testing` never needs them. */
export interface PubSubPeers {
  grpc: typeof Grpc;
  PubSub: typeof import('@google-cloud/pubsub').PubSub;
  publisher: Grpc.ServiceDefinition;
  subscriber: Grpc.ServiceDefinition;
}

// CJS modules reached through `import()` expose their exports on `default` in some loaders.
function interop<T>(mod: T): T {
  const withDefault = mod as T & { default?: T };
  return withDefault.default && typeof withDefault.default === 'object' ? withDefault.default : mod;
}

function resolver(): NodeJS.Require {
  // The CJS build knows its own file; the ESM build only its URL. (A bare `require` would be
  // bundled into a throwing shim in the ESM build, so it is not used.)
  return createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
}

/** `<package>/build/protos`, found from the package's resolved entry file (its package.json is not exported). */
function protosDir(entry: string, packageName: string): string {
  let dir = path.dirname(entry);
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, 'protos');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`Cannot find the protos shipped inside ${packageName} (resolved to ${entry})`);
}

let cached: Promise<PubSubPeers> | undefined;

async function load(): Promise<PubSubPeers> {
  let grpc: typeof Grpc;
  let protoLoader: typeof import('@grpc/proto-loader');
  let pubsub: typeof import('@google-cloud/pubsub');
  try {
    [grpc, protoLoader, pubsub] = await Promise.all([
      import('@grpc/grpc-js').then(interop),
      import('@grpc/proto-loader').then(interop),
      import('@google-cloud/pubsub').then(interop),
    ]);
  } catch (cause) {
    throw new Error(
      'The Pub/Sub stand-in needs the optional peers @google-cloud/pubsub, @grpc/grpc-js and @grpc/proto-loader: ' +
        'npm install --save-dev @google-cloud/pubsub @grpc/grpc-js @grpc/proto-loader',
      { cause },
    );
  }
  const req = resolver();
  const pubsubEntry = req.resolve('@google-cloud/pubsub');
  // google-gax may be nested under @google-cloud/pubsub, so resolve it from there.
  const gaxEntry = createRequire(pubsubEntry).resolve('google-gax');
  const definition = protoLoader.loadSync('google/pubsub/v1/pubsub.proto', {
    includeDirs: [protosDir(pubsubEntry, '@google-cloud/pubsub'), protosDir(gaxEntry, 'google-gax')],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const v1 = (
    grpc.loadPackageDefinition(definition) as unknown as {
      google: { pubsub: { v1: Record<'Publisher' | 'Subscriber', Grpc.ServiceClientConstructor> } };
    }
  ).google.pubsub.v1;
  return { grpc, PubSub: pubsub.PubSub, publisher: v1.Publisher.service, subscriber: v1.Subscriber.service };
}

/** Loads the peers and the service definitions once per process. */
export function loadPubSubPeers(): Promise<PubSubPeers> {
  cached ??= load().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
