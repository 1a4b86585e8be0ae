import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * x-line-signature check over the raw body bytes: base64(HMAC-SHA256(channel secret, body)),
 * compared in constant time (LINE's webhook signature rule, shared/specs/line.md). Done with
 * node:crypto rather than @line/bot-sdk's validateSignature: importing the SDK for these few lines
 * loaded 372 modules and cost the idle server about 14 MB (issue 17's idle-memory target).
 */
export function isValidSignature(rawBody: Buffer, channelSecret: string, header: unknown): boolean {
  if (typeof header !== 'string' || header === '') return false;
  const expected = createHmac('sha256', channelSecret).update(rawBody).digest();
  const given = Buffer.from(header, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
