/**
 * The Storage Write side of an executor: its write client (given, or created on first use with
 * keepalive), the project of short table names, and the `_default` stream schema cache.
 * @module
 */
import { type BigQueryWriteClient, DEFAULT_WRITE_CLIENT_OPTIONS, loadStorageModule } from './client.js';
import type { StorageWriteContext } from './write-rows.js';

/** Builds the Storage Write context of an executor. */
export function createStorageWriteContext(options: {
  writeClient?: BigQueryWriteClient;
  projectId?: string;
}): StorageWriteContext {
  let client: Promise<BigQueryWriteClient> | undefined =
    options.writeClient === undefined ? undefined : Promise.resolve(options.writeClient);
  let project: Promise<string> | undefined =
    options.projectId === undefined ? undefined : Promise.resolve(options.projectId);
  return {
    defaultSchemas: new Map(),
    writeClient() {
      client ??= loadStorageModule()
        .then(
          (mod) =>
            new mod.WriteClient({
              ...DEFAULT_WRITE_CLIENT_OPTIONS,
              ...(options.projectId === undefined ? {} : { projectId: options.projectId }),
            }),
        )
        .catch((error: unknown) => {
          client = undefined;
          throw error;
        });
      return client;
    },
    projectId(writeClient) {
      project ??= writeClient.getProjectId().catch((error: unknown) => {
        project = undefined;
        throw new Error(
          'writeRows could not find the project: name it in the table (project.dataset.table) or pass projectId to the executor',
          { cause: error },
        );
      });
      return project;
    },
  };
}
