/**
 * Bank times are Taiwan local time (UTC+8, no daylight saving): `yyyyMMddHHmm` for timestamps,
 * `yyyyMMdd` for ATM expiry dates. We store epoch ms and convert only at the bank boundary.
 */
const TAIWAN_OFFSET_MS = 8 * 60 * 60 * 1000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Epoch ms → `yyyyMMddHHmm` Taiwan time. */
export function toBankTime(epochMs: number): string {
  const d = new Date(epochMs + TAIWAN_OFFSET_MS);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}`;
}

/** Epoch ms → `yyyyMMdd` Taiwan date. */
export function toBankDate(epochMs: number): string {
  return toBankTime(epochMs).slice(0, 8);
}

function parseParts(text: string, withTime: boolean): number | undefined {
  const m = (withTime ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/ : /^(\d{4})(\d{2})(\d{2})$/).exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0)];
  const utc = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(utc);
  // Reject impossible dates (20240231) instead of letting Date roll them over.
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) return undefined;
  return utc - TAIWAN_OFFSET_MS;
}

/** `yyyyMMddHHmm` Taiwan time → epoch ms; undefined when the text is not a valid bank time. */
export function fromBankTime(text: string): number | undefined {
  return parseParts(text, true);
}

/** `yyyyMMdd` Taiwan date → epoch ms of its 00:00 Taiwan time; undefined when invalid. */
export function fromBankDate(text: string): number | undefined {
  return parseParts(text, false);
}

/** Last moment an ATM order with this `ExpireDate` can be paid: 23:59:59.999 Taiwan time that day. */
export function bankDateEndMs(text: string): number | undefined {
  const start = fromBankDate(text);
  return start === undefined ? undefined : start + 24 * 60 * 60 * 1000 - 1;
}
