/**
 * What the customer is told when something happens to their order — the one place that decides
 * it. Services decide *that* something happened and name it as a `Notice`; this module alone
 * decides the words (which message builder), the outbox kind, the logical key that makes a
 * repeat of the same notice a no-op at LINE (X-Line-Retry-Key), and whether it may ride on the
 * order's reply token or goes out as a push. Answers to a tap (the conversation's replies) are
 * not notices: the event worker sends those itself.
 */
import type { Executor } from '../db/database';
import type { Order } from '../db/types';
import { enqueueMessage } from '../line/outbox-repository';
import type { PushRank } from '../line/push-gate';
import { type Message, text } from '../messages/common';
import { orderCopy } from '../messages/copy';
import { type ConfirmationView, orderConfirmationMessage } from '../messages/delivery-messages';
import {
  atmPayMessages,
  bankRefusedMessage,
  cardPayLinkMessage,
  expiredMessage,
  type OrderView,
  paymentFailedMessage,
} from '../messages/order-messages';
import {
  authorizationVoidedMessage,
  latePaymentMessage,
  receiptMessage,
  refundMessage,
} from '../messages/receipt-messages';
import {
  completedMessage,
  pickupReadyMessage,
  pickupReminderMessage,
  returnedMessage,
  type ShipmentView,
  shippedMessage,
  storeArrivalMessage,
} from '../messages/shipping-messages';
import { orderDelivery } from './delivery-repository';
import type { LatePaymentState } from './order-lifecycle';
import { recordOrderEvent, updateOrder } from './order-repository';

/** Everything the shop tells a customer about an order, with the facts each message needs. */
export type Notice =
  /** The bank order exists: the card pay link, or the ATM account to transfer to. */
  | {
      kind: 'pay_link';
      view: OrderView;
      bankOrderNo: string;
      payUrl: string | null;
      atmPayNo: string | null;
      webAtmUrl: string | null;
      shopName: string;
    }
  /** The bank refused the first OrderCreate: the order failed, the cart is open again. */
  | { kind: 'order_failed'; order: Order; reason: string }
  /** The bank refused a new pay link for an order that stays payable. */
  | { kind: 'pay_link_failed'; order: Order; bankOrderNo: string }
  /** Paid: the receipt (after a late payment that reinstated the order, preceded by what happened). */
  | {
      kind: 'receipt';
      view: OrderView;
      shopName: string;
      reinstated?: { state: LatePaymentState; cartTaken: CartAdjustment[]; otherOrderNo?: string | undefined };
    }
  /** A card payment was declined; the order can still be paid. */
  | { kind: 'payment_failed'; order: Order; bankOrderNo: string; reason: string }
  /** Unpaid past the deadline. */
  | { kind: 'expired'; order: Order }
  /** A payment arrived after the order closed and the goods are gone: it will be refunded. */
  | { kind: 'paid_late'; order: Order; bankOrderNo: string; state: LatePaymentState }
  /** Money went back: a refund by the merchant (`n`-th of this order) or of a late payment. */
  | { kind: 'refund'; order: Order; amount: number; part: 'full' | 'rest' | 'partial'; n: number }
  | { kind: 'late_payment_refunded'; order: Order; state: LatePaymentState }
  /** The merchant cancelled a card authorization that was never captured: nothing is charged. */
  | { kind: 'authorization_voided'; order: Order }
  // Shipping (issue 14). Kinds stay distinct so the push budget can rank them.
  /** The goods left: carrier and tracking number (home), or on the way to the chosen store. */
  | { kind: 'shipped'; order: Order; view: ShipmentView }
  /** The parcel is at the pickup store: store, address, pickup deadline. */
  | { kind: 'store_arrival'; order: Order; view: ShipmentView }
  /** Still at the store shortly before the deadline. */
  | { kind: 'pickup_reminder'; order: Order; view: ShipmentView; now: number }
  /** Self-pickup: ready at the shop. */
  | { kind: 'pickup_ready'; order: Order; contact: string }
  /** Picked up or delivered: thanks. */
  | { kind: 'completed'; order: Order }
  /** Not collected at the store: the parcel went back to the shop. */
  | { kind: 'returned'; order: Order; view: ShipmentView }
  /**
   * The delivery page's 確認: the order confirmation (items, subtotal, 運費, total, masked
   * recipient) with the pay buttons. Before any order exists, so it names the customer itself.
   */
  | { kind: 'delivery_confirmation'; lineUserId: string; view: ConfirmationView }
  /** The merchant cancelled an unpaid order in the console. */
  | { kind: 'cancelled_by_shop'; order: Order };

export type NoticeKind = Notice['kind'];

/** A cart line changed because the same goods are now on their way in a reinstated order. */
export interface CartAdjustment {
  name: string;
  from: number;
  to: number;
}

/**
 * How each kind of notice travels — the one place to declare it when adding a kind (the type
 * makes a missing entry a compile error; kinds other engineers are adding are declared ahead).
 * Keyed by notice kind, which the push budget also reads as the outbox kind: a notice whose outbox
 * kind differs (late_payment_refunded → `refund`) needs that outbox kind declared too.
 *
 * `rank` (see src/shop/push-budget.ts): `always` goes out as a push whatever the month's LINE push
 * budget says; `when_budget_allows` is held once the budget is nearly spent and then rides on the
 * customer's next reply. The rule: money and anything the customer must act on now (pay, collect
 * the parcel) always goes; progress news they cannot act on waits.
 *
 * `answersTap`: the notice is caused by the customer's own tap (checkout, "new pay link"), so it
 * rides on the order's reply token while that is fresh — replies are free — and spends it.
 */
export const NOTICE_DELIVERY = {
  // The way to pay, or why there is none: the customer is waiting for it.
  pay_link: { rank: 'always', answersTap: true },
  order_failed: { rank: 'always', answersTap: true },
  pay_link_failed: { rank: 'always', answersTap: true },
  // Money: proof of payment, a declined card, refunds, cancelled authorizations.
  receipt: { rank: 'always', answersTap: false },
  payment_failed: { rank: 'always', answersTap: false },
  paid_late: { rank: 'always', answersTap: false },
  refund: { rank: 'always', answersTap: false },
  late_payment_refunded: { rank: 'always', answersTap: false },
  authorization_voided: { rank: 'always', answersTap: false },
  /** The merchant cancelled the unpaid order: the customer must not pay an old link. */
  cancelled_by_shop: { rank: 'always', answersTap: false },
  // The order closed unpaid: nothing is owed and nothing to do; the old pay button says so too.
  expired: { rank: 'when_budget_allows', answersTap: false },
  // The delivery step (issue 13): the order summary with its pay buttons, pushed after the web
  // page's 確認 — the customer's only way to pay.
  delivery_confirmation: { rank: 'always', answersTap: false },
  // Shipping (issue 14).
  /** The parcel is at the store: the pickup deadline runs from now. */
  store_arrival: { rank: 'always', answersTap: false },
  /** Self-pickup: the order can be collected now. */
  pickup_ready: { rank: 'always', answersTap: false },
  shipped: { rank: 'when_budget_allows', answersTap: false },
  pickup_reminder: { rank: 'when_budget_allows', answersTap: false },
  /** Picked up or delivered: thanks. */
  completed: { rank: 'when_budget_allows', answersTap: false },
  /** Not collected and sent back; the refund that follows is its own (always) notice. */
  returned: { rank: 'when_budget_allows', answersTap: false },
} as const satisfies Record<NoticeKind, NoticeDelivery> & Record<string, NoticeDelivery>;

export interface NoticeDelivery {
  rank: PushRank;
  answersTap: boolean;
}

function deliveryOf(kind: NoticeKind): NoticeDelivery {
  return (NOTICE_DELIVERY as Record<string, NoticeDelivery>)[kind] as NoticeDelivery;
}

interface Outgoing {
  messages: Message[];
  /** The outbox kind (how the merchant and metrics see it). */
  kind: string;
  /** The same key for the same notice: a repeat is deduplicated by the outbox and by LINE. */
  key: string;
}

/** The words, outbox kind and logical key of a notice. Pure. */
export function noticeOutgoing(notice: Notice): Outgoing {
  switch (notice.kind) {
    case 'pay_link': {
      const { view } = notice;
      const messages =
        view.order.pay_type === 'C'
          ? [cardPayLinkMessage(view, notice.payUrl as string, notice.shopName)]
          : atmPayMessages(view, notice.atmPayNo as string, notice.webAtmUrl, notice.shopName);
      return { messages, kind: 'pay_link', key: `pay-link:${notice.bankOrderNo}` };
    }
    case 'order_failed':
      return {
        messages: [bankRefusedMessage(notice.order, notice.reason)],
        kind: 'order_failed',
        key: `order-failed:${notice.order.order_no}`,
      };
    case 'pay_link_failed':
      return {
        messages: [text(orderCopy.retryFailed(notice.order.order_no), true)],
        kind: 'pay_link_failed',
        key: `pay-link-failed:${notice.bankOrderNo}`,
      };
    case 'receipt': {
      const receipt = receiptMessage(notice.view, notice.shopName);
      const r = notice.reinstated;
      if (!r) return { messages: [receipt], kind: 'receipt', key: `receipt:${notice.view.order.order_no}` };
      const notes: string[] = [];
      if (r.cartTaken.length > 0) {
        notes.push(orderCopy.lateCartAdjusted(r.cartTaken.map((c) => orderCopy.lateCartLine(c.name, c.from, c.to))));
      }
      if (r.otherOrderNo) notes.push(orderCopy.lateOtherOrder(r.otherOrderNo));
      const messages = [latePaymentMessage(r.state, notice.view.order, notes, r.otherOrderNo), receipt];
      return { messages, kind: 'receipt', key: `receipt:${notice.view.order.order_no}` };
    }
    case 'payment_failed':
      return {
        messages: [paymentFailedMessage(notice.order, notice.reason)],
        kind: 'payment_failed',
        key: `pay-failed:${notice.bankOrderNo}`,
      };
    case 'expired':
      return { messages: [expiredMessage(notice.order)], kind: 'expired', key: `expired:${notice.order.order_no}` };
    case 'paid_late':
      return {
        messages: [latePaymentMessage(notice.state, notice.order, [])],
        kind: 'paid_late',
        key: `paid-late:${notice.bankOrderNo}`,
      };
    case 'refund':
      return {
        messages: [refundMessage(notice.order.order_no, notice.amount, notice.part)],
        kind: 'refund',
        key: `refund:${notice.order.order_no}:${notice.n}`,
      };
    case 'late_payment_refunded':
      return {
        messages: [latePaymentMessage(notice.state, notice.order, [])],
        kind: 'refund',
        key: `refund:${notice.order.order_no}:late`,
      };
    case 'authorization_voided':
      return {
        messages: [authorizationVoidedMessage(notice.order.order_no, notice.order.total)],
        kind: 'authorization_voided',
        key: `void:${notice.order.order_no}`,
      };
    case 'shipped':
      return { messages: [shippedMessage(notice.view)], kind: 'shipped', key: `shipped:${notice.order.order_no}` };
    case 'store_arrival':
      return {
        messages: [storeArrivalMessage(notice.view)],
        kind: 'store_arrival',
        key: `store-arrival:${notice.order.order_no}`,
      };
    case 'pickup_reminder':
      return {
        messages: [pickupReminderMessage(notice.view, notice.now)],
        kind: 'pickup_reminder',
        key: `pickup-reminder:${notice.order.order_no}`,
      };
    case 'pickup_ready':
      return {
        messages: [pickupReadyMessage(notice.order.order_no, notice.contact)],
        kind: 'pickup_ready',
        key: `pickup-ready:${notice.order.order_no}`,
      };
    case 'completed':
      return {
        messages: [completedMessage(notice.order)],
        kind: 'completed',
        key: `completed:${notice.order.order_no}`,
      };
    case 'returned':
      return { messages: [returnedMessage(notice.view)], kind: 'returned', key: `returned:${notice.order.order_no}` };
    case 'delivery_confirmation': {
      const v = notice.view;
      return {
        messages: [orderConfirmationMessage(v)],
        kind: 'delivery_confirmation',
        key: `delivery:${v.draftId}:${v.hash}:${v.version}:${v.total}`,
      };
    }
    case 'cancelled_by_shop':
      return {
        messages: [text(orderCopy.cancelledByShop(notice.order.order_no), true)],
        kind: 'cancelled_by_shop',
        key: `cancelled-by-shop:${notice.order.order_no}`,
      };
  }
}

/** The order a notice is about (whose customer hears it, whose reply token it may use). */
function orderOf(notice: Notice): Order | undefined {
  if (notice.kind === 'delivery_confirmation') return undefined;
  return 'order' in notice ? notice.order : notice.view.order;
}

/** Pay link and receipt show the delivery: read once here, for every service that sends them. */
async function withDelivery(trx: Executor, notice: Notice): Promise<Notice> {
  if ((notice.kind === 'pay_link' || notice.kind === 'receipt') && notice.view.delivery === undefined) {
    return { ...notice, view: { ...notice.view, delivery: await orderDelivery(trx, notice.view.order.id) } };
  }
  return notice;
}

/**
 * Queues a notice in the caller's transaction, so it is sent exactly when the change that caused
 * it commits. A notice that answers the customer's tap rides on the order's reply token while it
 * is fresh (and spends it: a token is single use); every other notice is a push, which the outbox
 * holds for the customer's next reply when its rank says so and the month's LINE push budget is
 * nearly spent (see NOTICE_DELIVERY).
 */
export async function tellCustomer(trx: Executor, given: Notice, now: number): Promise<void> {
  const notice = await withDelivery(trx, given);
  const order = orderOf(notice);
  const out = noticeOutgoing(notice);
  if (!order) {
    if (notice.kind === 'delivery_confirmation') {
      await enqueueMessage(
        trx,
        { lineUserId: notice.lineUserId, messages: out.messages, kind: out.kind, logicalKey: out.key },
        now,
      );
    }
    return;
  }
  const answersTap = deliveryOf(notice.kind).answersTap;
  const reply = answersTap && order.reply_token !== null && order.reply_until !== null && order.reply_until > now;
  const queued = await enqueueMessage(
    trx,
    {
      lineUserId: order.line_user_id,
      messages: out.messages,
      kind: out.kind,
      logicalKey: out.key,
      replyToken: reply ? (order.reply_token as string) : undefined,
      replyUntil: reply ? (order.reply_until as number) : undefined,
    },
    now,
  );
  // The order's timeline says what the customer was told (once: a repeated notice is not queued again).
  if (queued) await recordOrderEvent(trx, order.id, 'noticeSent', 'system', now, out.kind);
  if (answersTap && order.reply_token !== null) {
    await updateOrder(trx, order.id, { reply_token: null, reply_until: null }, now);
  }
}
