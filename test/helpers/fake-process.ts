import { EventEmitter } from 'node:events';
import type { ShutdownProcess } from '../../src/shutdown/index.js';

/** A stand-in for `process` in shutdown tests: real listeners, and `kill` only recorded. */
export class FakeProcess extends EventEmitter implements ShutdownProcess {
  readonly kills: Array<[number, string]> = [];
  constructor(readonly pid = 4242) {
    super();
  }
  kill(pid: number, signal: NodeJS.Signals): boolean {
    this.kills.push([pid, signal]);
    return true;
  }
}
