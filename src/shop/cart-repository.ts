/** Carts and their lines. Only this file touches the cart tables. */
import type { Executor } from '../db/database';
import { prepare } from '../db/prepared';
import type { Cart } from '../db/types';

export interface CartItem {
  productId: number;
  sku: string;
  name: string;
  imageUrl: string | null;
  unitPrice: number;
  quantity: number;
  /** stock − reserved right now. */
  available: number;
  active: boolean;
}

// Every cart action runs these (see src/db/prepared.ts).
const selectOpenCart = prepare((db, p: { lineUserId: string }) =>
  db.selectFrom('carts').selectAll().where('line_user_id', '=', p.lineUserId).where('status', '=', 'open'),
);
const selectCartLines = prepare((db, p: { cartId: number }) =>
  db
    .selectFrom('cart_items')
    .innerJoin('products', 'products.id', 'cart_items.product_id')
    .select([
      'products.id as productId',
      'products.sku',
      'products.name',
      'products.image_url as imageUrl',
      'products.price as unitPrice',
      'products.stock',
      'products.reserved',
      'products.active',
      'cart_items.quantity',
    ])
    .where('cart_items.cart_id', '=', p.cartId)
    .orderBy('cart_items.added_at')
    .orderBy('products.id'),
);
const upsertLine = prepare((db, p: { cartId: number; productId: number; quantity: number; now: number }) =>
  db
    .insertInto('cart_items')
    .values({ cart_id: p.cartId, product_id: p.productId, quantity: p.quantity, added_at: p.now })
    .onConflict((oc) => oc.columns(['cart_id', 'product_id']).doUpdateSet({ quantity: p.quantity })),
);
const touchCart = prepare((db, p: { cartId: number; now: number }) =>
  db.updateTable('carts').set({ updated_at: p.now }).where('id', '=', p.cartId),
);

export async function findOpenCart(db: Executor, lineUserId: string): Promise<Cart | undefined> {
  return (await selectOpenCart(db, { lineUserId })).rows[0];
}

/** The user's open cart, created when there is none (the unique index keeps it to one). */
export async function openCartFor(db: Executor, lineUserId: string, now: number): Promise<Cart> {
  const existing = await findOpenCart(db, lineUserId);
  if (existing) return existing;
  return db
    .insertInto('carts')
    .values({ line_user_id: lineUserId, status: 'open', created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function cartItems(db: Executor, cartId: number): Promise<CartItem[]> {
  const { rows } = await selectCartLines(db, { cartId });
  return rows.map((r) => ({
    productId: r.productId,
    sku: r.sku,
    name: r.name,
    imageUrl: r.imageUrl,
    unitPrice: r.unitPrice,
    quantity: r.quantity,
    available: r.stock - r.reserved,
    active: r.active === 1,
  }));
}

export async function itemQuantity(db: Executor, cartId: number, productId: number): Promise<number> {
  const row = await db
    .selectFrom('cart_items')
    .select('quantity')
    .where('cart_id', '=', cartId)
    .where('product_id', '=', productId)
    .executeTakeFirst();
  return row?.quantity ?? 0;
}

/** Sets a line's quantity; 0 removes the line. */
export async function setItemQuantity(
  db: Executor,
  cartId: number,
  productId: number,
  quantity: number,
  now: number,
): Promise<void> {
  if (quantity <= 0) {
    await db.deleteFrom('cart_items').where('cart_id', '=', cartId).where('product_id', '=', productId).execute();
  } else {
    await upsertLine(db, { cartId, productId, quantity, now });
  }
  await touchCart(db, { cartId, now });
}

export async function clearCart(db: Executor, cartId: number, now: number): Promise<void> {
  await db.deleteFrom('cart_items').where('cart_id', '=', cartId).execute();
  await touchCart(db, { cartId, now });
}

/** Moves a cart between statuses only if it is still in `from`; returns whether it did. */
export async function setCartStatus(
  db: Executor,
  cartId: number,
  from: Cart['status'],
  to: Cart['status'],
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('carts')
    .set({ status: to, updated_at: now })
    .where('id', '=', cartId)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Gives an order's cart back to the customer (the bank refused the order): the cart becomes the
 * open one again, or, when the customer has started a new cart meanwhile, its lines are merged in.
 */
export async function reopenCart(db: Executor, cartId: number, lineUserId: string, now: number): Promise<void> {
  const open = await findOpenCart(db, lineUserId);
  if (!open) {
    await db
      .updateTable('carts')
      .set({ status: 'open', updated_at: now })
      .where('id', '=', cartId)
      .where('status', '!=', 'open')
      .execute();
    return;
  }
  if (open.id === cartId) return;
  const lines = await db.selectFrom('cart_items').selectAll().where('cart_id', '=', cartId).execute();
  for (const l of lines) {
    if ((await itemQuantity(db, open.id, l.product_id)) === 0) {
      await setItemQuantity(db, open.id, l.product_id, l.quantity, now);
    }
  }
}
