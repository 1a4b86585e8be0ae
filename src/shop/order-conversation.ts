/**
 * Postback handlers for checkout and orders, plugged into the conversation. They run inside the
 * LINE event's transaction; the bank is called afterwards by the order submitter (woken after
 * commit). Every handler re-reads the order, so an old button answers what is true today.
 */
import type { PaymentsConfig } from '../config';
import type { Order } from '../db/types';
import { type Logger, logOrderEvent } from '../logger';
import { cartMessage } from '../messages/cart-messages';
import { button, type Message, text } from '../messages/common';
import { orderCopy } from '../messages/copy';
import {
  atmPayMessages,
  cardPayLinkMessage,
  cartChangedMessages,
  choosePayTypeMessage,
  confirmCancelMessage,
  noticeMessage,
  orderDetailMessage,
  ordersListMessage,
} from '../messages/order-messages';
import type { PostbackAction } from '../messages/postback';
import { addToCart, viewCart, viewCartVersioned } from './cart-service';
import { checkout } from './checkout-service';
import type { ConversationContext, PostbackHandlers } from './conversation';
import { cancelAnswer, customerActions, payAnswer } from './order-lifecycle';
import { getOrderByNo, orderItems, ordersOfUser } from './order-repository';
import { cancelOrder, requestNewPayLink } from './order-service';
import { latestPayment } from './payment-repository';

export interface OrderConversationDeps {
  config: PaymentsConfig;
  /** False when QPay is not configured: checkout explains instead of taking orders. */
  paymentsEnabled: boolean;
  /** Wakes the order submitter (called after the event's transaction commits). */
  wakeSubmitter: () => void;
  /** Business events (order placed, cancelled) are logged here once their transaction commits. */
  logger: Logger;
}

async function findOwnOrder(ctx: ConversationContext, orderNo: string): Promise<Order | undefined> {
  const order = await getOrderByNo(ctx.trx, orderNo);
  return order && order.line_user_id === ctx.userId ? order : undefined;
}

async function view(ctx: ConversationContext, order: Order) {
  return { order, items: await orderItems(ctx.trx, order.id), payment: await latestPayment(ctx.trx, order.id) };
}

function statusName(order: Order): string {
  return orderCopy.status[order.status] ?? order.status;
}

/** Actions that reserve or release stock (lock product rows): each gets a transaction of its own. */
/**
 * Loading animation while a pay link is made: the bank call (QPay) usually answers in 1–3 s and may
 * be retried; the animation ends as soon as the link arrives, so a generous bound costs nothing.
 */
const BANK_WAIT_SECONDS = 20;

export const STOCK_LOCKING_ACTIONS: ReadonlySet<string> = new Set(['checkout', 'cancel']);

export function createOrderHandlers(deps: OrderConversationDeps): PostbackHandlers {
  const notFound = (): Message[] => [text(orderCopy.orderNotFound, true)];

  return {
    async checkout(ctx, a) {
      if (a.action !== 'checkout') return [];
      if (!deps.paymentsEnabled) return [text(orderCopy.paymentsUnavailable, true)];
      if (!a.payType) {
        const cart = await viewCartVersioned(ctx.trx, ctx.userId);
        if (cart.items.length === 0) return [text(orderCopy.cartEmptyAtCheckout, true)];
        return [choosePayTypeMessage(cart, cart.version, deps.config.atmExpireDays)];
      }
      const r = await checkout(
        ctx.trx,
        {
          userId: ctx.userId,
          payType: a.payType,
          version: a.v,
          now: ctx.now,
          replyToken: ctx.replyToken,
          replyUntil: ctx.replyUntil,
        },
        deps.config,
      );
      switch (r.kind) {
        case 'empty':
          return [text(orderCopy.cartEmptyAtCheckout, true)];
        case 'changed':
          return [...cartChangedMessages(r.changes), ...cartMessage(r.cart)].slice(0, 5);
        case 'stale':
          // An old pay-type button: show the cart as it is now and let the customer choose again.
          return [text(orderCopy.choiceStale), choosePayTypeMessage(r.cart, r.version, deps.config.atmExpireDays)];
        case 'created':
          // No reply now: the pay link goes out with this event's reply token once the bank answers.
          // That round trip takes seconds: LINE's loading animation shows the customer it is coming.
          ctx.showLoading(BANK_WAIT_SECONDS);
          ctx.afterCommit(deps.wakeSubmitter);
          ctx.afterCommit(() =>
            logOrderEvent(
              deps.logger,
              'placed',
              { orderNo: r.order.order_no, amount: r.order.total },
              { payType: r.order.pay_type },
            ),
          );
          return [];
      }
    },

    async orders(ctx) {
      return [ordersListMessage(await ordersOfUser(ctx.trx, ctx.userId, 10))];
    },

    async order(ctx, a) {
      if (a.action !== 'order') return [];
      const order = await findOwnOrder(ctx, a.orderNo);
      if (!order) return notFound();
      const v = await view(ctx, order);
      return [orderDetailMessage(v, customerActions(order, v.payment, ctx.now))];
    },

    async pay(ctx, a) {
      if (a.action !== 'pay') return [];
      const order = await findOwnOrder(ctx, a.orderNo);
      if (!order) return notFound();
      const v = await view(ctx, order);
      const p = v.payment;
      // The lifecycle decides; this handler only says it.
      switch (payAnswer(order, p, ctx.now)) {
        case 'stillPending':
          return [text(orderCopy.orderPending(order.order_no), true)];
        case 'alreadyPaid':
          return [text(orderCopy.alreadyPaid(order.order_no), true)];
        case 'notPayable':
          return [
            noticeMessage(
              orderCopy.notPayable(order.order_no, statusName(order)),
              orderCopy.orderTitle(order.order_no),
              orderCopy.notPayable(order.order_no, statusName(order)),
              [button(orderCopy.rebuy, { action: 'rebuy', orderNo: order.order_no }, 'primary', orderCopy.rebuy)],
            ),
          ];
        case 'preparingLink':
          return [text(orderCopy.preparingNewLink, true)];
        case 'showAtmAccount':
          return atmPayMessages(v, p?.atm_pay_no as string, p?.pay_url ?? null, ctx.shopName);
        case 'showPayLink':
          return [
            text(orderCopy.linkStillValid(order.order_no)),
            cardPayLinkMessage(v, p?.pay_url as string, ctx.shopName),
          ];
        case 'tooLate':
          return [text(orderCopy.notPayable(order.order_no, orderCopy.status.expired as string), true)];
        case 'makeNewLink':
          await requestNewPayLink(ctx.trx, order, ctx.replyToken, ctx.replyUntil, ctx.now);
          ctx.showLoading(BANK_WAIT_SECONDS);
          ctx.afterCommit(deps.wakeSubmitter);
          return [];
      }
    },

    async cancel(ctx, a) {
      if (a.action !== 'cancel') return [];
      const order = await findOwnOrder(ctx, a.orderNo);
      if (!order) return notFound();
      switch (cancelAnswer(order)) {
        case 'stillPending':
          return [text(orderCopy.orderPending(order.order_no), true)];
        case 'alreadyCancelled':
          return [text(orderCopy.cancelled(order.order_no), true)];
        case 'notCancellable':
          return [text(orderCopy.cannotCancel(order.order_no, statusName(order)), true)];
        case 'cancel':
          break;
      }
      // Destructive: the first tap asks; only 確定取消 cancels (re-checked: it may be paid by then).
      if (!a.confirm) return [confirmCancelMessage(order)];
      if (!(await cancelOrder(ctx.trx, order, ctx.now))) {
        return [text(orderCopy.cannotCancel(order.order_no, statusName(order)), true)];
      }
      ctx.afterCommit(() =>
        logOrderEvent(deps.logger, 'cancelled', { orderNo: order.order_no, amount: order.total }, { by: 'customer' }),
      );
      return [
        noticeMessage(
          orderCopy.cancelled(order.order_no),
          orderCopy.cancelledNotice,
          orderCopy.cancelled(order.order_no),
          [button(orderCopy.rebuy, { action: 'rebuy', orderNo: order.order_no }, 'secondary', orderCopy.rebuy)],
        ),
      ];
    },

    async rebuy(ctx, a: PostbackAction) {
      if (a.action !== 'rebuy') return [];
      const order = await findOwnOrder(ctx, a.orderNo);
      if (!order) return notFound();
      const short: string[] = [];
      let added = 0;
      for (const item of await orderItems(ctx.trx, order.id)) {
        const r = await addToCart(ctx.trx, ctx.userId, item.product_id, ctx.now, item.quantity);
        if (r.kind === 'added') added++;
        else if (r.kind === 'limited') {
          added++;
          short.push(orderCopy.changedLine(r.productName, item.quantity, r.quantity));
        } else if (r.kind === 'sold_out') short.push(orderCopy.changedLine(r.productName, item.quantity, 0));
        else if (r.kind === 'unavailable') short.push(orderCopy.changedLine(item.name, item.quantity, 0));
      }
      const cart = await viewCart(ctx.trx, ctx.userId);
      if (added === 0) return [text(orderCopy.rebuyNone, true)];
      return cartMessage(cart, short.length > 0 ? orderCopy.rebuyPartial(short) : orderCopy.rebuyDone(added));
    },
  };
}
