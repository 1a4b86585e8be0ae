/** What every scenario is given: the shared LINE simulator and load generator, the run's options, and what it collects. */
import type { LineSimulator } from '../../src/sandbox/line';
import { MB, mb, type Row } from './output';
import type { LoadGen, ServerProc } from './processes';

export interface BenchContext {
  sim: LineSimulator;
  load: LoadGen;
  /** `--profile`: shop instances run under `node --cpu-prof`. */
  profile: boolean;
  /** One row per server process measured, for the memory table. */
  memory: Row[];
  /** Headline numbers, printed at the end; later scenarios reuse earlier ones (compare, memory). */
  figures: Record<string, number>;
}

/** Records the idle and peak RSS of `procs` under `label` for the memory table. */
export function recordMemory(ctx: BenchContext, label: string, procs: ServerProc[]): Row {
  const row = {
    scenario: label,
    'idle MB': procs.map((p) => mb(p.idleRss)).join('+'),
    'peak MB': procs.map((p) => mb(p.peakRss)).join('+'),
    'under 250 MB': procs.every((p) => p.peakRss < 250 * MB),
  };
  ctx.memory.push(row);
  return row;
}
