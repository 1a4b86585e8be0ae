/**
 * The credential set the bank simulator uses when no QPAY_* variables are set: the sandbox mode's
 * own (src/sandbox-credentials.ts), under the name the simulator has always exported.
 */
export { type BankCredentials, SANDBOX_QPAY_CREDENTIALS as DEMO_QPAY_CREDENTIALS } from '../../sandbox-credentials';
