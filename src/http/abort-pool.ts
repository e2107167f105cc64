import { defaultMaxListeners, setMaxListeners } from 'node:events';

/**
 * AbortControllers reused across attempts. Each attempt needs a signal for `fetch` (its timeout
 * aborts it), and on Node 20 creating an `AbortSignal` costs about 8 µs (the signal is made
 * transferable), as much as the rest of the layer together. A signal that never aborted can serve
 * the next attempt, on two conditions, which {@link releaseController} checks or the caller keeps:
 *
 * - The previous request is over: its body was read to the end or cancelled. undici leaves its
 *   'abort' listener on the signal until that request is garbage-collected, and if the signal later
 *   aborted, that listener would cancel a body still being read. So a controller is given back only
 *   after an attempt that read or cancelled the whole body (`bufferBody`), never with a live response.
 * - It has not served too many requests: those leftover listeners pile up between collections, so
 *   a controller retires after {@link USES_PER_CONTROLLER} requests, and its listener limit is put
 *   back to the default each time (undici raises it; at the default it skips counting the listeners).
 */
export interface PooledController {
  readonly controller: AbortController;
  uses: number;
}

/** Requests one controller serves before it retires: bounds the leftover listeners on its signal. */
const USES_PER_CONTROLLER = 64;
/** Controllers kept for reuse: enough for as many concurrent attempts as a process usually runs. */
const POOL_SIZE = 64;

const pool: PooledController[] = [];

/** A controller whose signal has never aborted. */
export function takeController(): PooledController {
  return pool.pop() ?? { controller: new AbortController(), uses: 0 };
}

/** Gives a controller back after its request is over (see {@link PooledController}). */
export function releaseController(pooled: PooledController): void {
  const { signal } = pooled.controller;
  if (signal.aborted || ++pooled.uses >= USES_PER_CONTROLLER || pool.length >= POOL_SIZE) return;
  setMaxListeners(defaultMaxListeners, signal);
  pool.push(pooled);
}
