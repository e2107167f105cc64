import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/index.js';

async function gpr(argv: string[], packageVersion?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    env: { GCP_PROJECT_ID: 'test-project' },
    ...(packageVersion === undefined ? {} : { version: packageVersion }),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('gpr --help', () => {
  it('lists, for every command, exactly the options the command takes', async () => {
    const help = await gpr(['--help']);
    expect(help.code).toBe(0);
    const lines = help.out.split('\n').filter((line) => /^ {2}gpr [a-z]/.test(line));
    expect(lines.map((line) => /^ {2}gpr ([a-z]+(?: [a-z]+)?)\s/.exec(line)?.[1]?.trim())).toEqual([
      'dlq status',
      'dlq replay',
      'logging errors',
      'check',
      'serve',
    ]);
    for (const line of lines) {
      const command = /^ {2}gpr ([a-z]+(?: [a-z]+)?)\s/.exec(line)![1]!.trim();
      const listed = [...line.matchAll(/--([a-z-]+)/g)].map((m) => m[1]!);
      // An unknown option makes the command list the options it takes.
      const refused = await gpr([...command.split(' '), '--no-such-option']);
      expect(refused.code).toBe(2);
      const taken = [...(/options here: (.*)\)/.exec(refused.err)?.[1] ?? '').matchAll(/--([a-z-]+)/g)].map(
        (m) => m[1]!,
      );
      const common = ['project', 'sport', 'json'];
      expect(new Set([...listed, ...common]), command).toEqual(new Set(taken));
    }
  });
});

describe('gpr -h', () => {
  it.each([[['-h']], [['dlq', 'status', '-h']], [['--project', 'p', 'check', '-h']]])(
    '%j prints the help on stdout and exits 0, as --help does',
    async (argv) => {
      const result = await gpr(argv);
      const help = await gpr(['--help']);
      expect(result).toEqual({ code: 0, out: help.out, err: '' });
    },
  );

  it('a value -h of an option is that value, not a request for help', async () => {
    const result = await gpr(['dlq', 'replay', '--from', 'some-dlq-sub', '--reason', '-h', '--max', 'x']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^gpr: --max needs a whole number/);
  });
});

describe('gpr --version', () => {
  it.each([
    [['--version']],
    [['version']],
    [['--project', 'p', '--version']],
    [['dlq', 'status', '--version']],
  ])('%j prints the version and exits 0, running nothing', async (argv) => {
    const result = await gpr(argv, '9.8.7');
    expect(result).toEqual({ code: 0, out: 'gpr 9.8.7', err: '' });
  });

  it('says when it does not know its version instead of printing nothing', async () => {
    const result = await gpr(['--version'], undefined);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^gpr \(version unknown/);
  });

  it('--help still wins over --version', async () => {
    const result = await gpr(['--help', '--version'], '9.8.7');
    expect(result.out).toContain('gpr dlq status');
  });
});
