/**
 * Creating a queued ECPay store shipment (Express/Create), outside any transaction. Create is not
 * safe to repeat (a second call could make a second parcel), so:
 * - the call is counted (ecpay_calls) and committed before it is made;
 * - when a call was ever made for this MerchantTradeNo, ECPay is asked first (Query by
 *   MerchantTradeNo) and an existing shipment is recorded instead of creating another;
 * - a refusal (`0|message`, or a field ECPay's rules refuse) is recorded with ECPay's words and
 *   shown to the merchant (orders.attention), never retried on its own;
 * - a network failure or an unreadable answer is retried later, a bounded number of times.
 */
import type { Kysely } from 'kysely';
import type { ShippingSender } from '../config';
import type { DB, Order, Shipment } from '../db/types';
import {
  type CvsSubType,
  EcpayError,
  type EcpayLogisticsClient,
  EcpayNetworkError,
  EcpayRefusedError,
  EcpayValidationError,
  ecpayWidth,
  isCvsSubType,
} from '../ecpay';
import type { Logger } from '../logger';
import { orderDelivery } from './delivery-repository';
import { getOrder, orderItems, recordOrderEvent, updateOrder } from './order-repository';
import { countCreateCall, recordEcpayCreated, recordEcpayRefused, retryShipmentAt } from './shipment-repository';
import { flagShipment } from './shipping-service';

export interface StoreShipmentDeps {
  db: Kysely<DB>;
  ecpay: EcpayLogisticsClient;
  now: () => number;
  logger: Logger;
  sender: ShippingSender;
  /** The shop's status route (ServerReplyURL) and 7-ELEVEN's store-closed route (LogisticsC2CReplyURL). */
  serverReplyUrl: string;
  c2cReplyUrl: string;
}

export type CreateOutcome = 'created' | 'found' | 'refused' | 'retry' | 'failed';

/** Waits between attempts after a failure that may have reached ECPay (then: give up, tell the merchant). */
const RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 1_800_000, 3_600_000, 3_600_000];
/** How long the shop asks ECPay about an uncertain Create before telling the merchant (it keeps asking). */
const QUERY_PATIENCE_MS = 6 * 3_600_000;

/** Symbols ECPay refuses in GoodsName, taken out of item names. */
const FORBIDDEN = /[\^'`!@#%&*+\\"<>|_[\]]/g;

/** GoodsName ≤ 50 wide without ECPay's forbidden symbols: the first item, and how many more. */
export function goodsNameFor(items: ReadonlyArray<{ name: string }>): string {
  const first = (items[0]?.name ?? '').replace(FORBIDDEN, ' ').replace(/\s+/g, ' ').trim() || '商品';
  const more = items.length > 1 ? `等${items.length}項` : '';
  let name = first;
  while (ecpayWidth(name + more) > 50) name = [...name].slice(0, -1).join('');
  return name + more;
}

export async function createStoreShipment(deps: StoreShipmentDeps, shipment: Shipment): Promise<CreateOutcome> {
  const { db, ecpay, now, logger } = deps;
  const tradeNo = shipment.merchant_trade_no as string;
  const log = logger.child({ merchantTradeNo: tradeNo });
  const order = await getOrder(db, shipment.order_id);
  if (!order) return 'failed';
  if (order.status !== 'paid' || order.fulfilment !== 'to_ship') {
    // Refunded or cancelled before the parcel was created: nothing to ship.
    await db
      .transaction()
      .execute((trx) =>
        recordEcpayRefused(trx, shipment.id, 'failed', `訂單已不需出貨（${order.status}/${order.fulfilment}）`, now()),
      );
    return 'failed';
  }

  if (shipment.ecpay_calls > 0) {
    // An earlier call may have reached ECPay: ask before creating another.
    try {
      const info = await ecpay.queryTradeInfo({ merchantTradeNo: tradeNo });
      await recordCreated(deps, shipment, order, {
        allPayLogisticsId: info.allPayLogisticsId,
        cvsPaymentNo: info.cvsPaymentNo,
        cvsValidationNo: info.cvsValidationNo,
        code: info.logisticsStatus,
        message: '',
      });
      log.info(
        { allPayLogisticsId: info.allPayLogisticsId },
        'store shipment found at ECPay after an uncertain Create',
      );
      return 'found';
    } catch (err) {
      // ECPay answers 0| for a MerchantTradeNo it does not know (its text is not documented, spec §9):
      // then it never got the Create and creating is safe. Anything else: ask again later.
      if (!(err instanceof EcpayRefusedError)) return queryLater(deps, shipment, order, err);
      log.info({ refusal: err.text }, 'ECPay has no shipment for this MerchantTradeNo; creating it');
    }
  }

  const delivery = await orderDelivery(db, order.id);
  const subType = delivery?.cvs_sub_type ?? '';
  if (!delivery?.store_id || !isCvsSubType(subType)) {
    return refuse(deps, shipment, order, '沒有取貨門市資料（超商類型或門市代號）');
  }
  const items = await orderItems(db, order.id);
  if (!(await countCreateCall(db, shipment.id, now()))) return 'failed';
  try {
    const result = await ecpay.createShipment({
      logisticsType: 'CVS',
      subType: subType as CvsSubType,
      merchantTradeNo: tradeNo,
      goodsAmount: order.total - order.shipping_fee,
      goodsName: goodsNameFor(items),
      senderName: deps.sender.name,
      senderCellPhone: deps.sender.cellPhone,
      receiverName: delivery.recipient_name,
      receiverCellPhone: delivery.recipient_phone,
      receiverStoreId: delivery.store_id,
      serverReplyUrl: deps.serverReplyUrl,
      c2cReplyUrl: deps.c2cReplyUrl,
      tradeDesc: `訂單 ${order.order_no}`,
    });
    await recordCreated(deps, shipment, order, {
      allPayLogisticsId: result.allPayLogisticsId,
      cvsPaymentNo: result.cvsPaymentNo,
      cvsValidationNo: result.cvsValidationNo,
      code: result.rtnCode,
      message: result.rtnMsg,
    });
    log.info({ allPayLogisticsId: result.allPayLogisticsId, subType }, 'store shipment created');
    return 'created';
  } catch (err) {
    if (err instanceof EcpayRefusedError) return refuse(deps, shipment, order, `ECPay：${err.text}`);
    if (err instanceof EcpayValidationError) return refuse(deps, shipment, order, `${err.field}：${err.reason}`);
    return retryLater(deps, shipment, order, err);
  }
}

/** ECPay could not be asked whether it has the shipment: asking is safe, so ask again — and after a while tell the merchant. */
async function queryLater(deps: StoreShipmentDeps, shipment: Shipment, order: Order, err: unknown): Promise<'retry'> {
  const t = deps.now();
  const what = err instanceof EcpayError ? err.message : String(err);
  const waiting = t - shipment.created_at;
  await retryShipmentAt(deps.db, shipment.id, t + (waiting > QUERY_PATIENCE_MS ? 3_600_000 : 120_000), t);
  if (waiting > QUERY_PATIENCE_MS && order.attention === null) {
    await deps.db
      .transaction()
      .execute((trx) =>
        flagShipment(trx, order, `shipment_failed:無法向 ECPay 確認物流單是否已建立（仍會每小時重試）：${what}`, t),
      );
  }
  deps.logger.warn(
    { merchantTradeNo: shipment.merchant_trade_no, err: what },
    'store shipment: ECPay could not be asked; will ask again',
  );
  return 'retry';
}

async function recordCreated(
  deps: StoreShipmentDeps,
  shipment: Shipment,
  order: Order,
  c: Parameters<typeof recordEcpayCreated>[2],
): Promise<void> {
  const t = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    if (await recordEcpayCreated(trx, shipment.id, c, t)) {
      if (order.attention?.startsWith('shipment_failed')) await updateOrder(trx, order.id, { attention: null }, t);
      const codes = [c.cvsPaymentNo, c.cvsValidationNo].filter(Boolean).join(' ');
      await recordOrderEvent(
        trx,
        order.id,
        'shipmentCreated',
        'ecpay',
        t,
        `ECPay ${c.allPayLogisticsId} ${codes}`.trim(),
      );
    }
  });
}

async function refuse(deps: StoreShipmentDeps, shipment: Shipment, order: Order, reason: string): Promise<'refused'> {
  const t = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    if (await recordEcpayRefused(trx, shipment.id, 'refused', reason, t)) {
      await recordOrderEvent(trx, order.id, 'shipmentRefused', 'ecpay', t, reason);
      await flagShipment(trx, order, `shipment_refused:${reason}`, t);
    }
  });
  deps.logger.warn({ merchantTradeNo: shipment.merchant_trade_no, reason }, 'ECPay refused the store shipment');
  return 'refused';
}

async function retryLater(
  deps: StoreShipmentDeps,
  shipment: Shipment,
  order: Order,
  err: unknown,
): Promise<'retry' | 'failed'> {
  const t = deps.now();
  const what = err instanceof EcpayError ? err.message : String(err);
  // A connection that was never made cannot have created anything; everything else counts.
  const attempts =
    err instanceof EcpayNetworkError && !err.mayHaveReachedEcpay ? shipment.ecpay_calls : shipment.ecpay_calls + 1;
  const delay = RETRY_DELAYS_MS[attempts - 1] ?? (attempts === 0 ? RETRY_DELAYS_MS[0] : undefined);
  if (delay === undefined) {
    const reason = `無法連上 ECPay（已重試 ${attempts} 次）：${what}`.slice(0, 300);
    await deps.db.transaction().execute(async (trx) => {
      if (await recordEcpayRefused(trx, shipment.id, 'failed', reason, t)) {
        await recordOrderEvent(trx, order.id, 'shipmentFailed', 'system', t, reason);
        await flagShipment(trx, order, `shipment_failed:${reason}`, t);
      }
    });
    deps.logger.error(
      { merchantTradeNo: shipment.merchant_trade_no, err: what },
      'gave up creating the store shipment',
    );
    return 'failed';
  }
  await retryShipmentAt(deps.db, shipment.id, t + delay, t);
  deps.logger.warn(
    { merchantTradeNo: shipment.merchant_trade_no, err: what, retryInMs: delay },
    'store shipment: will retry',
  );
  return 'retry';
}
