/**
 * `npm run bank-sim`: the QPay bank simulator on its own, for any QPay client.
 *
 * Environment:
 *   BANK_SIM_PORT                    listen port (default 3100)
 *   BANK_SIM_HOST                    listen address (default 127.0.0.1)
 *   BANK_SIM_PUBLIC_URL              origin put into pay links (default http://<host>:<port>)
 *   BANK_SIM_STATE_FILE              keep orders in this JSON file across restarts (default: memory)
 *   BANK_SIM_ATM_DELAY_SECONDS       ATM auto-pay delay (default 300)
 *   BANK_SIM_NOTIFY_RETRY_SECONDS    delay between notification retries (default 600)
 *   BANK_SIM_NOTIFY_RETRIES          number of notification retries (default 5)
 *   QPAY_SHOP_NO, QPAY_A1, QPAY_A2, QPAY_B1, QPAY_B2, QPAY_KEY_ID
 *                                    credentials to accept (all or none; default the demo set)
 */
import { createLogger } from '../logger';
import { DEMO_QPAY_CREDENTIALS, startBankSimulator, TEST_CARDS } from '../sandbox/bank';
import type { BankCredentials } from '../sandbox/bank/demo-credentials';
import { type Env, envInt, runSimulatorCli } from '../sandbox/shared/cli';

function credentials(env: Env): { creds: BankCredentials; demo: boolean } {
  const names = ['QPAY_SHOP_NO', 'QPAY_A1', 'QPAY_A2', 'QPAY_B1', 'QPAY_B2', 'QPAY_KEY_ID'] as const;
  const given = names.filter((n) => env[n]?.trim());
  if (given.length === 0) return { creds: DEMO_QPAY_CREDENTIALS, demo: true };
  const missing = names.find((n) => !env[n]?.trim());
  if (missing) throw new Error(`${missing}: is required when any QPAY_* variable is set`);
  for (const n of ['QPAY_A1', 'QPAY_A2', 'QPAY_B1', 'QPAY_B2'] as const) {
    if (!/^[0-9A-Fa-f]{16}$/.test(env[n]?.trim() ?? '')) throw new Error(`${n}: must be 16 hexadecimal characters`);
  }
  const get = (n: (typeof names)[number]) => (env[n] as string).trim();
  return {
    creds: {
      shopNo: get('QPAY_SHOP_NO'),
      a1: get('QPAY_A1').toUpperCase(),
      a2: get('QPAY_A2').toUpperCase(),
      b1: get('QPAY_B1').toUpperCase(),
      b2: get('QPAY_B2').toUpperCase(),
      keyId: get('QPAY_KEY_ID'),
    },
    demo: false,
  };
}

async function main(env: Env) {
  const { creds, demo } = credentials(env);
  const retrySeconds = envInt(env, 'BANK_SIM_NOTIFY_RETRY_SECONDS', 600, 1);
  const sim = await startBankSimulator({
    port: envInt(env, 'BANK_SIM_PORT', 3100, 0),
    host: env.BANK_SIM_HOST?.trim() || '127.0.0.1',
    publicUrl: env.BANK_SIM_PUBLIC_URL?.trim() || undefined,
    stateFile: env.BANK_SIM_STATE_FILE?.trim() || undefined,
    atmAutoPayDelayMs: envInt(env, 'BANK_SIM_ATM_DELAY_SECONDS', 300, 0) * 1000,
    notificationRetryDelaysMs: Array.from(
      { length: envInt(env, 'BANK_SIM_NOTIFY_RETRIES', 5, 0) },
      () => retrySeconds * 1000,
    ),
    credentials: creds,
    logger: createLogger('info').child({ sim: 'bank' }),
  });
  const lines = [
    'QPay bank simulator is running.',
    `  API base URL (QPAY_BASE_URL): ${sim.baseUrl}`,
    `  Admin page:                   ${sim.url}/sim`,
    `  Credentials: ${demo ? 'demo set (no QPAY_* variables set)' : 'from QPAY_* variables'}`,
    `    ShopNo ${creds.shopNo}  X-KeyID ${creds.keyId}`,
  ];
  // The demo keys are public; real ones are never printed.
  if (demo) lines.push(`    A1 ${creds.a1}  A2 ${creds.a2}  B1 ${creds.b1}  B2 ${creds.b2}`);
  lines.push('  Test cards (any future expiry MM/YY, any 3-digit CVC):');
  for (const c of TEST_CARDS) lines.push(`    ${c.number.replace(/(\d{4})(?=\d)/g, '$1-')}  ${c.label}`);
  lines.push('  ATM orders are paid automatically after the delay unless the OrderNo ends in 9.');
  console.log(lines.join('\n'));
  return sim;
}

runSimulatorCli(() => main(process.env));
