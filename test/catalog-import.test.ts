import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CatalogImportError, importCatalog, parseCatalog } from '../src/shop/catalog-import';
import { parseCsv } from '../src/shop/csv';
import { createTestDatabase, dialects, type TestDatabase } from './support/databases';

const HEADER = 'sku,name,category,price,stock,description,image_url';

describe('CSV reader', () => {
  it('handles quotes, doubled quotes, commas and newlines inside fields, CRLF and a BOM', () => {
    const rows = parseCsv('\ufeffa,b\r\n"x, ""y""","line1\nline2"\r\n\r\nlast,1');
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, "y"', 'line1\nline2'] },
      { line: 5, fields: ['last', '1'] },
    ]);
  });
});

describe('catalog parsing', () => {
  it('reports the line and reason of a bad CSV row', () => {
    const csv = `${HEADER}\nA1,烏龍,茶,100,5,,\nA2,紅茶,茶,12.5,5,,\n`;
    expect(() => parseCatalog(csv, 'csv')).toThrow(/^line 3: price must be a whole number/);
  });

  it.each([
    [`${HEADER}\nA1,,茶,100,5,,`, 'line 2', 'name is required'],
    [`${HEADER}\nA1,x,茶,100,-1,,`, 'line 2', 'stock'],
    [`${HEADER}\nA1,x,茶,0,1,,`, 'line 2', 'price must be at least 1'],
    [`${HEADER}\nA1,x,茶,100,1,,http://example.com/a.png`, 'line 2', 'https'],
    [`${HEADER}\nA1,x,茶,100,1,,\nA1,y,茶,100,1,,`, 'line 3', 'already appears at line 2'],
    [`sku,name\nA1,x`, 'line 1', 'missing column'],
    [`${HEADER}\nA1,x,茶,100`, 'line 2', 'fields'],
  ])('rejects %j at %s', (csv, where, reason) => {
    try {
      parseCatalog(csv, 'csv');
      throw new Error('expected failure');
    } catch (err) {
      expect(err).toBeInstanceOf(CatalogImportError);
      expect((err as CatalogImportError).where).toBe(where);
      expect((err as CatalogImportError).reason).toContain(reason);
    }
  });

  it('reads a JSON array and names the bad item', () => {
    expect(
      parseCatalog(JSON.stringify([{ sku: 'A', name: 'n', category: 'c', price: 1, stock: 0 }]), 'json'),
    ).toHaveLength(1);
    expect(() =>
      parseCatalog(JSON.stringify([{ sku: 'A', name: 'n', category: 'c', price: 1, stock: 0 }, {}]), 'json'),
    ).toThrow(/item 2: sku is required/);
    expect(() => parseCatalog('{"a":1}', 'json')).toThrow(/array/);
    expect(() => parseCatalog('[', 'json')).toThrow(/not valid JSON/);
  });
});

describe.each(dialects)('catalog import on %s', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await database.drop();
  });

  const products = () =>
    database.db
      .selectFrom('products')
      .innerJoin('categories', 'categories.id', 'products.category_id')
      .select(['sku', 'products.name', 'price', 'stock', 'categories.name as category', 'image_url'])
      .orderBy('sku')
      .execute();

  it('creates categories by name and upserts products by SKU', async () => {
    const first = parseCatalog(
      `${HEADER}\nA1,烏龍,茶葉,680,30,"清香, 回甘",https://img.example/a.png\nB1,蓋碗,茶具,450,2,,\n`,
      'csv',
    );
    expect(await importCatalog(database.db, first, 1)).toEqual({ created: 2, updated: 0, categoriesCreated: 2 });
    const second = parseCatalog(`${HEADER}\nA1,高山烏龍,茶葉,700,25,,\nC1,禮盒,禮盒,1280,5,,\n`, 'csv');
    expect(await importCatalog(database.db, second, 2)).toEqual({ created: 1, updated: 1, categoriesCreated: 1 });
    expect(await products()).toEqual([
      { sku: 'A1', name: '高山烏龍', price: 700, stock: 25, category: '茶葉', image_url: null },
      { sku: 'B1', name: '蓋碗', price: 450, stock: 2, category: '茶具', image_url: null },
      { sku: 'C1', name: '禮盒', price: 1280, stock: 5, category: '禮盒', image_url: null },
    ]);
  });

  it('imports nothing when a row is refused by the database (stock below reserved)', async () => {
    await importCatalog(database.db, parseCatalog(`${HEADER}\nA1,烏龍,茶葉,680,30,,\n`, 'csv'), 1);
    await database.db.updateTable('products').set({ reserved: 10 }).execute();
    const rows = parseCatalog(`${HEADER}\nNEW,新品,新分類,100,5,,\nA1,烏龍,茶葉,680,3,,\n`, 'csv');
    await expect(importCatalog(database.db, rows, 2)).rejects.toThrow(/line 3: stock 3 is below/);
    expect((await products()).map((p) => p.sku)).toEqual(['A1']);
    expect(await database.db.selectFrom('categories').select('name').execute()).toEqual([{ name: '茶葉' }]);
  });

  it('is what `npm run catalog:import` runs: success, and a bad file rejected with its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    const good = join(dir, 'good.csv');
    const bad = join(dir, 'bad.csv');
    writeFileSync(good, `${HEADER}\nA1,烏龍,茶葉,680,30,,\n`);
    writeFileSync(bad, `${HEADER}\nB1,紅茶,茶葉,500,3,,\nB2,綠茶,茶葉,abc,3,,\n`);
    const run = (file: string) =>
      promisify(execFile)('npx', ['tsx', 'src/cli/catalog-import.ts', file], {
        env: { ...process.env, DATABASE_URL: database.url },
      }).then(
        (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
        (e) => ({ code: e.code as number, out: e.stdout as string, err: e.stderr as string }),
      );
    const ok = await run(good);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('1 created');
    const refused = await run(bad);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('line 3: price must be a whole number');
    expect(refused.err).toContain('nothing was imported');
    expect((await products()).map((p) => p.sku)).toEqual(['A1']);
  }, 60_000);
});
