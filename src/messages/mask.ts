/**
 * Masked recipient details for the chat (which others may see on a lock screen or a shared phone):
 * 王小明 → 王*明, 0912345678 → 0912-***-678, an address → its county and district only. The full
 * values are shown only to the merchant. Pure.
 */

export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(Math.min(chars.length - 2, 3))}${chars[chars.length - 1]}`;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length !== 10) return '***';
  return `${digits.slice(0, 4)}-***-${digits.slice(7)}`;
}

/** County and district, the street left out: 臺北市大安區… */
export function maskAddress(city: string | null, district: string | null): string {
  return `${city ?? ''}${district ?? ''}…`;
}
