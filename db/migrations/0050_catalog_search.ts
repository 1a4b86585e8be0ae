/**
 * Typed search over the catalog (issue 16). `product_search` keeps each product's folded text
 * (src/shop/search-text.ts: NFKC, lower case, Traditional → Simplified) — name, category + SKU,
 * description, and all of them in `search_all` — written by the catalog repository whenever a
 * product's words change. Matching is a substring test (LIKE '%term%') on `search_all` on both
 * databases, so both find the same products; each database's own trigram index makes it fast:
 * - SQLite: an FTS5 table with the trigram tokenizer (`product_search_fts`, rowid = product id),
 *   which answers LIKE from its index for terms of 3+ characters (shorter ones scan it);
 * - PostgreSQL: pg_trgm's GIN index on `search_all` (CREATE EXTENSION: pg_trgm is a trusted
 *   extension, so the database owner may create it).
 * Existing products are indexed here; new and changed ones by the repository.
 */
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import { productSearchText } from '../../src/shop/search-text';

function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('product_search')
    .addColumn('product_id', 'integer', (c) => c.primaryKey().references('products.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('extra', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('search_all', 'text', (c) => c.notNull())
    .execute();
  if (isPostgres(db)) {
    await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
    await sql`CREATE INDEX product_search_trgm ON product_search USING gin (search_all gin_trgm_ops)`.execute(db);
  } else {
    await sql`CREATE VIRTUAL TABLE product_search_fts USING fts5(search_all, tokenize = 'trigram')`.execute(db);
  }
  const rows = await sql<{ id: number; name: string; sku: string; description: string; category: string }>`
    SELECT p.id, p.name, p.sku, p.description, c.name AS category
    FROM products p JOIN categories c ON c.id = p.category_id`.execute(db);
  for (const r of rows.rows) {
    const t = productSearchText(r);
    await sql`INSERT INTO product_search (product_id, name, extra, description, search_all)
      VALUES (${r.id}, ${t.name}, ${t.extra}, ${t.description}, ${t.all})`.execute(db);
    if (!isPostgres(db)) {
      await sql`INSERT INTO product_search_fts (rowid, search_all) VALUES (${r.id}, ${t.all})`.execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) await sql`DROP TABLE product_search_fts`.execute(db);
  await db.schema.dropTable('product_search').execute();
}
