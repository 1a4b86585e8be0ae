/**
 * Longer than 400 lines because the checkout and order bubbles share their header, rows and buttons here.
 *
 * Pure builders for checkout and orders: pay-type choice, card pay link, ATM transfer details,
 * payment failed / expired notices, the orders list and one order's details.
 */
import type { messagingApi } from '@line/bot-sdk';
import type { Order, OrderDelivery, OrderItem, Payment } from '../db/types';
import type { CartView } from '../shop/cart-service';
import type { CartChange } from '../shop/checkout-service';
import type { CustomerAction } from '../shop/order-lifecycle';
import { button, type FlexComponent, flex, type Message, postbackAction, text, theme, titleHeader } from './common';
import { copy, formatAccount, formatPrice, formatTaiwanTime, orderCopy } from './copy';
import { deliveryCopy } from './delivery-copy';
import { orderChargeRows, orderDeliveryRows } from './delivery-messages';
import { itemRow, labelRow as row, totalRow } from './item-rows';
import type { PostbackAction } from './postback';
import { shippingCopy } from './shipping-messages';

export interface OrderView {
  order: Order;
  items: OrderItem[];
  /** The latest bank payment attempt, if any. */
  payment?: Payment | undefined;
  /** Where it goes (orders placed before the delivery step have none). */
  delivery?: OrderDelivery | undefined;
}

type Bubble = messagingApi.FlexBubble;

function uriButton(label: string, uri: string, style: 'primary' | 'secondary' | 'link' = 'primary'): FlexComponent {
  const b: messagingApi.FlexButton = { type: 'button', style, height: 'md', action: { type: 'uri', label, uri } };
  if (style === 'primary') b.color = theme.accent;
  return b;
}

export function itemRows(items: OrderItem[]): FlexComponent[] {
  return items.map((i) => itemRow(i.name, i.unit_price, i.quantity));
}

function header(title: string, subtitle: string, color: string = theme.brand): messagingApi.FlexBox {
  return {
    type: 'box',
    layout: 'vertical',
    backgroundColor: color,
    paddingAll: 'lg',
    spacing: 'xs',
    contents: [
      { type: 'text', text: title, color: '#FFFFFF', weight: 'bold', size: 'lg' },
      { type: 'text', text: subtitle, color: '#FFFFFF', size: 'sm' },
    ],
  };
}

function deadlineBox(deadline: number): FlexComponent {
  return {
    type: 'box',
    layout: 'vertical',
    margin: 'lg',
    paddingAll: 'md',
    cornerRadius: 'md',
    backgroundColor: theme.paper,
    spacing: 'xs',
    contents: [
      { type: 'text', text: orderCopy.deadlineLabel, size: 'xs', color: theme.muted },
      { type: 'text', text: formatTaiwanTime(deadline), size: 'lg', weight: 'bold', color: theme.danger },
      { type: 'text', text: orderCopy.deadlineNote, size: 'xs', color: theme.muted, wrap: true },
    ],
  };
}

/**
 * The pay-type choice shown when the customer taps 前往結帳. Its buttons carry `version` (the
 * cart's cartVersion), so a tap checks out exactly this cart at these prices or nothing.
 */
export function choosePayTypeMessage(cart: CartView, version: string, atmDays: number): Message {
  const option = (label: string, hint: string, payType: 'C' | 'A', shown: string): FlexComponent => ({
    type: 'box',
    layout: 'vertical',
    spacing: 'xs',
    margin: 'md',
    contents: [
      button(label, { action: 'checkout', payType, v: version }, payType === 'C' ? 'primary' : 'secondary', shown),
      { type: 'text', text: hint, size: 'xs', color: theme.muted, align: 'center', wrap: true },
    ],
  });
  const bubble: Bubble = {
    type: 'bubble',
    size: 'mega',
    header: header(orderCopy.choosePayTitle, copy.cartItems(cart.unitCount)),
    body: {
      type: 'box',
      layout: 'vertical',
      contents: [
        ...cart.items.map((l) => itemRow(l.name, l.unitPrice, l.quantity)),
        { type: 'separator', margin: 'lg' },
        totalRow(cart.total),
      ],
    },
    footer: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        option(orderCopy.payCard, orderCopy.payCardHint, 'C', orderCopy.payCardText),
        option(orderCopy.payAtm, orderCopy.payAtmHint(atmDays), 'A', orderCopy.payAtmText),
      ],
    },
  };
  return flex(orderCopy.choosePayAlt(formatPrice(cart.total)), bubble);
}

/** A destructive action's second step: what will happen, 確定 (red) and a way to keep things as they are. */
export function confirmMessage(
  alt: string,
  title: string,
  body: string,
  yes: { label: string; action: PostbackAction },
  no: { label: string; action: PostbackAction },
): Message {
  const confirm = button(yes.label, yes.action, 'primary', yes.label);
  confirm.color = theme.danger;
  return noticeMessage(alt, title, body, [confirm, button(no.label, no.action, 'secondary', no.label)], theme.danger);
}

/** 取消訂單 asks first; 保留訂單 shows the order again (with its pay button). */
export function confirmCancelMessage(order: Order): Message {
  return confirmMessage(
    orderCopy.confirmCancelAlt(order.order_no),
    `⚠️ ${orderCopy.confirmCancelTitle}`,
    orderCopy.confirmCancel(order.order_no, formatPrice(order.total)),
    { label: orderCopy.confirmCancelYes, action: { action: 'cancel', orderNo: order.order_no, confirm: true } },
    { label: orderCopy.keepOrder, action: { action: 'order', orderNo: order.order_no } },
  );
}

export function cartChangedMessages(changes: CartChange[]): Message[] {
  return [text(orderCopy.cartChanged(changes.map((c) => orderCopy.changedLine(c.name, c.from, c.to))))];
}

/** The buttons for what the order lifecycle says the customer may do now (see customerActions). */
function orderFooterButtons(view: OrderView, actions: readonly CustomerAction[]): FlexComponent[] {
  const { order, payment } = view;
  const no = order.order_no;
  const buttonFor: Record<CustomerAction, FlexComponent | undefined> = {
    openPayLink: uriButton(orderCopy.payButton(formatPrice(order.total)), payment?.pay_url ?? ''),
    newPayLink: button(orderCopy.retryPay, { action: 'pay', orderNo: no }),
    showAtmAccount: undefined, // the account is in the body
    cancel: button(orderCopy.cancelOrder, { action: 'cancel', orderNo: no }, 'secondary', orderCopy.cancelOrder),
    rebuy: button(orderCopy.rebuy, { action: 'rebuy', orderNo: no }, 'primary', orderCopy.rebuy),
    continueShopping: button(orderCopy.continueShopping, { action: 'browse' }, 'secondary', orderCopy.continueShopping),
  };
  return actions.map((a) => buttonFor[a]).filter((b): b is FlexComponent => b !== undefined);
}

/** Card: summary, deadline and a big pay button opening the bank's CardPayURL. */
export function cardPayLinkMessage(view: OrderView, payUrl: string, shopName: string): Message {
  const { order, items } = view;
  const deadline = order.expires_at ?? 0;
  // A later attempt (重新付款 after a decline) is a new link for the same order: announcing
  // "訂單已成立" again would read as a second order.
  const retry = (view.payment?.attempt ?? 1) > 1;
  const title = retry ? `🔁 ${orderCopy.newPayLinkTitle}` : `🧾 ${orderCopy.orderCreatedTitle}`;
  const alt = retry ? orderCopy.newPayLinkAlt : orderCopy.payLinkAlt;
  const bubble: Bubble = {
    type: 'bubble',
    size: 'mega',
    header: header(title, `${shopName}｜${orderCopy.orderNo(order.order_no)}`),
    body: {
      type: 'box',
      layout: 'vertical',
      contents: [
        ...itemRows(items),
        { type: 'separator', margin: 'lg' },
        ...orderChargeRows(order),
        totalRow(order.total),
        ...orderDeliveryRows(view.delivery),
        deadlineBox(deadline),
      ],
    },
    footer: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        uriButton(orderCopy.payButton(formatPrice(order.total)), payUrl),
        button(orderCopy.cancelOrder, { action: 'cancel', orderNo: order.order_no }, 'link', orderCopy.cancelOrder),
      ],
    },
  };
  return flex(alt(order.order_no, formatPrice(order.total), formatTaiwanTime(deadline)), bubble, true);
}

/** ATM: bank code 807, the virtual account (large, grouped), amount and deadline; then the bare number to copy. */
export function atmPayMessages(
  view: OrderView,
  atmPayNo: string,
  webAtmUrl: string | null,
  shopName: string,
): Message[] {
  const { order, items } = view;
  const deadline = order.expires_at ?? 0;
  const footer: FlexComponent[] = [];
  if (webAtmUrl) footer.push(uriButton(orderCopy.atmWebAtm, webAtmUrl, 'secondary'));
  footer.push(
    button(orderCopy.cancelOrder, { action: 'cancel', orderNo: order.order_no }, 'link', orderCopy.cancelOrder),
  );
  const bubble: Bubble = {
    type: 'bubble',
    size: 'mega',
    header: header(`🏧 ${orderCopy.atmTitle}`, `${shopName}｜${orderCopy.orderNo(order.order_no)}`),
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        row(orderCopy.atmBank, orderCopy.atmBankName, { bold: true }),
        {
          type: 'box',
          layout: 'vertical',
          margin: 'md',
          paddingAll: 'md',
          cornerRadius: 'md',
          backgroundColor: theme.paper,
          contents: [
            { type: 'text', text: orderCopy.atmAccount, size: 'xs', color: theme.muted },
            { type: 'text', text: formatAccount(atmPayNo), size: 'xl', weight: 'bold', color: theme.text },
          ],
        },
        row(orderCopy.atmAmount, formatPrice(order.total), { bold: true, color: theme.accent, size: 'lg' }),
        row(orderCopy.atmDeadline, formatTaiwanTime(deadline), { bold: true, color: theme.danger }),
        { type: 'text', text: orderCopy.atmNote, size: 'xs', color: theme.muted, wrap: true, margin: 'md' },
        { type: 'separator', margin: 'lg' },
        ...itemRows(items),
        ...orderChargeRows(order),
        ...orderDeliveryRows(view.delivery),
      ],
    },
    footer: { type: 'box', layout: 'vertical', spacing: 'sm', contents: footer },
  };
  return [
    flex(orderCopy.atmAlt(order.order_no, formatPrice(order.total), atmPayNo, formatTaiwanTime(deadline)), bubble),
    text(orderCopy.atmCopyHint(atmPayNo), true),
  ];
}

/** A short notice with buttons (payment failed, order expired …). */
export function noticeMessage(
  alt: string,
  title: string,
  body: string,
  buttons: FlexComponent[],
  color: string = theme.brand,
): Message {
  const bubble: Bubble = {
    type: 'bubble',
    size: 'kilo',
    header: titleHeader(title, color),
    body: {
      type: 'box',
      layout: 'vertical',
      contents: [{ type: 'text', text: body, size: 'sm', wrap: true, color: theme.text }],
    },
  };
  if (buttons.length > 0) bubble.footer = { type: 'box', layout: 'vertical', spacing: 'sm', contents: buttons };
  return flex(alt, bubble, true);
}

export function paymentFailedMessage(order: Order, reason: string): Message {
  return noticeMessage(
    orderCopy.payFailedAlt(order.order_no),
    `⚠️ ${orderCopy.payFailedTitle}`,
    orderCopy.payFailed(order.order_no, reason, formatTaiwanTime(order.expires_at ?? 0)),
    [
      button(orderCopy.retryPay, { action: 'pay', orderNo: order.order_no }, 'primary', orderCopy.retryPay),
      button(orderCopy.cancelOrder, { action: 'cancel', orderNo: order.order_no }, 'secondary', orderCopy.cancelOrder),
    ],
    theme.danger,
  );
}

export function expiredMessage(order: Order): Message {
  return noticeMessage(
    orderCopy.expiredAlt(order.order_no),
    `⏰ ${orderCopy.expiredTitle}`,
    orderCopy.expired(order.order_no),
    [button(orderCopy.rebuy, { action: 'rebuy', orderNo: order.order_no }, 'primary', orderCopy.rebuy)],
    theme.muted,
  );
}

export function bankRefusedMessage(order: Order, reason: string): Message {
  return text(orderCopy.bankRefused(order.order_no, reason), true);
}

const STATUS_COLOR: Record<string, string> = {
  awaiting_payment: theme.danger,
  paid: theme.brand,
  refunded: theme.muted,
  pending: theme.muted,
  failed: theme.muted,
  expired: theme.muted,
  cancelled: theme.muted,
};

/** The customer's recent orders; each row opens the order. `forget`: offer 刪除我的收件資料. */
export function ordersListMessage(orders: Order[], forget = false): Message {
  if (orders.length === 0) {
    if (!forget) return text(orderCopy.ordersNone, true);
    return noticeMessage(orderCopy.ordersNone, `📦 ${orderCopy.ordersTitle}`, orderCopy.ordersNone, [
      button(deliveryCopy.forgetButton, { action: 'forget' }, 'link', deliveryCopy.forgetButton),
    ]);
  }
  const rows: FlexComponent[] = [];
  orders.forEach((o, i) => {
    if (i > 0) rows.push({ type: 'separator', margin: 'md' });
    rows.push({
      type: 'box',
      layout: 'horizontal',
      margin: 'md',
      action: postbackAction(orderCopy.viewOrder, { action: 'order', orderNo: o.order_no }),
      contents: [
        {
          type: 'box',
          layout: 'vertical',
          flex: 5,
          contents: [
            { type: 'text', text: o.order_no, size: 'sm', weight: 'bold', color: theme.text },
            { type: 'text', text: formatTaiwanTime(o.created_at), size: 'xs', color: theme.muted },
          ],
        },
        {
          type: 'box',
          layout: 'vertical',
          flex: 4,
          contents: [
            { type: 'text', text: formatPrice(o.total), size: 'sm', align: 'end', color: theme.text },
            {
              type: 'text',
              text: orderCopy.status[o.status] ?? o.status,
              size: 'xs',
              align: 'end',
              weight: 'bold',
              color: STATUS_COLOR[o.status] ?? theme.muted,
            },
          ],
        },
      ],
    });
  });
  const bubble: Bubble = {
    type: 'bubble',
    size: 'mega',
    header: header(`📦 ${orderCopy.ordersTitle}`, orderCopy.ordersTapHint),
    body: { type: 'box', layout: 'vertical', contents: rows },
  };
  if (forget) {
    bubble.footer = {
      type: 'box',
      layout: 'vertical',
      contents: [button(deliveryCopy.forgetButton, { action: 'forget' }, 'link', deliveryCopy.forgetButton)],
    };
  }
  return flex(orderCopy.ordersAlt(orders.length), bubble, true);
}

/** One order: lines, total, status and the buttons for `actions` (what the lifecycle offers now). */
export function orderDetailMessage(view: OrderView, actions: readonly CustomerAction[]): Message {
  const { order, items, payment } = view;
  const status = orderCopy.status[order.status] ?? order.status;
  const body: FlexComponent[] = [
    row(orderCopy.statusLabel, status, { bold: true, color: STATUS_COLOR[order.status] ?? theme.text }),
    ...(order.status === 'paid' && order.fulfilment
      ? [
          row(shippingCopy.fulfilmentLabel, shippingCopy.fulfilment[order.fulfilment] ?? order.fulfilment, {
            bold: true,
          }),
        ]
      : []),
    row(orderCopy.orderDate, formatTaiwanTime(order.created_at)),
    row(
      orderCopy.payMethod,
      order.pay_type === 'A'
        ? orderCopy.methodAtm
        : payment?.card_last4
          ? orderCopy.cardLast4(payment.card_last4)
          : orderCopy.methodCard,
    ),
    { type: 'separator', margin: 'lg' },
    ...itemRows(items),
    { type: 'separator', margin: 'lg' },
    ...orderChargeRows(order),
    totalRow(order.total),
    ...orderDeliveryRows(view.delivery),
  ];
  if (order.refunded_amount > 0) body.push(row(orderCopy.refundedAmount, formatPrice(order.refunded_amount)));
  if (order.status === 'awaiting_payment' && order.pay_type === 'A' && payment?.atm_pay_no) {
    body.push(
      { type: 'separator', margin: 'lg' },
      row(orderCopy.atmBank, orderCopy.atmBankName),
      row(orderCopy.atmAccount, formatAccount(payment.atm_pay_no), { bold: true }),
    );
  }
  if (order.status === 'awaiting_payment' && order.expires_at) body.push(deadlineBox(order.expires_at));
  const bubble: Bubble = {
    type: 'bubble',
    size: 'mega',
    header: header(orderCopy.orderTitle(order.order_no), status),
    body: { type: 'box', layout: 'vertical', contents: body },
  };
  const buttons = orderFooterButtons(view, actions);
  if (buttons.length > 0) bubble.footer = { type: 'box', layout: 'vertical', spacing: 'sm', contents: buttons };
  return flex(orderCopy.orderAlt(order.order_no, status, formatPrice(order.total)), bubble, true);
}
