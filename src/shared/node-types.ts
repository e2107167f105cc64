/**
 * Node's `Buffer` and signal names, declared so that the package's public declarations compile in a
 * project without `@types/node` (`skipLibCheck: false` checks our `.d.ts` files too). Internal: the
 * names are not exported, the declarations bundler inlines them where a public type uses them.
 * @module
 */

/**
 * Node's `Buffer` where `@types/node` is loaded (read from the type guard of the global `Buffer.isBuffer`), a
 * `Uint8Array` (what a `Buffer` is) where it is not. Public types say `NodeBuffer` instead of `Buffer`
 * so that they keep the `Buffer` methods for Node projects without requiring `@types/node` elsewhere.
 */
export type NodeBuffer = typeof globalThis extends { Buffer: { isBuffer(value: unknown): value is infer B } }
  ? B
  : Uint8Array;

/** The signal names of `NodeJS.Signals` (`@types/node`), for types that must not need `@types/node`. */
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
