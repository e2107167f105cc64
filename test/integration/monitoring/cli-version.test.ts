import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
});
