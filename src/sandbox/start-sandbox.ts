/**
 * Sandbox mode (no LINE credentials): runs the local LINE simulator (with its chat page), the
 * QPay bank simulator and the ECPay logistics simulator beside the shop, points the shop's config at them, and deploys the rich
 * menus to the simulator. Everything binds to localhost unless SANDBOX_HOST says otherwise.
 */
import { join } from 'node:path';
import { Agent, setGlobalDispatcher } from 'undici';
import { deployShopRichMenus } from '../../richmenu/line-deploy';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Runtime } from '../runtime';
import { DEMO_QPAY_CREDENTIALS, startBankSimulator, TEST_CARDS } from './bank';
import { startLineSimulator } from './line';
import { startLogisticsSimulator } from './logistics';

export interface Sandbox {
  /** The shop's config with LINE and QPay pointed at the simulators. */
  config: Config;
  afterShopStarted(runtime: Runtime): Promise<void>;
  describe(): string[];
  close(): Promise<void>;
}

export async function startSandbox(config: Config, logger: Logger): Promise<Sandbox> {
  // What uses the global fetch (the rich menu deploy through @line/bot-sdk, the LINE simulator's
  // webhook sender) runs only in the sandbox: bound every such call so a slow peer never hangs it.
  setGlobalDispatcher(
    new Agent({ connectTimeout: 5_000, headersTimeout: 10_000, bodyTimeout: 10_000, keepAliveTimeout: 30_000 }),
  );
  const { host } = config.sandbox;
  const line = await startLineSimulator({
    port: config.sandbox.lineSimPort,
    host,
    channelSecret: config.line.channelSecret,
    channelAccessToken: config.line.channelAccessToken,
    webhookUrl: `http://127.0.0.1:${config.port}/line/webhook`,
    botName: config.shopName,
    // The demo catalog's images come from this machine over plain http.
    allowHttpImages: true,
    pushQuota: config.sandbox.linePushQuota,
  });
  const credentials = DEMO_QPAY_CREDENTIALS;
  const bank = await startBankSimulator({
    port: config.sandbox.bankSimPort,
    host,
    credentials,
    atmAutoPayDelayMs: config.sandbox.bankAtmDelaySeconds * 1000,
    stateFile: join(config.sandbox.bankStateFile),
    shopName: config.shopName,
    // Same JSON lines as the shop's own, told apart by `sim`.
    logger: logger.child({ sim: 'bank' }),
  });
  // The ECPay side of delivery (store map, shipments), for the delivery and shipping steps.
  const logistics = await startLogisticsSimulator({
    port: config.sandbox.logisticsSimPort,
    host,
    stepDelayMs: config.sandbox.logisticsStepSeconds * 1000,
    outcome: config.sandbox.logisticsOutcome,
    logger: logger.child({ sim: 'logistics' }),
  });
  const chatUrl = `${line.url}/`;
  const sandboxConfig: Config = {
    ...config,
    line: { ...config.line, apiBaseUrl: line.url, dataApiBaseUrl: line.url },
    qpay: { baseUrl: bank.baseUrl, ...credentials },
    backToLineUrl: chatUrl,
  };
  return {
    config: sandboxConfig,
    afterShopStarted: async () => {
      const report = await deployShopRichMenus({
        line: { channelAccessToken: config.line.channelAccessToken, apiBaseUrl: line.url, dataApiBaseUrl: line.url },
        shopName: config.shopName,
      });
      logger.debug({ report }, 'rich menus deployed to the LINE simulator');
    },
    describe: () => [
      `  chat:      ${chatUrl}   ← open this in your browser, tap 加入好友, then send 商品`,
      `  LINE sim:  ${line.url}  (Messaging API + chat page)`,
      `  bank sim:  ${bank.url}/sim  (QPay simulator admin: orders, payments, notifications)`,
      `  logistics: ${logistics.url}/sim  (ECPay simulator: store map, shipments, notifications)`,
      `  test cards: ${TEST_CARDS.map((c) => `${c.number} ${c.label}`).join(' · ')}`,
      ...(config.sandbox.linePushQuota === undefined
        ? []
        : [
            `  LINE quota: ${config.sandbox.linePushQuota} pushes a month (LINE_SIM_PUSH_QUOTA); see npm run orders -- quota`,
          ]),
      '  go live:   set LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN and QPAY_* (see README)',
    ],
    close: async () => {
      await line.close();
      await bank.close();
      await logistics.close();
    },
  };
}
