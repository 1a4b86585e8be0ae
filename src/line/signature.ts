import { validateSignature } from '@line/bot-sdk';

/** x-line-signature check over the raw body bytes; a missing header is simply invalid. */
export function isValidSignature(rawBody: Buffer, channelSecret: string, header: unknown): boolean {
  // validateSignature throws on a missing signature; it is timing-safe otherwise.
  if (typeof header !== 'string' || header === '') return false;
  return validateSignature(rawBody, channelSecret, header);
}
