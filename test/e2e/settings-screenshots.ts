/**
 * Photographs the console's Settings with contact details and the FAQ for a person to look at:
 *   npx tsx test/e2e/settings-screenshots.ts [outDir]     (default: test-artifacts/settings)
 * A test shop on SQLite: the owner fills in the contact fields and adds FAQ entries in Chromium,
 * a wrong phone is refused beside the field (375 px and 1280 px), and the 客服 bubble in the LINE
 * simulator's chat page shows the new phone and the merchant's question.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { account, PASSWORD } from '../admin/helpers';
import { startTestShop, type TestShop } from '../support/shop-harness';
import { botMessage, launchChromium, newPhone } from './support/chat-flow';

const OUT = process.argv[2] ?? join(__dirname, '..', '..', 'test-artifacts', 'settings');
const USER = 'U6664567890abcdef1234567890abcdef';

async function console_(browser: Browser, shop: TestShop, width: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1, locale: 'zh-TW' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${shop.url}/admin/login`);
  await page.fill('#email', 'owner@example.com');
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/admin$/);
  await page.goto(`${shop.url}/admin/settings`);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
}

async function addFaq(page: Page, question: string, keywords: string, answer: string): Promise<void> {
  await page.click('.faq-new > summary');
  await page.fill('#faq-new-question', question);
  await page.fill('#faq-new-keywords', keywords);
  await page.fill('#faq-new-answer', answer);
  await page.click('#faq-new-form button[type=submit]');
  await page.locator('.flash', { hasText: '已新增問答' }).waitFor();
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const [shop, browser] = await Promise.all([startTestShop('sqlite'), launchChromium()]);
  try {
    await account(shop, 'owner@example.com', 'owner');
    const phone = await console_(browser, shop, 375);
    await phone.fill('#phone', '04-2222-3333');
    await phone.fill('#email', 'shoes@example.com');
    await phone.fill('#hours', '週二至週日 11:00–19:00');
    await phone.fill('#address', '台中市西區公益路 1 號');
    await phone.click('#profile-form button[type=submit]');
    await phone.locator('.flash', { hasText: '商店資料已儲存' }).waitFor();
    await addFaq(phone, '有實體門市可以試穿嗎？', '門市，實體店，試穿', '有的，歡迎週二至週日 11:00–19:00 來店試穿。');
    await addFaq(
      phone,
      '鞋子尺寸怎麼選？',
      '尺寸，鞋號，大小',
      '建議量腳長後選擇：腳長 + 0.5 公分即為鞋號。不確定可以直接傳照片問我們。',
    );
    await phone.locator('.faq-list details').first().locator('summary').click();
    await shot(phone, 'settings-375');
    await phone.locator('#faq').screenshot({ path: join(OUT, 'settings-faq-375.png') });
    await phone.locator('#profile-form').screenshot({ path: join(OUT, 'settings-profile-375.png') });
    await phone.fill('#phone', '打給我');
    await phone.click('#profile-form button[type=submit]');
    await phone.locator('#phone-error').waitFor();
    await phone.locator('#phone').scrollIntoViewIfNeeded();
    await phone.evaluate(() => document.fonts.ready);
    await phone.screenshot({ path: join(OUT, 'settings-phone-error-375.png') });

    const desktop = await console_(browser, shop, 1280);
    await desktop.locator('.faq-auto details').first().locator('summary').click();
    await shot(desktop, 'settings-1280');
    await desktop.screenshot({
      path: join(OUT, 'settings-top-1280.png'),
      fullPage: true,
      clip: { x: 0, y: 0, width: 1280, height: 1400 },
    });
    await desktop.locator('#faq').screenshot({ path: join(OUT, 'settings-faq-1280.png') });

    shop.sim.addUser(USER, { displayName: '小美' });
    const { chat } = await newPhone(browser, { width: 375, height: 1400 });
    await chat.goto(`${shop.sim.url}/chat?user=${USER}`);
    await chat.click('#follow');
    await botMessage(chat, '想看哪一類呢？').waitFor();
    await chat.fill('#text-input', '客服');
    await chat.click('#send');
    const help = botMessage(chat, '客服中心');
    await help.waitFor();
    await chat.evaluate(() => document.fonts.ready);
    await help.screenshot({ path: join(OUT, 'help-bubble-375.png') });
    console.log(`screenshots in ${OUT}`);
  } finally {
    await browser.close();
    await shop.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
