import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import iconv from 'iconv-lite';
import { QPAY_MAX_AMOUNT_TWD } from '../src/qpay/validate';
import { decodeCatalogBytes } from '../src/shop/catalog-encoding';
import { CatalogImportError, importCatalog, parseCatalog, parseCatalogFile } from '../src/shop/catalog-import';
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

// Excel's "CSV (逗號分隔)" on zh-TW Windows: Big5/CP950 bytes, CRLF. 碁 and 銹 are CP950 additions
// beyond plain Big5; 許 has a 0x5C (backslash) trail byte.
const BIG5_CSV = `${HEADER}\r\nA1,高山烏龍,茶葉,680,30,"清香, 回甘 許 碁",\r\nB1,蓋碗,茶具,450,2,,\r\n`;
const big5Bytes = () => iconv.encode(BIG5_CSV, 'cp950');
const utf8 = (text: string) => Buffer.from(text, 'utf8');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
// Windows-1252 (a Western Excel's CSV): é is 0xE9, which neither UTF-8 nor CP950 can read here.
const neitherBytes = () => iconv.encode(`${HEADER}\r\nA1,Café crème,Café,100,1,,\r\n`, 'win1252');

describe('catalog file encodings', () => {
  it('reads Big5/CP950 bytes as the right characters', () => {
    expect(big5Bytes().toString('utf8')).toContain('\ufffd'); // what the old import stored
    expect(decodeCatalogBytes(big5Bytes())).toEqual({ text: BIG5_CSV, encoding: 'big5 (cp950)' });
    const { rows, encoding } = parseCatalogFile(big5Bytes(), 'csv');
    expect(encoding).toBe('big5 (cp950)');
    expect(rows.map((r) => [r.name, r.category, r.description])).toEqual([
      ['高山烏龍', '茶葉', '清香, 回甘 許 碁'],
      ['蓋碗', '茶具', ''],
    ]);
  });

  it('reads UTF-8 with and without a BOM, CSV and JSON alike', () => {
    const csv = `${HEADER}\nA1,烏龍,茶葉,680,30,,\n`;
    expect(parseCatalogFile(utf8(csv), 'csv').encoding).toBe('utf-8');
    expect(parseCatalogFile(Buffer.concat([BOM, utf8(csv)]), 'csv')).toMatchObject({
      encoding: 'utf-8 (BOM)',
      rows: [{ sku: 'A1', name: '烏龍' }],
    });
    const json = JSON.stringify([{ sku: 'J1', name: '紅茶', category: '茶葉', price: 500, stock: 3 }]);
    expect(parseCatalogFile(Buffer.concat([BOM, utf8(json)]), 'json')).toMatchObject({
      encoding: 'utf-8 (BOM)',
      rows: [{ sku: 'J1', name: '紅茶' }],
    });
    expect(parseCatalog(`\ufeff${json}`, 'json')).toHaveLength(1);
  });

  it.each([
    ['Windows-1252', neitherBytes(), /neither UTF-8 nor Big5 \(undecodable bytes on line 2\)/],
    ['UTF-16', iconv.encode(`\ufeff${HEADER}`, 'utf16le'), /UTF-16/],
    ['a BOM before invalid UTF-8', Buffer.concat([BOM, big5Bytes()]), /BOM but is not valid UTF-8/],
  ])('refuses %s with one clear reason', (_name, bytes, reason) => {
    expect(() => parseCatalogFile(bytes, 'csv')).toThrow(CatalogImportError);
    expect(() => parseCatalogFile(bytes, 'csv')).toThrow(reason);
  });

  it('refuses a value that already holds a replacement character', () => {
    expect(() => parseCatalog(`${HEADER}\nA1,\ufffd\ufffd,茶葉,680,30,,\n`, 'csv')).toThrow(
      /^line 2: name contains the replacement character/,
    );
    expect(() =>
      parseCatalog(
        JSON.stringify([{ sku: 'A', name: 'n', category: 'c', price: 1, stock: 0, description: 'x\ufffd' }]),
        'json',
      ),
    ).toThrow(/^item 1: description contains the replacement character/);
  });

  it("refuses a price above QPay's amount limit", () => {
    expect(QPAY_MAX_AMOUNT_TWD).toBe(9_999_999);
    expect(parseCatalog(`${HEADER}\nA1,金磚,禮盒,${QPAY_MAX_AMOUNT_TWD},1,,\n`, 'csv')[0]?.price).toBe(9_999_999);
    expect(() => parseCatalog(`${HEADER}\nA1,金磚,禮盒,${QPAY_MAX_AMOUNT_TWD + 1},1,,\n`, 'csv')).toThrow(
      /^line 2: price must be at most 9999999, got 10000000/,
    );
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

  const run = (file: string) =>
    promisify(execFile)('npx', ['tsx', 'src/cli/catalog-import.ts', file], {
      env: { ...process.env, DATABASE_URL: database.url },
    }).then(
      (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
      (e) => ({ code: e.code as number, out: e.stdout as string, err: e.stderr as string }),
    );

  it('imports a Big5 CSV and a JSON with a BOM correctly, and refuses a file in neither encoding', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    const big5 = join(dir, 'excel-big5.csv');
    const bomJson = join(dir, 'bom.json');
    const neither = join(dir, 'latin1.csv');
    writeFileSync(big5, big5Bytes());
    writeFileSync(
      bomJson,
      Buffer.concat([BOM, utf8(JSON.stringify([{ sku: 'J1', name: '紅茶', category: '茶葉', price: 500, stock: 3 }]))]),
    );
    writeFileSync(neither, neitherBytes());

    const first = await run(big5);
    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toContain('(read as big5 (cp950)): 2 products — 2 created');
    const second = await run(bomJson);
    expect(second).toMatchObject({ code: 0 });
    expect(second.out).toContain('(read as utf-8 (BOM)): 1 products — 1 created');
    const refused = await run(neither);
    expect(refused.code).toBe(1);
    expect(refused.err.trim().split('\n')).toEqual([
      `catalog:import: ${neither} file: the file is neither UTF-8 nor Big5 (undecodable bytes on line 2); save it as "CSV UTF-8" (or UTF-8 JSON) and try again — nothing was imported`,
    ]);

    const stored = await products();
    expect(stored.map((p) => [p.sku, p.name, p.category])).toEqual([
      ['A1', '高山烏龍', '茶葉'],
      ['B1', '蓋碗', '茶具'],
      ['J1', '紅茶', '茶葉'],
    ]);
    const descriptions = await database.db.selectFrom('products').select('description').execute();
    expect(descriptions.map((d) => d.description)).toContain('清香, 回甘 許 碁');
    expect(JSON.stringify(await database.db.selectFrom('products').selectAll().execute())).not.toContain('\ufffd');
  }, 60_000);

  it('is what `npm run catalog:import` runs: success, and a bad file rejected with its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    const good = join(dir, 'good.csv');
    const bad = join(dir, 'bad.csv');
    writeFileSync(good, `${HEADER}\nA1,烏龍,茶葉,680,30,,\n`);
    writeFileSync(bad, `${HEADER}\nB1,紅茶,茶葉,500,3,,\nB2,綠茶,茶葉,abc,3,,\n`);
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
