/**
 * CheckMacValue for ECPay logistics (§3): MD5 over the ".NET-style" URL-encoded, lower-cased
 * `HashKey=…&k=v…&HashIV=…` string, keys sorted case-insensitively. Every vector in
 * ecpay-logistics-vectors.json is reproduced by test/ecpay/check-mac.test.ts.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { WireFields } from './types';

export interface MacKeys {
  hashKey: string;
  hashIv: string;
}

/**
 * Case-insensitive key order (PHP strcasecmp, as ECPay's PHP/.NET SDKs do). Plain ASCII order would
 * put `CVSStoreID` before `ClientReplyURL` and give another hash. Ties (keys equal ignoring case) fall
 * back to ordinal order so the result never depends on insertion order.
 */
export function compareKeys(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Step 1–3: every sent field except CheckMacValue, empty ones included as `Key=`. */
export function sortedRaw(fields: WireFields, keys: MacKeys): string {
  const pairs = Object.keys(fields)
    .filter((k) => k !== 'CheckMacValue')
    .sort(compareKeys)
    .map((k) => `${k}=${fields[k]}`);
  return [`HashKey=${keys.hashKey}`, ...pairs, `HashIV=${keys.hashIv}`].join('&');
}

/**
 * .NET `HttpUtility.UrlEncode`: keeps `A–Z a–z 0–9 - _ . ! * ( )`, space → `+`, every other UTF-8
 * byte → `%xx` lower-case. encodeURIComponent already keeps exactly those plus `' ~`, so only
 * those two and the space need fixing.
 */
export function dotNetUrlEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())
    .replace(/'/g, '%27')
    .replace(/~/g, '%7e')
    .replace(/%20/g, '+');
}

/** Steps 4–5: the string that is hashed. */
export function encodedRaw(fields: WireFields, keys: MacKeys): string {
  return dotNetUrlEncode(sortedRaw(fields, keys)).toLowerCase();
}

/** Steps 6–7: 32 upper-case hex characters. */
export function checkMacValue(fields: WireFields, keys: MacKeys): string {
  return createHash('md5').update(encodedRaw(fields, keys), 'ascii').digest('hex').toUpperCase();
}

/** The fields with their CheckMacValue added (any old one replaced). */
export function sign(fields: WireFields, keys: MacKeys): WireFields {
  const { CheckMacValue: _old, ...rest } = fields;
  return { ...rest, CheckMacValue: checkMacValue(rest, keys) };
}

/**
 * True when the received fields carry the CheckMacValue our keys give for all their other fields
 * (including empty and unknown ones). Exact upper-case comparison, timing-safe.
 */
export function verifyCheckMacValue(fields: WireFields, keys: MacKeys): boolean {
  const received = fields.CheckMacValue;
  if (typeof received !== 'string' || !/^[0-9A-F]{32}$/.test(received)) return false;
  const expected = checkMacValue(fields, keys);
  return timingSafeEqual(Buffer.from(received, 'ascii'), Buffer.from(expected, 'ascii'));
}
