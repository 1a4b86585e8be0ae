/**
 * Nonces minted like the bank's: base64 of "<ms since 0001-01-01 Taiwan time, as a .NET double>:<64 hex>"
 * (108 characters). Valid for 60 s and once.
 */
import { randomBytes, randomInt } from 'node:crypto';

/** ms from 0001-01-01 to 1970-01-01, as .NET counts (proleptic Gregorian). */
const DOTNET_EPOCH_OFFSET_MS = 62_135_596_800_000;
const TAIWAN_OFFSET_MS = 8 * 60 * 60 * 1000;
export const NONCE_LIFETIME_MS = 60_000;

export type NonceCheck = 'ok' | 'unknown-nonce' | 'expired-nonce' | 'reused-nonce';

export function mintNonceText(nowMs: number): string {
  // The bank's value has sub-millisecond digits (e.g. 63767958511665.4); one random tenth imitates it
  // and keeps every nonce 108 characters long.
  const ms = `${Math.floor(nowMs) + DOTNET_EPOCH_OFFSET_MS + TAIWAN_OFFSET_MS}.${randomInt(1, 10)}`;
  return Buffer.from(`${ms}:${randomBytes(32).toString('hex')}`, 'ascii').toString('base64');
}

export interface NonceBook {
  mint(): string;
  consume(nonce: string): NonceCheck;
}

export function createNonceBook(now: () => number): NonceBook {
  const issued = new Map<string, number>(); // nonce → minted at
  const used = new Map<string, number>(); // nonce → minted at, kept until it would have expired anyway

  function sweep(t: number) {
    for (const [n, at] of issued) if (t - at > NONCE_LIFETIME_MS) issued.delete(n);
    for (const [n, at] of used) if (t - at > NONCE_LIFETIME_MS * 10) used.delete(n);
  }

  return {
    mint() {
      const t = now();
      sweep(t);
      const nonce = mintNonceText(t);
      issued.set(nonce, t);
      return nonce;
    },
    consume(nonce) {
      const t = now();
      if (used.has(nonce)) return 'reused-nonce';
      const at = issued.get(nonce);
      if (at === undefined) return 'unknown-nonce';
      issued.delete(nonce);
      used.set(nonce, at);
      if (t - at > NONCE_LIFETIME_MS) return 'expired-nonce';
      return 'ok';
    },
  };
}
