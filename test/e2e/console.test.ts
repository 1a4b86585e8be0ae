/**
 * The merchant console in Chromium, against a whole shop (real database, bank and LINE
 * simulators): log in, see a new paid order, refund part of it through the confirm step, edit a
 * price and see it in the chat, upload a product image. Screenshots of every page at 375 px and
 * 1280 px go to test-artifacts/console/ (the README's copies: test/e2e/screenshots/console-*.png).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { encodePostback } from '../../src/messages/postback';
import { getProduct } from '../../src/shop/catalog-repository';
import { refundsOf } from '../../src/shop/payment-repository';
import { account, PASSWORD, paidOrder } from '../admin/helpers';
import { startTestShop, type TestShop } from '../support/shop-harness';
import { CHROMIUM, launchChromium } from './support/chat-flow';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'console');
const describeBrowser = existsSync(CHROMIUM) || process.env.CI === 'true' ? describe : describe.skip;
const WIDTHS = { phone: { width: 375, height: 812 }, desktop: { width: 1280, height: 860 } };
const IMAGE = join(__dirname, '..', '..', 'db', 'seed', 'media', 'products', 'oolong.png');

describeBrowser('merchant console in Chromium', () => {
  let shop: TestShop;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    shop = await startTestShop('sqlite');
    await account(shop, 'owner@example.com', 'owner');
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await shop?.close();
  });

  async function open(width: keyof typeof WIDTHS): Promise<Page> {
    const context = await browser.newContext({ viewport: WIDTHS[width], deviceScaleFactor: 1, locale: 'zh-TW' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    (page as Page & { errors?: string[] }).errors = errors;
    return page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  async function logIn(page: Page): Promise<void> {
    await page.goto(`${shop.url}/admin`);
    await page.waitForURL(/\/admin\/login$/);
    await page.fill('#email', 'owner@example.com');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/admin$/);
  }

  it('logs in, sees a new paid order, refunds part of it, ships it (the customer is told), edits a price seen in the chat, uploads an image', async () => {
    const page = await open('desktop');
    await page.goto(`${shop.url}/admin/login`);
    await shot(page, 'login-1280');
    await logIn(page);

    const order = await paidOrder(shop, { name: '王小明', phone: '0912345678' }, 2);
    await page.goto(`${shop.url}/admin`);
    await page.locator('.stat', { hasText: '今日付款訂單' }).locator('b', { hasText: '1' }).waitFor();
    await shot(page, 'dashboard-1280');

    await page.click('nav.nav a:has-text("訂單")');
    await page.locator('.row', { hasText: order.order_no }).waitFor();
    await shot(page, 'orders-1280');
    await page.click(`.row:has-text("${order.order_no}")`);
    await page.locator('h1', { hasText: order.order_no }).waitFor();
    await shot(page, 'order-1280');

    await page.fill('#amount', '300');
    await page.click('#refund-form button[type=submit]');
    await page.locator('#refund-amount', { hasText: 'NT$300' }).waitFor();
    await shot(page, 'refund-confirm-1280');
    expect(await refundsOf(shop.database.db, order.id)).toEqual([]);
    await page.click('button:has-text("確定退款")');
    await page.locator('.flash', { hasText: '已退款 NT$300' }).waitFor();
    expect((await refundsOf(shop.database.db, order.id)).map((r) => r.amount)).toEqual([300]);

    // Ship it with a tracking number: the customer's chat gets the shipped notice with the number.
    const sentBefore = shop.sim.botMessages(order.line_user_id).length;
    await page.selectOption('#shipping select[name=carrier]', 'tcat');
    await page.fill('#shipping input[name=tracking]', '903221488720');
    await page.click('#shipping button:has-text("出貨")');
    await page.locator('.flash', { hasText: '已出貨' }).waitFor();
    await shot(page, 'order-shipped-1280');
    await shop.sim.waitForMessages(order.line_user_id, sentBefore + 1);
    const notice = JSON.stringify(shop.sim.botMessages(order.line_user_id).at(-1));
    expect(notice).toContain('903221488720');
    expect(notice).toContain('黑貓宅急便');

    // A price edited in the console is what the chat shows next.
    await page.click('nav.nav a:has-text("商品")');
    await shot(page, 'products-1280');
    const product = (await getProduct(shop.database.db, 1))!;
    await page.click(`a:has-text("${product.name}")`);
    await page.fill('#price', '888');
    await page.click('#product-form button[type=submit]');
    await page.locator('.flash', { hasText: '已儲存' }).waitFor();
    const user = `U${'c'.repeat(32)}`;
    await shop.sim.follow(user);
    await shop.sim.waitForMessages(user, 1);
    const before = shop.sim.botMessages(user).length;
    await shop.sim.postback(user, encodePostback({ action: 'category', categoryId: product.category_id, page: 0 }));
    const [carousel] = (await shop.sim.waitForMessages(user, before + 1)).slice(-1);
    expect(JSON.stringify(carousel?.message)).toContain('NT$888');

    await page.setInputFiles('input[name=image]', IMAGE);
    await page.click('button:has-text("上傳圖片")');
    await page.locator('.flash', { hasText: '圖片已更新' }).waitFor();
    const src = await page.getAttribute('#product-image', 'src');
    expect(src).toMatch(/^\/media\/uploads\/[0-9a-f]{32}\.png$/);
    expect(
      await page.evaluate(() => (document.getElementById('product-image') as HTMLImageElement).naturalWidth),
    ).toBeGreaterThan(0);
    await shot(page, 'product-1280');

    await page.click('nav.nav a:has-text("設定")');
    await page.locator('h1', { hasText: '設定' }).waitFor();
    await shot(page, 'settings-1280');
    await page.click('nav.nav a:has-text("對話")');
    await page.locator('h1', { hasText: '顧客對話' }).waitFor();
    await shot(page, 'conversations-1280');
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
  }, 90_000);

  it('renders every page at phone width (375 px) without horizontal scrolling', async () => {
    const page = await open('phone');
    await page.goto(`${shop.url}/admin/login`);
    await shot(page, 'login-375');
    await logIn(page);
    const no = (
      await shop.database.db.selectFrom('orders').select('order_no').orderBy('id', 'desc').executeTakeFirstOrThrow()
    ).order_no;
    for (const [name, path] of [
      ['dashboard', '/admin'],
      ['orders', '/admin/orders?tab=to_ship'],
      ['order', `/admin/orders/${no}`],
      ['products', '/admin/products'],
      ['product', '/admin/products/1'],
      ['settings', '/admin/settings'],
      ['conversations', '/admin/conversations'],
    ] as const) {
      await page.goto(`${shop.url}${path}`);
      await shot(page, `${name}-375`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect([name, overflow <= 0]).toEqual([name, true]);
    }
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
  }, 60_000);
});
