/**
 * Attempt timeouts on the system clock without a Node timer each. Every attempt with the same
 * timeout joins the end of one list for that duration, so the list is always in the order the
 * timeouts fall due; one unreferenced timer per duration waits for the list's head. Starting a timeout
 * is one small object and stopping it an unlink, where `setTimeout` and `clearTimeout` each cost a
 * timer object, a place in Node's timer lists and, for an unreferenced timer, two calls into the event
 * loop: together a measurable part of a loopback request. A stopped timeout leaves nothing behind.
 */
export interface PendingTimeout {
  /** `performance.now()` when it falls due. */
  readonly at: number;
  fire: (() => void) | undefined;
  prev: PendingTimeout | undefined;
  next: PendingTimeout | undefined;
  list: DurationList | undefined;
}

interface DurationList {
  readonly ms: number;
  head: PendingTimeout | undefined;
  tail: PendingTimeout | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const lists = new Map<number, DurationList>();

/**
 * Calls `fire` once, `ms` from now, unless `stopTimeout` comes first. The wait does not keep
 * the process alive (the request it guards does).
 */
export function startTimeout(ms: number, fire: () => void): PendingTimeout {
  let list = lists.get(ms);
  if (list === undefined) {
    list = { ms, head: undefined, tail: undefined, timer: undefined };
    lists.set(ms, list);
  }
  const pending: PendingTimeout = {
    at: performance.now() + ms,
    fire,
    prev: list.tail,
    next: undefined,
    list,
  };
  if (list.tail === undefined) list.head = pending;
  else list.tail.next = pending;
  list.tail = pending;
  if (list.timer === undefined) arm(list, ms);
  return pending;
}

/** Cancels a timeout that has not fired; does nothing after it fired or was stopped. */
export function stopTimeout(pending: PendingTimeout): void {
  const { list } = pending;
  if (list === undefined) return;
  unlink(list, pending);
  pending.fire = undefined;
}

function unlink(list: DurationList, pending: PendingTimeout): void {
  const { prev, next } = pending;
  if (prev === undefined) list.head = next;
  else prev.next = next;
  if (next === undefined) list.tail = prev;
  else next.prev = prev;
  pending.prev = undefined;
  pending.next = undefined;
  pending.list = undefined;
}

function arm(list: DurationList, ms: number): void {
  const timer = setTimeout(run, ms, list);
  timer.unref();
  list.timer = timer;
}

/** Node's timers count whole milliseconds from the loop's cached time: a timeout within 1 ms is due. */
const SLACK_MS = 1;

function run(list: DurationList): void {
  list.timer = undefined;
  const now = performance.now();
  let failure: { error: unknown } | undefined;
  for (let head = list.head; head !== undefined && head.at <= now + SLACK_MS; head = list.head) {
    const fire = head.fire;
    unlink(list, head);
    head.fire = undefined;
    try {
      fire?.();
    } catch (error) {
      // The other timeouts still fire; the first failure is rethrown as a timer's would be.
      failure ??= { error };
    }
  }
  if (list.head !== undefined) arm(list, Math.max(SLACK_MS, Math.ceil(list.head.at - now)));
  else lists.delete(list.ms);
  if (failure !== undefined) throw failure.error;
}
