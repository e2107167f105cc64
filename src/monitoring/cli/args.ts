import { quoteValue, shownValue } from '../../errors/redact.js';

/** A command line split into positional words and `--name value` / `--name=value` / `--flag` options. */
export interface ParsedArgs {
  positional: string[];
  options: Map<string, string[]>;
}

/** A command-line mistake: the message says what to type instead. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Splits `argv`. `flags` take no value (`--dry-run`, `--json`, `--no-logging`); every other option
 * takes one. An option not in `known` is a `UsageError`.
 */
export function parseArgs(
  argv: readonly string[],
  known: readonly string[],
  flags: readonly string[],
): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!known.includes(name) && !flags.includes(name)) {
      throw new UsageError(
        `unknown option ${shownValue(`--${name}`)} (options here: ${[...known, ...flags].map((o) => `--${o}`).join(', ')})`,
      );
    }
    let value: string;
    if (flags.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      value = 'true';
    } else if (eq >= 0) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      value = next;
      i += 1;
    }
    // `--to ''` is no topic: taken as absent it would fall back to a default (the configured source
    // topic of a replay) the user did not ask for.
    if (value === '') throw new UsageError(`--${name} needs a value, got an empty one`);
    options.set(name, [...(options.get(name) ?? []), value]);
  }
  return { positional, options };
}

/**
 * The value of `--name`, if given. Given twice with different values it is a `UsageError`: which one
 * was meant is unknown (`--project a --project b` would check one of them), as for the HTTP flags.
 */
export function single(args: ParsedArgs, name: string): string | undefined {
  const values = args.options.get(name);
  const other = values?.find((value) => value !== values[0]);
  if (other !== undefined) {
    throw new UsageError(
      `--${name} is given twice with different values (${quoteValue(values![0]!)} and ${quoteValue(other)})`,
    );
  }
  return values?.[0];
}

/** `--name` as a non-negative integer, if given. */
export function integer(args: ParsedArgs, name: string): number | undefined {
  const value = single(args, name);
  if (value === undefined) return undefined;
  // Past 2^53 a number is not the one typed (9007199254740993 reads as ...992).
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(
      `--${name} needs a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got ${quoteValue(value)}`,
    );
  }
  return Number(value);
}

/** Whether the flag `--name` was given. */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.options.has(name);
}
