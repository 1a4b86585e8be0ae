/**
 * Calendar months in Taiwan time (UTC+8 all year, no daylight saving), as `YYYY-MM`: pushes are
 * counted and budgeted per such month.
 */
const TAIWAN_OFFSET_MS = 8 * 3_600_000;

/** The Taiwan month `at` (epoch ms) falls in, e.g. `2026-11`. */
export function taiwanMonth(at: number): string {
  return new Date(at + TAIWAN_OFFSET_MS).toISOString().slice(0, 7);
}

/** When a Taiwan month (`YYYY-MM`) begins, in epoch ms (00:00 Taiwan time on the 1st). */
export function taiwanMonthStart(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return Date.UTC(y as number, (m as number) - 1, 1) - TAIWAN_OFFSET_MS;
}
