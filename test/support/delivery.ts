/**
 * The delivery step for tests that are about something else (payments, stock, notices): a
 * confirmed delivery for a customer, by the same repository calls the delivery page makes, or by
 * submitting the real page through app.inject. 門市自取 by default: it is free, so totals in those
 * tests stay the goods' price.
 */
import type { DeliveryConfig } from '../../src/config';
import type { Executor } from '../../src/db/database';
import { cartItems, findOpenCart } from '../../src/shop/cart-repository';
import { type Delivery, deliveryHash, toRow } from '../../src/shop/delivery';
import { confirmDraft, ensureDraft } from '../../src/shop/delivery-draft-repository';
import { deliveryLinkKey, mintDeliveryToken, newCheckoutId } from '../../src/shop/delivery-link';
import { charge } from '../../src/shop/shipping-fee';

/** Makes 門市自取 available (fee 0) in a shop started with these variables. */
export const PICKUP_ENV = {
  DELIVERY_PICKUP_ADDRESS: '臺北市中正區測試路1號',
  DELIVERY_PICKUP_HOURS: '每日 10:00–18:00',
};

export const PICKUP: Delivery = { method: 'pickup', name: '王小明', phone: '0912345678' };
export const HOME: Delivery = {
  method: 'home',
  name: '王小明',
  phone: '0912345678',
  postalCode: '106',
  city: '臺北市',
  district: '大安區',
  address: '和平東路一段12號3樓',
};

/** A far-away expiry: tests that move the shop's clock still get a working link. */
export const FAR_FUTURE = 8_000_000_000_000;

export function deliveryToken(channelSecret: string, userId: string, checkoutId = newCheckoutId()): string {
  return mintDeliveryToken(deliveryLinkKey(channelSecret), { userId, checkoutId, expiresAt: FAR_FUTURE });
}

/** Confirms `delivery` for the customer's next checkout; what a pay button would carry (total from the cart now). */
export async function confirmedDelivery(
  db: Executor,
  userId: string,
  config: DeliveryConfig,
  delivery: Delivery = PICKUP,
  now = Date.now(),
): Promise<{ draftId: string; hash: string; total: number }> {
  const draftId = newCheckoutId();
  const hash = deliveryHash(delivery);
  await ensureDraft(db, { id: draftId, userId, linkExpiresAt: FAR_FUTURE }, now);
  await confirmDraft(db, draftId, toRow(delivery), hash, now);
  const cart = await findOpenCart(db, userId);
  const lines = cart ? await cartItems(db, cart.id) : [];
  const subtotal = lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
  return { draftId, hash, total: charge(config, delivery.method, subtotal)?.total ?? subtotal };
}
