/**
 * Products in the console on both databases: edit with the catalog rules (errors beside the
 * field), stock adjustments with a reason kept as history and never below what is reserved, image
 * upload checked by content, CSV export and import with the catalog import's rules, markup as text.
 */
import { recentAudit } from '../../src/admin/account-repository';
import { productBySku, stockHistory } from '../../src/admin/product-repository';
import { getProduct } from '../../src/shop/catalog-repository';
import { searchProducts } from '../../src/shop/product-search-repository';
import { searchTerms } from '../../src/shop/search-text';
import { dialects } from '../support/databases';
import { startTestShop, type TestShop } from '../support/shop-harness';
import { account, ConsoleClient } from './helpers';

const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==',
  'base64',
);

async function upload(c: ConsoleClient, path: string, page: string, name: string, bytes: Buffer, field = 'image') {
  const token = ConsoleClient.csrfOf((await c.get(page)).text);
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(bytes)]), name);
  return c.request('POST', `${path}?_csrf=${encodeURIComponent(token)}`, form);
}

describe.each(dialects)('console products on %s', (dialect) => {
  let shop: TestShop;
  let owner: ConsoleClient;
  beforeAll(async () => {
    shop = await startTestShop(dialect);
    await account(shop, 'owner@example.com');
    owner = new ConsoleClient(shop.url);
    await owner.login('owner@example.com');
  });
  afterAll(() => shop.close());

  it('lists products with stock, reserved and free', async () => {
    const res = await owner.get('/admin/products');
    expect(res.status).toBe(200);
    expect(res.text).toContain('阿里山高山烏龍');
    expect(res.text).toContain('<th class="num">保留</th>');
  });

  it('edits a product; a bad price is refused beside the field and nothing changes', async () => {
    const before = (await getProduct(shop.database.db, 1))!;
    const form = { name: before.name, category: '台灣茶葉', price: 'abc', description: 'x', active: 'on' };
    const bad = await owner.post('/admin/products/1', form, '/admin/products/1');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('價格需為 1 到 9,999,999 的整數');
    expect((await getProduct(shop.database.db, 1))?.price).toBe(before.price);
    const ok = await owner.post('/admin/products/1', { ...form, price: '720', threshold: '5' }, '/admin/products/1');
    expect([ok.status, ok.headers.get('location')]).toEqual([303, '/admin/products/1?saved=1']);
    expect(await getProduct(shop.database.db, 1)).toMatchObject({ price: 720, low_stock_threshold: 5, active: 1 });
    expect((await recentAudit(shop.database.db, 1, 'product:1'))[0]?.detail).toContain(`price ${before.price}→720`);
  });

  it('creates a product whose name with markup is shown as text', async () => {
    const res = await owner.post(
      '/admin/products',
      { sku: 'XSS-1', name: '<img src=x onerror=alert(1)>', category: '測試', price: '100', stock: '3', active: 'on' },
      '/admin/products/new',
    );
    expect(res.status).toBe(303);
    const list = await owner.get('/admin/products');
    expect(list.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(list.text).not.toContain('<img src=x');
    const dup = await owner.post(
      '/admin/products',
      { sku: 'XSS-1', name: 'again', category: '測試', price: '100', stock: '1' },
      '/admin/products/new',
    );
    expect(dup.status).toBe(400);
    expect(dup.text).toContain('這個貨號已經有商品了');
  });

  it('keeps typed search in step: a product created or renamed in the console is found by its words at once', async () => {
    const found = async (words: string) =>
      (await searchProducts(shop.database.db, searchTerms(words), 20)).products.map((p) => p.sku);
    const made = await owner.post(
      '/admin/products',
      { sku: 'SEARCH-1', name: '桂花烏龍冷泡茶', category: '測試', price: '300', stock: '5', active: 'on' },
      '/admin/products/new',
    );
    expect(made.status).toBe(303);
    expect(await found('桂花')).toContain('SEARCH-1');
    const id = (await productBySku(shop.database.db, 'SEARCH-1'))?.id as number;
    const form = { name: '蜜香紅茶', category: '測試', price: '300', description: '', active: 'on' };
    expect((await owner.post(`/admin/products/${id}`, form, `/admin/products/${id}`)).status).toBe(303);
    expect(await found('蜜香')).toContain('SEARCH-1');
    expect(await found('桂花')).not.toContain('SEARCH-1');
  });

  it('adjusts stock with a reason kept as history, never below what is reserved', async () => {
    const p = (await getProduct(shop.database.db, 2))!;
    await shop.database.db.updateTable('products').set({ stock: 10, reserved: 4 }).where('id', '=', 2).execute();
    const up = await owner.post('/admin/products/2/stock', { delta: '+5', reason: '進貨' }, '/admin/products/2');
    expect(up.status).toBe(200);
    expect(up.text).toContain('庫存已調整為 15');
    const tooLow = await owner.post('/admin/products/2/stock', { delta: '-12', reason: '盤點' }, '/admin/products/2');
    expect(tooLow.status).toBe(409);
    expect(tooLow.text).toContain('已被訂單保留的 4 件');
    const noReason = await owner.post('/admin/products/2/stock', { delta: '-1', reason: '' }, '/admin/products/2');
    expect(noReason.status).toBe(400);
    expect(await getProduct(shop.database.db, 2)).toMatchObject({ stock: 15, reserved: 4 });
    const history = await stockHistory(shop.database.db, p.id, 5);
    expect(history.map((h) => [h.delta, h.stock_after, h.reason, h.actor])).toEqual([
      [5, 15, '進貨', 'owner@example.com'],
    ]);
    expect((await recentAudit(shop.database.db, 1, 'product:2'))[0]?.action).toBe('stock_adjusted');
  });

  it('takes a PNG checked by its content and serves it at /media/uploads; refuses other content', async () => {
    const fake = await upload(owner, '/admin/products/3/image', '/admin/products/3', 'evil.png', Buffer.from('<svg/>'));
    expect(fake.status).toBe(400);
    expect(fake.text).toContain('只接受 PNG 或 JPEG');
    const big = Buffer.concat([PNG_1PX, Buffer.alloc(1024 * 1024)]);
    const tooBig = await upload(owner, '/admin/products/3/image', '/admin/products/3', 'big.png', big);
    expect(tooBig.status).toBe(413);
    const ok = await upload(owner, '/admin/products/3/image', '/admin/products/3', 'any-name.jpg', PNG_1PX);
    expect(ok.status).toBe(200);
    const url = (await getProduct(shop.database.db, 3))?.image_url as string;
    expect(url).toMatch(/^\/media\/uploads\/[0-9a-f]{32}\.png$/);
    const served = await fetch(`${shop.url}${url}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG_1PX)).toBe(true);
    // Without the CSRF token nothing is stored.
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(PNG_1PX)]), 'a.png');
    expect((await owner.request('POST', '/admin/products/4/image', form)).status).toBe(403);
    expect((await getProduct(shop.database.db, 4))?.image_url).not.toMatch(/uploads/);
  });

  it('exports the catalog as CSV and imports it back with the catalog rules (all or nothing)', async () => {
    const csv = await owner.get('/admin/products/export.csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('sku,name,category,price,stock,description,image_url');
    const edited = csv.text
      .replace('TEA-OOLONG-150,', 'TEA-OOLONG-150,')
      .replace(/\r\n$/, '\r\nNEW-1,新茶,台灣茶葉,350,8,,\r\n');
    const ok = await upload(owner, '/admin/products/import', '/admin/products', 'c.csv', Buffer.from(edited), 'file');
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('匯入完成：新增 1 項');
    const badCsv =
      'sku,name,category,price,stock,description,image_url\r\nOK-1,好,茶,100,1,,\r\nBAD-1,壞,茶,-5,1,,\r\n';
    const bad = await upload(owner, '/admin/products/import', '/admin/products', 'c.csv', Buffer.from(badCsv), 'file');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('line 3');
    const skus = await shop.database.db
      .selectFrom('products')
      .select('sku')
      .where('sku', 'in', ['OK-1', 'NEW-1'])
      .execute();
    expect(skus.map((s) => s.sku)).toEqual(['NEW-1']);
  });
});
