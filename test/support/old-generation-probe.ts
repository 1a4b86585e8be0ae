/**
 * Run as its own process by test/startup-heap.test.ts (V8 flags are process-wide): a steady live
 * set of ~25 MB, like the shop's, while objects that live a little (in-flight work) keep being
 * promoted and then die. Prints `{ "peakOldMb": …, "applied": […] }`: the largest the old generation
 * grew before full GCs collected it, and the flags start-up set in this process.
 */
import '../../src/startup-heap';
import { getHeapSpaceStatistics } from 'node:v8';
import { appliedStartupHeapFlags, endStartup } from '../../src/startup-heap';

endStartup();
const oldMb = () => (getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_size ?? 0) / 2 ** 20;

// The steady part: ~25 MB of small objects that stay for the whole run.
const live: Array<{ i: number; s: string }> = [];
for (let i = 0; i < 300_000; i++) live.push({ i, s: `steady-${i}` });

// In-flight work: a ring of objects kept long enough to be promoted, then replaced.
const ring: unknown[] = new Array(20_000);
let peakOldMb = 0;
async function main() {
  for (let round = 0; round < 400; round++) {
    for (let i = 0; i < 20_000; i++) ring[i] = { round, i, s: `inflight-${round}-${i}` };
    // Let scavenges (and full GCs) run as they would between requests.
    await new Promise((r) => setImmediate(r));
    peakOldMb = Math.max(peakOldMb, oldMb());
  }
  console.log(
    JSON.stringify({
      peakOldMb: Math.round(peakOldMb),
      applied: appliedStartupHeapFlags,
      live: live.length,
      ring: ring.length,
    }),
  );
}
void main();
