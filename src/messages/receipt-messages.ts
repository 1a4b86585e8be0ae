/** Pure builders for the receipt and the notices that follow a payment (late payment, refund, cancelled authorization). */
import type { messagingApi } from '@line/bot-sdk';
import type { LatePaymentState } from '../shop/order-lifecycle';
import { button, flex, type Message, text, theme } from './common';
import { formatPrice, formatTaiwanDateTime, orderCopy } from './copy';
import { orderChargeRows, orderDeliveryRows } from './delivery-messages';
import { labelRow as row, totalRow } from './item-rows';
import { itemRows, noticeMessage, type OrderView } from './order-messages';

/** The Flex receipt: shop, order number, lines, total, paid time (Taiwan), card last 4 or ATM. */
export function receiptMessage(view: OrderView, shopName: string): Message {
  const { order, items, payment } = view;
  const method =
    order.pay_type === 'A'
      ? orderCopy.methodAtm
      : payment?.card_last4
        ? orderCopy.cardLast4(payment.card_last4)
        : orderCopy.methodCard;
  const bubble: messagingApi.FlexBubble = {
    type: 'bubble',
    size: 'mega',
    header: {
      type: 'box',
      layout: 'vertical',
      backgroundColor: theme.brand,
      paddingAll: 'lg',
      spacing: 'xs',
      contents: [
        { type: 'text', text: shopName, color: '#FFFFFF', size: 'sm' },
        { type: 'text', text: `✅ ${orderCopy.receiptTitle}`, color: '#FFFFFF', weight: 'bold', size: 'xl' },
      ],
    },
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        row(orderCopy.orderNoLabel, order.order_no),
        row(orderCopy.paidAt, formatTaiwanDateTime(order.paid_at ?? payment?.paid_at ?? order.updated_at)),
        row(orderCopy.payMethod, method),
        { type: 'separator', margin: 'lg' },
        ...itemRows(items),
        { type: 'separator', margin: 'lg' },
        ...orderChargeRows(order),
        totalRow(order.total),
        ...orderDeliveryRows(view.delivery),
        { type: 'text', text: orderCopy.receiptThanks, size: 'xs', color: theme.muted, wrap: true, margin: 'lg' },
      ],
    },
    footer: {
      type: 'box',
      layout: 'horizontal',
      spacing: 'sm',
      contents: [
        button(orderCopy.continueShopping, { action: 'browse' }, 'secondary', orderCopy.continueShopping),
        button(orderCopy.myOrders, { action: 'orders' }, 'secondary', orderCopy.myOrders),
      ],
    },
  };
  return flex(orderCopy.receiptAlt(shopName, order.order_no, formatPrice(order.total)), bubble, true);
}

/**
 * A payment arrived after the order was closed: what became of it (the same sentence the result
 * page and the merchant see), then any notes (the cart was adjusted, another order holds the same
 * goods), with buttons to the order and, when there is one, to the other order's cancel.
 */
export function latePaymentMessage(
  state: LatePaymentState,
  order: { order_no: string; total: number },
  notes: string[],
  otherOrderNo?: string,
): Message {
  const sentence = orderCopy.late(state, order.order_no, formatPrice(order.total));
  const buttons = [
    button(orderCopy.viewOrder, { action: 'order', orderNo: order.order_no }, 'primary', orderCopy.viewOrder),
  ];
  if (otherOrderNo) {
    buttons.push(
      button(
        `${orderCopy.cancelOrder} ${otherOrderNo}`,
        { action: 'cancel', orderNo: otherOrderNo },
        'secondary',
        `${orderCopy.cancelOrder} ${otherOrderNo}`,
      ),
    );
  }
  return noticeMessage(
    sentence,
    `${state.outcome === 'reinstated' ? '✅' : '⚠️'} ${orderCopy.lateTitle(state)}`,
    [sentence, ...notes].join('\n\n'),
    buttons,
    state.outcome === 'reinstated' ? theme.brand : theme.danger,
  );
}

/** `rest`: this refund returns what a partial refund left, so the order is now fully refunded. */
export function refundMessage(orderNo: string, amount: number, kind: 'full' | 'rest' | 'partial'): Message {
  return text(orderCopy.refundNotice(orderNo, formatPrice(amount), kind), true);
}

/** The merchant cancelled the card authorization of a paid (authorized, not captured) order: no charge. */
export function authorizationVoidedMessage(orderNo: string, amount: number): Message {
  return text(orderCopy.authorizationVoided(orderNo, formatPrice(amount)), true);
}
