/**
 * The shipping commands of `npm run orders`:
 *   ship <OrderNo> --carrier <tcat|hct|post|pelican|other> --tracking <no>
 *   delivered <OrderNo> · ready <OrderNo> · picked-up <OrderNo>
 *   ship-cvs <OrderNo>            queue the ECPay store shipment (CVS_AUTO_SHIP=false, or after a refusal)
 *   packing-slip <OrderNo…> [--out <file>]
 * and what `show` prints about an order's delivery, shipment and timeline. Each command is a
 * shipping-service call recorded as `merchant:cli`; the customer's notice goes out when the shop runs.
 */
import { writeFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { DB, Fulfilment, Order } from '../db/types';
import { formatTaiwanDateTime } from '../messages/copy';
import { orderDelivery } from '../shop/delivery-repository';
import { FULFILMENT_LABELS, type OrderActor } from '../shop/order-lifecycle';
import { getOrderByNo, orderItems, orderTimeline } from '../shop/order-repository';
import { shipmentOfOrder } from '../shop/shipment-repository';
import {
  markDelivered,
  markPickedUp,
  markReadyForPickup,
  requestStoreShipment,
  type ShippingResult,
  shipHomeDelivery,
} from '../shop/shipping-service';
import { type PackingSlip, packingSlipHtml } from './packing-slip';

const ACTOR: OrderActor = 'merchant:cli';

/** `orders -- list` filters: the goods' state, to-ship first. */
export const LIST_FILTERS: Record<string, readonly Fulfilment[]> = {
  '--to-ship': ['to_ship'],
  '--shipped': ['shipped', 'in_transit'],
  '--at-store': ['at_store'],
  '--completed': ['completed'],
  '--returned': ['returned'],
};

export const SHIPPING_USAGE =
  'ship <OrderNo> --carrier <tcat|hct|post|pelican|other> --tracking <no> | delivered <OrderNo> | ready <OrderNo> | picked-up <OrderNo> | ship-cvs <OrderNo> | packing-slip <OrderNo…> [--out <file>]';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function report(r: ShippingResult, what: string): void {
  const label = r.order.fulfilment ? FULFILMENT_LABELS[r.order.fulfilment] : '-';
  if (!r.changed) console.log(`${r.order.order_no} was already ${label}; nothing changed, nobody told again`);
  else
    console.log(`${r.order.order_no}: ${what} → ${label}; the customer gets a notice in LINE when the shop is running`);
}

/** Runs a shipping command; undefined when `command` is not one (the caller goes on). */
export async function runShippingCommand(
  db: Kysely<DB>,
  command: string | undefined,
  args: string[],
  shopName: string,
  contact: string,
  /** ECPay logistics and a sender are configured (a running shop creates queued store shipments). */
  ecpayReady: boolean,
): Promise<number | undefined> {
  const [orderNo] = args;
  const now = Date.now();
  switch (command) {
    case 'ship': {
      const carrier = option(args, '--carrier');
      const tracking = option(args, '--tracking');
      if (!orderNo || !carrier || !tracking) {
        console.error(
          'usage: npm run orders -- ship <OrderNo> --carrier <tcat|hct|post|pelican|other> --tracking <no>',
        );
        return 2;
      }
      report(
        await shipHomeDelivery(db, { orderNo, carrier, trackingNo: tracking }, now, ACTOR),
        `shipped by ${carrier} ${tracking}`,
      );
      return 0;
    }
    case 'delivered':
      if (!orderNo) return usage();
      report(await markDelivered(db, orderNo, now, ACTOR), 'delivered');
      return 0;
    case 'ready':
      if (!orderNo) return usage();
      report(await markReadyForPickup(db, orderNo, now, ACTOR, contact), 'ready for pickup');
      return 0;
    case 'picked-up':
      if (!orderNo) return usage();
      report(await markPickedUp(db, orderNo, now, ACTOR), 'picked up');
      return 0;
    case 'ship-cvs': {
      if (!orderNo) return usage();
      if (!ecpayReady) {
        console.error(
          'ECPay logistics is not configured (ECPAY_LOGISTICS_* and the sender variables); see README "Shipping"',
        );
        return 1;
      }
      const r = await requestStoreShipment(db, orderNo, now, ACTOR);
      console.log(
        r.changed
          ? `${orderNo}: ECPay store shipment ${r.shipment?.merchant_trade_no} queued; the running shop creates it at ECPay`
          : `${orderNo}: a store shipment is already ${r.shipment?.status ?? 'there'} (${r.shipment?.merchant_trade_no ?? ''})`,
      );
      return 0;
    }
    case 'packing-slip': {
      const out = option(args, '--out') ?? 'packing-slip.html';
      const numbers = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--out');
      if (numbers.length === 0) return usage();
      const slips: PackingSlip[] = [];
      for (const no of numbers) {
        const order = await getOrderByNo(db, no);
        if (!order) {
          console.error(`no order ${no}`);
          return 1;
        }
        slips.push({
          order,
          items: await orderItems(db, order.id),
          delivery: await orderDelivery(db, order.id),
          shipment: await shipmentOfOrder(db, order.id),
        });
      }
      writeFileSync(out, packingSlipHtml(slips, shopName));
      console.log(`wrote ${slips.length} packing slip(s) to ${out}; open it in a browser and print`);
      return 0;
    }
    default:
      return undefined;
  }
}

function usage(): number {
  console.error(`usage: npm run orders -- ${SHIPPING_USAGE}`);
  return 2;
}

/** The shipping part of `orders -- show`: where it goes (masked), the shipment, the timeline. */
/** The goods' state, the shipment and the timeline (`show` prints the delivery and recipient above it). */
export async function printShipping(db: Kysely<DB>, o: Order): Promise<void> {
  const goods = o.fulfilment
    ? `${o.fulfilment} (${FULFILMENT_LABELS[o.fulfilment]}) since ${formatTaiwanDateTime(o.fulfilment_at ?? o.updated_at)}`
    : '-';
  console.log(`goods ${goods}`);
  const s = await shipmentOfOrder(db, o.id);
  if (s?.kind === 'ecpay') {
    console.log(
      `  ECPay ${s.sub_type} ${s.status}  MerchantTradeNo ${s.merchant_trade_no}  AllPayLogisticsID ${s.all_pay_logistics_id ?? '-'}  寄貨編號 ${s.cvs_payment_no ?? '-'}${s.cvs_validation_no ? ` 驗證碼 ${s.cvs_validation_no}` : ''}`,
    );
    if (s.last_code) console.log(`  ECPay status ${s.last_code} ${s.last_message ?? ''}`);
    if (s.refusal)
      console.log(`  ECPay REFUSED: ${s.refusal} — fix it, then \`npm run orders -- ship-cvs ${o.order_no}\``);
    if (s.pickup_deadline) console.log(`  pickup deadline ${formatTaiwanDateTime(s.pickup_deadline)}`);
  } else if (s?.kind === 'carrier') {
    console.log(`  carrier ${s.carrier} tracking ${s.tracking_no}`);
  }
  for (const e of await orderTimeline(db, o.id)) {
    console.log(`  ${formatTaiwanDateTime(e.at)}  ${e.event}  by ${e.actor}${e.detail ? `  ${e.detail}` : ''}`);
  }
}
