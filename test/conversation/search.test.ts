/**
 * Typed search on both databases: the same words find the same products in the same order, through
 * each database's own trigram index (SQLite FTS5, PostgreSQL pg_trgm), kept in step by the import.
 */
import { sql } from 'kysely';
import { seedDemoCatalogIfEmpty } from '../../src/seed';
import { importCatalog, parseCatalog } from '../../src/shop/catalog-import';
import { rebuildProductSearch, searchProducts } from '../../src/shop/product-search-repository';
import { searchTerms } from '../../src/shop/search-text';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases';

/** Products beside the demo catalog that exercise variants: Simplified, 臺, full-width, sold out. */
const EXTRA = [
  {
    sku: 'TEA-DONGDING-150',
    name: '凍頂烏龍',
    category: '台灣茶葉',
    price: 680,
    stock: 15,
    description: '南投鹿谷，中焙火。',
  },
  { sku: 'TEA-SOLDOUT-1', name: '烏龍老茶', category: '台灣茶葉', price: 900, stock: 0, description: '陳放十年。' },
  { sku: 'CN-LONGJING', name: '西湖龙井', category: '绿茶', price: 800, stock: 5, description: '简体字写的商品。' },
  { sku: 'TW-TAI-1', name: '臺灣高山茶', category: '台灣茶葉', price: 500, stock: 9, description: '' },
  { sku: 'ＦＷ-ABC-9', name: 'Ｍｕｇ 馬克杯', category: '茶具', price: 300, stock: 4, description: 'Ceramic MUG' },
];

describe.each(dialects)('catalog search on %s', (dialect) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    await seedDemoCatalogIfEmpty(database.db, 1_000);
    // Full-width SKUs are refused by the import (letters, digits, . _ -): folded text is what counts.
    const rows = parseCatalog(JSON.stringify(EXTRA.map((e) => ({ ...e, sku: e.sku.normalize('NFKC') }))), 'json');
    await importCatalog(database.db, rows, 2_000);
  });
  afterAll(async () => {
    await database.drop();
  });

  const names = async (typed: string) =>
    (await searchProducts(database.db, searchTerms(typed), 11)).products.map((p) => p.name);

  it.each<[string, string[]]>([
    // Partial words, name matches before description matches, names starting with the word first.
    ['烏龍', ['烏龍茶包 20入', '阿里山高山烏龍', '凍頂烏龍', '雙罐禮盒', '烏龍老茶']],
    // Simplified typed, Traditional stored.
    ['乌龙', ['烏龍茶包 20入', '阿里山高山烏龍', '凍頂烏龍', '雙罐禮盒', '烏龍老茶']],
    // Traditional typed, Simplified stored.
    ['龍井', ['西湖龙井']],
    ['綠茶', ['西湖龙井']],
    // 台 / 臺 both ways.
    ['台灣高山', ['臺灣高山茶']],
    ['臺茶18號', ['日月潭紅玉紅茶']],
    // Full-width and case.
    ['ｍｕｇ', ['Ｍｕｇ 馬克杯']],
    ['MUG', ['Ｍｕｇ 馬克杯']],
    // SKU, with or without its dashes.
    ['tea-tgy-150', ['木柵鐵觀音']],
    ['ＴＥＡ－ＴＧＹ', ['木柵鐵觀音']],
    // A question around the word, several words (all must match).
    ['你們有賣龍井嗎', ['西湖龙井']],
    ['請問有沒有高山 烏龍？', ['阿里山高山烏龍', '雙罐禮盒']],
    // Category words match after names.
    ['茶具', ['白瓷蓋碗', '品茗杯組 (4入)', 'Ｍｕｇ 馬克杯']],
    // Description only.
    ['木盒', ['品茗杯組 (4入)']],
    // Nothing.
    ['咖啡', []],
    ['你們有賣咖啡嗎', []],
  ])('"%s" finds %j', async (typed, expected) => {
    expect(await names(typed)).toEqual(expected);
  });

  it('puts sold-out products after those in stock', async () => {
    const found = await searchProducts(database.db, searchTerms('烏龍'), 11);
    const soldOut = found.products.findIndex((p) => p.stock - p.reserved <= 0);
    expect(soldOut).toBe(found.products.length - 1);
  });

  it('pages: at most the limit, and says more matched', async () => {
    const found = await searchProducts(database.db, searchTerms('茶'), 3);
    expect(found.products).toHaveLength(3);
    expect(found.hasMore).toBe(true);
  });

  it('follows a product renamed by a new import, and drops inactive products', async () => {
    const rows = parseCatalog(JSON.stringify([{ ...EXTRA[0], name: '凍頂老欉', description: '' }]), 'json');
    await importCatalog(database.db, rows, 3_000);
    expect(await names('凍頂')).toEqual(['凍頂老欉']);
    expect(await names('老欉')).toEqual(['凍頂老欉']);
    await database.db.updateTable('products').set({ active: 0 }).where('sku', '=', 'TEA-DONGDING-150').execute();
    expect(await names('凍頂')).toEqual([]);
    await database.db.updateTable('products').set({ active: 1 }).where('sku', '=', 'TEA-DONGDING-150').execute();
    await importCatalog(database.db, parseCatalog(JSON.stringify([EXTRA[0]]), 'json'), 4_000);
  });

  it('a rebuilt index finds the same', async () => {
    const before = await names('烏龍');
    expect(await rebuildProductSearch(database.db)).toBeGreaterThan(10);
    expect(await names('烏龍')).toEqual(before);
  });

  it("uses the database's own trigram index", async () => {
    if (dialect === 'sqlite') {
      const plan = await sql<{ detail: string }>`EXPLAIN QUERY PLAN
        SELECT rowid FROM product_search_fts WHERE search_all LIKE '%乌龙茶%'`.execute(database.db);
      expect(plan.rows.map((r) => r.detail).join(' ')).toMatch(/VIRTUAL TABLE INDEX/);
    } else {
      const ext = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'pg_trgm'`.execute(database.db);
      expect(ext.rows[0]?.n).toBe(1);
      await sql`SET enable_seqscan = off`.execute(database.db);
      const plan = await sql<{ 'QUERY PLAN': string }>`EXPLAIN
        SELECT product_id FROM product_search WHERE search_all LIKE '%乌龙茶%'`.execute(database.db);
      await sql`SET enable_seqscan = on`.execute(database.db);
      expect(plan.rows.map((r) => r['QUERY PLAN']).join(' ')).toMatch(/product_search_trgm/);
    }
  });
});
