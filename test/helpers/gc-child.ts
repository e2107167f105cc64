import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs the TypeScript file at `child` (a URL next to the test) in a Node process of its own with
 * `--expose-gc`, so that it can force collections, and resolves with the JSON it prints on stdout.
 * A child that fails rejects with its stderr.
 */
export function runGcChild(child: URL): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', fileURLToPath(child)],
      { timeout: 60_000 },
      (error, out, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(out)),
    );
  });
}
