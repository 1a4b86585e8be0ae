/** Pure builder for the cart bubble. */
import type { messagingApi } from '@line/bot-sdk';
import type { CartView } from '../shop/cart-service';
import { button, flex, type Message, text, theme } from './common';
import { copy, formatPrice } from './copy';
import { itemRow, totalRow } from './item-rows';
import { confirmMessage } from './order-messages';

function lineRows(view: CartView): messagingApi.FlexComponent[] {
  const rows: messagingApi.FlexComponent[] = [];
  view.items.forEach((l, i) => {
    if (i > 0) rows.push({ type: 'separator', margin: 'md' });
    const warning = !l.active
      ? copy.unavailableLine
      : l.available < l.quantity
        ? copy.shortLine(l.available)
        : undefined;
    const notes: messagingApi.FlexComponent[] = warning
      ? [{ type: 'text', text: warning, size: 'xs', color: theme.danger, wrap: true }]
      : [];
    rows.push(itemRow(l.name, l.unitPrice, l.quantity, notes, 'md'));
    rows.push({
      type: 'box',
      layout: 'horizontal',
      spacing: 'sm',
      margin: 'sm',
      contents: [
        button('－', { action: 'dec', productId: l.productId }, 'secondary'),
        button('＋', { action: 'inc', productId: l.productId }, 'secondary'),
        button('刪除', { action: 'remove', productId: l.productId }, 'link'),
      ],
    });
  });
  return rows;
}

/** 清空購物車 asks first; the confirm tap is bound to this cart (`version`), like a pay-type choice. */
export function confirmEmptyMessage(view: CartView, version: string): Message {
  return confirmMessage(
    copy.confirmEmptyTitle,
    `⚠️ ${copy.confirmEmptyTitle}`,
    copy.confirmEmpty(view.unitCount, formatPrice(view.total)),
    { label: copy.confirmEmptyYes, action: { action: 'empty', confirm: true, v: version } },
    { label: copy.keepCart, action: { action: 'cart' } },
  );
}

export function cartMessage(view: CartView, notice?: string): Message[] {
  const out: Message[] = [];
  if (notice) out.push(text(notice));
  if (view.items.length === 0) {
    out.push(text(copy.cartEmpty, true));
    return out;
  }
  const bubble: messagingApi.FlexBubble = {
    type: 'bubble',
    size: 'mega',
    header: {
      type: 'box',
      layout: 'horizontal',
      backgroundColor: theme.brand,
      paddingAll: 'lg',
      contents: [
        { type: 'text', text: `🛒 ${copy.cartTitle}`, color: '#FFFFFF', weight: 'bold', size: 'lg' },
        {
          type: 'text',
          text: copy.cartItems(view.unitCount),
          color: '#FFFFFF',
          size: 'sm',
          align: 'end',
          gravity: 'center',
        },
      ],
    },
    body: {
      type: 'box',
      layout: 'vertical',
      contents: [...lineRows(view), { type: 'separator', margin: 'lg' }, totalRow(view.total)],
    },
    footer: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        button(copy.checkout, { action: 'checkout' }, 'primary', copy.checkout),
        {
          type: 'box',
          layout: 'horizontal',
          spacing: 'sm',
          contents: [
            button(copy.continueShopping, { action: 'browse' }, 'secondary', copy.continueShopping),
            button(copy.emptyCart, { action: 'empty' }, 'secondary', copy.emptyCart),
          ],
        },
      ],
    },
  };
  out.push(flex(copy.cartAlt(view.unitCount, formatPrice(view.total)), bubble, true));
  return out;
}
