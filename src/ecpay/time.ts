/**
 * ECPay dates are `yyyy/MM/dd HH:mm:ss`, zero-padded, 24 h. The spec leaves the zone open; we take
 * Taiwan time (UTC+8, no daylight saving) like every other Taiwanese API here, in this one place.
 */
const TAIWAN_OFFSET_MS = 8 * 60 * 60 * 1000;
const pad = (n: number) => String(n).padStart(2, '0');

export function toEcpayDate(epochMs: number): string {
  const d = new Date(epochMs + TAIWAN_OFFSET_MS);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}`;
}

/** `yyyy/MM/dd HH:mm:ss` → epoch ms, or undefined for anything else (impossible dates included). */
export function fromEcpayDate(text: string): number | undefined {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(utc);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return utc - TAIWAN_OFFSET_MS;
}
