/**
 * Translation between the callers' types (integer TWD, camelCase) and the bank's message objects
 * (Amount ×100, PascalCase). This is the only place amounts are multiplied or divided.
 */
import { type QpayService, QpayValidationError, QpayVerificationError } from './errors';
import { fromBankTime, toBankTime } from './time';
import type {
  OrderCreated,
  OrderCreateRequest,
  OrderMaintainRequest,
  OrderMaintainResult,
  OrderQueryRequest,
  OrderQueryResult,
  OrderQueryRow,
  PayQueryResult,
} from './types';
import { checkAmount, checkBankDate, checkIntRange, checkPayToken, checkText, checkUrl } from './validate';

type Msg = Record<string, unknown>;

export function toBankAmount(twd: number): number {
  return twd * 100;
}

/** Bank amount (number, or the string of OrderPayQuery) → integer TWD; anything else is untrustworthy. */
export function fromBankAmount(service: QpayService, field: string, value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n % 100 !== 0) {
    throw new QpayVerificationError(service, `${field} is not a whole TWD amount ×100: ${JSON.stringify(value)}`);
  }
  return n / 100;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

function optional(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function obj(value: unknown): Msg | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Msg) : undefined;
}

function requireString(service: QpayService, msg: Msg, field: string): string {
  const v = msg[field];
  if (typeof v !== 'string' || v === '') throw new QpayVerificationError(service, `${field} missing in the answer`);
  return v;
}

// ---- OrderCreate -------------------------------------------------------------------------------

export function orderCreateMessage(shopNo: string, req: OrderCreateRequest): Msg {
  const s: QpayService = 'OrderCreate';
  checkText(s, 'orderNo', req.orderNo, 50, true);
  checkAmount(s, 'amount', req.amount);
  checkText(s, 'prdtName', req.prdtName, 60, true);
  checkText(s, 'memo', req.memo, 30, false);
  checkText(s, 'param1', req.param1, 255, false);
  checkText(s, 'param2', req.param2, 255, false);
  checkText(s, 'param3', req.param3, 255, false);
  checkUrl(s, 'returnUrl', req.returnUrl);
  checkUrl(s, 'backendUrl', req.backendUrl);
  let atm: Msg | undefined;
  let card: Msg | undefined;
  if (req.payType === 'C') {
    checkIntRange(s, 'expMinutes', req.expMinutes, 1, 30);
    checkIntRange(s, 'expBillingDays', req.expBillingDays, 1, 7);
    card = {
      AutoBilling: req.autoBilling ? 'Y' : 'N',
      ExpBillingDays: req.expBillingDays,
      ExpMinutes: req.expMinutes,
      PayTypeSub: 'ONE',
    };
  } else if (req.payType === 'A') {
    checkBankDate(s, 'expireDate', req.expireDate);
    atm = { ExpireDate: req.expireDate };
  } else {
    throw new QpayValidationError(s, 'payType', 'must be C or A');
  }
  // Field order follows the bank's document; undefined fields vanish in JSON and in the Sign.
  return {
    ShopNo: shopNo,
    OrderNo: req.orderNo,
    Amount: toBankAmount(req.amount),
    CurrencyID: 'TWD',
    PayType: req.payType,
    ATMParam: atm,
    CardParam: card,
    PrdtName: req.prdtName,
    Memo: optional(req.memo),
    Param1: optional(req.param1),
    Param2: optional(req.param2),
    Param3: optional(req.param3),
    ReturnURL: optional(req.returnUrl),
    BackendURL: optional(req.backendUrl),
  };
}

export function orderCreateResult(req: OrderCreateRequest, msg: Msg): OrderCreated {
  const s: QpayService = 'OrderCreate';
  const orderNo = requireString(s, msg, 'OrderNo');
  if (orderNo !== req.orderNo) throw new QpayVerificationError(s, `answer is for order ${orderNo}`);
  const amount = fromBankAmount(s, 'Amount', msg.Amount);
  if (amount !== req.amount) throw new QpayVerificationError(s, `answer says amount ${amount}, we asked ${req.amount}`);
  if (msg.PayType !== req.payType) throw new QpayVerificationError(s, `answer has PayType ${str(msg.PayType)}`);
  const common = {
    orderNo,
    shopNo: requireString(s, msg, 'ShopNo'),
    tsNo: requireString(s, msg, 'TSNo'),
    amount,
    description: str(msg.Description),
    param1: optional(msg.Param1),
    param2: optional(msg.Param2),
    param3: optional(msg.Param3),
    raw: msg,
  };
  if (req.payType === 'C') {
    const card = obj(msg.CardParam) ?? {};
    return { ...common, payType: 'C', cardPayUrl: requireString(s, card, 'CardPayURL') };
  }
  const atm = obj(msg.ATMParam) ?? {};
  const atmPayNo = requireString(s, atm, 'AtmPayNo');
  if (!/^\d{14}$/.test(atmPayNo)) throw new QpayVerificationError(s, 'AtmPayNo is not 14 digits');
  return { ...common, payType: 'A', atmPayNo, webAtmUrl: optional(atm.WebAtmURL), otpUrl: optional(atm.OtpURL) };
}

// ---- OrderPayQuery -----------------------------------------------------------------------------

export function payQueryMessage(shopNo: string, payToken: string): Msg {
  checkPayToken('OrderPayQuery', payToken);
  return { ShopNo: shopNo, PayToken: payToken };
}

export function payQueryResult(payToken: string, msg: Msg): PayQueryResult {
  const s: QpayService = 'OrderPayQuery';
  if (msg.PayToken !== undefined && msg.PayToken !== payToken) {
    throw new QpayVerificationError(s, 'answer is for another PayToken');
  }
  const ts = obj(msg.TSResultContent);
  if (!ts) throw new QpayVerificationError(s, 'TSResultContent missing');
  const status = str(ts.Status);
  const payDate = str(ts.PayDate);
  return {
    shopNo: str(msg.ShopNo),
    payToken,
    date: str(msg.Date),
    payment: {
      paid: status === 'S',
      status,
      description: str(ts.Description),
      apType: str(ts.APType),
      tsNo: str(ts.TSNo),
      orderNo: str(ts.OrderNo),
      shopNo: str(ts.ShopNo),
      payType: str(ts.PayType),
      amount: fromBankAmount(s, 'TSResultContent.Amount', ts.Amount),
      param1: str(ts.Param1),
      param2: str(ts.Param2),
      param3: str(ts.Param3),
      leftCcNo: str(ts.LeftCCNo),
      rightCcNo: str(ts.RightCCNo),
      ccExpDate: str(ts.CCExpDate),
      ccToken: str(ts.CCToken),
      payDate,
      payDateMs: fromBankTime(payDate),
    },
    raw: msg,
  };
}

// ---- OrderQuery --------------------------------------------------------------------------------

export function orderQueryMessage(shopNo: string, req: OrderQueryRequest): Msg {
  const s: QpayService = 'OrderQuery';
  checkText(s, 'orderNo', req.orderNo, 50, false);
  const time = (field: string, ms: number | undefined): string | undefined => {
    if (ms === undefined) return undefined;
    if (!Number.isFinite(ms)) throw new QpayValidationError(s, field, 'must be epoch milliseconds');
    return toBankTime(ms);
  };
  if (req.payType !== undefined && req.payType !== 'C' && req.payType !== 'A') {
    throw new QpayValidationError(s, 'payType', 'must be C or A');
  }
  if (req.payFlag !== undefined && !['Y', 'N', 'O'].includes(req.payFlag)) {
    throw new QpayValidationError(s, 'payFlag', 'must be Y, N or O');
  }
  const msg: Msg = {
    ShopNo: shopNo,
    OrderNo: optional(req.orderNo),
    PayType: req.payType,
    OrderDateTimeS: time('orderDateTimeStart', req.orderDateTimeStart),
    OrderDateTimeE: time('orderDateTimeEnd', req.orderDateTimeEnd),
    PayDateTimeS: time('payDateTimeStart', req.payDateTimeStart),
    PayDateTimeE: time('payDateTimeEnd', req.payDateTimeEnd),
    PayFlag: req.payFlag,
  };
  if (Object.entries(msg).every(([k, v]) => k === 'ShopNo' || v === undefined)) {
    throw new QpayValidationError(s, 'query', 'needs at least one criterion');
  }
  return msg;
}

export function orderQueryResult(msg: Msg): OrderQueryResult {
  const s: QpayService = 'OrderQuery';
  const list = Array.isArray(msg.OrderList) ? msg.OrderList : [];
  const orders: OrderQueryRow[] = list.map((item) => {
    const row = obj(item) ?? {};
    const payDate = str(row.PayDate);
    const refund = row.RefundAmount;
    return {
      orderNo: str(row.OrderNo),
      tsNo: str(row.TSNo),
      tsDate: str(row.TSDate),
      payDate,
      payDateMs: fromBankTime(payDate),
      amount: fromBankAmount(s, 'OrderList.Amount', row.Amount),
      payType: str(row.PayType),
      payStatus: str(row.PayStatus),
      expireDate: str(row.ExpireDate),
      refundFlag: str(row.RefundFlag),
      refundStatus: str(row.RefundStatus),
      refundDate: str(row.RefundDate),
      refundAmount:
        refund === undefined || refund === null || refund === '' ? 0 : fromBankAmount(s, 'RefundAmount', refund),
      prdtName: str(row.PrdtName),
      atm: obj(row.ATMParam),
      card: obj(row.CardParam),
      raw: row,
    };
  });
  return { shopNo: str(msg.ShopNo), date: str(msg.Date), description: str(msg.Description), orders, raw: msg };
}

// ---- OrderMaintain -----------------------------------------------------------------------------

export function orderMaintainMessage(shopNo: string, req: OrderMaintainRequest): Msg {
  const s: QpayService = 'OrderMaintain';
  checkText(s, 'orderNo', req.orderNo, 50, true);
  if (req.command !== 'P' && req.command !== 'C' && req.command !== 'R') {
    throw new QpayValidationError(s, 'command', 'must be P, C or R');
  }
  if (req.amount !== undefined) checkAmount(s, 'amount', req.amount);
  checkText(s, 'remark', req.remark, 255, false);
  return {
    ShopNo: shopNo,
    OrderNo: req.orderNo,
    Command: req.command,
    Amount: req.amount === undefined ? undefined : toBankAmount(req.amount),
    Remark: optional(req.remark),
  };
}

export function orderMaintainResult(req: OrderMaintainRequest, msg: Msg): OrderMaintainResult {
  const s: QpayService = 'OrderMaintain';
  const orderNo = str(msg.OrderNo);
  if (orderNo !== '' && orderNo !== req.orderNo) throw new QpayVerificationError(s, `answer is for order ${orderNo}`);
  return {
    orderNo: req.orderNo,
    shopNo: str(msg.ShopNo),
    tsNo: str(msg.TSNo),
    command: str(msg.Command),
    amount: msg.Amount === undefined || msg.Amount === '' ? undefined : fromBankAmount(s, 'Amount', msg.Amount),
    date: str(msg.Date),
    description: str(msg.Description),
    raw: msg,
  };
}
