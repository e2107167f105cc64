/**
 * `npm run demo | head -1` (or `| grep -q`) closes the pipe while the example still prints: the next
 * write's EPIPE came as an unhandled 'error' event that ended the run with a stack and exit 1, in the
 * middle of a step, stand-ins left to the process's end. The `gpr` binary does the same
 * (`src/cli.ts`): what is left to print is dropped, as the reader asked, and the run ends with its
 * own status.
 *
 * @example
 * ```ts
 * tolerateClosedPipes();
 * console.log('may go nowhere, never crashes');
 * ```
 */
export function tolerateClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', () => undefined);
  }
}
