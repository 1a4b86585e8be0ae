/**
 * Pure builders of the shipping notices: shipped (carrier and tracking, or the pickup store),
 * arrived at the store (store, address, pickup deadline), the reminder before that deadline,
 * ready for self-pickup, completed (thanks) and returned. One bubble shape for all of them, so
 * they read alike in the chat.
 */
import type { messagingApi } from '@line/bot-sdk';
import type { Order, OrderDelivery, Shipment } from '../db/types';
import { CHAIN_NAMES, chainOf, isCvsSubType } from '../ecpay/types';
import { CARRIER_INFO, maskName, trackingLink } from './carriers';
import { button, type FlexComponent, flex, type Message, theme, titleHeader } from './common';
import { formatTaiwanTime, orderCopy } from './copy';
import { labelRow } from './item-rows';

/** What a shipping notice shows: the order, how it travels, and where it goes. */
export interface ShipmentView {
  order: Pick<Order, 'order_no' | 'delivery_method'>;
  shipment?: Pick<Shipment, 'carrier' | 'tracking_no' | 'sub_type' | 'pickup_deadline'> | undefined;
  delivery?: Pick<OrderDelivery, 'recipient_name' | 'store_name' | 'store_address' | 'cvs_sub_type'> | undefined;
}

export const shippingCopy = {
  /** Where the goods are, as the order bubble shows it (the same words as the lifecycle's FULFILMENT_LABELS). */
  fulfilmentLabel: '出貨',
  fulfilment: {
    to_ship: '待出貨',
    shipped: '已出貨',
    in_transit: '配送中',
    at_store: '已到店',
    completed: '已完成',
    returned: '退回',
  } as Record<string, string>,
  shippedTitle: '📦 商品已出貨',
  storeArrivalTitle: '🏪 商品已送達門市',
  reminderTitle: '⏰ 取貨提醒',
  pickupReadyTitle: '🛍️ 商品可以取貨了',
  deliveredTitle: '🎉 商品已送達',
  pickedUpTitle: '🎉 已完成取貨',
  returnedTitle: '↩️ 包裹已退回',
  orderNo: '訂單編號',
  carrier: '配送',
  trackingNo: '追蹤號碼',
  store: '取貨門市',
  address: '門市地址',
  deadline: '取貨期限',
  recipient: '取件人',
  track: '查詢貨態',
  lookup: (carrier: string) => `前往${carrier}查詢`,
  shippedHome: '商品已交給貨運，通常 1–3 天送達，請留意收件。',
  shippedLookup: (no: string) => `請在查詢頁輸入追蹤號碼 ${no}。`,
  shippedStore: '商品已寄往您選擇的門市，到店時會再通知您。',
  arrived: '請攜帶身分證件，於期限內到門市取貨（取件人姓名須與證件相同）。',
  reminder: (left: string) => `包裹還在門市等您，${left}。逾期未取將退回商店。`,
  daysLeft: (days: number) => (days <= 0 ? '今天是最後一天' : `再 ${days} 天就到期`),
  pickupReady: '您訂購的商品已備妥，可以來店取貨了。取貨時請告知訂單編號。',
  contact: (c: string) => `取貨地點與聯絡：${c}`,
  thanks: '謝謝您的購買，期待再次為您服務！',
  returned: '包裹未在期限內取貨，已退回商店。需要重新寄送或退款，請直接在這裡留言給我們。',
  storePickup: (chain: string) => `${chain} 取貨`,
  alt: (title: string, orderNo: string) => `${title.replace(/^\S+\s/, '')}（訂單 ${orderNo}）`,
};

function chainName(subType: string | null | undefined): string {
  return subType && isCvsSubType(subType) ? CHAIN_NAMES[chainOf(subType)] : '超商';
}

function uriButton(label: string, uri: string, primary: boolean): messagingApi.FlexButton {
  const b: messagingApi.FlexButton = {
    type: 'button',
    style: primary ? 'primary' : 'secondary',
    height: 'sm',
    action: { type: 'uri', label, uri },
  };
  if (primary) b.color = theme.brand;
  return b;
}

function bubble(
  title: string,
  color: string,
  rows: FlexComponent[],
  note: string,
  buttons: FlexComponent[],
  orderNo: string,
): Message {
  const b: messagingApi.FlexBubble = {
    type: 'bubble',
    size: 'kilo',
    header: titleHeader(title, color),
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        ...rows,
        { type: 'text', text: note, size: 'sm', wrap: true, color: theme.text, margin: rows.length ? 'lg' : 'none' },
      ],
    },
    footer: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        ...buttons,
        button(orderCopy.viewOrder, { action: 'order', orderNo }, 'secondary', orderCopy.viewOrder),
      ],
    },
  };
  return flex(shippingCopy.alt(title, orderNo), b, true);
}

/** The store rows of a store-pickup order (chain, store, address), when known. */
function storeRows(v: ShipmentView): FlexComponent[] {
  const d = v.delivery;
  const rows = [
    labelRow(shippingCopy.carrier, shippingCopy.storePickup(chainName(v.shipment?.sub_type ?? d?.cvs_sub_type))),
  ];
  if (d?.store_name) rows.push(labelRow(shippingCopy.store, d.store_name, { bold: true }));
  if (d?.store_address) rows.push(labelRow(shippingCopy.address, d.store_address));
  return rows;
}

export function shippedMessage(v: ShipmentView): Message {
  const orderRow = labelRow(shippingCopy.orderNo, v.order.order_no);
  if (v.order.delivery_method === 'cvs') {
    return bubble(
      shippingCopy.shippedTitle,
      theme.brand,
      [orderRow, ...storeRows(v)],
      shippingCopy.shippedStore,
      [],
      v.order.order_no,
    );
  }
  const carrier = v.shipment?.carrier ?? 'other';
  const no = v.shipment?.tracking_no ?? '';
  const rows = [orderRow, labelRow(shippingCopy.carrier, CARRIER_INFO[carrier].name)];
  if (no) rows.push(labelRow(shippingCopy.trackingNo, no, { bold: true }));
  const link = no ? trackingLink(carrier, no) : undefined;
  const buttons = link
    ? [uriButton(link.direct ? shippingCopy.track : shippingCopy.lookup(CARRIER_INFO[carrier].name), link.url, true)]
    : [];
  const note =
    link && !link.direct ? `${shippingCopy.shippedHome}${shippingCopy.shippedLookup(no)}` : shippingCopy.shippedHome;
  return bubble(shippingCopy.shippedTitle, theme.brand, rows, note, buttons, v.order.order_no);
}

function deadlineRows(v: ShipmentView): FlexComponent[] {
  const rows: FlexComponent[] = [];
  const deadline = v.shipment?.pickup_deadline;
  // The day only: the store keeps the parcel through that day, not to the minute of its arrival.
  if (deadline) {
    const day = formatTaiwanTime(deadline).replace(/\d{2}:\d{2}$/, '');
    rows.push(labelRow(shippingCopy.deadline, day, { bold: true, color: theme.accent }));
  }
  if (v.delivery?.recipient_name) rows.push(labelRow(shippingCopy.recipient, maskName(v.delivery.recipient_name)));
  return rows;
}

export function storeArrivalMessage(v: ShipmentView): Message {
  return bubble(
    shippingCopy.storeArrivalTitle,
    theme.brand,
    [labelRow(shippingCopy.orderNo, v.order.order_no), ...storeRows(v), ...deadlineRows(v)],
    shippingCopy.arrived,
    [],
    v.order.order_no,
  );
}

export function pickupReminderMessage(v: ShipmentView, now: number): Message {
  const deadline = v.shipment?.pickup_deadline ?? now;
  const days = Math.floor((deadline - now) / 86_400_000);
  return bubble(
    shippingCopy.reminderTitle,
    theme.accent,
    [labelRow(shippingCopy.orderNo, v.order.order_no), ...storeRows(v), ...deadlineRows(v)],
    shippingCopy.reminder(shippingCopy.daysLeft(days)),
    [],
    v.order.order_no,
  );
}

/** Where and when to collect a self-pickup order, and how to reach the shop: one line for the notice. */
export function pickupWhere(pickup: { address: string; hours: string } | null, contact: string | undefined): string {
  const place = pickup ? `${pickup.address}${pickup.hours ? `（${pickup.hours}）` : ''}` : '';
  return [place, contact ?? ''].filter((part) => part !== '').join('；');
}

export function pickupReadyMessage(orderNo: string, contact: string): Message {
  const note = contact ? `${shippingCopy.pickupReady}\n${shippingCopy.contact(contact)}` : shippingCopy.pickupReady;
  return bubble(
    shippingCopy.pickupReadyTitle,
    theme.brand,
    [labelRow(shippingCopy.orderNo, orderNo)],
    note,
    [],
    orderNo,
  );
}

export function completedMessage(order: Pick<Order, 'order_no' | 'delivery_method'>): Message {
  const title = order.delivery_method === 'home' ? shippingCopy.deliveredTitle : shippingCopy.pickedUpTitle;
  return bubble(
    title,
    theme.brand,
    [labelRow(shippingCopy.orderNo, order.order_no)],
    shippingCopy.thanks,
    [button(orderCopy.continueShopping, { action: 'browse' }, 'primary', orderCopy.continueShopping)],
    order.order_no,
  );
}

export function returnedMessage(v: ShipmentView): Message {
  return bubble(
    shippingCopy.returnedTitle,
    theme.danger,
    [labelRow(shippingCopy.orderNo, v.order.order_no), ...storeRows(v)],
    shippingCopy.returned,
    [],
    v.order.order_no,
  );
}
