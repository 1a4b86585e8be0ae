/**
 * The ECPay logistics client: Express/Create and QueryLogisticsTradeInfo over undici, form-urlencoded
 * UTF-8 (§1), every answer verified before it becomes data. See errors.ts for what may be retried.
 */
import { Agent, type Dispatcher, request } from 'undici';
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

export interface EcpayClientOptions {
  /** TCP+TLS connect timeout, ms (default 5 000). */
  connectTimeoutMs?: number;
  /** Time from sending the request to the response headers, ms (default 20 000). */
  headersTimeoutMs?: number;
  /** Maximum gap between body chunks, ms (default 20 000). */
  bodyTimeoutMs?: number;
  /** Use this dispatcher instead of an own Agent (the client then does not close it). */
  dispatcher?: Dispatcher;
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

const MAX_BODY_CHARS = 2_000;

/** Errors raised before a byte could reach the server: the request certainly did not arrive. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  if (e && typeof e.code === 'string') return e.code;
  if (e?.cause && typeof e.cause.code === 'string') return e.cause.code;
  return '';
}

export function createEcpayLogisticsClient(
  config: EcpayLogisticsConfig,
  options: EcpayClientOptions = {},
): EcpayLogisticsClient {
  const now = options.now ?? Date.now;
  const ownAgent = options.dispatcher
    ? undefined
    : new Agent({
        connect: { timeout: options.connectTimeoutMs ?? 5_000 },
        headersTimeout: options.headersTimeoutMs ?? 20_000,
        bodyTimeout: options.bodyTimeoutMs ?? 20_000,
      });
  const dispatcher: Dispatcher = options.dispatcher ?? (ownAgent as Agent);
  const base = config.baseUrl.replace(/\/+$/, '');

  async function post(service: EcpayService, path: string, fields: WireFields): Promise<string> {
    let status: number;
    let text: string;
    try {
      const res = await request(base + path, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: new URLSearchParams(fields).toString(),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      const code = errorCode(err);
      throw new EcpayNetworkError(service, !NOT_SENT_CODES.has(code), TIMEOUT_CODES.has(code), err);
    }
    if (status < 200 || status > 299) throw new EcpayHttpError(service, status, text.slice(0, MAX_BODY_CHARS));
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
      await ownAgent?.close();
    },
  };
}
