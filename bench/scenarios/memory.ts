/** (7) RSS of every server process the run started, idle and at peak (runs e2e first when nothing was measured). */
import type { BenchContext } from '../support/context';
import { save, table } from '../support/output';
import { e2eScenario } from './e2e';

export async function memoryScenario(ctx: BenchContext) {
  if (ctx.memory.length === 0) await e2eScenario(ctx, 'sqlite', 1);
  table('(7) RSS of each server process, idle and at peak (target < 250 MB)', ctx.memory);
  save('memory', ctx.memory);
}
