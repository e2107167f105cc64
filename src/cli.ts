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

/**
 * A line writer on `stream` that outlives the stream's reader: `gpr ... | head -1` closes the pipe,
 * and the next write's EPIPE came as an unhandled 'error' event that ended the process with exit 1
 * ("found") and a stack, whatever the run's status was. The run's status stays the exit code; what
 * it still had to say is dropped, as the reader asked.
 */
function lineWriter(stream: NodeJS.WriteStream): (line: string) => void {
  let open = true;
  stream.on('error', () => {
    open = false;
  });
  return (line) => {
    if (open) stream.write(`${line}\n`);
  };
}

const stderr = lineWriter(process.stderr);

/** The statuses `gpr serve` resolves to after a drain (128 + the signal's number), and their signal. */
const SIGNAL_OF_STATUS: Partial<Record<number, NodeJS.Signals>> = { 130: 'SIGINT', 143: 'SIGTERM' };

runCli(process.argv.slice(2), {
  stdout: lineWriter(process.stdout),
  stderr,
  env: process.env,
  version: packageVersion(),
}).then(
  (status) => {
    process.exitCode = status;
    // `gpr serve` drained after a signal: the process ends by that signal, as the shutdown
    // coordinator ends every process it drains. A listener still there (a coordinator whose tasks
    // are still running) ends it instead, by the same signal; the status stays as a fallback.
    const signal = SIGNAL_OF_STATUS[status];
    if (signal !== undefined && process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  },
  (error: unknown) => {
    // Outside `runCli`'s own handling (a bug, a failing stream): still no credential on stderr.
    stderr(`gpr: ${redactSecrets(messageOf(error))}`);
    process.exitCode = 3;
  },
);
