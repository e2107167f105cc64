import { closeSync, openSync, readSync } from 'node:fs';

/**
 * How long this thread waited for a CPU, and how often it went to sleep of its own accord, from
 * Linux's per-thread scheduler statistics. On a shared machine a runnable thread waits in the run
 * queue while other processes hold the cores: that wait lands in any wall-clock figure, in whichever
 * case happened to run while the load peaked, and says nothing about the code measured. Subtracting
 * it leaves the time the thread ran plus the time it slept on purpose (I/O, timers), which is what the
 * wall clock reads on an idle machine. Undefined off Linux (the figures are then the raw wall time).
 */
export interface ThreadSchedule {
  /** Nanoseconds spent runnable but waiting for a CPU. */
  waitNs: number;
  /** Voluntary context switches: the thread blocked (in epoll, on a lock) rather than being preempted. */
  sleeps: number;
}

const buffer = Buffer.alloc(4096);

function readProc(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString('latin1', 0, n);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The calling thread's schedule so far; undefined where `/proc/thread-self` does not exist. */
export function threadSchedule(): ThreadSchedule | undefined {
  const stat = readProc('/proc/thread-self/schedstat');
  const status = readProc('/proc/thread-self/status');
  if (stat === undefined || status === undefined) return undefined;
  const waitNs = Number(stat.split(' ')[1]);
  const sleeps = Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1]);
  return Number.isFinite(waitNs) && Number.isFinite(sleeps) ? { waitNs, sleeps } : undefined;
}
