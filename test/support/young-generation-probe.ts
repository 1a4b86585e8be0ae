/**
 * Run as its own process by test/startup-heap.test.ts (V8 flags are process-wide): the young
 * generation's committed size after start-up-like work (objects that all survive), then after
 * `endStartup()` and the same work again. Prints `{ "duringStartup": MB, "afterStartup": MB }`.
 */
import '../../src/startup-heap';
import { getHeapSpaceStatistics } from 'node:v8';
import { endStartup } from '../../src/startup-heap';

const youngMb = () => (getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0) / 2 ** 20;
/** About what loading the shop's modules leaves behind: tens of MB of objects that survive. */
function survivors(): unknown[] {
  const kept: unknown[] = [];
  for (let i = 0; i < 1_000_000; i++) kept.push({ i, s: `x${i}` });
  return kept;
}

const first = survivors();
const duringStartup = youngMb();
endStartup();
const second = survivors();
const afterStartup = youngMb();
console.log(JSON.stringify({ duringStartup, afterStartup, kept: first.length + second.length }));
