/**
 * Home-delivery carriers the merchant names with `orders -- ship --carrier`, and where a customer
 * follows a parcel. Only T-cat's tracking page takes the number in its address; the others open a
 * lookup form (with a captcha), so the customer gets the page and the number to type. Sources of
 * the patterns: README "Shipping". Pure data.
 */
import type { Carrier } from '../db/types';

export const CARRIERS: readonly Carrier[] = ['tcat', 'hct', 'post', 'pelican', 'other'];

export interface CarrierInfo {
  /** As customers know it. */
  name: string;
  /** A page showing this parcel, when the carrier has one that takes the number in its address. */
  trackUrl?: (trackingNo: string) => string;
  /** Otherwise the carrier's lookup page (the number is shown beside it). */
  lookupUrl?: string;
}

export const CARRIER_INFO: Readonly<Record<Carrier, CarrierInfo>> = {
  tcat: {
    name: '黑貓宅急便',
    trackUrl: (no) => `https://www.t-cat.com.tw/Inquire/TraceDetail.aspx?BillID=${encodeURIComponent(no)}`,
  },
  hct: { name: '新竹物流', lookupUrl: 'https://www.hct.com.tw/Search/SearchGoods_n.aspx' },
  post: { name: '中華郵政', lookupUrl: 'https://postserv.post.gov.tw/pstmail/main_mail.html?targetTxn=EB500100' },
  pelican: { name: '宅配通', lookupUrl: 'https://www.e-can.com.tw/search_Goods.aspx' },
  other: { name: '貨運' },
};

export function isCarrier(value: string): value is Carrier {
  return (CARRIERS as readonly string[]).includes(value);
}

/** Tracking numbers as carriers print them: letters, digits and dashes, 4–30 characters. */
export function trackingNoProblem(value: string): string | null {
  return /^[A-Za-z0-9-]{4,30}$/.test(value) ? null : '追蹤號碼須為 4–30 個英數字（可含 -）';
}

/** Where the customer follows the parcel: a direct page, the carrier's lookup page, or nothing. */
export function trackingLink(carrier: Carrier, trackingNo: string): { url: string; direct: boolean } | undefined {
  const info = CARRIER_INFO[carrier];
  if (info.trackUrl) return { url: info.trackUrl(trackingNo), direct: true };
  if (info.lookupUrl) return { url: info.lookupUrl, direct: false };
  return undefined;
}

/** 王小明 → 王*明, 王明 → 王*, Alice → A***e: enough for the customer to recognise, not to copy. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** 0912345678 → 0912-***-678. */
export function maskPhone(phone: string): string {
  return /^09\d{8}$/.test(phone) ? `${phone.slice(0, 4)}-***-${phone.slice(7)}` : phone ? '***' : '';
}
