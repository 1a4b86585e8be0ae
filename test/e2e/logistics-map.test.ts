/**
 * The logistics simulator's store map in a real browser at phone width: the shop's page sends the
 * browser to /Express/map, the customer filters by city and taps a store, and the browser lands on
 * the shop's ServerReplyURL with ECPay's fields. Screenshot: test-artifacts/logistics-map.png
 * (the README's copy is test/e2e/screenshots/logistics-map.png).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { mapRedirectHtml, parseMapReply } from '../../src/ecpay';
import { silentLogger } from '../../src/logger';
import { type LogisticsSimulator, startLogisticsSimulator } from '../../src/sandbox/logistics';
import { CHROMIUM, launchChromium, newPhone } from './support/chat-flow';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const describeBrowser = existsSync(CHROMIUM) || process.env.CI === 'true' ? describe : describe.skip;

describeBrowser('logistics store map in Chromium', () => {
  let sim: LogisticsSimulator;
  let shop: Server;
  let shopUrl = '';
  let browser: Browser;
  const replies: Record<string, string>[] = [];

  beforeAll(async () => {
    sim = await startLogisticsSimulator({ tickIntervalMs: 0, stepDelayMs: 0, logger: silentLogger });
    shop = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/start') {
        const html = mapRedirectHtml(
          { baseUrl: sim.url, merchantId: '2000933', hashKey: '', hashIv: '' },
          { subType: 'UNIMARTC2C', merchantTradeNo: 'MAP1', serverReplyUrl: `${shopUrl}/map-reply`, extraData: 'ck-9' },
        );
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
        return;
      }
      if (req.method !== 'POST' || req.url !== '/map-reply') {
        res.writeHead(404).end();
        return;
      }
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        body += c;
      });
      req.on('end', () => {
        replies.push(Object.fromEntries(new URLSearchParams(body)));
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<p id="done">門市已收到</p>');
      });
    });
    await new Promise<void>((r) => shop.listen(0, '127.0.0.1', r));
    shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await sim?.close();
    await new Promise<void>((r) => shop.close(() => r()));
  });

  it('shows the stores at 375 px with the bundled font, filters by city, and posts the chosen store back', async () => {
    const { context, chat: page, errors } = await newPhone(browser, { width: 375, height: 740 });
    try {
      await page.goto(`${shopUrl}/start`);
      await page.waitForURL(`${sim.url}/Express/map`);
      await page.locator('#stores li').first().waitFor();
      expect(await page.locator('#stores li:visible').count()).toBe(9);
      await page.selectOption('#city', '台北市');
      expect(await page.locator('#stores li:visible').count()).toBe(2);
      await page.locator('#count', { hasText: '共 2 間門市' }).waitFor();
      await page.evaluate(() => document.fonts.ready);
      expect(await page.evaluate(() => document.fonts.check('16px "Noto Sans TC"', '選擇取貨門市'))).toBe(true);
      // Nothing sticks out sideways on a phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      await page.selectOption('#city', '');
      await page.setViewportSize({ width: 360, height: 740 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await page.setViewportSize({ width: 375, height: 740 });
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'logistics-map.png') });

      await page.fill('#q', '雲河');
      expect(await page.locator('#stores li:visible').count()).toBe(1);
      await page.locator('#stores li:visible button').click();
      await page.locator('#done').waitFor();
      expect(replies.at(-1)).toEqual({
        MerchantID: '2000933',
        MerchantTradeNo: 'MAP1',
        LogisticsSubType: 'UNIMARTC2C',
        CVSStoreID: '241652',
        CVSStoreName: '雲河門市',
        CVSAddress: '台北市大安區雲河街88號1樓',
        CVSTelephone: '(02)2704-1122',
        CVSOutSide: '0',
        ExtraData: 'ck-9',
      });
      expect(parseMapReply(replies.at(-1) ?? {}, { merchantId: '2000933', subType: 'UNIMARTC2C' }).ok).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
