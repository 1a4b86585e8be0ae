/** The QPAY_* variables that point a shop (or one of its CLIs) at a running bank simulator. */
import type { BankSimulator } from './server';

export function shopEnvFor(bank: BankSimulator): Record<string, string> {
  return {
    QPAY_BASE_URL: bank.baseUrl,
    QPAY_SHOP_NO: bank.credentials.shopNo,
    QPAY_A1: bank.credentials.a1,
    QPAY_A2: bank.credentials.a2,
    QPAY_B1: bank.credentials.b1,
    QPAY_B2: bank.credentials.b2,
    QPAY_KEY_ID: bank.credentials.keyId,
  };
}
