/**
 * Checkout: cart → pending order, in the caller's transaction (the LINE event's). Reserves every
 * line's stock with a conditional update; if any line is short, nothing stays reserved, the cart is
 * trimmed to what is available and the caller learns exactly what changed. The bank is called
 * later, outside any transaction, by the order submitter.
 */

import type { DeliveryConfig, PaymentsConfig } from '../config';
import type { Executor } from '../db/database';
import type { Order, PayType } from '../db/types';
import { formatPrice } from '../messages/copy';
import { chainName, METHOD_LABELS } from '../messages/delivery-copy';
import { bankDateEndMs, toBankDate } from '../qpay/time';
import { type CartItem, cartItems, findOpenCart, setCartStatus, setItemQuantity } from './cart-repository';
import { type CartView, cartVersion, summarize } from './cart-service';
import { type Delivery, deliveryHash, fromRow, stillOffered, toRow } from './delivery';
import { getDraft, saveRecipient } from './delivery-draft-repository';
import { insertOrderDelivery } from './delivery-repository';
import { insertOrder, newOrderNo, recordOrderEvent } from './order-repository';
import { type Charge, charge } from './shipping-fee';
import { reserveStock } from './stock-repository';

export interface CartChange {
  name: string;
  /** Quantity in the cart before. */
  from: number;
  /** Quantity now (0 = removed). */
  to: number;
}

export type CheckoutResult =
  | { kind: 'empty' }
  | { kind: 'changed'; changes: CartChange[]; cart: CartView }
  /** No confirmed delivery named (an old pay-type button): the delivery step comes first. */
  | { kind: 'needs_delivery' }
  /** The delivery named is not the one confirmed (edited since, deleted) or its method is now off. */
  | { kind: 'delivery_gone' }
  /**
   * The cart, a price or the fee is not what the confirmation showed: nothing reserved; the
   * caller shows the confirmation again with what is true now.
   */
  | { kind: 'stale'; cart: CartView; version: string; delivery: Delivery; draftId: string; charge: Charge }
  | { kind: 'created'; order: Order };

export interface CheckoutRequest {
  userId: string;
  payType: PayType;
  /** cartVersion of the cart the customer saw when choosing; anything else is not checked out. */
  version: string | undefined;
  /** The confirmed delivery the pay button names: draft (checkout) id, its hash, the total shown. */
  delivery: { draftId: string; hash: string; total: number } | undefined;
  now: number;
  replyToken: string | undefined;
  replyUntil: number | undefined;
}

const DAY_MS = 86_400_000;

/** When an order placed at `now` stops being payable. */
export function paymentDeadline(payType: PayType, now: number, config: PaymentsConfig): number {
  if (payType === 'C') return now + config.cardPayMinutes * 60_000;
  return bankDateEndMs(toBankDate(now + config.atmExpireDays * DAY_MS)) as number;
}

/** Trims every line to what can be sold now; returns what changed. */
async function trimCart(trx: Executor, cartId: number, lines: CartItem[], now: number): Promise<CartChange[]> {
  const changes: CartChange[] = [];
  for (const l of lines) {
    const can = l.active ? Math.max(0, Math.min(l.quantity, l.available)) : 0;
    if (can !== l.quantity) {
      await setItemQuantity(trx, cartId, l.productId, can, now);
      changes.push({ name: l.name, from: l.quantity, to: can });
    }
  }
  return changes;
}

/**
 * `deliveryConfig`: the fees in force (the caller's; the console may override config.delivery).
 * The order's total is subtotal + fee, recomputed here from the lines reserved and the confirmed
 * delivery; if that is not the total the button showed, nothing is charged (stale).
 */
export async function checkout(
  trx: Executor,
  req: CheckoutRequest,
  config: PaymentsConfig,
  deliveryConfig: DeliveryConfig,
): Promise<CheckoutResult> {
  const cart = await findOpenCart(trx, req.userId);
  const lines = cart ? await cartItems(trx, cart.id) : [];
  if (!cart || lines.length === 0) return { kind: 'empty' };
  if (!req.delivery) return { kind: 'needs_delivery' };
  const draft = await getDraft(trx, req.delivery.draftId);
  const delivery = draft && draft.line_user_id === req.userId ? fromRow(draft) : undefined;
  if (
    !draft ||
    !delivery ||
    draft.confirmed_hash !== req.delivery.hash ||
    deliveryHash(delivery) !== req.delivery.hash ||
    !stillOffered(deliveryConfig, delivery)
  ) {
    return { kind: 'delivery_gone' };
  }
  // Checked on the very lines that are reserved and copied into the order below, so the order's
  // total is the one the customer chose to pay.
  const version = cartVersion(cart.id, lines);
  const subtotal = summarize(lines).total;
  const due = charge(deliveryConfig, delivery.method, subtotal);
  if (!due) return { kind: 'delivery_gone' };
  if (req.version !== version || due.total !== req.delivery.total) {
    return { kind: 'stale', cart: summarize(lines), version, delivery, draftId: draft.id, charge: due };
  }

  const short = await reserveStock(
    trx,
    lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
    req.now,
  );
  if (short.length > 0) {
    // Nothing is reserved now. Re-read (another checkout may have just taken the units) and trim.
    const changes = await trimCart(trx, cart.id, await cartItems(trx, cart.id), req.now);
    return { kind: 'changed', changes, cart: summarize(await cartItems(trx, cart.id)) };
  }
  if (!(await setCartStatus(trx, cart.id, 'open', 'locked', req.now))) {
    throw new Error(`cart ${cart.id} changed during checkout`);
  }
  const order = await insertOrder(
    trx,
    {
      orderNo: newOrderNo(req.now),
      lineUserId: req.userId,
      cartId: cart.id,
      payType: req.payType,
      total: due.total,
      deliveryMethod: delivery.method,
      shippingFee: due.fee,
      expiresAt: paymentDeadline(req.payType, req.now, config),
      replyToken: req.replyToken ?? null,
      replyUntil: req.replyToken ? (req.replyUntil ?? null) : null,
      items: lines.map((l) => ({ productId: l.productId, name: l.name, unitPrice: l.unitPrice, quantity: l.quantity })),
    },
    req.now,
  );
  const row = toRow(delivery);
  await insertOrderDelivery(trx, {
    ...row,
    order_id: order.id,
    method: delivery.method,
    recipient_name: delivery.name,
    recipient_phone: delivery.phone,
  });
  // The timeline says how it ships (never who receives it: that stays in order_deliveries).
  await recordOrderEvent(
    trx,
    order.id,
    'delivery_chosen',
    'customer',
    req.now,
    `${METHOD_LABELS[delivery.method]}${delivery.method === 'cvs' ? ` ${chainName(delivery.subType)} 門市 ${delivery.storeId}` : ''}・運費 ${formatPrice(due.fee)}`,
  );
  // The recipient used last is offered first next time.
  await saveRecipient(trx, req.userId, row, req.delivery.hash, req.now);
  return { kind: 'created', order };
}
