/**
 * Node's `Buffer` and signal names, declared so that the package's public declarations compile in a
 * project without `@types/node` (`skipLibCheck: false` checks our `.d.ts` files too). Exported because
 * public signatures name them.
 * @module
 */

/**
 * Node's `Buffer` where `@types/node` is loaded (read from the type guard of the global `Buffer.isBuffer`), a
 * `Uint8Array` (what a `Buffer` is) where it is not. Public types say `NodeBuffer` instead of `Buffer`
 * so that they keep the `Buffer` methods for Node projects without requiring `@types/node` elsewhere.
 *
 * @example
 * ```ts
 * import type { NodeBuffer } from 'gcp-pipeline-resilience';
 * // In a Node project this is Buffer, so the data decodes as text.
 * const asText = (data: NodeBuffer): string => data.toString('utf8');
 * console.log(asText(Buffer.from('{"ok":true}')));
 * ```
 */
export type NodeBuffer = typeof globalThis extends { Buffer: { isBuffer(value: unknown): value is infer B } }
  ? B
  : Uint8Array;

/**
 * The signal names of `NodeJS.Signals` (`@types/node`), for types that must not need `@types/node`.
 *
 * @example
 * ```ts
 * import type { NodeSignal } from 'gcp-pipeline-resilience';
 * const stopOn: NodeSignal[] = ['SIGTERM', 'SIGINT'];
 * for (const signal of stopOn) process.once(signal, () => process.exit(0));
 * ```
 */
export type NodeSignal =
  | 'SIGABRT'
  | 'SIGALRM'
  | 'SIGBUS'
  | 'SIGCHLD'
  | 'SIGCONT'
  | 'SIGFPE'
  | 'SIGHUP'
  | 'SIGILL'
  | 'SIGINT'
  | 'SIGIO'
  | 'SIGIOT'
  | 'SIGKILL'
  | 'SIGPIPE'
  | 'SIGPOLL'
  | 'SIGPROF'
  | 'SIGPWR'
  | 'SIGQUIT'
  | 'SIGSEGV'
  | 'SIGSTKFLT'
  | 'SIGSTOP'
  | 'SIGSYS'
  | 'SIGTERM'
  | 'SIGTRAP'
  | 'SIGTSTP'
  | 'SIGTTIN'
  | 'SIGTTOU'
  | 'SIGUNUSED'
  | 'SIGURG'
  | 'SIGUSR1'
  | 'SIGUSR2'
  | 'SIGVTALRM'
  | 'SIGWINCH'
  | 'SIGXCPU'
  | 'SIGXFSZ'
  | 'SIGBREAK'
  | 'SIGLOST'
  | 'SIGINFO';
