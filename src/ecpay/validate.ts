/**
 * ECPay's field rules (§5) as pure functions. Each returns a zh-TW reason a customer or merchant
 * can act on, or null when the value is fine. The same rules back the simulator's refusals, so a
 * value these accept is one the simulator (and, as far as the spec knows, ECPay) accepts.
 */

/** Symbols ECPay refuses in names and goods names (S3, S11). */
const FORBIDDEN = /[\^'`!@#%&*+\\"<>|_[\]]/;

/**
 * ECPay counts a CJK (any non-ASCII) character as 2 and ASCII as 1 — String(10) holds 5 Chinese
 * characters or 10 Latin letters.
 */
export function ecpayWidth(value: string): number {
  let width = 0;
  for (const ch of value) width += (ch.codePointAt(0) ?? 0) > 0x7f ? 2 : 1;
  return width;
}

/**
 * Sender and receiver names: 4–10 wide (2–5 Chinese / 4–10 Latin). The spec gives 4–10 for the
 * receiver (error 10500036) and "≤10, S14 says 4–10" for the sender; we use 4–10 for both so a name
 * we accept is never refused. No digits, spaces, `. , ，` or the forbidden symbols. The receiver
 * shows an ID at the counter, so it must be the real name on it.
 */
export function nameProblem(value: string, who: 'sender' | 'receiver'): string | null {
  const label = who === 'sender' ? '寄件人姓名' : '收件人姓名';
  const v = value.trim();
  if (v === '') return `請填寫${label}`;
  if (/\d/.test(v)) return `${label}不可包含數字`;
  if (/\s/.test(v)) return `${label}不可包含空白`;
  if (FORBIDDEN.test(v) || /[.,，、。．]/.test(v)) return `${label}不可包含符號`;
  const width = ecpayWidth(v);
  if (width < 4) return `${label}太短：中文至少 2 個字，英文至少 4 個字母`;
  if (width > 10) return `${label}太長：中文最多 5 個字，英文最多 10 個字母`;
  return null;
}

/** Mobile numbers: exactly `09` + 8 digits (normalise first with normalizeCellPhone). */
export function cellPhoneProblem(value: string): string | null {
  if (value.trim() === '') return '請填寫手機號碼';
  return /^09\d{8}$/.test(value) ? null : '手機號碼格式為 09 開頭的 10 位數字，例如 0912345678';
}

/**
 * What people type for a Taiwanese mobile: `0912-345-678`, `0912 345 678`, `+886 912 345 678`,
 * `886912345678`. Returns `09xxxxxxxx` or null.
 */
export function normalizeCellPhone(input: string): string | null {
  const compact = input.replace(/[\s\-().]/g, '');
  const m = /^(?:\+?886|0)?(9\d{8})$/.exec(compact);
  return m ? `0${m[1]}` : null;
}

/** Fixed-line numbers (optional fields): ECPay's pattern, e.g. `(02)2345-6789#123`. */
export function phoneProblem(value: string): string | null {
  if (value === '') return null;
  return /^\(?\d{2}\)?-?\d{2,6}-?\d{2,6}(#\d{1,6})?$/.test(value) ? null : '電話格式不正確，例如 02-23456789';
}

/** Goods name: required for 7-ELEVEN / 萊爾富 / OK C2C; ≤50 wide; no forbidden symbols. */
export function goodsNameProblem(value: string): string | null {
  if (value.trim() === '') return '請填寫商品名稱';
  if (FORBIDDEN.test(value)) return '商品名稱不可包含 ^ \' ` ! @ # % & * + \\ " < > | _ [ ] 等符號';
  if (ecpayWidth(value) > 50) return '商品名稱太長：中文最多 25 個字，英文最多 50 個字元';
  return null;
}

/** Store IDs as they come from the map and go into ReceiverStoreID. */
export function storeIdProblem(value: string): string | null {
  return /^[A-Za-z0-9]{1,6}$/.test(value) ? null : '門市代號格式不正確';
}

/** MerchantTradeNo: 1–20 letters and digits (§4, §5). */
export function merchantTradeNoProblem(value: string): string | null {
  return /^[A-Za-z0-9]{1,20}$/.test(value) ? null : '訂單編號須為 1–20 個英數字';
}
