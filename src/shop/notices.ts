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
import { type Message, text } from '../messages/common';
import { orderCopy } from '../messages/copy';
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
import type { LatePaymentState } from './order-lifecycle';
import { updateOrder } from './order-repository';

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
 * Whether a notice may use the order's reply token (set by the tap that caused it, e.g. checkout)
 * while it is fresh — replies are free, pushes count against the merchant's LINE quota. Only
 * notices that answer that tap soon after it qualify; the rest arrive later and are pushed.
 */
const REPLIES_TO_THE_TAP: ReadonlySet<NoticeKind> = new Set(['pay_link', 'order_failed', 'pay_link_failed']);

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
    case 'cancelled_by_shop':
      return {
        messages: [text(orderCopy.cancelledByShop(notice.order.order_no), true)],
        kind: 'cancelled_by_shop',
        key: `cancelled-by-shop:${notice.order.order_no}`,
      };
  }
}

/** The order a notice is about (whose customer hears it, whose reply token it may use). */
function orderOf(notice: Notice): Order {
  return 'view' in notice ? notice.view.order : notice.order;
}

/**
 * Queues a notice in the caller's transaction, so it is sent exactly when the change that caused
 * it commits. A notice that answers the customer's tap rides on the order's reply token while it
 * is fresh (and spends it: a token is single use); every other notice is a push.
 */
export async function tellCustomer(trx: Executor, notice: Notice, now: number): Promise<void> {
  const order = orderOf(notice);
  const out = noticeOutgoing(notice);
  const reply =
    REPLIES_TO_THE_TAP.has(notice.kind) &&
    order.reply_token !== null &&
    order.reply_until !== null &&
    order.reply_until > now;
  await enqueueMessage(
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
  if (REPLIES_TO_THE_TAP.has(notice.kind) && order.reply_token !== null) {
    await updateOrder(trx, order.id, { reply_token: null, reply_until: null }, now);
  }
}
