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
   * Outside a shutdown it is not called (the client sends its batch in its own time).
   */
  run<T>(
    handling: (stop: AbortSignal) => Promise<T>,
    cutOff: (error: PipelineError) => T,
    late: (result: T) => void,
    answer?: Answer<T>,
  ): Promise<T>;
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
  cut(error: PipelineError): void;
}

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
  const taskName = `createMessageHandler ${name}: handlings in flight`;

  function stopping(coordinator: ShutdownCoordinator): boolean {
    return coordinator.state === 'running' || coordinator.state === 'done';
  }

  function join(coordinator: ShutdownCoordinator): void {
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
            for (const handling of [...running]) handling.cut(error);
          });
        });
      },
      margin > 0 ? { name: taskName, timeoutMs: total - margin } : { name: taskName },
    );
  }

  function remove(handling: Running): void {
    running.delete(handling);
    if (running.size > 0) return;
    try {
      leave?.();
    } catch (error) {
      warn(`${name}: leaving the shutdown coordinator threw; ignoring it`, error);
    }
    leave = undefined;
    drained?.();
    drained = undefined;
  }

  return {
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
      if (refuse) {
        return Promise.resolve(
          answered(
            cutOff(
              new PipelineError(
                `${name} message arrived while the process is shutting down; not handled, answered for redelivery`,
                { code: 'SHUTTING_DOWN', transient: true },
              ),
            ),
          ),
        );
      }
      return new Promise<T>((resolve, reject) => {
        const stop = new AbortController();
        let decided = false;
        let leaving: (() => void) | undefined;
        const done = (value: T) => {
          remove(entry);
          resolve(value);
        };
        const entry: Running = {
          cut(error) {
            // Cut while its answer was leaving: the answer stands, the drain stops waiting for it.
            if (leaving) return leaving();
            if (decided) return;
            decided = true;
            stop.abort(error);
            done(answered(cutOff(error)));
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
            leaving = () => done(value);
            Promise.resolve(wait).then(leaving, leaving);
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
