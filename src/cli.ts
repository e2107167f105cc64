#!/usr/bin/env node
/**
 * The `gpr` binary: the monitor's command line. Everything is in `runCli`; this file only binds it
 * to the process.
 * @module
 */
import { redactSecrets } from './errors/redact.js';
import { runCli } from './monitoring/cli/run.js';
import { messageOf } from './shared/message-of.js';
import { moduleRequire } from './shared/module-require.js';

/**
 * The version of the installed package, read from its package.json, the one home of it. Found by the
 * package's own name (Node resolves a package's name from inside it), not by a path relative to this
 * file, which differs between `src/` and the builds.
 */
function packageVersion(): string | undefined {
  try {
    const manifest: unknown = moduleRequire()('gcp-pipeline-resilience/package.json');
    const version = (manifest as { version?: unknown }).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

runCli(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  version: packageVersion(),
}).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    // Outside `runCli`'s own handling (a bug, a failing stream): still no credential on stderr.
    process.stderr.write(`gpr: ${redactSecrets(messageOf(error))}\n`);
    process.exitCode = 3;
  },
);
