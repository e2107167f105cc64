/**
 * The Storage Write side of an executor: its write client (given, or created on first use with
 * keepalive), the project of short table names, and the `_default` stream schema cache.
 * @module
 */
import { toPipelineError } from '../../errors/index.js';
import { type BigQueryWriteClient, DEFAULT_WRITE_CLIENT_OPTIONS, loadStorageModule } from './client.js';
import type { StorageWriteContext } from './write-rows.js';

/**
 * The client once its stub exists. Why first and here: each generated method of the write client
 * starts with `this.initialize().catch(err => { throw err })`, a promise no one awaits, so a stub
 * that cannot be created (no Application Default Credentials) is an unhandled rejection, which ends
 * the process, on every call to that client. Awaited here, the failure is the call's typed error and
 * no method of that client is called.
 */
async function initialized(client: BigQueryWriteClient): Promise<BigQueryWriteClient> {
  if (typeof client.initialize !== 'function') return client;
  try {
    await client.initialize();
  } catch (error) {
    throw toPipelineError(error);
  }
  return client;
}

/** Builds the Storage Write context of an executor. */
export function createStorageWriteContext(options: {
  writeClient?: BigQueryWriteClient;
  projectId?: string;
}): StorageWriteContext {
  let client: Promise<BigQueryWriteClient> | undefined;
  let project: Promise<string> | undefined =
    options.projectId === undefined ? undefined : Promise.resolve(options.projectId);
  return {
    defaultSchemas: new Map(),
    writeClient() {
      const given = options.writeClient;
      // A failed start is not kept: the next call tries again (with a client of ours, a fresh one).
      client ??= (
        given !== undefined
          ? initialized(given)
          : loadStorageModule().then((mod) =>
              initialized(
                new mod.WriteClient({
                  ...DEFAULT_WRITE_CLIENT_OPTIONS,
                  ...(options.projectId === undefined ? {} : { projectId: options.projectId }),
                }),
              ),
            )
      ).catch((error: unknown) => {
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
