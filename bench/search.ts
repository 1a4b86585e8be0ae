/**
 * `npm run bench:search`: typed search over a 10,000-product catalog on SQLite (FTS5 trigram) and
 * PostgreSQL (pg_trgm), as the conversation runs it (searchTerms → searchProducts, 11 + 1 rows).
 * Prints the import time (which writes the search index) and per-query latency. A figure for the
 * README, not a test: run it alone on a quiet machine.
 */
import { importCatalog, parseCatalog } from '../src/shop/catalog-import';
import { searchProducts } from '../src/shop/product-search-repository';
import { searchTerms } from '../src/shop/search-text';
import { createDb, type DbKind, pgReachable } from './support/databases';
import { table } from './support/output';
import { percentile } from './support/percentile';

const PRODUCTS = 10_000;
const RUNS = Number(process.env.BENCH_SEARCH_RUNS ?? 50);
const QUERIES = [
  '烏龍',
  '乌龙',
  '凍頂烏龍',
  '高山 烏龍',
  '台灣茶葉',
  '蓋碗',
  'bench-04242',
  '咖啡',
  '茶',
  '你們有賣東方美人嗎',
];

const ORIGINS = [
  '阿里山',
  '梨山',
  '杉林溪',
  '凍頂',
  '文山',
  '木柵',
  '三峽',
  '日月潭',
  '鹿谷',
  '坪林',
  '大禹嶺',
  '拉拉山',
];
const KINDS = ['高山烏龍', '鐵觀音', '包種茶', '紅玉紅茶', '東方美人', '碧螺春', '蜜香紅茶', '金萱', '四季春', '翠玉'];
const FORMS = ['罐裝', '茶包 20入', '禮盒', '冷泡瓶', '隨身包', '經典款'];
const CATEGORIES = ['台灣茶葉', '冷泡茶包', '茶具', '禮盒', '茶點', '季節限定', '老茶', '有機茶', '花草茶', '咖啡豆'];
const NOTES = ['清香回甘', '熟果與蜜香', '花香清雅', '焙火厚實', '豆香清新', '白瓷手作，附木盒', '冷熱皆宜'];

function catalog(): string {
  const rows = Array.from({ length: PRODUCTS }, (_, i) => ({
    sku: `BENCH-${String(i).padStart(5, '0')}`,
    name: `${ORIGINS[i % ORIGINS.length]}${KINDS[Math.floor(i / ORIGINS.length) % KINDS.length]} ${FORMS[i % FORMS.length]}`,
    category: CATEGORIES[i % CATEGORIES.length],
    price: 100 + (i % 50) * 20,
    stock: i % 7 === 0 ? 0 : 10 + (i % 30),
    description: `${NOTES[i % NOTES.length]}，產地${ORIGINS[(i * 7) % ORIGINS.length]}，第 ${i} 號批次。`,
  }));
  return JSON.stringify(rows);
}

async function run(kind: DbKind, rowsJson: string) {
  const bench = await createDb(kind);
  try {
    const rows = parseCatalog(rowsJson, 'json');
    const t0 = performance.now();
    await importCatalog(bench.db, rows, Date.now());
    const importMs = performance.now() - t0;
    const out = [];
    for (const q of QUERIES) {
      const terms = searchTerms(q);
      let found = 0;
      const times: number[] = [];
      for (let i = 0; i < RUNS + 5; i++) {
        const start = performance.now();
        const r = await searchProducts(bench.db, terms, 11);
        if (i >= 5) times.push(performance.now() - start);
        found = r.products.length + (r.hasMore ? 1 : 0);
      }
      times.sort((a, b) => a - b);
      out.push({
        db: kind,
        query: q,
        'hits (≤12)': found,
        'p50 ms': percentile(times, 50).toFixed(2),
        'p95 ms': percentile(times, 95).toFixed(2),
      });
    }
    return { importMs, rows: out };
  } finally {
    await bench.drop();
  }
}

async function main(): Promise<void> {
  const rowsJson = catalog();
  const kinds: DbKind[] = (await pgReachable()) ? ['sqlite', 'postgres'] : ['sqlite'];
  for (const kind of kinds) {
    const { importMs, rows } = await run(kind, rowsJson);
    table(
      `search on ${kind}: ${PRODUCTS} products (import with index ${Math.round(importMs)} ms), ${RUNS} runs per query`,
      rows,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
