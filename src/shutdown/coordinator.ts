import { cloudLoggingLogger, type Logger } from '../logging/index.js';
import type { Clock } from '../retry/index.js';
import { scheduleOn } from '../retry/schedule.js';
import { checkOptions, describeValue, OPTION_ALIASES } from '../shared/check-options.js';
import { messageOf } from '../shared/message-of.js';
import { moduleRequire } from '../shared/module-require.js';
import type { NodeSignal } from '../shared/node-types.js';
import { safeLogger } from '../shared/safe-logger.js';
import type {
  ShutdownContext,
  ShutdownProcess,
  ShutdownReport,
  ShutdownTask,
  ShutdownTaskOptions,
  ShutdownTaskOutcome,
  ShutdownTrigger,
} from './types.js';

/**
 * The default total limit of a shutdown: 8 s. Cloud Run sends SIGKILL 10 s after SIGTERM (Cloud
 * Functions and GKE's default grace period give as much or more); 2 s are left for the process to
 * exit after the last task.
 *
 * @example
 * ```ts
 * import { createShutdownCoordinator, DEFAULT_SHUTDOWN_TIMEOUT_MS } from 'gcp-pipeline-resilience';
 * const coordinator = createShutdownCoordinator({ timeoutMs: DEFAULT_SHUTDOWN_TIMEOUT_MS / 2 });
 * ```
 */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 8_000;

/**
 * Options of {@link createShutdownCoordinator}.
 *
 * @example
 * ```ts
 * import { createShutdownCoordinator, type ShutdownCoordinatorOptions } from 'gcp-pipeline-resilience';
 * const options: ShutdownCoordinatorOptions = { timeoutMs: 25_000, signals: ['SIGTERM'] };
 * const coordinator = createShutdownCoordinator(options);
 * ```
 */
export interface ShutdownCoordinatorOptions {
  /** Total limit from the signal to the last task, ms. Default 8000 (Cloud Run kills at 10 s). */
  timeoutMs?: number;
  /**
   * The signals that start a shutdown. Default `['SIGTERM', 'SIGINT']`. Each must be a name of a signal
   * Node can catch (`'SIGTERM'`, not `'sigterm'`; not `SIGKILL` or `SIGSTOP`): anything else is a
   * `TypeError` naming `signals[i]`, here rather than when the first task joins.
   */
  signals?: readonly NodeSignal[];
  /** Also run the tasks when the event loop runs empty (`beforeExit`), for scripts. Default true. */
  runOnBeforeExit?: boolean;
  /** Where to listen. Default `process`. */
  process?: ShutdownProcess;
  /** Times the limits (tests pass `createTestClock()`). Default `setTimeout`. */
  clock?: Required<Pick<Clock, 'schedule'>>;
  /**
   * Task failures and time-outs at error, a second signal at warning, the shutdown itself at info.
   * Default: only the errors, as Cloud Logging JSON lines on stderr (what a failed task left undone
   * must not go unseen).
   */
  logger?: Logger;
}

/**
 * One place where every component that must finish something before the process exits joins in.
 *
 * @example
 * ```ts
 * import { createShutdownCoordinator, UnresolvedPlayerTracker } from 'gcp-pipeline-resilience';
 * declare const nbaTracker: UnresolvedPlayerTracker, mlbTracker: UnresolvedPlayerTracker;
 * const coordinator = createShutdownCoordinator();
 * coordinator.onShutdown(() => nbaTracker.flush(), { name: 'nba unresolved players' });
 * coordinator.onShutdown(() => mlbTracker.flush(), { name: 'mlb unresolved players' });
 * ```
 */
export interface ShutdownCoordinator {
  /**
   * Joins a task; returns the function that leaves again (idempotent). The first task makes the
   * coordinator listen to its signals; when the last one leaves it stops listening. A task joined
   * while a shutdown runs is started at once and waited for, within the same limit (once that limit
   * has passed, it is reported `timed_out` at once, and called with its signal already aborted). A task joined
   * after a shutdown finished (`done`) is started at once too, in a run of its own with the same
   * trigger and limits (`shutdown()` waits for it): what it has to write is not lost. It starts on the
   * next microtask; leaving before then means it never runs.
   */
  onShutdown(task: ShutdownTask, options?: ShutdownTaskOptions): () => void;
  /**
   * Runs every task now (what a signal does, without re-raising it) and resolves with the report
   * when all have finished or timed out. Calls while one runs get the same promise. After a
   * finished shutdown, the report holds every task that ran: the shutdown's, then those joined later.
   */
  shutdown(trigger?: ShutdownTrigger): Promise<ShutdownReport>;
  /**
   * `idle`, `running`, or `done` (after a signal or `shutdown()`: the process is going down; a task
   * joined then makes it `running` until that task ends).
   */
  readonly state: 'idle' | 'running' | 'done';
  /** Tasks joined and not yet run. */
  readonly size: number;
  /** The total limit, ms. */
  readonly timeoutMs: number;
}

interface Entry {
  readonly task: ShutdownTask;
  readonly name: string;
  readonly timeoutMs: number | undefined;
}

/**
 * The logger of a coordinator given none: ERROR entries only (a task that failed or timed out), as
 * Cloud Logging JSON lines on stderr. What a task could not finish (rows a flush could not write)
 * dies with the process, and there is no caller left to see an error: it must not go unseen.
 */
function lastResortLogger(): Logger {
  return cloudLoggingLogger({ minSeverity: 'ERROR', write: (line) => process.stderr.write(`${line}\n`) });
}

/**
 * The coordinators listening (on any process), each as what it does with a signal that `target` got
 * before it joined: `false` when it listens elsewhere or not to that signal, or will raise one again
 * itself (a run started by a signal, or one waiting to end); else the function that hands it the
 * signal. A listener of the application, not in here, keeps the exit to the application.
 */
const coordinators = new Set<(target: object, signal: NodeSignal) => false | (() => void) | undefined>();

function positiveMs(where: string, value: number | undefined): void {
  if (value !== undefined && !(value > 0 && value <= 2_147_483_647)) {
    throw new RangeError(`${where} must be a number of ms in (0, 2147483647], got ${value}`);
  }
}

/**
 * Creates a shutdown coordinator: on SIGTERM or SIGINT it runs every joined task at once, and the
 * process exits only when every task has finished or the total limit (8 s by default) has passed;
 * then the signal is raised again, once, so the process ends the way it would have without us. If
 * the application has its own listener for that signal, the exit is left to it (it can
 * `await coordinator.shutdown()` first). A signal that arrives while a run started by `shutdown()` or
 * `beforeExit` is going on waits for it and is then raised again the same way. A task joined after a
 * shutdown finished runs at once, within the same limits. Tasks that throw or time out are reported
 * and logged; they never keep the others from running. A process that exits
 * without a shutdown (`process.exit()`, an uncaught exception) logs at error each task that never
 * ran or was still running. Idle, it adds no listener and no timer.
 *
 * Most code uses the process-wide {@link onShutdown}; create your own coordinator for a different
 * limit, other signals, or tests (with a fake process and a test clock).
 *
 * @example
 * ```ts
 * import { createShutdownCoordinator, UnresolvedPlayerTracker } from 'gcp-pipeline-resilience';
 * declare const tracker: UnresolvedPlayerTracker;
 * // e.g. a Pub/Sub Subscription; with closeOptions: { behavior: 'WAIT' } when a message handler
 * // drains on this coordinator (the default, 'NACK', nacks the handlings still in the drain).
 * declare const subscription: { close(): Promise<void> };
 *
 * const coordinator = createShutdownCoordinator({ timeoutMs: 8_000 });
 * coordinator.onShutdown(() => tracker.flush(), { name: 'unresolved players' });
 * coordinator.onShutdown(() => subscription.close(), { name: 'subscription', timeoutMs: 3_000 });
 * ```
 */
export function createShutdownCoordinator(options: ShutdownCoordinatorOptions = {}): ShutdownCoordinator {
  checkOptions(
    'createShutdownCoordinator',
    options,
    {
      timeoutMs: 'number',
      signals: 'array',
      runOnBeforeExit: 'boolean',
      process: 'object',
      clock: 'object',
      logger: 'object',
    },
    OPTION_ALIASES,
  );
  positiveMs('createShutdownCoordinator: timeoutMs', options.timeoutMs);
  const timeoutMs = options.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const signals = [...(options.signals ?? (['SIGTERM', 'SIGINT'] as const))];
  // Only a JavaScript caller gets here with a bad name: 'sigterm' or 'SIGTREM' would be an event
  // that never fires, and SIGKILL or SIGSTOP would throw a raw EINVAL from libuv when the first task
  // joins. The platform's own list says which names are signals (SIGBREAK is Windows').
  const known = (moduleRequire()('node:os') as typeof import('node:os')).constants.signals;
  signals.forEach((signal: unknown, i) => {
    if (
      typeof signal !== 'string' ||
      !(signal in known || signal === 'SIGBREAK') ||
      /^SIG(KILL|STOP)$/.test(signal)
    ) {
      throw new TypeError(
        `createShutdownCoordinator: signals[${i}] must be the name of a signal Node can catch, such as 'SIGTERM'; got ${describeValue(signal)}`,
      );
    }
  });
  const runOnBeforeExit = options.runOnBeforeExit ?? true;
  const target = options.process ?? (process as unknown as ShutdownProcess);
  const clock = options.clock;
  if (clock !== undefined && typeof clock.schedule !== 'function') {
    throw new TypeError(
      `createShutdownCoordinator: clock.schedule must be a function, got ${typeof clock.schedule}`,
    );
  }
  const logger = safeLogger(options.logger ?? lastResortLogger());
  /**
   * A limit on the clock's timers. Its cancel never throws (a `schedule` that returned a timer
   * handle), and a `schedule` that throws puts the limit on `setTimeout` instead: a shutdown is the
   * last chance to run the tasks, so a broken clock must neither skip them nor hang the process.
   */
  const schedule = (ms: number, callback: () => void): (() => void) => {
    try {
      return scheduleOn(clock, ms, callback);
    } catch (error) {
      logger.error(
        `shutdown: the clock's schedule threw (${messageOf(error)}); ` + 'the limit runs on setTimeout',
        { error },
      );
      return scheduleOn(undefined, ms, callback);
    }
  };

  const entries = new Set<Entry>();
  let state: 'idle' | 'running' | 'done' = 'idle';
  let installed = false;
  let counter = 0;
  /**
   * `endsBy`: the signal raised again when the run ends: the one that started it, or one received
   * while a run started otherwise went on.
   */
  let running:
    | { promise: Promise<ShutdownReport>; join(entry: Entry): void; endsBy: NodeSignal | undefined }
    | undefined;
  let lastReport: ShutdownReport | undefined;
  /** The tasks started and not yet finished, failed or timed out. */
  const inFlight = new Set<Entry>();

  const listeners = new Map<string, () => void>();
  for (const signal of signals) listeners.set(signal, () => onSignal(signal));
  if (runOnBeforeExit) listeners.set('beforeExit', () => onBeforeExit());
  // The process ends without a shutdown (process.exit(), an uncaught exception): what the joined
  // tasks had to write is lost, and the last thing that can be done is to say so, synchronously.
  listeners.set('exit', () => onExit());

  // Our own listener of that signal is what hands it over.
  const handOver = (on: object, signal: NodeSignal): false | (() => void) | undefined =>
    on === target && !running?.endsBy && listeners.get(signal);

  function install(): void {
    if (installed) return;
    installed = true;
    for (const [event, listener] of listeners) target.on(event, listener);
    coordinators.add(handOver);
  }

  function uninstall(): void {
    if (!installed) return;
    installed = false;
    for (const [event, listener] of listeners) target.off(event, listener);
    coordinators.delete(handOver);
  }

  function onSignal(signal: NodeSignal): void {
    if (running?.endsBy) {
      logger.warn(`shutdown: ${signal} received again; still waiting for the tasks`, { signal });
    } else if (running) {
      // A shutdown started by shutdown(), beforeExit or a task joined after a finished shutdown runs:
      // the signal waits for it, then ends the process as it would have (our listener replaced
      // Node's default action, so dropping the signal here would leave a process that was told to
      // stop running until it is killed).
      running.endsBy = signal;
    } else void run(signal, signal);
  }

  function endBySignal(signal: NodeSignal): void {
    state = 'done';
    uninstall();
    // Our listener replaced Node's default action (exit). When nobody else listens, raise the
    // signal once more so the process ends as it would have without us. A coordinator that joined
    // after the signal came (a write in flight) never saw it: it gets the signal from us, runs its
    // tasks and raises it when they are done. Raised for it instead, the signal could be taken
    // by its listener and then dropped, when its last task left before the signal was delivered.
    const hands = [...coordinators].map((other) => other(target, signal)).filter(Boolean) as Array<
      () => void
    >;
    if (target.listenerCount(signal) > hands.length) return;
    for (const hand of hands) hand();
    if (hands.length === 0) target.kill(target.pid, signal);
  }

  function onExit(): void {
    for (const entry of entries) {
      logger.error(
        `process exited before shutdown task '${entry.name}' ran (process.exit() skips the shutdown)`,
        { task: entry.name },
      );
    }
    for (const { name } of inFlight) {
      logger.error(`process exited while shutdown task '${name}' was still running`, { task: name });
    }
  }

  function onBeforeExit(): void {
    // The tasks' own I/O makes the loop busy again; beforeExit fires once more afterwards, when
    // they are done and have left, so a dead endpoint cannot loop for ever.
    if (state === 'idle' && entries.size > 0) void run('beforeExit');
  }

  /**
   * `endsBy`: started by our signal listener. `afterDone`: started by a task joined after a finished
   * shutdown, from inside its `onShutdown` call (so its tasks start on the next microtask).
   */
  function run(trigger: ShutdownTrigger, endsBy?: NodeSignal, afterDone = false): Promise<ShutdownReport> {
    if (running) return running.promise;
    state = 'running';
    logger.info(`shutdown (${trigger}): running ${entries.size} task(s), ${timeoutMs} ms at most`, {
      trigger,
      tasks: entries.size,
      timeoutMs,
    });
    // `undefined`: a late task left before its queued start, so it never ran.
    const outcomes: Array<Promise<ShutdownTaskOutcome | undefined>> = [];
    // One "you are out of time" per task still running, for the total limit.
    const timeOuts = new Set<() => void>();
    let cancelTotal: (() => void) | undefined;
    /** The total limit has passed: a task that joins from now on has no time left to run in. */
    let expired = false;

    // `late`: joined while the run goes on. Such a task starts on the next microtask, never inside the
    // joiner's `onShutdown` call, which has not yet returned the leave function the task may use.
    const start = (entry: Entry, late = false): void => {
      // A late task stays registered until its queued start: its leave function, called in between,
      // still finds it, and the start then skips it.
      if (!late) entries.delete(entry);
      outcomes.push(
        new Promise<ShutdownTaskOutcome | undefined>((resolve) => {
          const controller = new AbortController();
          let cancelOwn: (() => void) | undefined;
          let done = false;
          inFlight.add(entry);
          const settle = (outcome: ShutdownTaskOutcome | undefined): void => {
            if (done) return;
            done = true;
            inFlight.delete(entry);
            timeOuts.delete(timeOut);
            cancelOwn?.();
            if (outcome?.status === 'timed_out') {
              controller.abort(new Error(`shutdown task '${entry.name}' ran out of time`));
            }
            resolve(outcome);
          };
          const timeOut = (): void => settle({ name: entry.name, status: 'timed_out' });
          timeOuts.add(timeOut);
          if (entry.timeoutMs !== undefined && entry.timeoutMs < timeoutMs) {
            cancelOwn = schedule(entry.timeoutMs, timeOut);
          }
          const context: ShutdownContext = { trigger, signal: controller.signal };
          const invoke = (): void => {
            let result: unknown;
            try {
              result = entry.task(context);
            } catch (error) {
              settle({ name: entry.name, status: 'failed', error });
              return;
            }
            Promise.resolve(result).then(
              () => settle({ name: entry.name, status: 'completed' }),
              (error: unknown) => settle({ name: entry.name, status: 'failed', error }),
            );
          };
          if (late) {
            queueMicrotask(() => {
              if (!entries.delete(entry)) return settle(undefined);
              // Joined once the total limit had passed (a task reacting to its abort): no timer is
              // left to end it, and waited for it would hold the run (and the signal's re-raise) for
              // ever. It is out of time at once, and still called, its signal aborted: a task that
              // keeps state (a tracker noting it has left the shutdown) learns that it ran.
              if (expired) timeOut();
              invoke();
            });
          } else invoke();
        }),
      );
    };

    // Registered before any task starts: a task that joins another one synchronously is started too.
    const current = {
      promise: Promise.resolve(undefined as unknown as ShutdownReport),
      join: (entry: Entry) => start(entry, true),
      endsBy,
    };
    running = current;
    current.promise = (async (): Promise<ShutdownReport> => {
      cancelTotal = schedule(timeoutMs, () => {
        expired = true;
        for (const timeOut of [...timeOuts]) timeOut();
      });
      for (const entry of [...entries]) start(entry, afterDone);
      // Wait until every started task has an outcome; tasks that join meanwhile join the wait, also
      // one that joins while the last outcomes are being collected.
      let ended: Array<ShutdownTaskOutcome | undefined> = [];
      while (ended.length < outcomes.length) {
        let awaited = 0;
        while (awaited < outcomes.length) {
          const batch = outcomes.slice(awaited);
          awaited = outcomes.length;
          await Promise.all(batch);
        }
        ended = await Promise.all(outcomes);
      }
      cancelTotal?.();
      const tasks = ended.filter((t): t is ShutdownTaskOutcome => t !== undefined);
      // A run for tasks joined after a finished shutdown continues it: its report (what a later
      // `shutdown()` returns) holds every task that ran, the earlier runs' first.
      const earlier = afterDone && lastReport !== undefined ? lastReport.tasks : [];
      const report: ShutdownReport = { trigger, tasks: [...earlier, ...tasks] };
      for (const outcome of tasks) {
        if (outcome.status === 'failed') {
          logger.error(`shutdown task '${outcome.name}' failed`, {
            task: outcome.name,
            error: outcome.error,
          });
        } else if (outcome.status === 'timed_out') {
          logger.error(`shutdown task '${outcome.name}' did not finish within its limit`, {
            task: outcome.name,
          });
        }
      }
      logger.info(`shutdown (${trigger}) finished`, {
        trigger,
        completed: tasks.filter((t) => t.status === 'completed').length,
        failed: tasks.filter((t) => t.status === 'failed').length,
        timedOut: tasks.filter((t) => t.status === 'timed_out').length,
      });
      running = undefined;
      lastReport = report;
      if (trigger === 'beforeExit') {
        state = 'idle';
        if (entries.size === 0) uninstall();
      } else {
        state = 'done';
      }
      return report;
    })();
    void current.promise.then(() => {
      if (!current.endsBy) return;
      // A task joined once the run had ended started a run of its own: the signal waits for it.
      if (running) running.endsBy ??= current.endsBy;
      else endBySignal(current.endsBy);
    });
    return current.promise;
  }

  return {
    get state() {
      return state;
    },
    get size() {
      return entries.size;
    },
    timeoutMs,
    onShutdown(task: ShutdownTask, taskOptions: ShutdownTaskOptions = {}): () => void {
      if (typeof task !== 'function') {
        throw new TypeError(`onShutdown needs a function, got ${task === null ? 'null' : typeof task}`);
      }
      checkOptions('onShutdown', taskOptions, { name: 'string', timeoutMs: 'number' }, OPTION_ALIASES);
      positiveMs('onShutdown: timeoutMs', taskOptions.timeoutMs);
      const entry: Entry = {
        task,
        name: taskOptions.name ?? `task-${++counter}`,
        timeoutMs: taskOptions.timeoutMs,
      };
      entries.add(entry);
      if (running) running.join(entry);
      else {
        install();
        // The shutdown finished (a batch job's manual `shutdown()`, a signal the application handles
        // itself) and the process is still here: the task runs now, in a run of its own with the same
        // trigger and limits. Held for a shutdown that will not come again, a flush joined now (a
        // tracker's miss recorded after it) would die with the process.
        if (state === 'done') void run((lastReport as ShutdownReport).trigger, undefined, true);
      }
      return () => {
        if (!entries.delete(entry)) return;
        if (entries.size === 0 && state === 'idle') uninstall();
      };
    },
    shutdown(trigger: ShutdownTrigger = 'manual'): Promise<ShutdownReport> {
      if (state === 'done' && lastReport !== undefined) return Promise.resolve(lastReport);
      return run(trigger);
    },
  };
}
