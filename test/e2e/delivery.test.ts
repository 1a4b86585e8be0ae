/**
 * The delivery step in the sandbox, in Chromium at phone width (375 px): 宅配 with mistakes shown
 * beside the fields, then corrected → the order confirmation → card → the receipt shows 宅配到府 and
 * the fee; the same customer's next checkout ships to the saved recipient in one tap; the page for
 * 門市自取, and every method's section at 360 px. (超商取貨 + ATM and 門市自取 + card run in sandbox.test.ts.)
 * Screenshots: test-artifacts/delivery-*.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  APPROVED_CARD,
  addToCart,
  botMessage,
  browseCategory,
  CHROMIUM,
  fillCard,
  foldRichMenu,
  launchChromium,
  newPhone,
  openAndFollow,
  openBankPage,
  submitCard,
} from './support/chat-flow';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const describeBrowser = existsSync(CHROMIUM) || process.env.CI === 'true' ? describe : describe.skip;
const PHONE_375 = { width: 375, height: 812 };

describeBrowser('delivery step in the sandbox (Chromium, 375 px)', () => {
  let sandbox: SandboxProcess;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [sandbox, browser] = await Promise.all([
      startSandboxProcess({
        env: {
          FREE_SHIPPING_THRESHOLD: '3000',
          DELIVERY_PICKUP_ADDRESS: '臺北市大安區茶香路8號',
          DELIVERY_PICKUP_HOURS: '每日 10:00–19:00',
        },
      }),
      launchChromium(),
    ]);
  }, 45_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  }, 15_000);

  async function shot(page: Page, name: string): Promise<void> {
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: join(ARTIFACTS, `delivery-${name}.png`), fullPage: true });
  }

  async function openDeliveryPage(chat: Page, button: string): Promise<Page> {
    const step = botMessage(chat, '填寫收件資料');
    await step.waitFor();
    const [page] = await Promise.all([
      chat.context().waitForEvent('page'),
      step.locator('.fx-button', { hasText: button }).click(),
    ]);
    page.setDefaultTimeout(15_000);
    await page.setViewportSize(PHONE_375);
    await page.waitForSelector('#confirm');
    return page;
  }

  test('宅配 + card: errors beside the fields, the confirmation with 運費, the receipt with method and fee; then one tap to the saved recipient', async () => {
    const { context, chat, errors } = await newPhone(browser, PHONE_375);
    await openAndFollow(chat, sandbox.chatUrl);
    const carousel = await browseCategory(chat, '台灣茶葉', '阿里山高山烏龍');
    await foldRichMenu(chat);
    await addToCart(chat, carousel, '阿里山高山烏龍', 1);
    const cart = await addToCart(chat, carousel, '東方美人茶', 2);
    await cart.locator('.fx-button', { hasText: '前往結帳' }).click();
    const step = botMessage(chat, '填寫收件資料');
    await step.waitFor();
    await expect(step.textContent()).resolves.toContain('還差 NT$1,440 免運');

    const page = await openDeliveryPage(chat, '填寫收件資料');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await expect(page.locator('.free').textContent()).resolves.toContain('還差 NT$1,440 免運');
    await page.locator('input[name=method][value=pickup]').check();
    await expect(page.locator('#sec-pickup').textContent()).resolves.toContain('臺北市大安區茶香路8號');
    await shot(page, 'pickup');

    await page.locator('input[name=method][value=home]').check();
    await page.fill('#name', '王1');
    await page.fill('#phone', '0912');
    await page.selectOption('#city', '臺北市');
    await page.selectOption('#district', '大安區');
    await expect(page.locator('#district option:checked').textContent()).resolves.toBe('106 大安區');
    await page.fill('#address', '和平東路');
    await page.click('#confirm');
    await page.locator('#err-name').waitFor();
    await expect(page.locator('#err-name').textContent()).resolves.toContain('不可包含數字');
    await expect(page.locator('#err-phone').textContent()).resolves.toContain('09 開頭');
    await expect(page.locator('#err-address').textContent()).resolves.toContain('門牌號碼');
    // Each message sits right under its own field.
    const nameBox = await page.locator('#name').boundingBox();
    const nameErr = await page.locator('#err-name').boundingBox();
    expect(nameErr && nameBox && nameErr.y - (nameBox.y + nameBox.height)).toBeLessThan(20);
    await shot(page, 'errors');

    await page.fill('#name', '王小明');
    await page.fill('#phone', '0912-345-678');
    await page.fill('#address', '和平東路一段12號3樓');
    await shot(page, 'home');
    // Every method's section fits 360 px too.
    await page.setViewportSize({ width: 360, height: 740 });
    for (const m of ['cvs', 'pickup', 'home']) {
      await page.locator(`input[name=method][value=${m}]`).check();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    }
    await page.setViewportSize(PHONE_375);
    await page.click('#confirm');
    await page.locator('#back', { hasText: '回到 LINE' }).waitFor();
    await shot(page, 'done');
    await page.close();

    await chat.bringToFront();
    const confirmation = botMessage(chat, '確認訂單');
    await confirmation.waitFor({ timeout: 15_000 });
    const text = (await confirmation.textContent()) ?? '';
    for (const w of ['宅配到府', '運費', 'NT$100', 'NT$1,660', '王*明', '0912-***-678', '臺北市大安區…']) {
      expect(text).toContain(w);
    }
    expect(text).not.toContain('和平東路');
    await confirmation.scrollIntoViewIfNeeded();
    await chat.screenshot({ path: join(ARTIFACTS, 'delivery-confirmation-bubble.png') });

    await confirmation.locator('.fx-button', { hasText: '信用卡' }).click();
    const payLink = botMessage(chat, '前往付款');
    await payLink.waitFor({ timeout: 15_000 });
    await expect(payLink.textContent()).resolves.toContain('宅配到府');
    const bank = await openBankPage(context, payLink);
    await expect(bank.locator('button[type="submit"]').textContent()).resolves.toContain('1,660');
    await fillCard(bank, APPROVED_CARD);
    await submitCard(bank);
    await bank.close();
    await chat.bringToFront();
    const receipt = botMessage(chat, '感謝您的購買');
    await receipt.waitFor({ timeout: 15_000 });
    const receiptText = (await receipt.textContent()) ?? '';
    expect(receiptText).toContain('宅配到府');
    expect(receiptText).toContain('運費');
    expect(receiptText).toContain('NT$100');
    expect(receiptText).toContain('NT$1,660');
    await receipt.scrollIntoViewIfNeeded();
    await chat.screenshot({ path: join(ARTIFACTS, 'delivery-receipt.png') });

    // Next time: the saved recipient is offered first, one tap. (繼續購物 on the receipt.)
    await receipt.locator('.fx-button', { hasText: '繼續購物' }).click();
    await chat.locator('.row.bot .fx-button', { hasText: '台灣茶葉' }).last().click();
    const again = chat.locator('.fx-carousel', { hasText: '阿里山高山烏龍' }).last();
    await again.waitFor();
    const cart2 = await addToCart(chat, again, '阿里山高山烏龍', 1);
    await cart2.locator('.fx-button', { hasText: '前往結帳' }).click();
    const step2 = botMessage(chat, '寄到 王*明');
    await step2.waitFor();
    await step2.scrollIntoViewIfNeeded();
    await chat.screenshot({ path: join(ARTIFACTS, 'delivery-saved-recipient.png') });
    await step2.locator('.fx-button', { hasText: '寄到 王*明' }).click();
    const confirmation2 = botMessage(chat, 'NT$780');
    await confirmation2.waitFor({ timeout: 15_000 });
    await expect(confirmation2.textContent()).resolves.toContain('宅配到府');
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  test('a forged link gets the 403 page, in zh-TW with 回到 LINE', async () => {
    const { context, chat } = await newPhone(browser, PHONE_375);
    const res = await chat.goto(`${sandbox.shopUrl}/delivery?t=Uxxx.AAAAAAAAAAAAAAAA.zzzz.${'A'.repeat(32)}`);
    expect(res?.status()).toBe(403);
    await expect(chat.locator('h1').textContent()).resolves.toBe('連結無效');
    await expect(chat.locator('a.btn').textContent()).resolves.toBe('回到 LINE');
    await shot(chat, 'forged-link');
    await context.close();
  });
});
