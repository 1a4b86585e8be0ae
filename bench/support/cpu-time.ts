/** CPU time of processes, to say where a benchmark's cores went (Linux /proc; 100 Hz clock ticks). */
import { readFileSync } from 'node:fs';

/** utime + stime of a process so far, in ms. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Starts counting for named processes; `perEvent(n)` gives each one's CPU ms per event since, and
 * `busyShare()` the share of one core each used since (CPU time over wall time).
 */
export function cpuMeter(pids: Record<string, number>) {
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  const startedAt = performance.now();
  /** Each process's CPU ms since the start, divided by `by` and rounded to `places` decimals. */
  const usedOver = (by: number, places: number): Record<string, number> =>
    Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => [
        name,
        Math.round(((cpuMs(pid) - (start[name] ?? 0)) / Math.max(1, by)) * 10 ** places) / 10 ** places,
      ]),
    );
  return {
    busyShare: (): Record<string, number> => usedOver(performance.now() - startedAt, 2),
    perEvent: (events: number): Record<string, number> => usedOver(events, 3),
  };
}
