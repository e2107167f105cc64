import { PipelineError } from '../errors/index.js';
import { onAbort } from '../shared/abort-fanout.js';
import type { ShutdownCoordinator } from '../shutdown/coordinator.js';
import { defaultShutdownCoordinator } from '../shutdown/default.js';

/** The longest part of a shutdown's limit kept for answering the handlings it cut off. */
const ANSWER_MARGIN_MS = 1_000;

/** Runs the handlings of one message handler as part of the process's shutdown. */
export interface HandlingDrain {
  /**
   * Runs `handling` while joined to the shutdown: resolves to its result, or to `cutOff(error)`
   * when the process was already shutting down (the handling is not started) or the drain's time
   * ran out first (the handling's `stop` signal is aborted; `late` gets what it did after all).
   * `answer`, when given, is called once with that result before it resolves: it sends the answer
   * (an ack or nack) and may return a `flush` that waits for it to leave the process. During a
   * shutdown that flush is called and is part of the drain (within its time): a process that exits
   * with an answer still queued in its client loses it, and Pub/Sub redelivers work that was done.
   * Outside a shutdown it is not called (the client sends its batch in its own time). The flush of
   * a cut-off or refused delivery's answer (a nack) is held as `hold` does.
   */
  run<T>(
    handling: (stop: AbortSignal) => Promise<T>,
    cutOff: (error: PipelineError) => T,
    late: (result: T) => void,
    answer?: Answer<T>,
  ): Promise<T>;
  /**
   * While a shutdown runs, calls `flush` and keeps the shutdown waiting until it settles (with the
   * handlings in flight while the drain's time lasts, else as a task of its own within the rest of
   * the shutdown's limit); `afterDone`: also once it is over (a run of its own then waits for it,
   * and the re-raised signal for that run). Otherwise does nothing.
   */
  hold(flush: () => PromiseLike<unknown>, afterDone?: boolean): void;
}

/** Sends a handling's answer; may return a flush that waits for it to leave the process. */
export type Answer<T> = (result: T) => (() => PromiseLike<unknown>) | undefined;

/** Calls an answer or a flush; a throw is its own business (nothing to wait for). */
export function attempt<T>(call: () => T): T | undefined {
  try {
    return call();
  } catch {
    return undefined;
  }
}

/**
 * Sends an answer and, when `flushing()` says so, starts its flush; a throw anywhere is the
 * answer's own business (it never makes the handling reject): then there is nothing to wait for.
 */
function send<T>(
  answer: Answer<T> | undefined,
  result: T,
  flushing?: () => boolean,
): PromiseLike<unknown> | undefined {
  const flush = attempt(() => answer?.(result));
  return flush && flushing?.() ? attempt(flush) : undefined;
}

interface Running {
  /**
   * `final`: cut by the last task of the shutdown's answers, not by the drain's deadline: nothing
   * holds an answer still leaving after it (a hold there would join again, for ever).
   */
  cut(error: PipelineError, final: boolean): void;
}

/** The drain's own task; the one of answers left leaving when it ends is another. */
const DRAIN_TASK = 'handlings in flight';

/**
 * The drain of one message handler. While at least one handling runs, the handler has one task
 * joined to `coordinator` (the process-wide one when `undefined`; none when `false`): on SIGTERM it
 * waits for the handlings in flight, which finish and are answered as usual (acked when done). A
 * handling still running when the task's time is up is cut off and answered for redelivery, never
 * acked unfinished; the task ends `ANSWER_MARGIN_MS` (at most an eighth of the limit) before the
 * coordinator's limit so that those answers (nacks, 503s) can still be sent. A delivery that arrives
 * once the shutdown has begun is answered for redelivery without being handled.
 */
export function handlingDrain(
  option: ShutdownCoordinator | false | undefined,
  name: string,
  warn: (message: string, error: unknown) => void,
): HandlingDrain {
  const running = new Set<Running>();
  let leave: (() => void) | undefined;
  let drained: (() => void) | undefined;

  function stopping(coordinator: ShutdownCoordinator): boolean {
    return coordinator.state === 'running' || coordinator.state === 'done';
  }

  function join(coordinator: ShutdownCoordinator, what = DRAIN_TASK): void {
    const taskName = `createMessageHandler ${name}: ${what}`;
    const total = coordinator.timeoutMs;
    const margin = typeof total === 'number' ? Math.min(ANSWER_MARGIN_MS, Math.floor(total / 8)) : 0;
    leave = coordinator.onShutdown(
      ({ signal }) => {
        if (running.size === 0) return undefined;
        return new Promise<void>((resolve) => {
          drained = resolve;
          onAbort(signal, () => {
            const error = new PipelineError(
              `${name} handling did not finish within the shutdown's drain; the message was answered for redelivery`,
              { code: 'SHUTTING_DOWN', transient: true },
            );
            // This task is over: the nacks sent now are held by a task of their own (`hold`), in
            // the time the coordinator's limit still leaves.
            const cut = [...running];
            running.clear();
            leave = drained = undefined;
            for (const handling of cut) handling.cut(error, what !== DRAIN_TASK);
          });
        });
      },
      margin > 0 ? { name: taskName, timeoutMs: total - margin } : { name: taskName },
    );
  }

  function remove(handling: Running): void {
    if (!running.delete(handling) || running.size > 0) return;
    try {
      leave?.();
    } catch (error) {
      warn(`${name}: leaving the shutdown coordinator threw; ignoring it`, error);
    }
    leave = undefined;
    drained?.();
    drained = undefined;
  }

  /** `flush`, when the shutdown runs, as a member of the drain (see `HandlingDrain.hold`). */
  function hold(coordinator: ShutdownCoordinator, flush: () => PromiseLike<unknown>, done = false): void {
    try {
      // `done`: also once the shutdown is over (a run of its own then waits for it, and the signal
      // for that run). Not for the nack of a delivery refused then: the subscription may redeliver
      // it for as long as the process lives, each a run of its own.
      if (!(coordinator.state === 'running' || (done && coordinator.state === 'done'))) return;
      const wait = attempt(flush);
      if (wait === undefined) return;
      if (running.size === 0) join(coordinator, 'answers being sent');
      const release = () => remove(entry);
      // Cut at the drain's deadline while still leaving: held again, in the rest of the limit.
      const entry: Running = { cut: (_error, final) => (final ? release() : hold(coordinator, () => wait)) };
      running.add(entry);
      Promise.resolve(wait).then(release, release);
    } catch (error) {
      warn(`${name}: the shutdown coordinator threw; this answer is sent without waiting for it`, error);
    }
  }

  return {
    hold(flush, afterDone) {
      if (option !== false) hold(option ?? defaultShutdownCoordinator(), flush, afterDone);
    },
    run<T>(
      handling: (stop: AbortSignal) => Promise<T>,
      cutOff: (error: PipelineError) => T,
      late: (result: T) => void,
      answer?: Answer<T>,
    ): Promise<T> {
      const answered = (result: T): T => {
        void send(answer, result);
        return result;
      };
      if (option === false) return handling(new AbortController().signal).then(answered);
      const coordinator = option ?? defaultShutdownCoordinator();
      let refuse: boolean;
      try {
        refuse = stopping(coordinator);
        if (!refuse && running.size === 0) join(coordinator);
      } catch (error) {
        // A coordinator of the caller's that throws must not make the handling reject (it never
        // does): the message is handled, just without the shutdown's wait.
        warn(`${name}: the shutdown coordinator threw; this message is handled without joining it`, error);
        return handling(new AbortController().signal).then(answered);
      }
      /** A nack sent during the shutdown, its flush held by the drain. */
      const refused = (error: PipelineError): T => {
        const result = cutOff(error);
        const flush = attempt(() => answer?.(result));
        if (flush) hold(coordinator, flush);
        return result;
      };
      if (refuse) {
        return Promise.resolve(
          refused(
            new PipelineError(
              `${name} message arrived while the process is shutting down; not handled, answered for redelivery`,
              { code: 'SHUTTING_DOWN', transient: true },
            ),
          ),
        );
      }
      return new Promise<T>((resolve, reject) => {
        const stop = new AbortController();
        let decided = false;
        let leaving: { wait: PromiseLike<unknown>; done: () => void } | undefined;
        const done = (value: T) => {
          remove(entry);
          resolve(value);
        };
        const entry: Running = {
          cut(error, final) {
            // Cut while its answer was leaving: the answer stands; its flush is held on in the rest
            // of the shutdown's limit (an ack lost, the work would be done again).
            if (leaving) {
              if (!final) hold(coordinator, () => leaving!.wait);
              return leaving.done();
            }
            if (decided) return;
            decided = true;
            stop.abort(error);
            done(refused(error));
          },
        };
        running.add(entry);
        new Promise<T>((start) => start(handling(stop.signal))).then(
          (value) => {
            if (decided) return late(value);
            decided = true;
            const wait = send(answer, value, () => stopping(coordinator));
            if (wait === undefined) return done(value);
            // `done` twice (the flush ends after a cut) only resolves and removes what is gone.
            const release = () => done(value);
            leaving = { wait, done: release };
            Promise.resolve(wait).then(release, release);
          },
          (error: unknown) => {
            if (decided) return;
            decided = true;
            remove(entry);
            reject(error);
          },
        );
      });
    },
  };
}
