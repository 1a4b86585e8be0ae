/**
 * The server-to-server calls: Express/Create (validated by §5's rules) and QueryLogisticsTradeInfo
 * (§9). Each takes the form-decoded body and returns the exact text ECPay would answer.
 */
import { randomInt } from 'node:crypto';
import { type MacKeys, sign, verifyCheckMacValue } from '../../ecpay/check-mac';
import { fromEcpayDate, toEcpayDate } from '../../ecpay/time';
import { chainOf, isC2cSubType, isCvsSubType, isHomeSubType } from '../../ecpay/types';
import { cellPhoneProblem, goodsNameProblem, nameProblem, phoneProblem, storeIdProblem } from '../../ecpay/validate';
import { formatRawPairs, maxGoodsAmount } from '../../ecpay/wire';
import { CREATED_MSG, REFUSAL } from './codes';
import type { Lifecycle } from './lifecycle';
import type { SimShipment, SimState } from './state';
import { findStore } from './stores';

export interface SimAccount extends MacKeys {
  merchantId: string;
  kind: 'B2C' | 'C2C';
}

export interface ServiceContext {
  state: SimState;
  lifecycle: Lifecycle;
  accounts: readonly SimAccount[];
  now: () => number;
  /** Default pick-up/return outcome of new shipments. */
  outcome: SimShipment['outcome'];
}

const refuse = (text: string) => `0|${text}`;

/** A body whose every value is one string, or undefined (repeated keys, arrays, objects). */
function stringFields(body: unknown): Record<string, string> | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v !== 'string') return undefined;
    out[k] = v;
  }
  return out;
}

/** MerchantID known and CheckMacValue right, or the refusal. */
function authenticate(ctx: ServiceContext, f: Record<string, string>): SimAccount | string {
  const account = ctx.accounts.find((a) => a.merchantId === f.MerchantID);
  if (!account) return refuse(REFUSAL.merchant);
  if (!verifyCheckMacValue(f, account)) return refuse(REFUSAL.checkMac);
  return account;
}

function dropOffCodes(subType: string): { cvsPaymentNo: string; cvsValidationNo: string } {
  const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
  // FamilyMart / OK / Hi-Life C2C: 11 digits; 7-11 C2C: 8 characters + a 4-digit validation code; B2C: none (§5).
  if (subType === 'UNIMARTC2C') return { cvsPaymentNo: `C${digits(7)}`, cvsValidationNo: digits(4) };
  if (isC2cSubType(subType)) return { cvsPaymentNo: `1300${digits(7)}`, cvsValidationNo: '' };
  return { cvsPaymentNo: '', cvsValidationNo: '' };
}

export function answerCreate(ctx: ServiceContext, body: unknown): string {
  const f = stringFields(body);
  if (!f) return refuse(REFUSAL.param('(重複或非字串的欄位)'));
  const account = authenticate(ctx, f);
  if (typeof account === 'string') return account;
  const get = (k: string) => f[k] ?? '';

  if (isHomeSubType(get('LogisticsSubType')) || get('LogisticsType') === 'HOME')
    return refuse(REFUSAL.homeNotSimulated);
  if (get('LogisticsType') !== 'CVS') return refuse(REFUSAL.param('LogisticsType'));
  const subType = get('LogisticsSubType');
  if (!isCvsSubType(subType)) return refuse(REFUSAL.param('LogisticsSubType'));
  if (isC2cSubType(subType) !== (account.kind === 'C2C')) return refuse(REFUSAL.subTypeAccount);
  const tradeNo = get('MerchantTradeNo');
  if (tradeNo !== '' && !/^[A-Za-z0-9]{1,20}$/.test(tradeNo)) return refuse(REFUSAL.param('MerchantTradeNo'));
  if (fromEcpayDate(get('MerchantTradeDate')) === undefined) return refuse(REFUSAL.param('MerchantTradeDate'));
  const amountText = get('GoodsAmount');
  const amount = Number(amountText);
  if (!/^\d{1,6}$/.test(amountText) || amount < 1 || amount > maxGoodsAmount(subType))
    return refuse(REFUSAL.goodsAmount);
  const isCollection = get('IsCollection') || 'N';
  if (!['Y', 'N'].includes(isCollection)) return refuse(REFUSAL.param('IsCollection'));
  const collectionText = get('CollectionAmount');
  if (collectionText !== '' && !/^\d{1,6}$/.test(collectionText)) return refuse(REFUSAL.param('CollectionAmount'));
  if (subType === 'UNIMARTC2C' && collectionText !== '' && Number(collectionText) !== amount) {
    return refuse(REFUSAL.param('CollectionAmount'));
  }
  if (isCollection === 'Y' && Number(collectionText || '0') < 1) return refuse(REFUSAL.param('CollectionAmount'));
  const needsGoodsName = ['UNIMARTC2C', 'HILIFEC2C', 'OKMARTC2C'].includes(subType);
  if ((needsGoodsName || get('GoodsName') !== '') && goodsNameProblem(get('GoodsName')))
    return refuse(REFUSAL.goodsName);
  if (nameProblem(get('SenderName'), 'sender')) return refuse(REFUSAL.senderName);
  if (nameProblem(get('ReceiverName'), 'receiver')) return refuse(REFUSAL.receiverName);
  if ((needsGoodsName || get('SenderCellPhone') !== '') && cellPhoneProblem(get('SenderCellPhone'))) {
    return refuse(REFUSAL.senderCellPhone);
  }
  if (cellPhoneProblem(get('ReceiverCellPhone'))) return refuse(REFUSAL.receiverCellPhone);
  for (const k of ['SenderPhone', 'ReceiverPhone']) if (phoneProblem(get(k))) return refuse(REFUSAL.param(k));
  if (get('ReceiverEmail').length > 50) return refuse(REFUSAL.receiverEmail);
  const url = get('ServerReplyURL');
  if (!/^https?:\/\/\S+$/.test(url) || url.length > 200) return refuse(REFUSAL.param('ServerReplyURL'));
  const c2cUrl = get('LogisticsC2CReplyURL');
  if (subType === 'UNIMARTC2C' && !/^https?:\/\/\S+$/.test(c2cUrl))
    return refuse(REFUSAL.param('LogisticsC2CReplyURL'));
  if (get('ClientReplyURL') !== '') return refuse(REFUSAL.param('ClientReplyURL（模擬器只支援伺服器對伺服器建立）'));
  const storeId = get('ReceiverStoreID');
  if (storeIdProblem(storeId) || !findStore(chainOf(subType), storeId)) return refuse(REFUSAL.store);
  const returnStoreId = get('ReturnStoreID');
  if (returnStoreId !== '' && (!isC2cSubType(subType) || !findStore(chainOf(subType), returnStoreId))) {
    return refuse(REFUSAL.store);
  }
  if (
    tradeNo !== '' &&
    ctx.state.shipments.some((s) => s.merchantId === account.merchantId && s.merchantTradeNo === tradeNo)
  ) {
    return refuse(REFUSAL.duplicate);
  }

  const id = String(ctx.state.nextLogisticsId++);
  const shipment: SimShipment = {
    allPayLogisticsId: id,
    merchantId: account.merchantId,
    merchantTradeNo: tradeNo || `SIM${id}`,
    merchantTradeDate: get('MerchantTradeDate'),
    logisticsType: 'CVS',
    subType,
    goodsAmount: amount,
    collectionAmount: Number(collectionText || '0'),
    isCollection,
    goodsName: get('GoodsName'),
    senderName: get('SenderName'),
    senderCellPhone: get('SenderCellPhone'),
    receiverName: get('ReceiverName'),
    receiverPhone: get('ReceiverPhone'),
    receiverCellPhone: get('ReceiverCellPhone'),
    receiverEmail: get('ReceiverEmail'),
    receiverStoreId: storeId,
    returnStoreId,
    serverReplyUrl: url,
    c2cReplyUrl: c2cUrl,
    ...dropOffCodes(subType),
    bookingNote: '',
    createdAt: ctx.now(),
    stage: 'created',
    history: [],
    outcome: ctx.outcome,
  };
  ctx.lifecycle.created(shipment);
  // The fields of ECPay's real stage replies (spec vectors), values raw, sorted case-insensitively.
  const reply = sign(
    {
      AllPayLogisticsID: id,
      BookingNote: '',
      CVSPaymentNo: shipment.cvsPaymentNo,
      CVSValidationNo: shipment.cvsValidationNo,
      GoodsAmount: String(amount),
      LogisticsSubType: subType,
      LogisticsType: 'CVS',
      MerchantID: account.merchantId,
      MerchantTradeNo: shipment.merchantTradeNo,
      ReceiverAddress: '',
      ReceiverCellPhone: shipment.receiverCellPhone,
      ReceiverEmail: shipment.receiverEmail,
      ReceiverName: shipment.receiverName,
      ReceiverPhone: shipment.receiverPhone,
      RtnCode: '300',
      RtnMsg: CREATED_MSG,
      UpdateStatusDate: toEcpayDate(shipment.createdAt),
    },
    account,
  );
  return `1|${formatRawPairs(reply)}`;
}

/** Handling charges the simulator reports (fictional, NT$). */
const HANDLING_CHARGE: Record<string, number> = { UNIMARTC2C: 60, FAMIC2C: 60, HILIFEC2C: 60, OKMARTC2C: 60 };

export function answerQuery(ctx: ServiceContext, body: unknown): string {
  const f = stringFields(body);
  if (!f) return refuse(REFUSAL.param('(重複或非字串的欄位)'));
  const account = authenticate(ctx, f);
  if (typeof account === 'string') return account;
  const ts = f.TimeStamp ?? '';
  // Valid for 3 minutes (§8); a little clock skew the other way is tolerated.
  if (!/^\d{1,12}$/.test(ts) || Math.abs(ctx.now() / 1000 - Number(ts)) > 180) return refuse(REFUSAL.timeStamp);
  const id = f.AllPayLogisticsID ?? '';
  const tradeNo = f.MerchantTradeNo ?? '';
  const s = ctx.state.shipments.find(
    (x) =>
      x.merchantId === account.merchantId &&
      (id !== '' ? x.allPayLogisticsId === id : tradeNo !== '' && x.merchantTradeNo === tradeNo),
  );
  if (!s) return refuse(REFUSAL.notFound);
  const last = s.history.at(-1);
  const reply = sign(
    {
      MerchantID: s.merchantId,
      MerchantTradeNo: s.merchantTradeNo,
      AllPayLogisticsID: s.allPayLogisticsId,
      GoodsAmount: String(s.goodsAmount),
      // S12 shows `CVS_FAMIC2C`; V5's exact form is unknown (§9).
      LogisticsType: `${s.logisticsType}_${s.subType}`,
      LogisticsStatus: last?.code ?? '300',
      GoodsName: s.goodsName,
      HandlingCharge: String(HANDLING_CHARGE[s.subType] ?? 65),
      CollectionAmount: String(s.collectionAmount),
      CollectionChargeFee: '0',
      TradeDate: toEcpayDate(s.createdAt),
      ShipmentNo: isC2cSubType(s.subType) ? '' : `S${s.allPayLogisticsId}`,
      BookingNote: s.bookingNote,
      CVSPaymentNo: s.cvsPaymentNo,
      CVSValidationNo: s.cvsValidationNo,
    },
    account,
  );
  return formatRawPairs(reply);
}
