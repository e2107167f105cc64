import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string };

describe('the gpr binary', () => {
  it('prints the version of the package it belongs to, read from its package.json', async () => {
    const { stdout, stderr } = await run(tsx, ['src/cli.ts', '--version'], { cwd: root });
    expect(stdout.trim()).toBe(`gpr ${version}`);
    expect(stderr).toBe('');
  });

  // The built binaries sit one directory deeper than the source (`dist/node/`): a path relative to
  // the file read `dist/package.json`, which does not exist, and printed "version unknown".
  it.each(['dist/node/cli.js', 'dist/node/cli.cjs'])('%s, as built, prints it too', async (bin) => {
    const { stdout, stderr } = await run(process.execPath, [`${root}${bin}`, '--version'], { cwd: tmpdir() });
    expect(stdout.trim()).toBe(`gpr ${version}`);
    expect(stderr).toBe('');
  });
});
