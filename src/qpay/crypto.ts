/**
 * QPay message crypto, exactly as the bank does it (spec §5, reproduced by qpay-vectors.json).
 * Shared by the client and the bank simulator so both sides agree byte for byte.
 * Nothing here logs: HashID is the AES key.
 */
import { createCipheriv, createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

export interface HashKeys {
  a1: string;
  a2: string;
  b1: string;
  b2: string;
}

function xorHex(left: string, right: string): string {
  const a = Buffer.from(left, 'hex');
  const b = Buffer.from(right, 'hex');
  if (a.length !== 8 || b.length !== 8 || !/^[0-9A-Fa-f]{16}$/.test(left) || !/^[0-9A-Fa-f]{16}$/.test(right)) {
    throw new Error('QPay hash keys must be 16 hexadecimal characters each');
  }
  let out = '';
  // Each XORed byte is printed as two zero-padded uppercase digits (the bank's C# "X2").
  for (let i = 0; i < 8; i++) out += ((a[i] ?? 0) ^ (b[i] ?? 0)).toString(16).padStart(2, '0');
  return out.toUpperCase();
}

/** The 32-character HashID: (A1 xor A2) ‖ (B1 xor B2), uppercase hex. */
export function computeHashId(keys: HashKeys): string {
  return xorHex(keys.a1, keys.a2) + xorHex(keys.b1, keys.b2);
}

/** The 16-character IV: last 16 chars of uppercase hex SHA-256 of the ASCII nonce. */
export function computeIv(nonce: string): string {
  return createHash('sha256').update(nonce, 'ascii').digest('hex').toUpperCase().slice(-16);
}

/** AES-256-CBC/PKCS#7; key and IV are the ASCII bytes of the HashID and IV strings (not hex-decoded). */
export function encryptMessage(plaintext: string, hashId: string, iv: string): string {
  const cipher = createCipheriv('aes-256-cbc', Buffer.from(hashId, 'ascii'), Buffer.from(iv, 'ascii'));
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    .toString('hex')
    .toUpperCase();
}

/** Inverse of encryptMessage. Throws on anything that is not valid ciphertext for this key and IV. */
export function decryptMessage(messageHex: string, hashId: string, iv: string): string {
  if (messageHex.length === 0 || messageHex.length % 32 !== 0 || !/^[0-9A-Fa-f]+$/.test(messageHex)) {
    throw new Error('Message is not a whole number of hex AES blocks');
  }
  const decipher = createDecipheriv('aes-256-cbc', Buffer.from(hashId, 'ascii'), Buffer.from(iv, 'ascii'));
  const plain = Buffer.concat([decipher.update(Buffer.from(messageHex, 'hex')), decipher.final()]);
  return new TextDecoder('utf-8', { fatal: true }).decode(plain);
}

/**
 * The bank's signString: top-level scalar fields of the message object (objects, arrays, null and
 * blank strings dropped), names sorted case-insensitively, `name=value` joined by `&`, values raw.
 * Zero numbers are kept, as the bank's C# sample does (spec §5.4 [?]); the client never sends them.
 */
export function buildSignString(message: Record<string, unknown>): string {
  const parts: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(message)) {
    if (value === null || value === undefined || typeof value === 'object') continue;
    if (typeof value === 'string') {
      if (value.trim() === '') continue;
      parts.push([name, value]);
    } else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
      parts.push([name, String(value)]);
    }
  }
  parts.sort(([a], [b]) => {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return parts.map(([name, value]) => `${name}=${value}`).join('&');
}

/** Sign = uppercase hex SHA-256 of signString + Nonce + HashID. */
export function computeSign(message: Record<string, unknown>, nonce: string, hashId: string): string {
  return createHash('sha256')
    .update(buildSignString(message) + nonce + hashId, 'utf8')
    .digest('hex')
    .toUpperCase();
}

/** Constant-time comparison of two Sign values (hex, case-insensitive). */
export function signsEqual(expected: string, actual: string): boolean {
  if (!/^[0-9A-Fa-f]{64}$/.test(actual)) return false;
  return timingSafeEqual(Buffer.from(expected.toUpperCase(), 'ascii'), Buffer.from(actual.toUpperCase(), 'ascii'));
}

export interface SealedMessage {
  sign: string;
  message: string;
}

/** Signs and encrypts one message object with one nonce: the Sign is of the very object encrypted. */
export function sealMessage(message: Record<string, unknown>, nonce: string, hashId: string): SealedMessage {
  return {
    sign: computeSign(message, nonce, hashId),
    message: encryptMessage(JSON.stringify(message), hashId, computeIv(nonce)),
  };
}

export type OpenResult =
  | { ok: true; message: Record<string, unknown> }
  | { ok: false; reason: 'undecryptable' | 'not-json' | 'bad-sign' };

/** Decrypts a Message with the nonce it travelled with and verifies its Sign. */
export function openMessage(messageHex: string, sign: string, nonce: string, hashId: string): OpenResult {
  let text: string;
  try {
    text = decryptMessage(messageHex, hashId, computeIv(nonce));
  } catch {
    return { ok: false, reason: 'undecryptable' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not-json' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, reason: 'not-json' };
  const message = parsed as Record<string, unknown>;
  if (!signsEqual(computeSign(message, nonce, hashId), sign)) return { ok: false, reason: 'bad-sign' };
  return { ok: true, message };
}
