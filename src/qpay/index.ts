/** QPay (SinoPac 永豐金流) client: the public face. */
export { createQpayClient, type QpayClient, type QpayClientOptions } from './client';
export {
  isSafeToRetry,
  QpayError,
  QpayHttpError,
  QpayNetworkError,
  QpayRefusedError,
  type QpayService,
  QpayValidationError,
  QpayVerificationError,
} from './errors';
export { bankDateEndMs, fromBankDate, fromBankTime, toBankDate, toBankTime } from './time';
export type * from './types';
