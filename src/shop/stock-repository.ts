/**
 * Stock: reservations and sales on the products' `stock` and `reserved` columns. Only this file
 * changes those two columns (the catalog import sets `stock`, checked against `reserved` by the
 * database). Items are always worked in product-id order, so concurrent checkouts lock rows in one
 * order and cannot deadlock.
 */
import type { Executor } from '../db/database';

export interface StockItem {
  productId: number;
  quantity: number;
}

/**
 * Reserves every item (in product-id order, so concurrent checkouts lock rows in one order) with a
 * conditional update. When any line is short, the ones already reserved are given back in the same
 * transaction and the short product ids are returned; nothing stays reserved.
 */
export async function reserveStock(trx: Executor, items: StockItem[], now: number): Promise<number[]> {
  const sorted = [...items].sort((a, b) => a.productId - b.productId);
  const done: StockItem[] = [];
  for (const l of sorted) {
    const r = await trx
      .updateTable('products')
      .set((eb) => ({ reserved: eb('reserved', '+', l.quantity), updated_at: now }))
      .where('id', '=', l.productId)
      .where('active', '=', 1)
      .where((eb) => eb(eb('stock', '-', eb.ref('reserved')), '>=', l.quantity))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) {
      await releaseStock(trx, done, now);
      return [l.productId];
    }
    done.push(l);
  }
  return [];
}

/** Gives reserved units back. */
export async function releaseStock(trx: Executor, items: StockItem[], now: number): Promise<void> {
  for (const l of [...items].sort((a, b) => a.productId - b.productId)) {
    await trx
      .updateTable('products')
      .set((eb) => ({ reserved: eb('reserved', '-', l.quantity), updated_at: now }))
      .where('id', '=', l.productId)
      .execute();
  }
}

/** Turns reservations into a sale: the units leave the shelf. */
export async function sellReserved(trx: Executor, items: StockItem[], now: number): Promise<void> {
  for (const l of [...items].sort((a, b) => a.productId - b.productId)) {
    await trx
      .updateTable('products')
      .set((eb) => ({
        stock: eb('stock', '-', l.quantity),
        reserved: eb('reserved', '-', l.quantity),
        updated_at: now,
      }))
      .where('id', '=', l.productId)
      .execute();
  }
}

/**
 * Sells units that are not reserved (a payment arrived after the order had released its stock),
 * all or nothing. Returns false when any line is short (nothing changed then).
 */
export async function sellUnreserved(trx: Executor, items: StockItem[], now: number): Promise<boolean> {
  const sorted = [...items].sort((a, b) => a.productId - b.productId);
  const done: StockItem[] = [];
  for (const l of sorted) {
    const r = await trx
      .updateTable('products')
      .set((eb) => ({ stock: eb('stock', '-', l.quantity), updated_at: now }))
      .where('id', '=', l.productId)
      .where((eb) => eb(eb('stock', '-', eb.ref('reserved')), '>=', l.quantity))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) {
      for (const d of done) {
        await trx
          .updateTable('products')
          .set((eb) => ({ stock: eb('stock', '+', d.quantity) }))
          .where('id', '=', d.productId)
          .execute();
      }
      return false;
    }
    done.push(l);
  }
  return true;
}

/** Puts sold units back on the shelf (a sale undone: its card authorization was cancelled). */
export async function restockSold(trx: Executor, items: StockItem[], now: number): Promise<void> {
  for (const l of [...items].sort((a, b) => a.productId - b.productId)) {
    await trx
      .updateTable('products')
      .set((eb) => ({ stock: eb('stock', '+', l.quantity), updated_at: now }))
      .where('id', '=', l.productId)
      .execute();
  }
}
