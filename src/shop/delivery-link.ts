/**
 * The delivery page's link: `/delivery?t=<token>`, the token binding the LINE user and the checkout
 * (the delivery draft's id) with an expiry, signed with HMAC-SHA256. The page trusts nothing else
 * the browser says about who it is. The key is derived from LINE_CHANNEL_SECRET (the secret the
 * shop already keeps), so there is no new variable; changing the channel secret invalidates open
 * links, which only means "check out again from LINE".
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a page link works. */
export const DELIVERY_LINK_MS = 30 * 60_000;

/** The signing key of delivery links, derived from the channel secret (never the secret itself). */
export function deliveryLinkKey(channelSecret: string): Buffer {
  return createHmac('sha256', channelSecret).update('line-shop delivery link v1').digest();
}

/** A new checkout id: 16 letters/digits (also usable in ECPay's 20-character fields). */
export function newCheckoutId(): string {
  return randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16);
}

export interface DeliveryLink {
  userId: string;
  checkoutId: string;
  expiresAt: number;
}

function signature(key: Buffer, userId: string, checkoutId: string, expiresAt: number): string {
  return createHmac('sha256', key).update(`${userId}\n${checkoutId}\n${expiresAt}`).digest('base64url').slice(0, 32);
}

export function mintDeliveryToken(key: Buffer, link: DeliveryLink): string {
  const user = Buffer.from(link.userId, 'utf8').toString('base64url');
  const exp = link.expiresAt.toString(36);
  return `${user}.${link.checkoutId}.${exp}.${signature(key, link.userId, link.checkoutId, link.expiresAt)}`;
}

export type TokenCheck = { ok: true; link: DeliveryLink } | { ok: false; reason: 'invalid' | 'expired' };

const CHECKOUT_ID = /^[A-Za-z0-9]{16}$/;

/** A forged or altered token is `invalid` (403); a genuine one past its time is `expired`. */
export function verifyDeliveryToken(key: Buffer, token: unknown, now: number): TokenCheck {
  if (typeof token !== 'string' || token.length > 300) return { ok: false, reason: 'invalid' };
  const parts = token.split('.');
  if (parts.length !== 4) return { ok: false, reason: 'invalid' };
  const [user = '', checkoutId = '', exp = '', sig = ''] = parts;
  if (!CHECKOUT_ID.test(checkoutId) || !/^[0-9a-z]{1,12}$/.test(exp) || !/^[A-Za-z0-9_-]{32}$/.test(sig)) {
    return { ok: false, reason: 'invalid' };
  }
  const userId = Buffer.from(user, 'base64url').toString('utf8');
  if (!/^[A-Za-z0-9]{1,64}$/.test(userId)) return { ok: false, reason: 'invalid' };
  const expiresAt = Number.parseInt(exp, 36);
  const expected = Buffer.from(signature(key, userId, checkoutId, expiresAt));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  if (now >= expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, link: { userId, checkoutId, expiresAt } };
}
