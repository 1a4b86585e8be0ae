/**
 * Deploying the shop's committed menus to a LINE endpoint given by base URLs: what the CLI runs
 * against LINE, and what the sandbox calls at start against the LINE simulator, e.g.
 *   await deployShopRichMenus({ line: { channelAccessToken, apiBaseUrl: sim.url, dataApiBaseUrl: sim.url }, logger })
 */
import { messagingApi } from '@line/bot-sdk';
import { type DeployLogger, type DeployReport, deployRichMenus } from './deploy';
import { loadMenus, RICHMENU_DIR } from './menus';

export interface LineEndpoint {
  channelAccessToken: string;
  apiBaseUrl: string;
  dataApiBaseUrl: string;
}

export function createRichMenuClients(line: LineEndpoint) {
  return {
    client: new messagingApi.MessagingApiClient({
      channelAccessToken: line.channelAccessToken,
      baseURL: line.apiBaseUrl,
    }),
    blobClient: new messagingApi.MessagingApiBlobClient({
      channelAccessToken: line.channelAccessToken,
      baseURL: line.dataApiBaseUrl,
    }),
  };
}

/** `<name> 選單` when it fits LINE's 14 characters, else the name cut to fit. */
export function chatBarText(shopName: string): string {
  const full = [...`${shopName} 選單`];
  return full.length <= 14 ? full.join('') : [...shopName].slice(0, 14).join('');
}

export async function deployShopRichMenus(opts: {
  line: LineEndpoint;
  logger?: DeployLogger;
  dryRun?: boolean;
  /** Where manifest.json lives; the committed richmenu/ folder by default. */
  dir?: string;
  /** The shop's name: the chat bar reads "<name> 選單" (LINE allows 14 characters). */
  shopName?: string;
}): Promise<DeployReport> {
  const menus = loadMenus(opts.dir ?? RICHMENU_DIR);
  const name = opts.shopName;
  return deployRichMenus({
    ...createRichMenuClients(opts.line),
    menus:
      name === undefined
        ? menus
        : menus.map((m) => ({ ...m, definition: { ...m.definition, chatBarText: chatBarText(name) } })),
    dryRun: opts.dryRun,
    logger: opts.logger,
  });
}
