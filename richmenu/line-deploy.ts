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

export async function deployShopRichMenus(opts: {
  line: LineEndpoint;
  logger?: DeployLogger;
  dryRun?: boolean;
  /** Where manifest.json lives; the committed richmenu/ folder by default. */
  dir?: string;
}): Promise<DeployReport> {
  return deployRichMenus({
    ...createRichMenuClients(opts.line),
    menus: loadMenus(opts.dir ?? RICHMENU_DIR),
    dryRun: opts.dryRun,
    logger: opts.logger,
  });
}
