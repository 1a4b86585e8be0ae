/**
 * The store map (§4): the browser form that opens ECPay's `/Express/map`, and the parser of the
 * store the buyer's browser posts back to our ServerReplyURL.
 *
 * The map reply carries no CheckMacValue (observed bodies, ECPay's own SDK does not verify it): it is
 * untrusted buyer input. The parser checks shapes; the caller must also match MerchantTradeNo (and
 * ExtraData) to a selection it issued, and the chain to the one it offered.
 */
import { autoSubmitHtml, type BrowserForm } from './html';
import { type CvsChain, type CvsSubType, chainOf, type EcpayLogisticsConfig, isCvsSubType } from './types';
import { merchantTradeNoProblem } from './validate';

export interface MapRequest {
  subType: CvsSubType;
  /** A fresh opaque token per map session (1–20 letters/digits), echoed back. */
  merchantTradeNo: string;
  /** Where the buyer's browser posts the chosen store. */
  serverReplyUrl: string;
  /** ≤20 characters, echoed back unchanged. */
  extraData?: string;
  /** 代收貨款 (cash on delivery). Default false. */
  isCollection?: boolean;
  /** `1` mobile (default here: the shop is a LINE chat), `0` PC. */
  device?: 0 | 1;
}

function baseUrl(config: EcpayLogisticsConfig): string {
  return config.baseUrl.replace(/\/+$/, '');
}

/**
 * The form's action and hidden fields, in §4's order. No CheckMacValue: it is not part of the
 * documented request (ECPay's old SDKs send none).
 */
export function buildMapForm(config: EcpayLogisticsConfig, req: MapRequest): BrowserForm {
  if (!isCvsSubType(req.subType)) throw new Error(`map: unknown LogisticsSubType ${String(req.subType)}`);
  const problem = merchantTradeNoProblem(req.merchantTradeNo);
  if (problem) throw new Error(`map: MerchantTradeNo ${problem}`);
  if ((req.extraData ?? '').length > 20) throw new Error('map: ExtraData is limited to 20 characters');
  if (!/^https?:\/\//.test(req.serverReplyUrl) || req.serverReplyUrl.length > 200) {
    throw new Error('map: ServerReplyURL must be an http(s) URL of at most 200 characters');
  }
  const fields: Record<string, string> = {
    MerchantID: config.merchantId,
    MerchantTradeNo: req.merchantTradeNo,
    LogisticsType: 'CVS',
    LogisticsSubType: req.subType,
    IsCollection: req.isCollection ? 'Y' : 'N',
    ServerReplyURL: req.serverReplyUrl,
  };
  if (req.extraData !== undefined) fields.ExtraData = req.extraData;
  fields.Device = String(req.device ?? 1);
  return { action: `${baseUrl(config)}/Express/map`, fields };
}

/** The page that sends the buyer's browser to the map. */
export function mapRedirectHtml(config: EcpayLogisticsConfig, req: MapRequest): string {
  return autoSubmitHtml(buildMapForm(config, req), '前往選擇門市…');
}

export interface ChosenStore {
  subType: CvsSubType;
  chain: CvsChain;
  storeId: string;
  storeName: string;
  storeAddress: string;
  /** Absent when ECPay sent it empty. */
  storeTel?: string;
  /** true = outlying-island store (CVSOutSide 1); undefined when ECPay left it empty. */
  outlyingIsland?: boolean;
  merchantId: string;
  merchantTradeNo: string;
  extraData: string;
}

export type MapReplyProblem =
  | 'missing-field'
  | 'merchant'
  | 'subtype'
  | 'store-id'
  | 'store-name'
  | 'store-address'
  | 'store-tel'
  | 'outside'
  | 'trade-no'
  | 'extra-data';

export type MapReplyResult =
  | { ok: true; store: ChosenStore }
  | { ok: false; problem: MapReplyProblem; field: string; reason: string };

export interface MapReplyExpectation {
  merchantId: string;
  /** When given, the reply must be for this subtype (the chain the shop offered). */
  subType?: CvsSubType;
}

/** Control characters never belong in a store's name or address. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Checks the fields of a map reply (form-decoded body) against §4's shapes. Lengths are ECPay's
 * plugin limits (name ≤10 chars kept by the plugin — we allow 20 since real names like
 * "台北車站地下街" plus a branch suffix exceed 10 — address ≤60, phone ≤20).
 */
export function parseMapReply(body: Record<string, unknown>, expect: MapReplyExpectation): MapReplyResult {
  const get = (name: string): string | undefined => {
    const v = body[name];
    return typeof v === 'string' ? v : undefined;
  };
  const fail = (problem: MapReplyProblem, field: string, reason: string): MapReplyResult => ({
    ok: false,
    problem,
    field,
    reason,
  });
  for (const name of [
    'MerchantID',
    'MerchantTradeNo',
    'LogisticsSubType',
    'CVSStoreID',
    'CVSStoreName',
    'CVSAddress',
  ]) {
    if (get(name) === undefined) return fail('missing-field', name, `${name} is missing or not a single value`);
  }
  const merchantId = get('MerchantID') as string;
  if (merchantId !== expect.merchantId) return fail('merchant', 'MerchantID', 'not our MerchantID');
  const subType = get('LogisticsSubType') as string;
  if (!isCvsSubType(subType)) return fail('subtype', 'LogisticsSubType', 'unknown LogisticsSubType');
  if (expect.subType && subType !== expect.subType) return fail('subtype', 'LogisticsSubType', 'not the chain offered');
  const merchantTradeNo = get('MerchantTradeNo') as string;
  if (merchantTradeNoProblem(merchantTradeNo)) return fail('trade-no', 'MerchantTradeNo', 'not 1–20 letters/digits');
  // It becomes ReceiverStoreID (String(6)) at Create.
  const storeId = get('CVSStoreID') as string;
  if (!/^[A-Za-z0-9]{1,6}$/.test(storeId)) return fail('store-id', 'CVSStoreID', 'not 1–6 letters/digits');
  const storeName = (get('CVSStoreName') as string).trim();
  if (storeName === '' || storeName.length > 20 || CONTROL.test(storeName)) {
    return fail('store-name', 'CVSStoreName', 'empty, longer than 20 characters or with control characters');
  }
  const storeAddress = (get('CVSAddress') as string).trim();
  if (storeAddress === '' || storeAddress.length > 60 || CONTROL.test(storeAddress)) {
    return fail('store-address', 'CVSAddress', 'empty, longer than 60 characters or with control characters');
  }
  const tel = (get('CVSTelephone') ?? '').trim();
  if (tel.length > 20 || !/^[0-9()\-#+ ]*$/.test(tel)) return fail('store-tel', 'CVSTelephone', 'not a phone number');
  const outside = get('CVSOutSide') ?? '';
  if (!['', '0', '1'].includes(outside)) return fail('outside', 'CVSOutSide', 'not 0, 1 or empty');
  const extraData = get('ExtraData') ?? '';
  if (extraData.length > 20) return fail('extra-data', 'ExtraData', 'longer than 20 characters');
  return {
    ok: true,
    store: {
      subType,
      chain: chainOf(subType),
      storeId,
      storeName,
      storeAddress,
      ...(tel ? { storeTel: tel } : {}),
      ...(outside ? { outlyingIsland: outside === '1' } : {}),
      merchantId,
      merchantTradeNo,
      extraData,
    },
  };
}
