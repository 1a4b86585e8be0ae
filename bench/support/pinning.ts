/**
 * Issue 17's figures were taken with the server under test on one core and everything else (the
 * load generator, the LINE simulator in this orchestrator) on the other, so that a server cannot
 * borrow the load generator's core and the load generator cannot starve the server. The overload
 * scenario does the same: on a machine with two or more cores and `taskset` (util-linux), its
 * servers run on CPU 1 and the rest on CPU 0 while it runs. `BENCH_PIN=0` turns it off.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

export const SERVER_CORE = 1;
export const LOAD_CORE = 0;

let enabled: boolean | undefined;

export function pinningEnabled(): boolean {
  if (enabled === undefined) {
    enabled = false;
    if (process.env.BENCH_PIN !== '0' && cpus().length >= 2) {
      try {
        execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
        enabled = true;
      } catch {
        // no taskset here: unpinned
      }
    }
  }
  return enabled;
}

/** Moves every thread of `pid` to `core` (threads it starts later inherit it). */
export function pin(pid: number, core: number): void {
  if (!pinningEnabled()) return;
  execFileSync('taskset', ['-a', '-cp', String(core), String(pid)], { stdio: 'ignore' });
}

/** Lets `pid` run on every core again. */
export function unpin(pid: number): void {
  if (!pinningEnabled()) return;
  execFileSync('taskset', ['-a', '-cp', `0-${cpus().length - 1}`, String(pid)], { stdio: 'ignore' });
}

export function pinningNote(): string {
  return pinningEnabled()
    ? `servers pinned to CPU ${SERVER_CORE}; load generator and LINE simulator to CPU ${LOAD_CORE}`
    : 'not pinned (BENCH_PIN=0, one core, or no taskset)';
}
