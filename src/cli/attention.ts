/** Merchant-facing (English) wording of an order's attention flag, shared by `orders -- list` and `show`. Pure. */
import type { Order } from '../db/types';
import { formatPrice } from '../messages/copy';
import { readLatePayment } from '../shop/order-lifecycle';

/** Shipping problems the merchant must act on (orders.attention `shipment_<kind>:<ECPay's words>`). */
const SHIPMENT_PROBLEMS: Record<string, string> = {
  refused: 'ECPAY REFUSED THE STORE SHIPMENT',
  failed: 'STORE SHIPMENT NOT CREATED (ECPay unreachable)',
  store_closed: 'PICKUP STORE CLOSED',
  drop_off_expired: 'PARCEL NOT DROPPED OFF IN TIME',
  lost: 'PARCEL LOST',
  cancelled: 'SHIPMENT CANCELLED',
};

/**
 * What the merchant reads about an order's attention flag. A late payment (paid after the order
 * closed) is spelled out from the same state the customer's chat notice and result page use.
 */
export function attentionNote(o: Pick<Order, 'order_no' | 'total' | 'attention'>): string {
  const late = readLatePayment(o.attention);
  const shipping = /^shipment_([a-z_]+):(.*)$/s.exec(o.attention ?? '');
  if (shipping) {
    const what = SHIPMENT_PROBLEMS[shipping[1] as string] ?? `shipment ${shipping[1]}`;
    return `⚠ ${what}: ${shipping[2]} — see \`npm run orders -- show ${o.order_no}\``;
  }
  if (!late) return o.attention ? `⚠ ${o.attention}` : '';
  const total = formatPrice(o.total);
  const paidAfter = `paid after it was ${late.was}`;
  if (late.outcome === 'reinstated') return `⚠ ${paidAfter}: reinstated as paid, goods re-sold — ship it`;
  if (late.outcome === 'refunded') {
    return late.route === 'bank_void'
      ? `${paidAfter}, goods gone: card authorization of ${total} cancelled automatically`
      : `${paidAfter}, goods gone: ${total} refunded automatically`;
  }
  return late.route === 'merchant'
    ? `⚠ REFUND NEEDED: ${paidAfter}, goods gone — transfer ${total} back to the customer (ATM)`
    : `⚠ REFUND NEEDED: ${paidAfter}, goods gone — the automatic refund failed; run \`npm run orders -- refund ${o.order_no}\``;
}
