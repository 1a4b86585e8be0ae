import { createHmac, randomBytes, randomUUID } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (26 chars, Crockford base32, time-sortable) like LINE's `webhookEventId`. */
export function ulid(timeMs: number): string {
  let time = '';
  let remaining = Math.floor(timeMs);
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[remaining % 32] + time;
    remaining = Math.floor(remaining / 32);
  }
  let random = '';
  for (const byte of randomBytes(16)) random += CROCKFORD[byte % 32];
  return time + random;
}

export function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A user ID in LINE's format, `U` + 32 hex digits. */
export function newUserId(): string {
  return `U${hex(16)}`;
}

export function newRequestId(): string {
  return randomUUID();
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** base64(HMAC-SHA256(channelSecret, raw body)) — the `x-line-signature` header. */
export function signBody(channelSecret: string, body: string | Buffer): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}
