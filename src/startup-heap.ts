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
 */
import { setFlagsFromString } from 'node:v8';

const FLAG = '--semi-space-growth-factor';
/** V8's default (node --v8-options). */
const DEFAULT_GROWTH_FACTOR = 2;

const operatorChose = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) =>
  a.replace(/_/g, '-').startsWith(FLAG),
);
let holding = false;
if (!operatorChose) {
  setFlagsFromString(`${FLAG}=1`);
  holding = true;
}

/** Start-up is over: the young generation may grow again as V8 sees fit. */
export function endStartup(): void {
  if (!holding) return;
  holding = false;
  setFlagsFromString(`${FLAG}=${DEFAULT_GROWTH_FACTOR}`);
}
