/** The QPay bank simulator as the bench runs it: in the orchestrator, quiet, with no jobs of its own. */
import { silentLogger } from '../../src/logger';
import { type BankSimulator, DEMO_QPAY_CREDENTIALS, startBankSimulator } from '../../src/sandbox/bank';

/** How long a run waits for its pay links or receipts before counting the rest as missing. */
export const BANK_WAIT_MS = 90_000;

/** `responseDelayMs`: the latency of the bank's Order endpoint. */
export function startBank(responseDelayMs: number): Promise<BankSimulator> {
  return startBankSimulator({
    credentials: DEMO_QPAY_CREDENTIALS,
    tickIntervalMs: 0, // no due jobs: no ATM auto-payments, no expiries, no notification retries
    notificationRetryDelaysMs: [],
    logger: silentLogger,
    responseDelayMs,
  });
}
