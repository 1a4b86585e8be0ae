/**
 * Catalog reads and the import upsert. Only this file (and the search index it keeps in step,
 * product-search-repository.ts) touches the catalog tables.
 */
import type { Executor } from '../db/database';
import { prepare } from '../db/prepared';
import type { Category, Product } from '../db/types';
import { indexProduct } from './product-search-repository';

export interface CategorySummary extends Category {
  /** Active products in the category. */
  productCount: number;
}

export async function listCategories(db: Executor): Promise<CategorySummary[]> {
  const rows = await db
    .selectFrom('categories')
    .leftJoin('products', (j) => j.onRef('products.category_id', '=', 'categories.id').on('products.active', '=', 1))
    .select(['categories.id', 'categories.name', 'categories.sort_order'])
    .select((eb) => eb.fn.count<number>('products.id').as('productCount'))
    .groupBy(['categories.id', 'categories.name', 'categories.sort_order'])
    .orderBy('categories.sort_order')
    .orderBy('categories.id')
    .execute();
  return rows.map((r) => ({ ...r, productCount: Number(r.productCount) }));
}

export async function getCategory(db: Executor, id: number): Promise<Category | undefined> {
  return db.selectFrom('categories').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Active products of a category, one page, plus whether more follow. */
export async function listActiveProducts(
  db: Executor,
  categoryId: number,
  offset: number,
  limit: number,
): Promise<{ products: Product[]; hasMore: boolean }> {
  const rows = await db
    .selectFrom('products')
    .selectAll()
    .where('category_id', '=', categoryId)
    .where('active', '=', 1)
    .orderBy('id')
    .offset(offset)
    .limit(limit + 1)
    .execute();
  return { products: rows.slice(0, limit), hasMore: rows.length > limit };
}

// Every add-to-cart reads the product (see src/db/prepared.ts).
const selectProduct = prepare((db, p: { id: number }) => db.selectFrom('products').selectAll().where('id', '=', p.id));

export async function getProduct(db: Executor, id: number): Promise<Product | undefined> {
  return (await selectProduct(db, { id })).rows[0];
}

export async function countProducts(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('products')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countCategories(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('categories')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Returns the category's id, creating it (after the existing ones) when new. */
export async function ensureCategory(db: Executor, name: string): Promise<number> {
  const existing = await db.selectFrom('categories').select('id').where('name', '=', name).executeTakeFirst();
  if (existing) return existing.id;
  const max = await db
    .selectFrom('categories')
    .select((eb) => eb.fn.max<number>('sort_order').as('m'))
    .executeTakeFirst();
  const created = await db
    .insertInto('categories')
    .values({ name, sort_order: Number(max?.m ?? 0) + 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return created.id;
}

export interface ProductUpsert {
  sku: string;
  name: string;
  categoryId: number;
  price: number;
  stock: number;
  description: string;
  imageUrl: string | null;
}

/**
 * Inserts or updates a product by SKU. Stock may not drop below what is reserved by open
 * orders: the CHECK constraint refuses it, and the import reports that row.
 */
export async function upsertProduct(db: Executor, p: ProductUpsert, now: number): Promise<'created' | 'updated'> {
  const existing = await db.selectFrom('products').select('id').where('sku', '=', p.sku).executeTakeFirst();
  if (existing) {
    await db
      .updateTable('products')
      .set({
        name: p.name,
        category_id: p.categoryId,
        price: p.price,
        stock: p.stock,
        description: p.description,
        image_url: p.imageUrl,
        active: 1,
        updated_at: now,
      })
      .where('id', '=', existing.id)
      .execute();
    // Its words (or category) may have changed: the search index follows in the same transaction.
    await indexProduct(db, existing.id);
    return 'updated';
  }
  await insertProduct(db, p, now);
  return 'created';
}

/**
 * A new product (the import's, or one the merchant creates in the console), indexed for typed
 * search in the same transaction. Active unless told otherwise; no low-stock threshold of its own
 * unless given.
 */
export async function insertProduct(
  db: Executor,
  p: ProductUpsert & { active?: boolean; lowStockThreshold?: number | null },
  now: number,
): Promise<number> {
  const created = await db
    .insertInto('products')
    .values({
      sku: p.sku,
      name: p.name,
      category_id: p.categoryId,
      price: p.price,
      stock: p.stock,
      description: p.description,
      image_url: p.imageUrl,
      ...(p.active === undefined ? {} : { active: p.active ? 1 : 0 }),
      ...(p.lowStockThreshold === undefined ? {} : { low_stock_threshold: p.lowStockThreshold }),
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await indexProduct(db, created.id);
  return created.id;
}
