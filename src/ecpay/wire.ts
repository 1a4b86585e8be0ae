/**
 * ECPay's logistics wire formats (§5, §6, §9) as pure functions: request fields in, typed results
 * out, every answer verified (CheckMacValue, MerchantID) before it becomes data.
 */
import { compareKeys, type MacKeys, sign, verifyCheckMacValue } from './check-mac';
import { EcpayRefusedError, type EcpayService, EcpayValidationError, EcpayVerificationError } from './errors';
import { type LogisticsMeaning, statusMeaning } from './status';
import { toEcpayDate } from './time';
import {
  type CvsSubType,
  type EcpayLogisticsConfig,
  type HomeSubType,
  isC2cSubType,
  isCvsSubType,
  type LogisticsSubType,
  type WireFields,
} from './types';
import {
  cellPhoneProblem,
  goodsNameProblem,
  merchantTradeNoProblem,
  nameProblem,
  phoneProblem,
  storeIdProblem,
} from './validate';

const keysOf = (c: EcpayLogisticsConfig): MacKeys => ({ hashKey: c.hashKey, hashIv: c.hashIv });

// ---- Express/Create ---------------------------------------------------------------------------

export interface CreateShipmentBase {
  /** 1–20 letters/digits, unique per shipment: the key to query before re-creating. */
  merchantTradeNo: string;
  /** Whole NT$. */
  goodsAmount: number;
  goodsName?: string;
  /** Cash on delivery (代收貨款); the collected amount is goodsAmount. Default false. */
  collection?: boolean;
  senderName: string;
  senderCellPhone?: string;
  senderPhone?: string;
  receiverName: string;
  receiverCellPhone: string;
  receiverPhone?: string;
  receiverEmail?: string;
  tradeDesc?: string;
  remark?: string;
  /** Status notifications (§6). */
  serverReplyUrl: string;
  /** Defaults to now. */
  tradeDate?: number;
}

export interface CreateCvsShipment extends CreateShipmentBase {
  logisticsType: 'CVS';
  subType: CvsSubType;
  receiverStoreId: string;
  /** 7-11 C2C: store-closed notices (§6.1); required for UNIMARTC2C. */
  c2cReplyUrl?: string;
  /** C2C 7-11 only: the store a returned parcel goes to. */
  returnStoreId?: string;
}

export interface CreateHomeShipment extends CreateShipmentBase {
  logisticsType: 'HOME';
  subType: HomeSubType;
  senderZipCode: string;
  senderAddress: string;
  receiverZipCode: string;
  receiverAddress: string;
  temperature?: '0001' | '0002' | '0003';
  distance?: '00' | '01' | '02';
  specification?: '0001' | '0002' | '0003' | '0004';
  /** kg, required for POST. */
  goodsWeight?: number;
}

export type CreateShipmentRequest = CreateCvsShipment | CreateHomeShipment;

/** GoodsAmount limits (§8): 1–20000, and 19999 for 7-ELEVEN to be safe (an older manual said so). */
export function maxGoodsAmount(subType: LogisticsSubType): number {
  return subType.startsWith('UNIMART') ? 19_999 : 20_000;
}

function invalid(field: string, reason: string): never {
  throw new EcpayValidationError('Create', field, reason);
}

function check(field: string, problem: string | null): void {
  if (problem) invalid(field, problem);
}

/** Validates the request by §5 and returns the signed form fields. Throws EcpayValidationError. */
export function createShipmentFields(config: EcpayLogisticsConfig, req: CreateShipmentRequest): WireFields {
  check('MerchantTradeNo', merchantTradeNoProblem(req.merchantTradeNo));
  if (!Number.isInteger(req.goodsAmount) || req.goodsAmount < 1 || req.goodsAmount > maxGoodsAmount(req.subType)) {
    invalid('GoodsAmount', `商品金額須為 1–${maxGoodsAmount(req.subType)} 的整數`);
  }
  const goodsNameRequired = ['UNIMARTC2C', 'HILIFEC2C', 'OKMARTC2C'].includes(req.subType);
  if (goodsNameRequired || req.goodsName) check('GoodsName', goodsNameProblem(req.goodsName ?? ''));
  check('SenderName', nameProblem(req.senderName, 'sender'));
  check('ReceiverName', nameProblem(req.receiverName, 'receiver'));
  const senderCellRequired = ['UNIMARTC2C', 'HILIFEC2C', 'OKMARTC2C'].includes(req.subType);
  if (senderCellRequired || req.senderCellPhone) check('SenderCellPhone', cellPhoneProblem(req.senderCellPhone ?? ''));
  check('SenderPhone', phoneProblem(req.senderPhone ?? ''));
  check('ReceiverCellPhone', cellPhoneProblem(req.receiverCellPhone));
  check('ReceiverPhone', phoneProblem(req.receiverPhone ?? ''));
  if ((req.receiverEmail ?? '').length > 50) invalid('ReceiverEmail', '電子郵件最多 50 個字元');
  if (!/^https?:\/\//.test(req.serverReplyUrl) || req.serverReplyUrl.length > 200) {
    invalid('ServerReplyURL', '須為 200 字元以內的 http(s) 網址');
  }
  const date = toEcpayDate(req.tradeDate ?? Date.now());
  const fields: WireFields = {
    MerchantID: config.merchantId,
    MerchantTradeNo: req.merchantTradeNo,
    MerchantTradeDate: date,
    LogisticsType: req.logisticsType,
    LogisticsSubType: req.subType,
    GoodsAmount: String(req.goodsAmount),
    IsCollection: req.collection ? 'Y' : 'N',
    ServerReplyURL: req.serverReplyUrl,
    SenderName: req.senderName.trim(),
    ReceiverName: req.receiverName.trim(),
    ReceiverCellPhone: req.receiverCellPhone,
  };
  // 7-11 C2C wants CollectionAmount = GoodsAmount (S10); elsewhere only with COD.
  if (req.collection || req.subType === 'UNIMARTC2C') fields.CollectionAmount = String(req.goodsAmount);
  if (req.goodsName) fields.GoodsName = req.goodsName;
  if (req.senderCellPhone) fields.SenderCellPhone = req.senderCellPhone;
  if (req.senderPhone) fields.SenderPhone = req.senderPhone;
  if (req.receiverPhone) fields.ReceiverPhone = req.receiverPhone;
  if (req.receiverEmail) fields.ReceiverEmail = req.receiverEmail;
  if (req.tradeDesc) fields.TradeDesc = req.tradeDesc.slice(0, 200);
  if (req.remark) fields.Remark = req.remark.slice(0, 200);
  if (req.logisticsType === 'CVS') {
    if (!isCvsSubType(req.subType)) invalid('LogisticsSubType', '不是超商取貨的物流子類型');
    check('ReceiverStoreID', storeIdProblem(req.receiverStoreId));
    fields.ReceiverStoreID = req.receiverStoreId;
    if (req.subType === 'UNIMARTC2C' && !req.c2cReplyUrl) invalid('LogisticsC2CReplyURL', '7-ELEVEN 店到店必須提供');
    if (req.c2cReplyUrl) fields.LogisticsC2CReplyURL = req.c2cReplyUrl;
    if (req.returnStoreId) {
      if (!isC2cSubType(req.subType)) invalid('ReturnStoreID', '只有店到店可指定退貨門市');
      check('ReturnStoreID', storeIdProblem(req.returnStoreId));
      fields.ReturnStoreID = req.returnStoreId;
    }
  } else {
    for (const [field, zip] of [
      ['SenderZipCode', req.senderZipCode],
      ['ReceiverZipCode', req.receiverZipCode],
    ] as const) {
      if (!/^\d{3,5}$/.test(zip)) invalid(field, '郵遞區號須為 3–5 位數字');
    }
    for (const [field, address] of [
      ['SenderAddress', req.senderAddress],
      ['ReceiverAddress', req.receiverAddress],
    ] as const) {
      if (address.length < 6 || address.length > 60) invalid(field, '地址須為 6–60 個字');
    }
    Object.assign(fields, {
      SenderZipCode: req.senderZipCode,
      SenderAddress: req.senderAddress,
      ReceiverZipCode: req.receiverZipCode,
      ReceiverAddress: req.receiverAddress,
      Temperature: req.temperature ?? '0001',
      Distance: req.distance ?? '00',
      Specification: req.specification ?? '0001',
      ScheduledPickupTime: '4',
      // `4` = any time; the other codes disagree between doc versions (§5).
      ScheduledDeliveryTime: '4',
    });
    if (req.subType === 'POST') {
      if (req.goodsWeight === undefined || !(req.goodsWeight > 0 && req.goodsWeight <= 20)) {
        invalid('GoodsWeight', '郵局宅配須填重量（20 公斤以內）');
      }
    }
    if (req.goodsWeight !== undefined) fields.GoodsWeight = req.goodsWeight.toFixed(3).replace(/\.?0+$/, '');
  }
  return sign(fields, keysOf(config));
}

/**
 * `k=v&k=v…` as ECPay writes its text answers: values raw (not URL-encoded — Chinese, spaces, `+`
 * appear literally), each pair split on its first `=`. Never URL-decode: a literal `+` in an e-mail
 * would turn into a space and break the CheckMacValue.
 */
export function parseRawPairs(text: string): WireFields {
  const out: WireFields = {};
  if (text === '') return out;
  for (const pair of text.split('&')) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new Error(`not a key=value pair: ${pair.slice(0, 40)}`);
    const key = pair.slice(0, i);
    if (Object.hasOwn(out, key)) throw new Error(`duplicate key ${key}`);
    out[key] = pair.slice(i + 1);
  }
  return out;
}

/** The inverse, in ECPay's order (keys sorted case-insensitively, values raw). */
export function formatRawPairs(fields: WireFields): string {
  return Object.keys(fields)
    .sort(compareKeys)
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
}

/** The shipment as ECPay reports it (Create's answer and every status notification). */
export interface ShipmentStatus {
  allPayLogisticsId: string;
  merchantTradeNo: string;
  logisticsType: string;
  subType: string;
  goodsAmount: number;
  /** Status code (§7), e.g. `300`. */
  rtnCode: string;
  rtnMsg: string;
  meaning: LogisticsMeaning;
  /** `yyyy/MM/dd HH:mm:ss` as sent. */
  updateStatusDate: string;
  /** C2C drop-off code (FamilyMart 11 digits, 7-11 8 characters); '' for B2C. */
  cvsPaymentNo: string;
  /** 7-11 C2C only, 4 digits. */
  cvsValidationNo: string;
  bookingNote: string;
  /** Every received field, verified. */
  fields: WireFields;
}

function verifiedStatus(
  service: EcpayService | 'notification',
  config: EcpayLogisticsConfig,
  fields: WireFields,
): ShipmentStatus {
  const fail = (reason: string): never => {
    throw new EcpayVerificationError(service === 'notification' ? 'Create' : service, reason);
  };
  if (!verifyCheckMacValue(fields, keysOf(config))) fail('CheckMacValue mismatch');
  if (fields.MerchantID !== config.merchantId) fail('MerchantID is not ours');
  const id = fields.AllPayLogisticsID ?? '';
  if (!/^\d{1,20}$/.test(id)) fail('AllPayLogisticsID missing or not digits');
  const rtnCode = fields.RtnCode ?? '';
  if (!/^\d{1,6}$/.test(rtnCode)) fail('RtnCode missing or not a number');
  const amount = Number(fields.GoodsAmount ?? '');
  if (!/^\d+$/.test(fields.GoodsAmount ?? '')) fail('GoodsAmount missing or not an integer');
  return {
    allPayLogisticsId: id,
    merchantTradeNo: fields.MerchantTradeNo ?? '',
    logisticsType: fields.LogisticsType ?? '',
    subType: fields.LogisticsSubType ?? '',
    goodsAmount: amount,
    rtnCode,
    rtnMsg: fields.RtnMsg ?? '',
    meaning: statusMeaning(rtnCode),
    updateStatusDate: fields.UpdateStatusDate ?? '',
    cvsPaymentNo: fields.CVSPaymentNo ?? '',
    cvsValidationNo: fields.CVSValidationNo ?? '',
    bookingNote: fields.BookingNote ?? '',
    fields,
  };
}

/** An 8-digit ECPay message code inside a refusal text, if any (e.g. `10500040`). */
function messageCode(text: string): string {
  return /(?<!\d)(\d{8})(?!\d)/.exec(text)?.[1] ?? '';
}

/**
 * Create's answer (§5): `1|k=v&…` (verified) → the shipment; `0|message` → EcpayRefusedError;
 * anything else → EcpayVerificationError.
 */
export function parseCreateReply(config: EcpayLogisticsConfig, body: string): ShipmentStatus {
  const text = body.replace(/^\uFEFF/, '').replace(/\r?\n$/, '');
  if (text.startsWith('0|')) {
    const message = text.slice(2).trim();
    throw new EcpayRefusedError('Create', message, messageCode(message));
  }
  if (!text.startsWith('1|')) throw new EcpayVerificationError('Create', 'answer is neither 1|… nor 0|…');
  let fields: WireFields;
  try {
    fields = parseRawPairs(text.slice(2));
  } catch (err) {
    throw new EcpayVerificationError('Create', (err as Error).message);
  }
  return verifiedStatus('Create', config, fields);
}

// ---- status notifications (§6) ------------------------------------------------------------------

/** The exact body ECPay expects for a notification it may stop re-sending. */
export const NOTIFICATION_ACK = '1|OK';

export type NotificationResult =
  | { ok: true; status: ShipmentStatus }
  /** `answer` is what to reply: never `1|OK`, so ECPay would re-send a genuine one. */
  | { ok: false; reason: string; answer: string };

/**
 * A status notification (form-decoded body): verified over all received fields, MerchantID ours.
 * The caller must still match AllPayLogisticsID/MerchantTradeNo to its own shipment, be idempotent
 * (ECPay re-sends and statuses may repeat or come out of order) and then answer NOTIFICATION_ACK.
 */
export function parseStatusNotification(
  config: EcpayLogisticsConfig,
  body: Record<string, unknown>,
): NotificationResult {
  const fields: WireFields = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v !== 'string') return { ok: false, reason: `field ${k} is not a single value`, answer: '0|bad field' };
    fields[k] = v;
  }
  try {
    return { ok: true, status: verifiedStatus('notification', config, fields) };
  } catch (err) {
    const reason = err instanceof EcpayVerificationError ? err.message.replace(/^.*verification: /, '') : String(err);
    return { ok: false, reason, answer: '0|CheckMacValue or fields invalid' };
  }
}

// ---- QueryLogisticsTradeInfo (§9) ---------------------------------------------------------------

export const QUERY_PATH = '/Helper/QueryLogisticsTradeInfo/V5';

export type QueryKey = { allPayLogisticsId: string } | { merchantTradeNo: string };

export function queryFields(config: EcpayLogisticsConfig, key: QueryKey, nowMs = Date.now()): WireFields {
  const fields: WireFields = { MerchantID: config.merchantId };
  if ('allPayLogisticsId' in key) fields.AllPayLogisticsID = key.allPayLogisticsId;
  else fields.MerchantTradeNo = key.merchantTradeNo;
  // Unix seconds, valid for 3 minutes (§8).
  fields.TimeStamp = String(Math.floor(nowMs / 1000));
  return sign(fields, keysOf(config));
}

export interface TradeInfo {
  merchantTradeNo: string;
  allPayLogisticsId: string;
  goodsAmount: number;
  /** As sent: `CVS`, `HOME` or e.g. `CVS_FAMIC2C` (S12). */
  logisticsType: string;
  /** The subtype when logisticsType carries one (`CVS_FAMIC2C` → `FAMIC2C`). */
  subType: string;
  /** = the notifications' RtnCode. */
  logisticsStatus: string;
  meaning: LogisticsMeaning;
  shipmentNo: string;
  cvsPaymentNo: string;
  cvsValidationNo: string;
  handlingCharge: string;
  tradeDate: string;
  fields: WireFields;
}

/** Query's answer: `k=v&…` with CheckMacValue (no `1|`); `0|msg` → EcpayRefusedError. */
export function parseQueryReply(config: EcpayLogisticsConfig, body: string): TradeInfo {
  const service = 'QueryLogisticsTradeInfo';
  const text = body.replace(/^\uFEFF/, '').replace(/\r?\n$/, '');
  if (text.startsWith('0|')) {
    const message = text.slice(2).trim();
    throw new EcpayRefusedError(service, message, messageCode(message));
  }
  let fields: WireFields;
  try {
    fields = parseRawPairs(text.startsWith('1|') ? text.slice(2) : text);
  } catch (err) {
    throw new EcpayVerificationError(service, (err as Error).message);
  }
  if (!verifyCheckMacValue(fields, keysOf(config))) throw new EcpayVerificationError(service, 'CheckMacValue mismatch');
  if (fields.MerchantID !== undefined && fields.MerchantID !== config.merchantId) {
    throw new EcpayVerificationError(service, 'MerchantID is not ours');
  }
  const status = fields.LogisticsStatus ?? '';
  if (!/^\d{1,6}$/.test(status)) throw new EcpayVerificationError(service, 'LogisticsStatus missing');
  const type = fields.LogisticsType ?? '';
  const sub = fields.LogisticsSubType ?? (type.includes('_') ? type.slice(type.indexOf('_') + 1) : '');
  return {
    merchantTradeNo: fields.MerchantTradeNo ?? '',
    allPayLogisticsId: fields.AllPayLogisticsID ?? '',
    goodsAmount: Number(fields.GoodsAmount ?? '0'),
    logisticsType: type,
    subType: sub,
    logisticsStatus: status,
    meaning: statusMeaning(status),
    shipmentNo: fields.ShipmentNo ?? '',
    cvsPaymentNo: fields.CVSPaymentNo ?? '',
    cvsValidationNo: fields.CVSValidationNo ?? '',
    handlingCharge: fields.HandlingCharge ?? '',
    tradeDate: fields.TradeDate ?? '',
    fields,
  };
}
