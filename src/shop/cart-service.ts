/**
 * Cart rules. Every operation re-reads current state, so a button tapped days later (a product
 * since sold out, a cart since checked out) gets an answer that fits today, not last week.
 * Callers pass a transaction: the change and the event that caused it commit together.
 */
import { createHash } from 'node:crypto';
import type { Executor } from '../db/database';
import { type CartItem, cartItems, clearCart, findOpenCart, openCartFor, setItemQuantity } from './cart-repository';
import { getProduct } from './catalog-repository';

/** A line never holds more than this, whatever the stock (a typo guard, not a business rule). */
export const MAX_LINE_QUANTITY = 99;
/** Distinct products in one cart; keeps the cart bubble well inside LINE's 30 KB. */
export const MAX_CART_ITEMS = 15;

export interface CartView {
  items: CartItem[];
  /** Integer TWD. */
  total: number;
  /** Units across all items (2 × 烏龍 + 1 × 杯 = 3). */
  unitCount: number;
}

export function summarize(items: CartItem[]): CartView {
  return {
    items,
    total: items.reduce((sum, i) => sum + i.unitPrice * i.quantity, 0),
    unitCount: items.reduce((sum, i) => sum + i.quantity, 0),
  };
}

/**
 * What a pay-type choice (or a confirm-to-empty) showed: the cart, its lines, quantities and unit
 * prices, as a short hash carried in the button's postback. An old button is honoured only while
 * the cart still hashes the same — a line added, a quantity changed, a price updated by the
 * merchant, or the cart already checked out (a new cart has a new id) all make it stale, and the
 * customer is shown the cart as it is now instead of being charged for something they did not see.
 * A hash rather than a stored counter: nothing to migrate, and price changes (the catalog's, not
 * the cart's) are covered too.
 */
export function cartVersion(
  cartId: number,
  lines: ReadonlyArray<Pick<CartItem, 'productId' | 'quantity' | 'unitPrice'>>,
) {
  const h = createHash('sha256').update(`cart:${cartId}`);
  for (const l of [...lines].sort((a, b) => a.productId - b.productId)) {
    h.update(`|${l.productId}:${l.quantity}:${l.unitPrice}`);
  }
  return h.digest('base64url').slice(0, 12);
}

/** The open cart with its version (for a button that must be bound to exactly this cart). */
export async function viewCartVersioned(db: Executor, userId: string): Promise<CartView & { version: string }> {
  const cart = await findOpenCart(db, userId);
  const lines = cart ? await cartItems(db, cart.id) : [];
  return { ...summarize(lines), version: cart ? cartVersion(cart.id, lines) : '' };
}

export async function viewCart(db: Executor, userId: string): Promise<CartView> {
  const cart = await findOpenCart(db, userId);
  return summarize(cart ? await cartItems(db, cart.id) : []);
}

export type AddResult =
  | { kind: 'added'; productName: string; quantity: number; cart: CartView }
  | { kind: 'limited'; productName: string; quantity: number; available: number; cart: CartView }
  | { kind: 'sold_out'; productName: string }
  | { kind: 'cart_full'; cart: CartView }
  | { kind: 'unavailable' };

/** Adds one (or `count`) of a product, never beyond what is available to sell. */
export async function addToCart(
  db: Executor,
  userId: string,
  productId: number,
  now: number,
  count = 1,
): Promise<AddResult> {
  const product = await getProduct(db, productId);
  if (product?.active !== 1) return { kind: 'unavailable' };
  const available = Math.min(product.stock - product.reserved, MAX_LINE_QUANTITY);
  if (available <= 0) return { kind: 'sold_out', productName: product.name };
  const cart = await openCartFor(db, userId, now);
  // The cart is read once; the answer is built from it and the one change made (fewer round trips).
  const lines = await cartItems(db, cart.id);
  const line = lines.find((l) => l.productId === productId);
  const current = line?.quantity ?? 0;
  if (!line && lines.length >= MAX_CART_ITEMS) return { kind: 'cart_full', cart: summarize(lines) };
  const wanted = current + count;
  const quantity = Math.min(wanted, available);
  if (quantity !== current) {
    await setItemQuantity(db, cart.id, productId, quantity, now);
    if (line) line.quantity = quantity;
    else
      lines.push({
        productId,
        sku: product.sku,
        name: product.name,
        imageUrl: product.image_url,
        unitPrice: product.price,
        quantity,
        available: product.stock - product.reserved,
        active: true,
      });
  }
  const view = summarize(lines);
  if (quantity < wanted) return { kind: 'limited', productName: product.name, quantity, available, cart: view };
  return { kind: 'added', productName: product.name, quantity, cart: view };
}

export type ChangeResult =
  | { kind: 'changed'; cart: CartView; limitedTo?: number }
  | { kind: 'not_in_cart'; cart: CartView };

/** +1 / −1 / remove on a line. A line that is no longer in the cart is reported, not recreated. */
export async function changeItem(
  db: Executor,
  userId: string,
  productId: number,
  change: 'inc' | 'dec' | 'remove',
  now: number,
): Promise<ChangeResult> {
  const cart = await findOpenCart(db, userId);
  if (!cart) return { kind: 'not_in_cart', cart: summarize([]) };
  const lines = await cartItems(db, cart.id);
  const line = lines.find((l) => l.productId === productId);
  if (!line) return { kind: 'not_in_cart', cart: summarize(lines) };
  const current = line.quantity;
  let next = change === 'inc' ? current + 1 : change === 'dec' ? current - 1 : 0;
  let limitedTo: number | undefined;
  if (change === 'inc') {
    const available = line.active ? Math.min(line.available, MAX_LINE_QUANTITY) : 0;
    if (next > available) {
      next = Math.max(available, 0);
      limitedTo = next;
    }
  }
  if (next !== current) await setItemQuantity(db, cart.id, productId, next, now);
  const remaining =
    next > 0 ? lines.map((l) => (l === line ? { ...l, quantity: next } : l)) : lines.filter((l) => l !== line);
  const view = summarize(remaining);
  return limitedTo === undefined ? { kind: 'changed', cart: view } : { kind: 'changed', cart: view, limitedTo };
}

/**
 * Empties the open cart. With `version`, only if the cart is still the one the confirmation
 * showed: returns 'stale' (nothing removed) when it changed since, 'empty' when there was nothing.
 */
export async function emptyCart(
  db: Executor,
  userId: string,
  now: number,
  version?: string,
): Promise<'emptied' | 'empty' | 'stale'> {
  const cart = await findOpenCart(db, userId);
  if (!cart) return 'empty';
  const lines = await cartItems(db, cart.id);
  if (lines.length === 0) return 'empty';
  if (version !== undefined && cartVersion(cart.id, lines) !== version) return 'stale';
  await clearCart(db, cart.id, now);
  return 'emptied';
}
