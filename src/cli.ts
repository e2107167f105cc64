#!/usr/bin/env node
/**
 * The `gpr` binary: the monitor's command line. Everything is in `runCli`; this file only binds it
 * to the process.
 * @module
 */
import { runCli } from './monitoring/cli/run.js';

runCli(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
}).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`gpr: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 3;
  },
);
