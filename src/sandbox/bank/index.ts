/** QPay bank simulator: the public face. */
export { DESCRIPTION, payStatus } from './codes';
export { type BankCredentials, DEMO_QPAY_CREDENTIALS } from './demo-credentials';
export type { DueJobsReport } from './lifecycle';

export {
  API_PATH,
  type BankSimulator,
  type BankSimulatorOptions,
  type ResponseTamper,
  startBankSimulator,
} from './server';
export { shopEnvFor } from './shop-env';
export type { SimNotification, SimOrder, SimPayment } from './state';
export { type CardOutcome, TEST_CARDS, type TestCard } from './test-cards';
