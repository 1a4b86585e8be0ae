/**
 * The ECPay logistics client: Express/Create and QueryLogisticsTradeInfo over src/http/outbound, form-urlencoded
 * UTF-8 (§1), every answer verified before it becomes data. See errors.ts for what may be retried.
 */
import { MAX_ERROR_BODY_CHARS, type OutboundTimeouts, outbound, postOnce } from '../http/outbound';
import { EcpayHttpError, EcpayNetworkError, type EcpayService } from './errors';
import type { EcpayLogisticsConfig, WireFields } from './types';
import {
  type CreateShipmentRequest,
  createShipmentFields,
  parseCreateReply,
  parseQueryReply,
  QUERY_PATH,
  type QueryKey,
  queryFields,
  type ShipmentStatus,
  type TradeInfo,
} from './wire';

export interface EcpayClientOptions extends Omit<OutboundTimeouts, 'keepAliveTimeoutMs'> {
  /** The clock for MerchantTradeDate and TimeStamp (default Date.now). */
  now?: () => number;
}

export interface EcpayLogisticsClient {
  readonly merchantId: string;
  /** Express/Create. Validates first (EcpayValidationError), then sends once — never retries itself. */
  createShipment(req: CreateShipmentRequest): Promise<ShipmentStatus>;
  queryTradeInfo(key: QueryKey): Promise<TradeInfo>;
  close(): Promise<void>;
}

export function createEcpayLogisticsClient(
  config: EcpayLogisticsConfig,
  options: EcpayClientOptions = {},
): EcpayLogisticsClient {
  const now = options.now ?? Date.now;
  const http = outbound(options);
  const base = config.baseUrl.replace(/\/+$/, '');

  async function post(service: EcpayService, path: string, fields: WireFields): Promise<string> {
    const { status, text } = await postOnce(
      http,
      base + path,
      { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      new URLSearchParams(fields).toString(),
      (failure) => {
        throw new EcpayNetworkError(service, failure.mayHaveArrived, failure.timedOut, failure.cause);
      },
    );
    if (status < 200 || status > 299) throw new EcpayHttpError(service, status, text.slice(0, MAX_ERROR_BODY_CHARS));
    return text;
  }

  return {
    merchantId: config.merchantId,
    async createShipment(req) {
      const fields = createShipmentFields(config, { ...req, tradeDate: req.tradeDate ?? now() });
      return parseCreateReply(config, await post('Create', '/Express/Create', fields));
    },
    async queryTradeInfo(key) {
      return parseQueryReply(
        config,
        await post('QueryLogisticsTradeInfo', QUERY_PATH, queryFields(config, key, now())),
      );
    },
    async close() {
      await http.close();
    },
  };
}
