/**
 * `npm run logistics-sim`: the ECPay logistics simulator on its own, for any ECPay logistics client.
 *
 * Environment:
 *   LOGISTICS_SIM_PORT                  listen port (default 3200)
 *   LOGISTICS_SIM_HOST                  listen address (default 127.0.0.1)
 *   LOGISTICS_SIM_STEP_SECONDS          delay between a parcel's steps (default 60; 0 = admin triggers only)
 *   LOGISTICS_SIM_OUTCOME               pick_up (default) or return: where the schedule leads after arrival
 *   LOGISTICS_SIM_NOTIFY_RETRY_SECONDS  delay between notification retries (default 28800 = 8 h)
 *   LOGISTICS_SIM_NOTIFY_RETRIES        number of notification retries (default 8)
 * It accepts ECPay's public stage accounts (B2C 2000132, C2C 2000933) with their public keys.
 */
import { createLogger } from '../logger';
import { ECPAY_STAGE_ACCOUNTS, SIM_STORES, startLogisticsSimulator } from '../sandbox/logistics';
import { type Env, envInt, runSimulatorCli } from '../sandbox/shared/cli';

async function main(env: Env) {
  const outcome = env.LOGISTICS_SIM_OUTCOME?.trim() || 'pick_up';
  if (outcome !== 'pick_up' && outcome !== 'return') {
    throw new Error('LOGISTICS_SIM_OUTCOME: must be pick_up or return');
  }
  const retrySeconds = envInt(env, 'LOGISTICS_SIM_NOTIFY_RETRY_SECONDS', 8 * 3600, 1);
  const sim = await startLogisticsSimulator({
    port: envInt(env, 'LOGISTICS_SIM_PORT', 3200, 0),
    host: env.LOGISTICS_SIM_HOST?.trim() || '127.0.0.1',
    stepDelayMs: envInt(env, 'LOGISTICS_SIM_STEP_SECONDS', 60, 0) * 1000,
    outcome,
    notificationRetryDelaysMs: Array.from(
      { length: envInt(env, 'LOGISTICS_SIM_NOTIFY_RETRIES', 8, 0) },
      () => retrySeconds * 1000,
    ),
    logger: createLogger('info').child({ sim: 'logistics' }),
  });
  const lines = [
    'ECPay logistics simulator is running.',
    `  Base URL (ECPAY_LOGISTICS_BASE_URL): ${sim.url}`,
    `  Store map:  POST ${sim.url}/Express/map   Create: POST ${sim.url}/Express/Create`,
    `  Admin page: ${sim.url}/sim`,
    '  Accounts (ECPay public stage keys):',
  ];
  for (const a of ECPAY_STAGE_ACCOUNTS) {
    lines.push(`    ${a.kind}  MerchantID ${a.merchantId}  HashKey ${a.hashKey}  HashIV ${a.hashIv}`);
  }
  lines.push(
    `  Stores: ${Object.entries(SIM_STORES)
      .map(([chain, list]) => `${chain} ${list.length}`)
      .join(', ')} (fictional; ECPay's stage test ids 131386, 006598, 2001, 1328 included)`,
  );
  console.log(lines.join('\n'));
  return sim;
}

runSimulatorCli(() => main(process.env));
