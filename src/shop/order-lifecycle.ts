/**
 * The order lifecycle: the states an order can be in, what may move it from one to another, and
 * what a customer may do with it in each state. Pure data and functions — no database, no
 * messages — so every other part asks here instead of deciding for itself: the repository moves
 * orders only along these transitions (conditionally, from the listed states), the conversation
 * answers a tap by asking `payAnswer`/`cancelAnswer`, and message builders show the buttons that
 * `customerActions` offers. Adding a state (delivery, shipping) is a change to this file first.
 */
import type { Fulfilment, Order, OrderStatus, Payment, PayType } from '../db/types';

/** Every state, in the order an order normally lives through them. */
export const ORDER_STATES: readonly OrderStatus[] = [
  'pending',
  'awaiting_payment',
  'paid',
  'refunded',
  'failed',
  'expired',
  'cancelled',
];

/** States in which the order holds stock reserved for the customer. */
export const RESERVING_STATES: readonly OrderStatus[] = ['pending', 'awaiting_payment'];

/** States an order never leaves on its own (only a late payment or a refund may still touch it). */
export const CLOSED_STATES: readonly OrderStatus[] = ['failed', 'expired', 'cancelled', 'refunded'];

/**
 * What happened to an order → from which states it may happen and where it leads. The repository
 * applies a transition as one conditional update (`WHERE status IN from`), so two instances or a
 * duplicated callback can never both move an order.
 */
export const ORDER_TRANSITIONS = {
  /** The bank created the bank order: the pay link or ATM account can go out. */
  bankOrderCreated: { from: ['pending'], to: 'awaiting_payment' },
  /** The bank refused OrderCreate: stock is released and the cart reopened. */
  bankRefused: { from: ['pending'], to: 'failed' },
  /** A verified payment for an order still waiting for it: the goods are now to be shipped. */
  paymentVerified: { from: ['pending', 'awaiting_payment'], to: 'paid', fulfilment: 'to_ship' },
  /** A verified payment for an order that had closed, and the goods could be sold again. */
  latePaymentAccepted: { from: ['failed', 'expired', 'cancelled'], to: 'paid', fulfilment: 'to_ship' },
  /** The deadline passed and the bank says unpaid. */
  deadlinePassed: { from: ['awaiting_payment'], to: 'expired' },
  /** The customer cancelled while the order was unpaid. */
  customerCancelled: { from: ['awaiting_payment'], to: 'cancelled' },
  /** The merchant cancelled an unpaid order in the console (the customer is told). */
  merchantCancelled: { from: ['awaiting_payment'], to: 'cancelled' },
  /**
   * The merchant voided a card authorization that was never captured. Only before anything left
   * the shop: a shipped order cannot be cancelled (it can still be refunded).
   */
  authorizationVoided: { from: ['paid'], to: 'cancelled', fulfilmentFrom: [null, 'to_ship'] },
  /** The whole amount went back to the customer (also after shipping: a returned or damaged parcel). */
  refundedInFull: { from: ['paid'], to: 'refunded' },
} as const satisfies Record<
  string,
  {
    from: readonly OrderStatus[];
    to: OrderStatus;
    /** What `orders.fulfilment` becomes with this move (left as it is when absent). */
    fulfilment?: Fulfilment;
    /** The move happens only while `orders.fulfilment` is one of these (any when absent). */
    fulfilmentFrom?: readonly (Fulfilment | null)[];
  }
>;

export type OrderEvent = keyof typeof ORDER_TRANSITIONS;

/** Whether `event` may happen to an order in `status` (and, for the events that care, `fulfilment`). */
export function canHappen(status: OrderStatus, event: OrderEvent, fulfilment?: Fulfilment | null): boolean {
  const t: { from: readonly OrderStatus[]; fulfilmentFrom?: readonly (Fulfilment | null)[] } = ORDER_TRANSITIONS[event];
  if (!t.from.includes(status)) return false;
  return fulfilment === undefined || !t.fulfilmentFrom || t.fulfilmentFrom.includes(fulfilment);
}

// ---------------------------------------------------------------------------------------------
// Fulfilment: where a paid order's goods are. Every move needs `orders.status = 'paid'` (a
// refunded or cancelled order is not shipped) and is one conditional update from the listed
// fulfilment states, so a duplicated or late ECPay notification (arrived after picked up) moves
// nothing.

/** Every fulfilment state in the order a parcel lives through them, with the words the shop shows. */
export const FULFILMENT_LABELS: Readonly<Record<Fulfilment, string>> = {
  to_ship: '待出貨',
  shipped: '已出貨',
  in_transit: '配送中',
  at_store: '已到店',
  completed: '已完成',
  returned: '退回',
};

export const FULFILMENT_TRANSITIONS = {
  /** The goods left the shop: handed to a carrier with a tracking number, or dropped at a store (ECPay). */
  shipped: { from: ['to_ship'], to: 'shipped' },
  /** The carrier has it on the way (home delivery), or ECPay says it is travelling to the store. */
  inTransit: { from: ['to_ship', 'shipped'], to: 'in_transit' },
  /** The parcel reached the pickup store (ECPay), or a self-pickup order is ready at the shop. */
  arrivedAtStore: { from: ['to_ship', 'shipped', 'in_transit'], to: 'at_store' },
  /** Picked up or delivered. */
  completed: { from: ['shipped', 'in_transit', 'at_store'], to: 'completed' },
  /** Not collected at the store: the parcel goes back to the merchant. */
  returned: { from: ['shipped', 'in_transit', 'at_store'], to: 'returned' },
} as const satisfies Record<string, { from: readonly Fulfilment[]; to: Fulfilment }>;

export type FulfilmentEvent = keyof typeof FULFILMENT_TRANSITIONS;

/** Whether `event` may happen to an order's goods now. */
export function canFulfil(
  order: { status: OrderStatus; fulfilment: Fulfilment | null },
  event: FulfilmentEvent,
): boolean {
  return (
    order.status === 'paid' &&
    order.fulfilment !== null &&
    (FULFILMENT_TRANSITIONS[event].from as readonly Fulfilment[]).includes(order.fulfilment)
  );
}

/** Who or what moved an order, as the timeline records it. */
export type OrderActor = 'customer' | 'bank' | 'ecpay' | 'timer' | 'system' | `merchant:${string}`;

/** Whether the order is waiting for the customer's money (a pay link or a payment notice is about it). */
export function awaitsPayment(status: OrderStatus): boolean {
  return status === 'awaiting_payment';
}

/** Whether the order still holds stock reserved for the customer. */
export function holdsReservation(status: OrderStatus): boolean {
  return RESERVING_STATES.includes(status);
}

/** What the merchant may do with an order's money: refund it, or capture/void a card authorization. */
export function merchantMayRefund(status: OrderStatus): boolean {
  return canHappen(status, 'refundedInFull');
}

export function merchantMayCaptureOrVoid(status: OrderStatus, fulfilment?: Fulfilment | null): boolean {
  // Capturing keeps the order paid; voiding is the lifecycle's authorizationVoided. Both need a paid
  // order; voiding (cancelling) also needs the goods still in the shop.
  return canHappen(status, 'authorizationVoided', fulfilment);
}

/** A pay link is offered only while it stays open at least this long: time to type a card number. */
export const PAY_LINK_MARGIN_MS = 30_000;
/** A new pay link is only worth making with at least this long left before the order's deadline. */
export const NEW_PAY_LINK_MIN_MS = 90_000;

type PaymentFacts = Pick<Payment, 'status' | 'pay_url' | 'atm_pay_no' | 'expires_at'>;
type OrderFacts = Pick<Order, 'status' | 'pay_type' | 'expires_at'>;

/** Whether the card pay link of this payment can still be opened and paid. */
export function payLinkUsable(order: OrderFacts, payment: PaymentFacts | undefined, now: number): boolean {
  return (
    order.status === 'awaiting_payment' &&
    order.pay_type === 'C' &&
    payment?.status === 'created' &&
    payment.pay_url !== null &&
    (payment.expires_at ?? 0) > now + PAY_LINK_MARGIN_MS
  );
}

/** What a customer can do with an order, as the order's bubble offers it. */
export type CustomerAction =
  | 'openPayLink' // the live card link
  | 'newPayLink' // 重新付款: make a new card link
  | 'showAtmAccount' // the ATM virtual account to transfer to
  | 'cancel' // 取消訂單 (asks for confirmation first)
  | 'rebuy' // 再買一次: the same items back into the cart
  | 'continueShopping';

export function customerActions(order: OrderFacts, payment: PaymentFacts | undefined, now: number): CustomerAction[] {
  switch (order.status) {
    case 'awaiting_payment': {
      const pay: CustomerAction[] =
        order.pay_type === 'A'
          ? payment?.atm_pay_no
            ? ['showAtmAccount']
            : []
          : payLinkUsable(order, payment, now)
            ? ['openPayLink']
            : ['newPayLink'];
      return [...pay, 'cancel'];
    }
    case 'failed':
    case 'expired':
    case 'cancelled':
      return ['rebuy'];
    case 'paid':
    case 'refunded':
      return ['continueShopping'];
    case 'pending':
      return [];
  }
}

/** The answer to a tap on 付款 / 重新付款 for an order, decided from its state alone. */
export type PayAnswer =
  | 'stillPending' // the bank has not answered yet: wait
  | 'alreadyPaid'
  | 'notPayable' // closed: offer 再買一次
  | 'preparingLink' // a new link was already requested
  | 'showAtmAccount'
  | 'showPayLink' // the current link is still good
  | 'tooLate' // too close to the deadline to make a new link
  | 'makeNewLink';

export function payAnswer(order: OrderFacts, payment: PaymentFacts | undefined, now: number): PayAnswer {
  if (order.status === 'pending') return 'stillPending';
  if (order.status === 'paid' || order.status === 'refunded') return 'alreadyPaid';
  if (order.status !== 'awaiting_payment') return 'notPayable';
  if (payment?.status === 'requested') return 'preparingLink';
  if (payment?.status === 'created' && order.pay_type === 'A' && payment.atm_pay_no) return 'showAtmAccount';
  if (payLinkUsable(order, payment, now)) return 'showPayLink';
  if ((order.expires_at ?? 0) - now < NEW_PAY_LINK_MIN_MS) return 'tooLate';
  return 'makeNewLink';
}

/** The answer to a tap on 取消訂單 (or its confirmation). */
export type CancelAnswer = 'stillPending' | 'alreadyCancelled' | 'cancel' | 'notCancellable';

export function cancelAnswer(order: Pick<Order, 'status'>): CancelAnswer {
  if (order.status === 'pending') return 'stillPending';
  if (order.status === 'cancelled') return 'alreadyCancelled';
  return canHappen(order.status, 'customerCancelled') ? 'cancel' : 'notCancellable';
}

// ---------------------------------------------------------------------------------------------
// A payment that arrives after its order was closed (cancelled, expired) — the customer had the
// bank's page open, or paid an old link. The confirmation applies the decision; the chat notice,
// the browser's result page and the merchant CLI all read it back from `orders.attention` through
// `readLatePayment`, so the three say the same thing.

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
