/**
 * The demo's command line: one table of options that both the parser and `--help` read, so the help
 * text cannot drift from what is accepted.
 */
import { isProjectId, PROJECT_ID_RULE } from '../src/config/table-name.js';
import type { DemoOptions } from './demo-pipeline.js';

/** What the command line asks for: the pipeline's options, plus how much to print. */
export interface DemoArgs extends DemoOptions {
  /** Print only the final tables and summary lines. */
  quiet: boolean;
  /** Also print one message's OpenTelemetry trace and a retry table per operation. */
  trace: boolean;
  /** Print the options and exit. */
  help: boolean;
}

interface OptionSpec {
  /** The flag, with its value placeholder if it takes one. */
  usage: string;
  /** One line for `--help`. */
  description: string;
  /** Applies the flag (and its value, for flags that take one) to the parsed arguments. */
  apply: (args: DemoArgs, value: () => string) => void;
}

/**
 * A seed as typed: decimal digits, optionally negative, within 2^53. `Number()` alone took `''` and
 * blanks as 0, `0x10` and `1e3` as other spellings, a number past 2^53 as its neighbour, and `1e308`,
 * whose fault seeds overflow to Infinity, as a crash in the middle of the run: each ran a seed other
 * than the one on the command line, or none.
 *
 * @example
 * ```ts
 * parseSeed('-7', '--seed'); // -7
 * ```
 */
export function parseSeed(raw: string, option: string): number {
  const seed = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(seed)) {
    throw new Error(
      `${option} needs a whole number from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(raw)}`,
    );
  }
  return seed;
}

const OPTIONS: Record<string, OptionSpec> = {
  '--seed': {
    usage: '--seed N',
    description: 'seed of the fault plan and of the retry jitter (default 1)',
    apply: (args, value) => {
      args.seed = parseSeed(value(), '--seed');
    },
  },
  '--project': {
    usage: '--project ID',
    description: 'run against this Google Cloud project (Application Default Credentials)',
    apply: (args, value) => {
      const project = value();
      // Checked here, not when the pipeline names its tables: there it was a stack (exit 1) blaming
      // GCP_PROJECT_ID, after the pipeline had loaded.
      if (!isProjectId(project)) {
        throw new Error(
          `--project needs a Google Cloud project id (${PROJECT_ID_RULE}), got ${JSON.stringify(project)}`,
        );
      }
      args.projectId = project;
    },
  },
  '--prefix': {
    usage: '--prefix P',
    description: 'prefix of the datasets, topics and subscriptions the demo creates',
    apply: (args, value) => {
      const prefix = value();
      // It begins dataset ids (letters, digits, '_') and, with '-' for '_', topic and subscription ids
      // (a letter first, not 'goog', at most 255 characters).
      if (!/^[A-Za-z][A-Za-z0-9_]{0,199}$/.test(prefix) || /^goog/i.test(prefix)) {
        throw new Error(
          `--prefix needs a letter, then letters, digits and '_' (at most 200 characters, not starting with 'goog'), got ${JSON.stringify(prefix)}`,
        );
      }
      args.prefix = prefix;
    },
  },
  '--location': {
    usage: '--location L',
    description: "BigQuery location on Google Cloud (default 'US')",
    apply: (args, value) => {
      args.location = value();
    },
  },
  '--writer': {
    usage: '--writer storage|insert-all',
    description:
      "how the processor writes its rows: 'storage' (Storage Write API, atomic; default) or 'insert-all'",
    apply: (args, value) => {
      const writer = value();
      if (writer !== 'storage' && writer !== 'insert-all') {
        throw new Error(`--writer must be storage or insert-all, got ${JSON.stringify(writer)}`);
      }
      args.writer = writer;
    },
  },
  '--keep': {
    usage: '--keep',
    description: "Google Cloud only: keep the demo's datasets and topics at the end",
    apply: (args) => {
      args.keep = true;
    },
  },
  '--quiet': {
    usage: '--quiet',
    description: 'print only the final tables and summary lines',
    apply: (args) => {
      args.quiet = true;
    },
  },
  '--trace': {
    usage: '--trace',
    description: "also print one message's OpenTelemetry trace as a tree and a retry table per operation",
    apply: (args) => {
      args.trace = true;
    },
  },
  '--help': {
    usage: '--help, -h',
    description: 'print these options and exit',
    apply: (args) => {
      args.help = true;
    },
  },
};

const ALIASES: Record<string, string> = { '-h': '--help' };

/**
 * Parses the demo's arguments; throws an `Error` naming the argument that is unknown or lacks a value.
 *
 * @example
 * ```ts
 * parseDemoArgs(['--seed', '7', '--quiet']); // { quiet: true, trace: false, help: false, seed: 7 }
 * ```
 */
export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  const args: DemoArgs = { quiet: false, trace: false, help: false };
  const values = new Map<OptionSpec, string>();
  for (let i = 0; i < argv.length; i++) {
    const given = argv[i] ?? '';
    // `--seed=42` as well as `--seed 42`.
    const eq = given.startsWith('--') ? given.indexOf('=') : -1;
    const arg = eq === -1 ? given : given.slice(0, eq);
    const spec = OPTIONS[ALIASES[arg] ?? arg];
    if (spec === undefined) {
      throw new Error(`unknown argument ${JSON.stringify(given)}; run with --help for the options`);
    }
    let inline = eq === -1 ? undefined : given.slice(eq + 1);
    const takeValue = (): string => {
      if (inline !== undefined) {
        const value = inline;
        inline = undefined;
        if (value === '') throw new Error(`${arg} needs a value`);
        return value;
      }
      const next = argv[++i];
      // `--prefix ''` as `--prefix=`: on Google Cloud an empty prefix named the project's own
      // `mlb_raw`... datasets, which the run drops at its end.
      if (next === undefined || next === '' || next.startsWith('--')) throw new Error(`${arg} needs a value`);
      return next;
    };
    spec.apply(args, () => {
      const value = takeValue();
      // `--seed 1 ... --seed 2` ran seed 2 silently: which one was meant is unknown (as for `gpr`).
      const before = values.get(spec);
      if (before !== undefined && before !== value) {
        throw new Error(
          `${spec.usage.split(' ')[0]} is given twice with different values (${JSON.stringify(before)} and ${JSON.stringify(value)})`,
        );
      }
      values.set(spec, value);
      return value;
    });
    if (inline !== undefined) throw new Error(`${arg} takes no value, got ${JSON.stringify(given)}`);
  }
  // On the stand-ins everything ends with the run: there is nothing to keep.
  if (args.keep && args.projectId === undefined)
    throw new Error('--keep needs --project (Google Cloud only)');
  return args;
}

/**
 * The `--help` text: usage, then one line per option.
 *
 * @example
 * ```ts
 * console.log(demoHelp());
 * ```
 */
export function demoHelp(): string {
  const specs = Object.values(OPTIONS);
  const width = Math.max(...specs.map((s) => s.usage.length));
  return [
    'Usage: npm run demo -- [options]',
    '',
    'Runs the pipeline end to end on embedded stand-ins of BigQuery, Pub/Sub, Cloud Logging,',
    'Cloud Monitoring, Slack and Cloud Storage (no Google account), or on Google Cloud with --project.',
    '',
    'Options (a value as `--seed 42` or `--seed=42`):',
    ...specs.map((s) => `  ${s.usage.padEnd(width)}  ${s.description}`),
    '',
    'SIGTERM or Ctrl-C stops the run after the step in progress, cleans up, lists what it had done',
    'and exits 143 (130 for Ctrl-C); a second signal exits at once.',
  ].join('\n');
}
