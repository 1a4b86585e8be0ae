/**
 * The catalog's search index (migration 0050): written whenever a product's words change, read by
 * typed search. Matching is the same on both databases — every term a substring (LIKE) of the
 * product's folded text — and each database's own trigram index does the finding: SQLite's FTS5
 * trigram table, PostgreSQL's pg_trgm GIN index. Ranking is one ORDER BY both run alike.
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { type Executor, isPostgres } from '../db/database';
import type { DB, Product } from '../db/types';
import { foldText, productSearchText } from './search-text';

/** (Re)writes one product's entry from its current row and category. */
export async function indexProduct(db: Executor, productId: number): Promise<void> {
  const p = await db
    .selectFrom('products')
    .innerJoin('categories', 'categories.id', 'products.category_id')
    .select(['products.id', 'products.name', 'products.sku', 'products.description', 'categories.name as category'])
    .where('products.id', '=', productId)
    .executeTakeFirst();
  if (!p) return;
  const t = productSearchText(p);
  const row = { name: t.name, extra: t.extra, description: t.description, search_all: t.all };
  await db
    .insertInto('product_search')
    .values({ product_id: p.id, ...row })
    .onConflict((oc) => oc.column('product_id').doUpdateSet(row))
    .execute();
  if (!isPostgres(db)) {
    // FTS5 tables have no upsert: replace the row.
    await db.deleteFrom('product_search_fts').where('rowid', '=', p.id).execute();
    await db.insertInto('product_search_fts').values({ rowid: p.id, search_all: t.all }).execute();
  }
}

/** Re-indexes every product (after a change to how text is folded, or a repair). Returns how many. */
export async function rebuildProductSearch(db: Executor): Promise<number> {
  const ids = await db.selectFrom('products').select('id').execute();
  for (const { id } of ids) await indexProduct(db, id);
  return ids.length;
}

type SearchRow = ExpressionBuilder<DB & { ps: DB['product_search']; p: DB['products'] }, 'ps' | 'p'>;

/** Every term inside the given text expression. */
function containsAll(eb: SearchRow, text: Expression<string>, terms: string[]): Expression<SqlBool> {
  return eb.and(terms.map((t) => eb(text, 'like', `%${t}%`)));
}

/**
 * Active products whose text contains every (already folded) term, best first: in stock before
 * sold out; then every term in the name, before every term in name + category/SKU, before matches
 * that need the description; then names that start with the first term; then catalog order.
 * Returns up to `limit` products and whether more matched.
 */
export async function searchProducts(
  db: Executor,
  terms: string[],
  limit: number,
): Promise<{ products: Product[]; hasMore: boolean }> {
  if (terms.length === 0) return { products: [], hasMore: false };
  const first = terms[0] as string;
  let query = db
    .selectFrom('product_search as ps')
    .innerJoin('products as p', 'p.id', 'ps.product_id')
    .selectAll('p')
    .where('p.active', '=', 1);
  if (isPostgres(db)) {
    query = query.where((eb) => containsAll(eb, eb.ref('ps.search_all'), terms));
  } else {
    query = query.where('ps.product_id', 'in', (eb) =>
      eb
        .selectFrom('product_search_fts')
        .select('product_search_fts.rowid')
        .where((f) => f.and(terms.map((t) => f('product_search_fts.search_all', 'like', `%${t}%`)))),
    );
  }
  const rows = await query
    .orderBy(sql`CASE WHEN p.stock - p.reserved > 0 THEN 0 ELSE 1 END`)
    .orderBy((eb) =>
      eb
        .case()
        .when(containsAll(eb, eb.ref('ps.name'), terms))
        .then(0)
        .when(containsAll(eb, sql<string>`ps.name || ' ' || ps.extra`, terms))
        .then(1)
        .else(2)
        .end(),
    )
    .orderBy((eb) => eb.case().when('ps.name', 'like', `${first}%`).then(0).else(1).end())
    .orderBy('p.id')
    .limit(limit + 1)
    .execute();
  return { products: rows.slice(0, limit), hasMore: rows.length > limit };
}

/**
 * The category whose name, folded, is exactly this folded text ("台灣茶葉", "台湾茶叶" …). A shop
 * has a handful of categories: they are compared here rather than indexed.
 */
export async function categoryNamed(db: Executor, folded: string): Promise<{ id: number; name: string } | undefined> {
  const categories = await db.selectFrom('categories').select(['id', 'name']).execute();
  return categories.find((c) => foldText(c.name) === folded);
}
