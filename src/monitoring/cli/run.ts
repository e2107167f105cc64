import type { ConfigEnv } from '../../config/index.js';
import { redactSecrets, toPipelineError } from '../../errors/index.js';
import { quoteValue, shownValue } from '../../errors/redact.js';
import type { MonitorClients } from '../clients.js';
import { MonitorConfigError } from '../errors.js';
import { createMonitor, type Monitor, type MonitorOptions } from '../monitor.js';
import { alertManagerFromEnv } from './alert-env.js';
import { flag, integer, type ParsedArgs, parseArgs, single, UsageError } from './args.js';
import { checkEmulatorVariables, emulatorClients } from './emulators.js';
import {
  formatDeadLetters,
  formatLogging,
  formatReplay,
  formatReport,
  printable,
  printableLines,
} from './format.js';
import { DEFAULT_DRAIN_MS, serve } from './serve.js';

/**
 * What {@link runCli} writes to and reads from; the `gpr` binary passes the process's own.
 *
 * @example
 * ```ts
 * import { runCli, type CliIo } from 'gcp-pipeline-resilience';
 * // Run the CLI in a test and capture what it prints.
 * const lines: string[] = [];
 * const io: CliIo = { stdout: (l) => lines.push(l), stderr: (l) => lines.push(l), env: { GCP_PROJECT_ID: 'my-project' } };
 * const exitCode = await runCli(['dlq', 'status', '--json'], io);
 * ```
 */
export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Read for `GCP_PROJECT_ID`, `SPORT`, the emulator hosts and the alert channels (`SLACK_WEBHOOK_URL`, ...). */
  env: ConfigEnv;
  /** Clients to use instead of creating them (tests, embedding). */
  clients?: MonitorClients;
  /** What `gpr --version` prints: the `gpr` binary passes the installed package's version. */
  version?: string;
}

const USAGE = `gpr: the gcp-pipeline-resilience monitor

  gpr dlq status     [--subscription ID]... [--threshold N] [--sample N]
  gpr dlq replay     --from SUBSCRIPTION [--to TOPIC] [--reason R]... [--max N] [--max-replays N] [--dry-run]
  gpr logging errors [--lookback MINUTES] [--threshold N]
  gpr check          [--dry-run] [--no-logging] [--no-dead-letters]
  gpr serve          [--port N] [--drain-ms N]
                     GET /health, POST /check (PORT, GPR_DRAIN_MS read too). SIGTERM: a drain
                     (8000 ms), runs still going near its end answer 503, then it ends by the signal

common options: --project ID (default GCP_PROJECT_ID, then GOOGLE_CLOUD_PROJECT, then nba-props-platform),
  --sport nba|mlb (default SPORT or nba), --json
gpr --version prints the package's version, gpr --help (-h) this text
exit status: 0 nothing found, 1 something found, 2 usage or configuration error, 3 a check, an alert or
  a replay failed
emulators: PUBSUB_EMULATOR_HOST, GPR_MONITORING_EMULATOR_HOST, GPR_LOGGING_EMULATOR_HOST (host:port)
alerts of check and serve: SLACK_WEBHOOK_URL; SENDGRID_API_KEY, ALERT_EMAIL_FROM, ALERT_EMAIL_TO (a,b);
  GPR_ALERT_BUCKET (rate limits shared in Cloud Storage), ENVIRONMENT`;

const COMMON = ['project', 'sport'];
const COMMON_FLAGS = ['json'];

interface Command {
  options: string[];
  flags: string[];
  /**
   * The monitor option each command-line option sets (`MonitorConfigError.field`, or its start):
   * an error on it names the option the user typed (`--subscription`), not the field.
   */
  fields?: Record<string, string>;
  /** Sends the findings to the alert manager the environment configures (`alert-env.ts`). */
  alerts?: boolean;
  run(args: ParsedArgs, ctx: Context): Promise<number>;
}

interface Context {
  io: CliIo;
  monitor(extra?: MonitorOptions): Promise<Monitor>;
  print(json: unknown, human: () => string[], args: ParsedArgs): void;
}

const COMMANDS: Record<string, Command> = {
  'dlq status': {
    options: ['subscription', 'threshold', 'sample'],
    flags: [],
    fields: {
      'deadLetters.only': 'subscription',
      'deadLetters.threshold': 'threshold',
      'deadLetters.sampleSize': 'sample',
    },
    async run(args, ctx) {
      const subscriptions = args.options.get('subscription');
      const monitor = await ctx.monitor({
        logging: false,
        deadLetters: {
          ...(subscriptions ? { only: subscriptions } : {}),
          ...optional('threshold', integer(args, 'threshold')),
          ...optional('sampleSize', integer(args, 'sample')),
        },
      });
      const result = await monitor.checkDeadLetters();
      ctx.print(result, () => formatDeadLetters(result), args);
      if (result.subscriptions.some((s) => s.status === 'failed')) return 3;
      return result.findings.length > 0 ? 1 : 0;
    },
  },
  'dlq replay': {
    options: ['from', 'to', 'reason', 'max', 'max-replays'],
    flags: ['dry-run'],
    fields: { from: 'from', to: 'to', max: 'max', maxReplays: 'max-replays' },
    async run(args, ctx) {
      const from = single(args, 'from');
      if (!from) throw new UsageError('dlq replay needs --from SUBSCRIPTION');
      const reasons = args.options.get('reason');
      const monitor = await ctx.monitor({ logging: false });
      const to = single(args, 'to');
      const result = await monitor.replay({
        from,
        ...(to ? { to } : {}),
        ...(reasons ? { filter: (m) => reasons.includes(m.deadLetterReason ?? '') } : {}),
        ...optional('max', integer(args, 'max')),
        ...optional('maxReplays', integer(args, 'max-replays')),
        dryRun: flag(args, 'dry-run'),
      });
      ctx.print(result, () => formatReplay(result), args);
      return result.failed.length > 0 || result.stoppedBy === 'failed' ? 3 : 0;
    },
  },
  'logging errors': {
    options: ['lookback', 'threshold'],
    flags: [],
    fields: { 'logging.lookbackMinutes': 'lookback', 'logging.threshold': 'threshold' },
    async run(args, ctx) {
      const monitor = await ctx.monitor({
        deadLetters: false,
        logging: {
          ...optional('lookbackMinutes', integer(args, 'lookback')),
          ...optional('threshold', integer(args, 'threshold')),
        },
      });
      const result = await monitor.checkLoggingErrors();
      ctx.print(result, () => formatLogging(result), args);
      if (result.categories.some((c) => c.status === 'failed')) return 3;
      return result.findings.length > 0 ? 1 : 0;
    },
  },
  check: {
    options: [],
    flags: ['dry-run', 'no-logging', 'no-dead-letters'],
    alerts: true,
    async run(args, ctx) {
      if (flag(args, 'no-logging') && flag(args, 'no-dead-letters')) {
        // Nothing would be looked at, and the report would say `healthy` (exit 0).
        throw new UsageError('check with both --no-logging and --no-dead-letters checks nothing: drop one');
      }
      const monitor = await ctx.monitor();
      const report = await monitor.run({
        dryRun: flag(args, 'dry-run'),
        includeLogging: !flag(args, 'no-logging'),
        includeDeadLetters: !flag(args, 'no-dead-letters'),
      });
      ctx.print(report, () => formatReport(report), args);
      // An alert that did not go out (failed, or stopped before it was sent) is a failure of the run,
      // not "something found": exit 1 would read as found and alerted.
      const alertsLost = report.summary.alertsFailed + report.summary.alertsNotSent > 0;
      if (report.status === 'degraded' || alertsLost) return 3;
      return report.status === 'errors_found' ? 1 : 0;
    },
  },
  serve: {
    options: ['port', 'drain-ms'],
    flags: [],
    alerts: true,
    async run(args, ctx) {
      const port = portNumber(integer(args, 'port'), '--port') ?? portNumber(ctx.io.env.PORT, 'PORT') ?? 8080;
      const drainMs =
        drainNumber(single(args, 'drain-ms'), '--drain-ms') ??
        drainNumber(ctx.io.env.GPR_DRAIN_MS, 'GPR_DRAIN_MS') ??
        DEFAULT_DRAIN_MS;
      const monitor = await ctx.monitor();
      // 128 + the signal's number: see `serve`.
      return await serve(monitor, port, ctx.io.stderr, { drainMs });
    },
  },
};

/**
 * A TCP port (0: any free one), or a `UsageError` naming where the bad value came from and quoting it
 * redacted and cut (`quoteValue`): a variable may hold what it should not.
 */
function portNumber(value: number | string | undefined, source: string): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (/^\d+$/.test(text) && Number(text) <= 65535) return Number(text);
  throw new UsageError(`${source} must be a port number from 0 to 65535, got ${quoteValue(String(value))}`);
}

/** The longest drain accepted, ms (a platform with a long grace period; Cloud Run's is 10 s). */
const MAX_DRAIN_MS = 600_000;

/** A drain budget in ms (1 to 600 000), or a `UsageError` naming where the bad value came from. */
function drainNumber(value: string | undefined, source: string): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= MAX_DRAIN_MS) return Number(text);
  throw new UsageError(
    `${source} must be a whole number of milliseconds from 1 to ${MAX_DRAIN_MS}, got ${quoteValue(value)}`,
  );
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** Every option that takes no value, whatever the command. */
const VALUELESS = new Set([
  'help',
  'version',
  ...COMMON_FLAGS,
  ...Object.values(COMMANDS).flatMap((c) => c.flags),
]);

/**
 * The message of a configuration error, naming the command-line option that set the field when the
 * user gave it (`--subscription: "a b" is not a valid ...`), else the field (a value from the
 * environment, `GCP_PROJECT_ID`, says so in the message).
 */
function configMessage(error: MonitorConfigError, command: Command, args: ParsedArgs | undefined): string {
  const fields: Record<string, string> = { projectId: 'project', sport: 'sport', ...command.fields };
  for (const [field, option] of Object.entries(fields)) {
    const matches =
      error.field === field || error.field.startsWith(`${field}[`) || error.field.startsWith(`${field}.`);
    if (matches && args?.options.has(option) && error.message.startsWith(`${error.field}: `)) {
      return `--${option}: ${error.message.slice(error.field.length + 2)}`;
    }
  }
  return error.message;
}

/** `argv` as given by a JavaScript caller: anything but an array of strings is a usage error. */
function checkArgv(argv: unknown): asserts argv is readonly string[] {
  if (!Array.isArray(argv)) {
    throw new UsageError(
      `the arguments must be an array of strings, got ${argv === null ? 'null' : typeof argv}`,
    );
  }
  for (const [index, arg] of argv.entries()) {
    if (typeof arg !== 'string') {
      throw new UsageError(
        `argument ${index + 1} must be a string, got ${arg === null ? 'null' : typeof arg}`,
      );
    }
  }
}

/**
 * The words of `argv` that are not options or option values (`--project p dlq status` is the
 * command `dlq status`: `p` is the value of `--project`).
 */
function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) words.push(arg);
    else if (!arg.includes('=') && !VALUELESS.has(arg.slice(2))) i += 1;
  }
  return words;
}

/** Every option some command takes. */
const ANY_OPTION = new Set([...COMMON, ...VALUELESS, ...Object.values(COMMANDS).flatMap((c) => c.options)]);

/**
 * Why `argv` names no command. An option no command takes comes first: `commandWords` took the word
 * after it as its value (`gpr --verbose dlq status` read as the command `status`). Quoted as every
 * rejected value is (`quoteValue`): a key pasted as the first word is no command.
 */
function noCommand(argv: readonly string[], words: readonly string[]): string {
  const unknown = argv.find((arg) => arg.startsWith('--') && !ANY_OPTION.has(arg.slice(2).split('=')[0]!));
  if (unknown !== undefined) return `unknown option ${shownValue(unknown.split('=')[0]!)}`;
  if (words.length === 0) return 'no command given';
  const group = Object.keys(COMMANDS).filter((command) => command.startsWith(`${words[0]} `));
  if (words.length === 1 && group.length > 0) {
    return `${words[0]} needs a command: ${group.join(', ')}`;
  }
  return `unknown command ${quoteValue(words.slice(0, 2).join(' '))}`;
}

/**
 * The `gpr` command line (`npx gpr dlq status`, `npx gpr dlq replay ...`, `npx gpr check`,
 * `npx gpr serve`), callable in-process: resolves to the exit status instead of exiting. It runs the
 * same code as {@link createMonitor} and {@link createMonitorHandler}.
 *
 * @example
 * ```ts
 * import { runCli } from 'gcp-pipeline-resilience';
 * const status = await runCli(['dlq', 'status', '--sport', 'nba', '--json'], {
 *   stdout: (line) => console.log(line),
 *   stderr: (line) => console.error(line),
 *   env: process.env,
 * });
 * process.exitCode = status;
 * ```
 */
export async function runCli(argv: readonly string[], caller: CliIo): Promise<number> {
  // Every line to stderr leaves through here: a message quotes what the user typed (an unknown
  // option as given, a value JSON-quoted, which leaves DEL and C1 such as CSI as they are), and the
  // arguments may hold terminal control sequences.
  const io: CliIo = Object.create(caller, {
    stderr: { value: (line: string) => caller.stderr(printableLines(line)) },
  });
  try {
    checkArgv(argv);
  } catch (error) {
    io.stderr(`gpr: ${(error as UsageError).message}\n\n${USAGE}`);
    return 2;
  }
  const words = commandWords(argv);
  if (argv.length === 0) {
    io.stderr(USAGE);
    return 2;
  }
  // `-h` only where a word stands, not as an option's value (`--reason -h`).
  if (words[0] === 'help' || words.includes('-h') || argv.includes('--help')) {
    io.stdout(USAGE);
    return 0;
  }
  if (words[0] === 'version' || argv.includes('--version')) {
    io.stdout(`gpr ${io.version ?? '(version unknown: not run from the installed package)'}`);
    return 0;
  }
  // Own keys only: `gpr constructor` must not find Object.prototype's.
  const name = [`${words[0]} ${words[1]}`, words[0]].find(
    (candidate) => candidate && Object.hasOwn(COMMANDS, candidate),
  );
  if (!name) {
    io.stderr(`gpr: ${noCommand(argv, words)}\n\n${USAGE}`);
    return 2;
  }
  const command = COMMANDS[name]!;
  const created: Array<{ close(): Promise<unknown> }> = [];
  let args: ParsedArgs | undefined;
  try {
    const parsed = parseArgs(argv, [...COMMON, ...command.options], [...COMMON_FLAGS, ...command.flags]);
    args = parsed;
    const extra = parsed.positional.slice(name.split(' ').length);
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const ctx: Context = {
      io,
      async monitor(options = {}) {
        const project = single(parsed, 'project');
        const alertSink = command.alerts ? await alertManagerFromEnv(io.env, io.stderr) : undefined;
        const base: MonitorOptions = {
          env: io.env,
          ...optional('projectId', project),
          ...optional('sport', single(parsed, 'sport')),
          ...optional('alertSink', alertSink),
        };
        // Checked before any client is made: a configuration mistake is exit 2 with no call to Google.
        const probe = createMonitor({ ...base, ...options });
        checkEmulatorVariables(io.env);
        let clients = io.clients;
        if (!clients) {
          const emulators = await emulatorClients(io.env, probe.projectId);
          created.push(emulators);
          clients = emulators.clients;
        }
        const monitor = createMonitor({ ...base, ...options, clients });
        created.push(monitor);
        return monitor;
      },
      print(json, human, given) {
        if (flag(given, 'json')) io.stdout(printableLines(JSON.stringify(json, null, 2)));
        else for (const line of human()) io.stdout(printable(line));
      },
    };
    return await command.run(parsed, ctx);
  } catch (error) {
    if (error instanceof UsageError || error instanceof MonitorConfigError) {
      // Their messages quote values through `quoteValue` already; redacted again here, at the one
      // place every message leaves by, so that a message built without it cannot show a credential.
      const message =
        error instanceof MonitorConfigError ? configMessage(error, command, args) : error.message;
      io.stderr(`gpr: ${redactSecrets(message)}`);
      return 2;
    }
    const typed = toPipelineError(error);
    io.stderr(`gpr: ${typed.code}: ${typed.message}`);
    return 3;
  } finally {
    await Promise.allSettled(created.map((m) => m.close()));
  }
}
