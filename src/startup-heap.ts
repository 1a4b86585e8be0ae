/**
 * Keeps start-up from leaving V8's young generation at its largest (issue 17: idle memory).
 *
 * V8 doubles the young generation (two semi-spaces, up to 16 MB each) whenever more bytes have
 * survived scavenges since the last doubling than it holds. Start-up is little else: ~1,000
 * modules, route schemas, migrations — objects that live for ever. So the built server reached the
 * maximum before it served anything, and both semi-spaces stayed committed and touched while it
 * waited: about 20 MB of its idle RSS (116 → 96 MB measured; V8 shrinks them only after a GC at a
 * low allocation rate, which an idle shop does not run).
 *
 * Imported first by server.ts, this holds the growth factor at 1 while the process starts;
 * `endStartup()` gives V8 its default back once the shop listens. Under load the young generation
 * then grows exactly as it did before (a few scavenges), so the hot path is not changed; only the
 * size an idle, freshly started shop carries is. An operator's own `--semi-space-growth-factor`
 * (command line or NODE_OPTIONS) is left alone.
 *
 * The old generation, for the whole life of the process: V8 lets it grow to up to four times what
 * survived the last full GC before collecting again. The shop keeps ~25 MB alive, yet under load
 * (where ~1 MB a second is promoted: in-flight batches, sockets, replies) the old generation reached
 * 100 MB before each full GC, which put the peak RSS at 2,000 events/s above the Express bot's
 * (197–214 vs 188–197 MB). At 1.5× (`--heap-growing-percent=50`) full GCs come about three times as
 * often, each as short as before (they mark only what is alive), and the peak measured 157–162 MB
 * at the same CPU per event (bench/: overload). An operator's own flag is again left alone.
 */
import { setFlagsFromString } from 'node:v8';
import {
  DEFAULT_GROWTH_FACTOR,
  HOLD_YOUNG_GENERATION,
  startupHeapFlags,
  YOUNG_GENERATION_FLAG,
} from './startup-heap-flags';

/** What this process set, for its probes and for anyone asking why the heap looks as it does. */
export const appliedStartupHeapFlags: readonly string[] = startupHeapFlags(process.execArgv, process.env.NODE_OPTIONS);
for (const flag of appliedStartupHeapFlags) setFlagsFromString(flag);
let holding = appliedStartupHeapFlags.includes(HOLD_YOUNG_GENERATION);

/** Start-up is over: the young generation may grow again as V8 sees fit. */
export function endStartup(): void {
  if (!holding) return;
  holding = false;
  setFlagsFromString(`${YOUNG_GENERATION_FLAG}=${DEFAULT_GROWTH_FACTOR}`);
}
