/**
 * IP addresses and CIDR ranges as the operator writes them (QPAY_NOTIFY_ALLOW_IPS, TRUST_PROXY):
 * parsed once at start, matched per request with Node's BlockList. An IPv4 address seen through
 * an IPv6 socket (`::ffff:203.0.113.7`) is the IPv4 address.
 */
import { BlockList, isIP } from 'node:net';

/** `::ffff:1.2.3.4` → `1.2.3.4`; other addresses lower-cased as they are. */
export function normalizeAddress(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? (mapped[1] as string) : ip.toLowerCase();
}

/** The eight 16-bit groups of an IPv6 address (zone dropped, a trailing dotted IPv4 folded in). */
function ipv6Groups(ip: string): number[] {
  let a = ip.split('%')[0] as string;
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  if (v4) {
    const [b1, b2, b3, b4] = v4.slice(1).map(Number) as [number, number, number, number];
    a = `${a.slice(0, v4.index)}${((b1 << 8) | b2).toString(16)}:${((b3 << 8) | b4).toString(16)}`;
  }
  const [head = '', tail] = a.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...zeros, ...t].map((g) => Number.parseInt(g, 16));
}

/**
 * The unit the per-source limits count by: an IPv4 address, or an IPv6 /64 (one subscriber's
 * network: a sender can pick any of its 2^64 addresses, so counting single ones would give it
 * endless budgets; the rate-limit plugin groups IPv6 the same way).
 */
export function sourceKey(ip: string): string {
  const a = normalizeAddress(ip);
  if (isIP(a) !== 6) return a;
  const g = ipv6Groups(a);
  return `${g
    .slice(0, 4)
    .map((n) => n.toString(16))
    .join(':')}::/64`;
}

/** One entry: an address or `address/prefix`. Returns a reason when it is not one. */
export function checkAddressEntry(entry: string): string | undefined {
  const [addr = '', prefix, extra] = entry.split('/');
  const family = isIP(addr);
  if (family === 0 || extra !== undefined) return `"${entry}" is not an IP address or CIDR range`;
  if (prefix === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return `"${entry}": the prefix must be 0-${max}`;
  return undefined;
}

/** Comma-separated entries (spaces allowed); throws with the first bad entry's reason. */
export function parseAddressList(text: string): string[] {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const e of entries) {
    const wrong = checkAddressEntry(e);
    if (wrong) throw new Error(wrong);
  }
  return entries;
}

export class AddressList {
  private readonly list = new BlockList();

  constructor(readonly entries: readonly string[]) {
    for (const e of entries) {
      const [given = '', prefix] = e.split('/');
      const addr = prefix === undefined ? normalizeAddress(given) : given;
      const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.list.addAddress(addr, type);
      else this.list.addSubnet(addr, Number(prefix), type);
    }
  }

  /** An address; or a source key (an IPv6 /64), judged by its first address. */
  has(ip: string): boolean {
    const a = normalizeAddress(ip.endsWith('/64') ? ip.slice(0, -3) : ip);
    const family = isIP(a);
    if (family === 0) return false;
    return this.list.check(a, family === 6 ? 'ipv6' : 'ipv4');
  }
}
