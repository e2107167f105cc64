import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { demoHelp, parseDemoArgs } from '../../../examples/demo-args.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

describe('the demo command line', () => {
  it('reads every documented option', () => {
    expect(
      parseDemoArgs([
        '--seed',
        '7',
        '--project',
        'my-project',
        '--prefix',
        'x_',
        '--location',
        'EU',
        '--keep',
        '--quiet',
        '--trace',
      ]),
    ).toEqual({
      help: false,
      quiet: true,
      trace: true,
      seed: 7,
      projectId: 'my-project',
      prefix: 'x_',
      location: 'EU',
      keep: true,
    });
    expect(parseDemoArgs(['-h']).help).toBe(true);
    expect(parseDemoArgs(['--seed', '-3']).seed).toBe(-3);
  });

  it('names the argument it refuses', () => {
    expect(() => parseDemoArgs(['--verbose'])).toThrow('unknown argument "--verbose"; run with --help');
    expect(() => parseDemoArgs(['--seed'])).toThrow('--seed needs a value');
    expect(() => parseDemoArgs(['--seed', '--quiet'])).toThrow('--seed needs a value');
    expect(() => parseDemoArgs(['--seed', '1.5'])).toThrow(
      '--seed needs a whole number from -9007199254740991 to 9007199254740991, got "1.5"',
    );
    expect(() => parseDemoArgs(['--seed='])).toThrow('--seed needs a value');
    expect(() => parseDemoArgs(['--quiet=yes'])).toThrow('--quiet takes no value, got "--quiet=yes"');
    expect(() => parseDemoArgs(['--sed=3'])).toThrow('unknown argument "--sed=3"');
    expect(() => parseDemoArgs(['--keep'])).toThrow('--keep needs --project (Google Cloud only)');
  });

  it.each([
    [' ', 'blanks, which Number() reads as 0'],
    ['1e308', 'a number whose fault seeds overflow to Infinity (a TypeError stack, exit 1)'],
    ['9007199254740993', 'a number past 2^53, which is not the one typed'],
    ['0x10', 'hexadecimal'],
    ['1e3', 'an exponent'],
  ])('refuses --seed %j (%s), naming it, rather than running another seed', (raw) => {
    expect(() => parseDemoArgs(['--seed', raw])).toThrow(
      `--seed needs a whole number from -9007199254740991 to 9007199254740991, got ${JSON.stringify(raw)}`,
    );
  });

  it('takes the largest seeds it accepts, negative ones too', () => {
    expect(parseDemoArgs(['--seed', '9007199254740991']).seed).toBe(9007199254740991);
    expect(parseDemoArgs(['--seed=-9007199254740991']).seed).toBe(-9007199254740991);
  });

  it.each([
    [['--project', ''], '--project needs a value'],
    [['--prefix', ''], '--prefix needs a value'],
    [['--location', ''], '--location needs a value'],
    [['--seed', ''], '--seed needs a value'],
  ])('refuses an empty value given apart (%j) as it does `--name=`', (argv, message) => {
    expect(() => parseDemoArgs(argv)).toThrow(message);
  });

  it.each([
    ['x_y', 'underscore'],
    ['My-Project', 'upper case'],
    ['p', 'too short'],
  ])('refuses --project %j (%s) naming the option, not GCP_PROJECT_ID', (project) => {
    expect(() => parseDemoArgs(['--project', project])).toThrow(
      `--project needs a Google Cloud project id (a project id is 6 to 30 characters`,
    );
  });

  it.each([
    ['a b', 'a blank'],
    ['x-', "a '-', which no dataset id takes"],
    ['1_', 'a digit first, which no topic id takes'],
    ['goog_', "'goog', which Pub/Sub reserves"],
    ['p'.repeat(201), 'too long for the topic ids'],
  ])('refuses --prefix %j (%s) before anything is started', (prefix) => {
    expect(() => parseDemoArgs(['--prefix', prefix])).toThrow(
      `--prefix needs a letter, then letters, digits`,
    );
  });

  it.each([
    [['--seed', '1', '--seed', '2'], '--seed is given twice with different values ("1" and "2")'],
    [['--seed=1', '--quiet', '--seed', '01'], '--seed is given twice with different values ("1" and "01")'],
    [['--writer', 'storage', '--writer=insert-all'], '--writer is given twice with different values'],
  ])('refuses an option given twice with different values (%j), not the last one taken', (argv, message) => {
    expect(() => parseDemoArgs(argv)).toThrow(message);
  });

  it('takes an option given twice with the same value, and a flag given twice', () => {
    expect(parseDemoArgs(['--seed', '3', '--quiet', '--seed=3', '--quiet'])).toMatchObject({
      seed: 3,
      quiet: true,
    });
  });

  it('reads --name=value as --name value', () => {
    expect(parseDemoArgs(['--seed=42', '--writer=insert-all', '--quiet'])).toMatchObject({
      seed: 42,
      writer: 'insert-all',
      quiet: true,
    });
  });

  it('lists every option it accepts in --help', () => {
    const help = demoHelp();
    for (const flag of [
      '--seed N',
      '--project ID',
      '--prefix P',
      '--location L',
      '--keep',
      '--quiet',
      '--trace',
      '--help',
    ]) {
      expect(help).toContain(flag);
    }
  });

  it('prints the options and exits 0 on `npm run demo -- --help`; exits 2 naming an unknown argument', async () => {
    const { stdout, stderr } = await run(tsx, ['examples/demo.ts', '--help'], { cwd: root });
    expect(stdout.trim()).toBe(demoHelp());
    expect(stderr).toBe('');
    const failure = await run(tsx, ['examples/demo.ts', '--nope'], { cwd: root }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain('unknown argument "--nope"');
  }, 60_000);
});
