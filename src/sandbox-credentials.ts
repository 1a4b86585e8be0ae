/**
 * The made-up QPay credentials of sandbox mode. The shop's sandbox, the bank simulator and the
 * merchant CLI all need the same set, so it lives here, on the product side: the simulators import
 * it, never the other way round. The real bank knows none of it.
 */
import type { QpayConfig } from './config';

/** What the bank issues a shop: the client's config without the endpoint. */
export type BankCredentials = Omit<QpayConfig, 'baseUrl'>;

export const SANDBOX_QPAY_CREDENTIALS: Readonly<BankCredentials> = Object.freeze({
  shopNo: 'DA0001_001',
  a1: '0F1E2D3C4B5A6978',
  a2: '8796A5B4C3D2E1F0',
  b1: '1234567890ABCDEF',
  b2: 'FEDCBA0987654321',
  keyId: '6A3C0B1E-5D4F-4E2A-9B8C-7D6E5F4A3B2C',
});

/** The QPay client config of sandbox mode: the sandbox credentials at the local bank simulator. */
export function sandboxQpayConfig(bankSimPort: number): QpayConfig {
  return { baseUrl: `http://127.0.0.1:${bankSimPort}/funBIZ-Sbx/QPay.WebAPI/api/`, ...SANDBOX_QPAY_CREDENTIALS };
}
