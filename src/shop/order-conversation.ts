/**
 * Postback handlers for checkout and orders, plugged into the conversation. They run inside the
 * LINE event's transaction; the bank is called afterwards by the order submitter (woken after
 * commit). Every handler re-reads the order, so an old button answers what is true today.
 */
import type { DeliveryConfig, PaymentsConfig } from '../config';
import type { Order } from '../db/types';
import { type Logger, logOrderEvent } from '../logger';
import { cartMessage } from '../messages/cart-messages';
import { button, type Message, text } from '../messages/common';
import { orderCopy } from '../messages/copy';
import { deliveryCopy } from '../messages/delivery-copy';
import { deliveryStepMessage, orderConfirmationMessage } from '../messages/delivery-messages';
import {
  atmPayMessages,
  cardPayLinkMessage,
  cartChangedMessages,
  confirmCancelMessage,
  confirmMessage,
  noticeMessage,
  orderDetailMessage,
  ordersListMessage,
} from '../messages/order-messages';
import type { PostbackAction } from '../messages/postback';
import { addToCart, viewCart } from './cart-service';
import { checkout } from './checkout-service';
import type { ConversationContext, PostbackHandlers } from './conversation';
import { orderDelivery } from './delivery-repository';
import {
  confirmationFor,
  countSavedRecipients,
  type DeliverySettings,
  deliveryStep,
  editLink,
  effectiveConfig,
  forgetRecipients,
  useSavedRecipient,
} from './delivery-service';
import { cancelAnswer, customerActions, payAnswer } from './order-lifecycle';
import { getOrderByNo, orderItems, ordersOfUser } from './order-repository';
import { cancelOrder, requestNewPayLink } from './order-service';
import { latestPayment } from './payment-repository';

export interface OrderConversationDeps {
  config: PaymentsConfig;
  /**
   * The delivery step's settings. `delivery` inside is read on each event through `deliveryConfig`
   * when given (the console's stored overrides), else taken as it is.
   */
  delivery: DeliverySettings;
  deliveryConfig?: (ctx: ConversationContext) => Promise<DeliveryConfig>;
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
  return {
    order,
    items: await orderItems(ctx.trx, order.id),
    payment: await latestPayment(ctx.trx, order.id),
    delivery: await orderDelivery(ctx.trx, order.id),
  };
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
  /** The settings with the DeliveryConfig in force for this event. */
  async function settings(ctx: ConversationContext): Promise<DeliverySettings> {
    return deps.deliveryConfig ? { ...deps.delivery, delivery: await deps.deliveryConfig(ctx) } : deps.delivery;
  }
  async function step(ctx: ConversationContext, s: DeliverySettings, before: Message[] = []): Promise<Message[]> {
    const view = await deliveryStep(ctx.trx, s, ctx.userId, ctx.now);
    if (!view) return [text(orderCopy.cartEmptyAtCheckout, true)];
    return [...before, deliveryStepMessage(view)];
  }

  return {
    async checkout(ctx, a) {
      if (a.action !== 'checkout') return [];
      if (!deps.paymentsEnabled) return [text(orderCopy.paymentsUnavailable, true)];
      const s = await settings(ctx);
      // 前往結帳, or a pay button from before the delivery step: where does it go first?
      if (!a.payType) return step(ctx, s);
      if (!a.d) return step(ctx, s, [text(deliveryCopy.needDelivery)]);
      const r = await checkout(
        ctx.trx,
        {
          userId: ctx.userId,
          payType: a.payType,
          version: a.v,
          delivery: a.h !== undefined && a.t !== undefined ? { draftId: a.d, hash: a.h, total: a.t } : undefined,
          now: ctx.now,
          replyToken: ctx.replyToken,
          replyUntil: ctx.replyUntil,
        },
        deps.config,
        effectiveConfig(s),
      );
      switch (r.kind) {
        case 'empty':
          return [text(orderCopy.cartEmptyAtCheckout, true)];
        case 'changed':
          return [...cartChangedMessages(r.changes), ...cartMessage(r.cart)].slice(0, 5);
        case 'needs_delivery':
          return step(ctx, s, [text(deliveryCopy.needDelivery)]);
        case 'delivery_gone':
          return step(ctx, s, [text(deliveryCopy.deliveryGone)]);
        case 'stale': {
          // An old confirmation: show it again with the cart and fee as they are now; nothing charged.
          const view = await confirmationFor(ctx.trx, s, ctx.userId, r.draftId, r.delivery);
          if (!view) return [text(orderCopy.cartEmptyAtCheckout, true)];
          return [text(deliveryCopy.stale), orderConfirmationMessage(view)];
        }
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

    async deliver(ctx, a) {
      if (a.action !== 'deliver') return [];
      const s = await settings(ctx);
      if (a.d) {
        // 修改收件資料: a fresh link to the same checkout's page.
        const url = await editLink(ctx.trx, s, ctx.userId, a.d, ctx.now);
        const view = await deliveryStep(ctx.trx, s, ctx.userId, ctx.now);
        if (!view) return [text(orderCopy.cartEmptyAtCheckout, true)];
        return [deliveryStepMessage({ ...view, saved: undefined, pageUrl: url ?? view.pageUrl })];
      }
      if (a.r === undefined) return step(ctx, s);
      const used = await useSavedRecipient(ctx.trx, s, ctx.userId, a.r, a.v, ctx.now);
      if (used.kind === 'gone') return step(ctx, s, [text(deliveryCopy.deliveryGone)]);
      if (used.kind === 'empty') return [text(orderCopy.cartEmptyAtCheckout, true)];
      return [orderConfirmationMessage(used.view)];
    },

    async forget(ctx, a) {
      if (a.action !== 'forget') return [];
      const n = await countSavedRecipients(ctx.trx, ctx.userId);
      if (n === 0) return [text(deliveryCopy.forgetNone, true)];
      if (!a.confirm) {
        return [
          confirmMessage(
            deliveryCopy.forgetTitle,
            `⚠️ ${deliveryCopy.forgetTitle}`,
            deliveryCopy.forgetAsk(n),
            { label: deliveryCopy.forgetYes, action: { action: 'forget', confirm: true } },
            { label: deliveryCopy.keep, action: { action: 'orders' } },
          ),
        ];
      }
      await forgetRecipients(ctx.trx, ctx.userId);
      return [text(deliveryCopy.forgetDone, true)];
    },

    async orders(ctx) {
      const saved = await countSavedRecipients(ctx.trx, ctx.userId);
      return [ordersListMessage(await ordersOfUser(ctx.trx, ctx.userId, 10), saved > 0)];
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
