/**
 * Which V8 heap flags start-up sets (see startup-heap.ts for why): a pure decision, so it can be
 * checked without setting process-wide flags in the process that checks it.
 */
export const YOUNG_GENERATION_FLAG = '--semi-space-growth-factor';
/** V8's default (node --v8-options). */
export const DEFAULT_GROWTH_FACTOR = 2;
/** Holds the young generation at its initial size (start-up sets it, `endStartup()` undoes it). */
export const HOLD_YOUNG_GENERATION = `${YOUNG_GENERATION_FLAG}=1`;
const OLD_GENERATION_FLAG = '--heap-growing-percent';
/** The old generation may grow to 1.5× what survived the last full GC. */
const OLD_GENERATION_GROWING_PERCENT = 50;

/**
 * The flags start-up sets, given the process's own arguments and NODE_OPTIONS: each of ours
 * unless the operator named the same flag (V8 accepts `-` and `_` alike).
 */
export function startupHeapFlags(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const operatorFlags = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].map((a) => a.replace(/_/g, '-'));
  const operatorChose = (flag: string) => operatorFlags.some((a) => a === flag || a.startsWith(`${flag}=`));
  const flags: string[] = [];
  if (!operatorChose(YOUNG_GENERATION_FLAG)) flags.push(HOLD_YOUNG_GENERATION);
  if (!operatorChose(OLD_GENERATION_FLAG)) flags.push(`${OLD_GENERATION_FLAG}=${OLD_GENERATION_GROWING_PERCENT}`);
  return flags;
}
