/** Product writes of the console: edit fields, adjust stock with its history, set the image. */
import type { Executor } from '../db/database';
import type { Category, Product, StockAdjustment } from '../db/types';
import { indexProduct } from '../shop/product-search-repository';

export interface ProductFields {
  name: string;
  categoryId: number;
  price: number;
  description: string;
  active: boolean;
  lowStockThreshold: number | null;
}

export async function listAllCategories(db: Executor): Promise<Category[]> {
  return db.selectFrom('categories').selectAll().orderBy('sort_order').orderBy('id').execute();
}

export async function productBySku(db: Executor, sku: string): Promise<Product | undefined> {
  return db.selectFrom('products').selectAll().where('sku', '=', sku).executeTakeFirst();
}

export async function updateProductFields(db: Executor, id: number, p: ProductFields, now: number): Promise<void> {
  await db
    .updateTable('products')
    .set({
      name: p.name,
      category_id: p.categoryId,
      price: p.price,
      description: p.description,
      active: p.active ? 1 : 0,
      low_stock_threshold: p.lowStockThreshold,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  // Its name, category or description may have changed: the search index follows.
  await indexProduct(db, id);
}

export async function setProductImage(db: Executor, id: number, imageUrl: string, now: number): Promise<void> {
  await db.updateTable('products').set({ image_url: imageUrl, updated_at: now }).where('id', '=', id).execute();
}

/**
 * Adds `delta` to the stock (negative takes away) in one conditional update — never below what open
 * orders have reserved, never below zero — and keeps the change with its reason. Returns the new
 * stock, or undefined when the change would go too low.
 */
export async function adjustStock(
  trx: Executor,
  a: { productId: number; delta: number; reason: string; actor: string },
  now: number,
): Promise<number | undefined> {
  const r = await trx
    .updateTable('products')
    .set((eb) => ({ stock: eb('stock', '+', a.delta), updated_at: now }))
    .where('id', '=', a.productId)
    .where((eb) => eb(eb('stock', '+', a.delta), '>=', eb.ref('reserved')))
    .where((eb) => eb(eb('stock', '+', a.delta), '>=', 0))
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return undefined;
  const { stock } = await trx
    .selectFrom('products')
    .select('stock')
    .where('id', '=', a.productId)
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('stock_adjustments')
    .values({ product_id: a.productId, delta: a.delta, stock_after: stock, reason: a.reason, actor: a.actor, at: now })
    .execute();
  return stock;
}

export async function stockHistory(db: Executor, productId: number, limit: number): Promise<StockAdjustment[]> {
  return db
    .selectFrom('stock_adjustments')
    .selectAll()
    .where('product_id', '=', productId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
