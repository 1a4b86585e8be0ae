/**
 * The four Order services, answered from the simulator's own state with the bank's field names,
 * types and formats (spec §7): amounts ×100 as numbers, except OrderPayQuery's string Amount;
 * times `yyyyMMddHHmm` Taiwan time. Input is the decrypted, verified request message.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { bankDateEndMs, fromBankTime, toBankTime } from '../../qpay/time';
import { DESCRIPTION, payStatus } from './codes';
import type { Lifecycle } from './lifecycle';
import type { SimOrder, StateStore } from './state';

type Msg = Record<string, unknown>;

export interface ServiceContext {
  shopNo: string;
  store: StateStore;
  lifecycle: Lifecycle;
  now: () => number;
  /** Public origin of the simulator, for the pay links it hands out. */
  publicUrl: () => string;
  atmAutoPayDelayMs: number;
}

const FORBIDDEN = /['"%]/;
const MAX_QUERY_ROWS = 300;

class FieldError extends Error {}

function text(msg: Msg, field: string, max: number, required: boolean): string | undefined {
  const v = msg[field];
  if (v === undefined || v === null || v === '') {
    if (required) throw new FieldError(field);
    return undefined;
  }
  if (typeof v !== 'string' || [...v].length > max || FORBIDDEN.test(v)) throw new FieldError(field);
  return v;
}

function int(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new FieldError(field);
  return value;
}

function failure(msg: Msg, ctx: ServiceContext, description: string): Msg {
  return { OrderNo: msg.OrderNo, ShopNo: ctx.shopNo, Status: 'F', Description: description };
}

function orderCreate(msg: Msg, ctx: ServiceContext): Msg {
  let orderNo: string;
  try {
    orderNo = text(msg, 'OrderNo', 50, true) as string;
    const amount = int(msg.Amount, 'Amount', 1, Number.MAX_SAFE_INTEGER);
    if (msg.CurrencyID !== undefined && msg.CurrencyID !== 'TWD') throw new FieldError('CurrencyID');
    const prdtName = text(msg, 'PrdtName', 60, true) as string;
    const base = {
      shopNo: ctx.shopNo,
      orderNo,
      amount,
      prdtName,
      memo: text(msg, 'Memo', 30, false),
      param1: text(msg, 'Param1', 255, false),
      param2: text(msg, 'Param2', 255, false),
      param3: text(msg, 'Param3', 255, false),
      returnUrl: text(msg, 'ReturnURL', 255, false),
      backendUrl: text(msg, 'BackendURL', 255, false),
    };
    if (msg.PayType !== 'C' && msg.PayType !== 'A') throw new FieldError('PayType');
    const payType = msg.PayType;
    const cardParam = (msg.CardParam ?? {}) as Msg;
    const atmParam = (msg.ATMParam ?? {}) as Msg;
    if (payType === 'C') {
      // The sandbox accepts only one-off card payments; anything else is "not enabled".
      if (cardParam.PayTypeSub !== undefined && cardParam.PayTypeSub !== 'ONE') {
        return failure(msg, ctx, DESCRIPTION.payTypeSubDisabled);
      }
      if (cardParam.AutoBilling !== 'Y' && cardParam.AutoBilling !== 'N') throw new FieldError('CardParam.AutoBilling');
      const expMinutes =
        cardParam.ExpMinutes === undefined ? 10 : int(cardParam.ExpMinutes, 'CardParam.ExpMinutes', 1, 30);
      const expBillingDays =
        cardParam.ExpBillingDays === undefined
          ? undefined
          : int(cardParam.ExpBillingDays, 'CardParam.ExpBillingDays', 1, 7);
      if (ctx.lifecycle.findOrder(orderNo)) return failure(msg, ctx, DESCRIPTION.duplicateOrderNo);
      const order = newOrder(ctx, base, 'C');
      order.card = {
        autoBilling: cardParam.AutoBilling,
        expMinutes,
        expBillingDays,
        linkToken: randomUUID(),
        linkExpiresAt: order.createdAt + expMinutes * 60_000,
      };
      save(ctx, order);
      return created(order, ctx, {
        CardParam: { CardPayURL: payLink(ctx, 'PayCard', order.tsNo, order.card.linkToken) },
      });
    }
    const expireDate = atmParam.ExpireDate;
    const end = typeof expireDate === 'string' ? bankDateEndMs(expireDate) : undefined;
    if (typeof expireDate !== 'string' || end === undefined || end < ctx.now())
      throw new FieldError('ATMParam.ExpireDate');
    if (ctx.lifecycle.findOrder(orderNo)) return failure(msg, ctx, DESCRIPTION.duplicateOrderNo);
    const order = newOrder(ctx, base, 'A');
    order.atm = {
      atmPayNo: newAtmPayNo(ctx),
      expireDate,
      linkToken: randomUUID(),
      // Sandbox rule: ATM orders get paid on their own, except when the OrderNo ends in 9.
      autoPayAt: orderNo.endsWith('9') ? undefined : order.createdAt + ctx.atmAutoPayDelayMs,
    };
    save(ctx, order);
    return created(order, ctx, {
      ATMParam: {
        AtmPayNo: order.atm.atmPayNo,
        WebAtmURL: payLink(ctx, 'PayWebATM', order.tsNo, order.atm.linkToken),
        OtpURL: payLink(ctx, 'PayOTP', order.tsNo, order.atm.linkToken),
      },
    });
  } catch (err) {
    if (err instanceof FieldError) return failure(msg, ctx, DESCRIPTION.invalidField(err.message));
    throw err;
  }
}

function newOrder(
  ctx: ServiceContext,
  base: Omit<SimOrder, 'tsNo' | 'payType' | 'createdAt' | 'state' | 'refunds'>,
  payType: 'C' | 'A',
): SimOrder {
  ctx.store.state.tsSeq += 1;
  return {
    ...base,
    tsNo: ctx.shopNo.slice(0, 6) + String(ctx.store.state.tsSeq).padStart(8, '0'),
    payType,
    createdAt: ctx.now(),
    state: 'pending',
    refunds: [],
  };
}

function save(ctx: ServiceContext, order: SimOrder) {
  ctx.store.state.orders.push(order);
  ctx.store.save();
}

function newAtmPayNo(ctx: ServiceContext): string {
  for (;;) {
    const candidate = `99922530${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
    if (!ctx.store.state.orders.some((o) => o.atm?.atmPayNo === candidate)) return candidate;
  }
}

export function payLink(ctx: ServiceContext, page: string, tsNo: string, token: string): string {
  return `${ctx.publicUrl()}/QPay.WebPaySite/Bridge/${page}?TD=${encodeURIComponent(tsNo)}&TK=${encodeURIComponent(token)}`;
}

function params(order: SimOrder): Msg {
  return { Param1: order.param1, Param2: order.param2, Param3: order.param3 };
}

function created(order: SimOrder, ctx: ServiceContext, extra: Msg): Msg {
  return {
    OrderNo: order.orderNo,
    ShopNo: ctx.shopNo,
    TSNo: order.tsNo,
    Amount: order.amount,
    Status: 'S',
    Description: DESCRIPTION.ok,
    ...params(order),
    PayType: order.payType,
    ...extra,
  };
}

function orderPayQuery(msg: Msg, ctx: ServiceContext): Msg {
  const token = msg.PayToken;
  const payment = ctx.store.state.payments.find((p) => p.payToken === token);
  const order = payment && ctx.lifecycle.findOrder(payment.orderNo);
  const date = toBankTime(ctx.now());
  if (!payment || !order) {
    return { ShopNo: ctx.shopNo, PayToken: token, Date: date, Status: 'F', Description: DESCRIPTION.unknownPayToken };
  }
  const paid = payment.status === 'S';
  return {
    ShopNo: ctx.shopNo,
    PayToken: payment.payToken,
    Date: date,
    Status: 'S',
    Description: DESCRIPTION.ok,
    TSResultContent: {
      APType: 'PayOut',
      TSNo: order.tsNo,
      OrderNo: order.orderNo,
      ShopNo: ctx.shopNo,
      PayType: order.payType,
      // The one place the bank sends Amount as a string.
      Amount: String(order.amount),
      Status: payment.status,
      Description: payment.description,
      Param1: order.param1 ?? '',
      Param2: order.param2 ?? '',
      Param3: order.param3 ?? '',
      LeftCCNo: paid ? (order.card?.leftCcNo ?? '') : '',
      RightCCNo: paid ? (order.card?.rightCcNo ?? '') : '',
      CCExpDate: '',
      CCToken: '',
      PayDate: paid ? toBankTime(payment.at) : '',
    },
  };
}

function refunded(order: SimOrder): number {
  return order.refunds.reduce((sum, r) => sum + r.amount, 0);
}

function queryRow(order: SimOrder, ctx: ServiceContext): Msg {
  const refundTotal = refunded(order);
  const lastRefund = order.refunds.at(-1);
  const state = ctx.lifecycle.isOverdue(order) && order.state === 'pending' ? 'expired' : order.state;
  return {
    OrderNo: order.orderNo,
    TSNo: order.tsNo,
    TSDate: toBankTime(order.createdAt),
    PayDate: order.paidAt !== undefined && (state === 'paid' || state === 'authorized') ? toBankTime(order.paidAt) : '',
    Amount: order.amount,
    PayType: order.payType,
    PayStatus: payStatus(order.payType, state),
    ExpireDate: order.atm ? order.atm.expireDate : '',
    // Our choice [?]: RefundFlag Y once anything was refunded; RefundStatus A = all, P = partially.
    RefundFlag: refundTotal > 0 ? 'Y' : 'N',
    RefundStatus: refundTotal === 0 ? '' : refundTotal >= order.amount ? 'A' : 'P',
    RefundDate: lastRefund ? toBankTime(lastRefund.at) : '',
    PrdtName: order.prdtName,
    ATMParam: order.atm
      ? {
          AtmPayNo: order.atm.atmPayNo,
          WebAtmURL: payLink(ctx, 'PayWebATM', order.tsNo, order.atm.linkToken),
          OtpURL: payLink(ctx, 'PayOTP', order.tsNo, order.atm.linkToken),
          BankNo: state === 'paid' ? '807' : '',
          AcctNo: '',
        }
      : undefined,
    CardParam: order.card
      ? {
          CardPayURL: payLink(ctx, 'PayCard', order.tsNo, order.card.linkToken),
          AuthCode: order.card.authCode ?? '',
          LeftCCNo: order.card.leftCcNo ?? '',
          RightCCNo: order.card.rightCcNo ?? '',
        }
      : undefined,
    RefundAmount: refundTotal,
  };
}

function orderQuery(msg: Msg, ctx: ServiceContext): Msg {
  const date = toBankTime(ctx.now());
  const fail = (field: string) => ({
    ShopNo: ctx.shopNo,
    Date: date,
    Status: 'F',
    Description: DESCRIPTION.invalidField(field),
  });
  const criteria = [
    'OrderNo',
    'PayType',
    'OrderDateTimeS',
    'OrderDateTimeE',
    'PayDateTimeS',
    'PayDateTimeE',
    'PayFlag',
  ];
  if (!criteria.some((c) => typeof msg[c] === 'string' && msg[c] !== '')) return fail('OrderNo');
  const bound = (field: string, end: boolean): number | undefined => {
    const v = msg[field];
    if (v === undefined || v === '') return undefined;
    const ms = typeof v === 'string' ? fromBankTime(v) : undefined;
    if (ms === undefined) throw new FieldError(field);
    return end ? ms + 59_999 : ms; // minute resolution, inclusive
  };
  let rows: SimOrder[];
  try {
    const os = bound('OrderDateTimeS', false);
    const oe = bound('OrderDateTimeE', true);
    const ps = bound('PayDateTimeS', false);
    const pe = bound('PayDateTimeE', true);
    rows = ctx.store.state.orders.filter((o) => {
      const overdue = o.state === 'expired' || (o.state === 'pending' && ctx.lifecycle.isOverdue(o));
      if (msg.OrderNo && o.orderNo !== msg.OrderNo) return false;
      if (msg.PayType && o.payType !== msg.PayType) return false;
      if (os !== undefined && o.createdAt < os) return false;
      if (oe !== undefined && o.createdAt > oe) return false;
      if ((ps !== undefined || pe !== undefined) && o.paidAt === undefined) return false;
      if (ps !== undefined && (o.paidAt as number) < ps) return false;
      if (pe !== undefined && (o.paidAt as number) > pe) return false;
      if (msg.PayFlag === 'Y' && o.state !== 'paid' && o.state !== 'authorized') return false;
      if (msg.PayFlag === 'N' && (overdue || (o.state !== 'pending' && o.state !== 'failed'))) return false;
      if (msg.PayFlag === 'O' && !overdue) return false;
      return true;
    });
  } catch (err) {
    if (err instanceof FieldError) return fail(err.message);
    throw err;
  }
  return {
    ShopNo: ctx.shopNo,
    Date: date,
    Status: 'S',
    Description: DESCRIPTION.ok,
    OrderList: rows.slice(0, MAX_QUERY_ROWS).map((o) => queryRow(o, ctx)),
  };
}

function orderMaintain(msg: Msg, ctx: ServiceContext): Msg {
  const order = typeof msg.OrderNo === 'string' ? ctx.lifecycle.findOrder(msg.OrderNo) : undefined;
  const answer = (status: 'S' | 'F', description: string, amount?: number): Msg => ({
    OrderNo: msg.OrderNo,
    ShopNo: ctx.shopNo,
    TSNo: order?.tsNo,
    Command: msg.Command,
    Amount: amount,
    Date: toBankTime(ctx.now()),
    Status: status,
    Description: description,
  });
  if (!order) return answer('F', DESCRIPTION.unknownOrder);
  if (!order.card) return answer('F', DESCRIPTION.notCardOrder);
  if (
    msg.Amount !== undefined &&
    (typeof msg.Amount !== 'number' || !Number.isInteger(msg.Amount) || msg.Amount <= 0)
  ) {
    return answer('F', DESCRIPTION.invalidField('Amount'));
  }
  const requested = msg.Amount as number | undefined;
  switch (msg.Command) {
    case 'P': {
      if (order.state === 'paid') return answer('F', DESCRIPTION.alreadyCaptured);
      if (order.state !== 'authorized') return answer('F', DESCRIPTION.notAuthorized);
      const amount = requested ?? order.amount;
      if (amount > order.amount) return answer('F', DESCRIPTION.amountTooLarge);
      order.state = 'paid';
      order.card.capturedAmount = amount;
      order.card.capturedAt = ctx.now();
      ctx.store.save();
      return answer('S', DESCRIPTION.ok, amount);
    }
    case 'C': {
      if (order.state === 'paid') return answer('F', DESCRIPTION.alreadyCaptured);
      if (order.state !== 'authorized') return answer('F', DESCRIPTION.notAuthorized);
      order.state = 'cancelled';
      ctx.store.save();
      return answer('S', DESCRIPTION.ok, order.amount);
    }
    case 'R': {
      if (order.state === 'authorized') return answer('F', DESCRIPTION.notCaptured);
      if (order.state !== 'paid') return answer('F', DESCRIPTION.notAuthorized);
      const remaining = (order.card.capturedAmount ?? order.amount) - refunded(order);
      const amount = requested ?? remaining;
      if (amount > remaining || amount <= 0) return answer('F', DESCRIPTION.amountTooLarge);
      order.refunds.push({ amount, at: ctx.now() });
      ctx.store.save();
      return answer('S', DESCRIPTION.ok, amount);
    }
    default:
      return answer('F', DESCRIPTION.invalidField('Command'));
  }
}

export type ServiceName = 'OrderCreate' | 'OrderPayQuery' | 'OrderQuery' | 'OrderMaintain';

export function isSupportedService(name: unknown): name is ServiceName {
  return name === 'OrderCreate' || name === 'OrderPayQuery' || name === 'OrderQuery' || name === 'OrderMaintain';
}

/** Answers one verified request message; the result is what gets sealed into the response. */
export function answerService(service: ServiceName, msg: Msg, ctx: ServiceContext): Msg {
  switch (service) {
    case 'OrderCreate':
      return orderCreate(msg, ctx);
    case 'OrderPayQuery':
      return orderPayQuery(msg, ctx);
    case 'OrderQuery':
      return orderQuery(msg, ctx);
    case 'OrderMaintain':
      return orderMaintain(msg, ctx);
  }
}
