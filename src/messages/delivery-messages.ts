/**
 * Pure builders for the delivery step in the chat: the step itself (a link to the delivery page,
 * or one tap to a saved recipient), the order confirmation with its pay buttons, and the delivery
 * rows the pay link, receipt and order detail show. Recipients are masked (see mask.ts).
 */
import type { messagingApi } from '@line/bot-sdk';
import type { DeliveryMethod, OrderDelivery } from '../db/types';
import type { Delivery } from '../shop/delivery';
import { button, type FlexComponent, flex, type Message, theme } from './common';
import { formatPrice } from './copy';
import { chainName, deliveryCopy as dc, METHOD_LABELS } from './delivery-copy';
import { itemRow, labelRow as row, totalRow } from './item-rows';
import { maskAddress, maskName, maskPhone } from './mask';

type Bubble = messagingApi.FlexBubble;

export interface MethodOffer {
  method: DeliveryMethod;
  /** The fee for the current subtotal (0 when free). */
  fee: number;
}

export interface DeliveryStepView {
  subtotal: number;
  unitCount: number;
  offers: MethodOffer[];
  /** "還差 N 元免運", when a threshold is set and not reached. */
  toFreeShipping: number | null;
  /** The delivery page for this checkout (signed, expiring). */
  pageUrl: string;
  /** The last recipient used, offered as one tap. */
  saved?: { id: number; summary: string } | undefined;
  /** The cart version the one-tap choice is bound to. */
  version: string;
}

/** 王*明 · 臺北市大安區… / 王*明 · 7-ELEVEN 青松門市 / 王*明 · 門市自取 */
export function recipientSummary(d: Delivery): string {
  const who = maskName(d.name);
  if (d.method === 'home') return `${who} · ${maskAddress(d.city, d.district)}`;
  if (d.method === 'cvs') return `${who} · ${chainName(d.subType)} ${d.storeName}`;
  return `${who} · ${METHOD_LABELS.pickup}`;
}

function fitLabel(label: string, max = 40): string {
  const chars = [...label];
  return chars.length <= max ? label : `${chars.slice(0, max - 1).join('')}…`;
}

function header(title: string, subtitle: string): messagingApi.FlexBox {
  return {
    type: 'box',
    layout: 'vertical',
    backgroundColor: theme.brand,
    paddingAll: 'lg',
    spacing: 'xs',
    contents: [
      { type: 'text', text: title, color: '#FFFFFF', weight: 'bold', size: 'lg' },
      { type: 'text', text: subtitle, color: '#FFFFFF', size: 'sm', wrap: true },
    ],
  };
}

function uriButton(label: string, uri: string, style: 'primary' | 'secondary' | 'link'): FlexComponent {
  const b: messagingApi.FlexButton = { type: 'button', style, height: 'sm', action: { type: 'uri', label, uri } };
  if (style === 'primary') b.color = theme.brand;
  return b;
}

function feeText(fee: number): string {
  return fee === 0 ? dc.free : formatPrice(fee);
}

/** 前往結帳's answer: the methods and fees, then one tap to the saved recipient and/or the page link. */
export function deliveryStepMessage(v: DeliveryStepView): Message {
  const body: FlexComponent[] = [
    { type: 'text', text: dc.stepIntro, size: 'sm', wrap: true, color: theme.text },
    { type: 'separator', margin: 'lg' },
    row(dc.subtotal, formatPrice(v.subtotal), { bold: true }),
    ...v.offers.map((o) => row(METHOD_LABELS[o.method], feeText(o.fee))),
  ];
  if (v.toFreeShipping !== null) {
    body.push({
      type: 'text',
      text: dc.toFree(formatPrice(v.toFreeShipping)),
      size: 'sm',
      weight: 'bold',
      color: theme.accent,
      margin: 'md',
      wrap: true,
    });
  }
  body.push({ type: 'text', text: dc.linkNote, size: 'xs', color: theme.muted, margin: 'md', wrap: true });
  const footer: FlexComponent[] = [];
  if (v.saved) {
    footer.push(
      button(
        fitLabel(dc.useSaved(v.saved.summary)),
        { action: 'deliver', r: v.saved.id, v: v.version },
        'primary',
        dc.useSaved(v.saved.summary),
      ),
    );
  }
  footer.push(uriButton(v.saved ? dc.fillNew : dc.fillIn, v.pageUrl, v.saved ? 'secondary' : 'primary'));
  const bubble: Bubble = {
    type: 'bubble',
    size: 'mega',
    header: header(`🚚 ${dc.stepTitle}`, `${v.unitCount} 件商品`),
    body: { type: 'box', layout: 'vertical', spacing: 'sm', contents: body },
    footer: { type: 'box', layout: 'vertical', spacing: 'sm', contents: footer },
  };
  return flex(dc.stepAlt(formatPrice(v.subtotal)), bubble);
}

export interface ConfirmationView {
  items: ReadonlyArray<{ name: string; unitPrice: number; quantity: number }>;
  subtotal: number;
  fee: number;
  total: number;
  delivery: Delivery;
  /** 門市自取's address and hours. */
  pickup: { address: string; hours: string } | null;
  /** What the pay buttons are bound to. */
  version: string;
  draftId: string;
  hash: string;
}

function recipientRows(d: Delivery, pickup: { address: string; hours: string } | null): FlexComponent[] {
  const rows = [
    row(dc.method, d.method === 'cvs' ? `${METHOD_LABELS.cvs}（${chainName(d.subType)}）` : METHOD_LABELS[d.method], {
      bold: true,
    }),
    row(dc.recipient, `${maskName(d.name)}　${maskPhone(d.phone)}`),
  ];
  if (d.method === 'home') rows.push(row(dc.address, `${d.postalCode} ${maskAddress(d.city, d.district)}`));
  if (d.method === 'cvs') rows.push(row(dc.store, `${d.storeName}（${d.storeAddress}）`));
  if (d.method === 'pickup' && pickup) {
    rows.push(row(dc.pickupAt, pickup.hours ? `${pickup.address}（${pickup.hours}）` : pickup.address));
  }
  return rows;
}

/** Subtotal, 運費 (or 免運), 合計. */
function chargeRows(subtotal: number, fee: number, total: number): FlexComponent[] {
  return [
    row(dc.subtotal, formatPrice(subtotal)),
    row(dc.shipping, feeText(fee), fee === 0 ? { color: theme.brand, bold: true } : {}),
    totalRow(total),
  ];
}

/** The order confirmation after 確認: what will be charged and where it goes, with the pay buttons. */
export function orderConfirmationMessage(v: ConfirmationView): Message {
  const pay = (payType: 'C' | 'A', label: string, style: 'primary' | 'secondary') =>
    button(label, { action: 'checkout', payType, v: v.version, d: v.draftId, h: v.hash, t: v.total }, style, label);
  const method = v.delivery.method === 'cvs' ? METHOD_LABELS.cvs : METHOD_LABELS[v.delivery.method];
  const bubble: Bubble = {
    type: 'bubble',
    size: 'mega',
    header: header(`🧾 ${dc.confirmTitle}`, dc.confirmHint),
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        ...v.items.map((i) => itemRow(i.name, i.unitPrice, i.quantity)),
        { type: 'separator', margin: 'lg' },
        ...chargeRows(v.subtotal, v.fee, v.total),
        { type: 'separator', margin: 'lg' },
        ...recipientRows(v.delivery, v.pickup),
      ],
    },
    footer: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        pay('C', dc.payCard, 'primary'),
        pay('A', dc.payAtm, 'secondary'),
        button(dc.edit, { action: 'deliver', d: v.draftId }, 'link', dc.edit),
      ],
    },
  };
  return flex(dc.confirmAlt(formatPrice(v.total), method), bubble, true);
}

/**
 * 小計 and 運費 of a placed order, shown above its 合計 (orders from before the delivery step,
 * without a method, show none).
 */
export function orderChargeRows(order: {
  total: number;
  shipping_fee: number;
  delivery_method: DeliveryMethod | null;
}) {
  if (order.delivery_method === null) return [];
  return [
    row(dc.subtotal, formatPrice(order.total - order.shipping_fee)),
    row(dc.shipping, feeText(order.shipping_fee), order.shipping_fee === 0 ? { color: theme.brand, bold: true } : {}),
  ];
}

/** The delivery of a placed order as the pay link, receipt and order detail show it (masked). */
export function orderDeliveryRows(delivery: OrderDelivery | undefined): FlexComponent[] {
  if (!delivery) return [];
  const d: Delivery =
    delivery.method === 'home'
      ? {
          method: 'home',
          name: delivery.recipient_name,
          phone: delivery.recipient_phone,
          postalCode: delivery.postal_code ?? '',
          city: delivery.city ?? '',
          district: delivery.district ?? '',
          address: '',
        }
      : delivery.method === 'cvs'
        ? {
            method: 'cvs',
            name: delivery.recipient_name,
            phone: delivery.recipient_phone,
            subType: (delivery.cvs_sub_type ?? 'UNIMARTC2C') as 'UNIMARTC2C',
            storeId: delivery.store_id ?? '',
            storeName: delivery.store_name ?? '',
            storeAddress: delivery.store_address ?? '',
          }
        : { method: 'pickup', name: delivery.recipient_name, phone: delivery.recipient_phone };
  return [{ type: 'separator', margin: 'lg' }, ...recipientRows(d, null)];
}
