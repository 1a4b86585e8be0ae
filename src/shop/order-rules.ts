/**
 * Order rules that several places must agree on, as pure functions. Today: what happens to a
 * payment that arrives after its order was closed (cancelled, expired) — the customer had the
 * bank's page open, or paid an old link. The confirmation applies the decision; the chat notice,
 * the browser's result page and the merchant CLI all read it back from `orders.attention` through
 * `readLatePayment`, so the three say the same thing.
 */
import type { OrderStatus, PayType } from '../db/types';

/** The states an order can be closed in before any payment arrived. */
export type ClosedStatus = 'cancelled' | 'expired' | 'failed';

export function isClosedUnpaid(status: OrderStatus): status is ClosedStatus {
  return status === 'cancelled' || status === 'expired' || status === 'failed';
}

/** How the money of a late payment can go back without the merchant's hands. */
export type RefundRoute =
  /** Card, captured at payment: QPay OrderMaintain R. */
  | 'bank_refund'
  /** Card, only authorized (CARD_AUTO_CAPTURE=false): QPay OrderMaintain C, nothing is charged. */
  | 'bank_void'
  /** ATM transfer: QPay cannot send it back; the merchant transfers it and contacts the customer. */
  | 'merchant';

export type LatePaymentDecision =
  /**
   * The goods were still on the shelf (sold again, all or nothing): the order is reinstated as
   * paid and will ship. The customer paid for exactly these goods on purpose; refusing the sale
   * would cost them a refund wait and the merchant a sale.
   */
  | { kind: 'reinstate'; was: ClosedStatus }
  /** The goods are gone: the order stays closed and the money goes back. */
  | { kind: 'refund'; was: ClosedStatus; route: RefundRoute };

export function decideLatePayment(
  was: ClosedStatus,
  goodsResold: boolean,
  payment: { payType: PayType; autoCapture: number | null },
): LatePaymentDecision {
  if (goodsResold) return { kind: 'reinstate', was };
  const route: RefundRoute =
    payment.payType === 'A' ? 'merchant' : payment.autoCapture === 0 ? 'bank_void' : 'bank_refund';
  return { kind: 'refund', was, route };
}

/** Where a late payment stands, as stored in `orders.attention`. */
export type LatePaymentState =
  | { outcome: 'reinstated'; was: ClosedStatus }
  | { outcome: 'refund_needed'; was: ClosedStatus; route: RefundRoute }
  | { outcome: 'refunded'; was: ClosedStatus; route: RefundRoute };

const ROUTES: readonly RefundRoute[] = ['bank_refund', 'bank_void', 'merchant'];
const CLOSED: readonly ClosedStatus[] = ['cancelled', 'expired', 'failed'];

/**
 * `paid_after_cancelled` (reinstated; the value flagged before this module existed),
 * `refund_needed:paid_after_cancelled:merchant`, `refunded:paid_after_cancelled:bank_refund` …
 */
export function lateAttention(s: LatePaymentState): string {
  if (s.outcome === 'reinstated') return `paid_after_${s.was}`;
  return `${s.outcome}:paid_after_${s.was}:${s.route}`;
}

export function readLatePayment(attention: string | null): LatePaymentState | undefined {
  const m = /^(?:(refund_needed|refunded):)?paid_after_([a-z]+)(?::([a-z_]+))?$/.exec(attention ?? '');
  if (!m) return undefined;
  const was = m[2] as ClosedStatus;
  if (!CLOSED.includes(was)) return undefined;
  if (!m[1]) return m[3] ? undefined : { outcome: 'reinstated', was };
  const route = m[3] as RefundRoute;
  if (!ROUTES.includes(route)) return undefined;
  return { outcome: m[1] as 'refund_needed' | 'refunded', was, route };
}

/** Open-cart quantities after a reinstated order's goods are taken out (they are on their way). */
export function cartAfterReinstate(
  cart: ReadonlyArray<{ productId: number; quantity: number }>,
  order: ReadonlyArray<{ productId: number; quantity: number }>,
): Array<{ productId: number; from: number; to: number }> {
  const ordered = new Map(order.map((i) => [i.productId, i.quantity]));
  const out: Array<{ productId: number; from: number; to: number }> = [];
  for (const l of cart) {
    const q = ordered.get(l.productId);
    if (q !== undefined) out.push({ productId: l.productId, from: l.quantity, to: Math.max(0, l.quantity - q) });
  }
  return out;
}
