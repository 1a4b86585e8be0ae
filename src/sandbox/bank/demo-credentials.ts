/**
 * The credential set the bank simulator uses when no QPAY_* variables are set, and which the shop's
 * sandbox mode gives its QPay client. Made up for local use only: the real bank knows none of it.
 */
import type { QpayConfig } from '../../config';

/** What the bank issues a shop: the client's config without the endpoint. */
export type BankCredentials = Omit<QpayConfig, 'baseUrl'>;

export const DEMO_QPAY_CREDENTIALS: Readonly<BankCredentials> = Object.freeze({
  shopNo: 'DA0001_001',
  a1: '0F1E2D3C4B5A6978',
  a2: '8796A5B4C3D2E1F0',
  b1: '1234567890ABCDEF',
  b2: 'FEDCBA0987654321',
  keyId: '6A3C0B1E-5D4F-4E2A-9B8C-7D6E5F4A3B2C',
});
