/**
 * Sandbox mode end to end in a real browser: the sandbox is started the way `npm start` starts it
 * (a child process, no LINE credentials), and Chromium acts as the customer — follow, browse from
 * the rich menu, add two products, fill in the delivery page (門市自取), check out by card, pay on
 * the bank's hosted page, land on the shop's result page, see the receipt in the chat. A second
 * customer pays with the decline card; a third picks a 7-ELEVEN on the logistics simulator's store
 * map (超商取貨, NT$60) and pays by ATM transfer.
 * Screenshots go to test-artifacts/sandbox-*.png (git-ignored).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  APPROVED_CARD,
  addToCart,
  botMessage,
  browseCategory,
  CHROMIUM,
  checkoutByCard,
  DECLINED_CARD,
  fillCard,
  fillDeliveryPage,
  foldRichMenu,
  launchChromium,
  newPhone,
  openAndFollow,
  openBankPage,
  PHONE,
  submitCard,
} from './support/chat-flow';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const hasChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';

if (!hasChromium && !inCi) {
  console.warn(
    `\n*** SANDBOX BROWSER TEST SKIPPED: ${CHROMIUM} not found. Install it (apt-get install -y chromium) to run test/e2e/sandbox.test.ts. ***\n`,
  );
}
// In CI chromium is installed by .ci/run, so a missing browser must fail rather than skip.
const describeBrowser = hasChromium || inCi ? describe : describe.skip;

function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(ARTIFACTS, `sandbox-${name}.png`) });
}

describeBrowser('sandbox mode in a real browser', () => {
  let sandbox: SandboxProcess;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // ATM transfers are "made" by the bank simulator 2 s after the order (the default is 5 minutes).
    [sandbox, browser] = await Promise.all([
      startSandboxProcess({
        env: {
          BANK_SIM_ATM_DELAY_SECONDS: '2',
          DELIVERY_PICKUP_ADDRESS: '臺北市大安區茶香路8號',
          DELIVERY_PICKUP_HOURS: '每日 10:00–19:00',
        },
      }),
      launchChromium(),
    ]);
    expect(sandbox.chatUrl).not.toBe('');
  }, 45_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  }, 15_000);

  /** Follow → browse from the rich menu → 台灣茶葉 → add two teas → the cart (NT$1,560). */
  async function fillCart(chat: Page, user: string | undefined, shots: boolean): Promise<void> {
    await openAndFollow(chat, sandbox.chatUrl, user);
    const carousel = await browseCategory(chat, '台灣茶葉', '阿里山高山烏龍');
    await foldRichMenu(chat);
    expect(await carousel.locator('.fx-bubble').count()).toBe(5);
    // Like LINE, the carousel scrolls from one edge of the screen to the other.
    const strip = await carousel.boundingBox();
    expect(strip && [Math.round(strip.x), Math.round(strip.x + strip.width)]).toEqual([0, PHONE.width]);
    // The product pictures come from the shop's /media over http and must really load.
    expect(await carousel.locator('.fx-image-broken').count()).toBe(0);
    if (shots) await shot(chat, '1-browse');

    await addToCart(chat, carousel, '阿里山高山烏龍', 1);
    const cart = await addToCart(chat, carousel, '東方美人茶', 2);
    await expect(cart.textContent()).resolves.toContain('NT$1,560');
    // −/＋/刪除 sit side by side on one line, as in LINE.
    const controls = cart.locator('.fx-box.fx-horizontal', { hasText: '刪除' }).first();
    const boxes = await Promise.all(
      ['－', '＋', '刪除'].map((label) => controls.locator('.fx-button', { hasText: label }).boundingBox()),
    );
    expect(boxes.every((box) => box && Math.abs(box.y - (boxes[0]?.y ?? 0)) < 1)).toBe(true);
    if (shots) await shot(chat, '2-cart');
  }

  /**
   * From the cart: 前往結帳 → 信用卡 → the pay-link bubble → its URI button opens the bank's hosted
   * card page in a new tab → pay with `card` → the bank sends the browser back to the shop's
   * result page. Returns that tab, on the final result.
   */
  async function payByCard(context: BrowserContext, chat: Page, card: string, shots: boolean): Promise<Page> {
    // 門市自取 is free: the amount is the goods'.
    const { choice, payLink } = await checkoutByCard(chat, botMessage(chat, '共 2 件'), 'pickup', shots);
    await expect(choice.textContent()).resolves.toContain('NT$1,560');
    await expect(choice.textContent()).resolves.toContain('門市自取');
    await expect(payLink.textContent()).resolves.toContain('NT$1,560');
    if (shots) await shot(chat, '3-pay-link');

    const bank = await openBankPage(context, payLink);
    expect(bank.url().startsWith(sandbox.bankUrl)).toBe(true);
    await expect(bank.locator('button[type="submit"]').textContent()).resolves.toContain('1,560');
    await fillCard(bank, card);
    if (shots) await shot(bank, '4-bank-page');
    await submitCard(bank);
    expect(bank.url().startsWith(sandbox.shopUrl.replace('127.0.0.1', 'localhost'))).toBe(true);
    return bank;
  }

  test('follow, browse, add two products, pay by card, result page, receipt in the chat', async () => {
    const { context, chat, errors } = await newPhone(browser);
    await fillCart(chat, undefined, true);
    const result = await payByCard(context, chat, APPROVED_CARD, true);

    await expect(result.locator('h1').textContent()).resolves.toBe('付款成功');
    const body = (await result.locator('main p').textContent()) ?? '';
    const paid = /訂單 (\w+) 已完成付款，金額 NT\$1,560/.exec(body);
    expect(paid).not.toBeNull();
    const orderNo = paid?.[1] as string;
    await shot(result, '5-result-paid');
    await result.close();

    // Back in the chat: the receipt has been pushed.
    await chat.bringToFront();
    const receipt = botMessage(chat, '感謝您的購買');
    await receipt.waitFor({ timeout: 15_000 });
    const receiptText = (await receipt.textContent()) ?? '';
    expect(receiptText).toContain(orderNo);
    expect(receiptText).toContain('NT$1,560');
    expect(receiptText).toContain('門市自取');
    expect(receiptText).toContain('免運');
    expect(receiptText).toContain('阿里山高山烏龍');
    expect(receiptText).toContain('東方美人茶');
    await shot(chat, '6-receipt');
    // Nothing the shop sent was refused by the (simulated) Messaging API.
    expect(await chat.locator('[data-testid="system-notice"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  test('a second customer pays with the decline card: result page and chat say it failed', async () => {
    const response = await fetch(`${sandbox.lineSimUrl}/sim/api/users`, { method: 'POST' });
    const { userId } = (await response.json()) as { userId: string };
    const { context, chat, errors } = await newPhone(browser);
    await fillCart(chat, userId, false);
    const result = await payByCard(context, chat, DECLINED_CARD, false);

    await expect(result.locator('h1').textContent()).resolves.toBe('付款沒有成功');
    await shot(result, '7-result-failed');
    await result.close();

    await chat.bringToFront();
    const failed = botMessage(chat, '付款沒有成功');
    await failed.waitFor({ timeout: 15_000 });
    await expect(failed.locator('.fx-button', { hasText: '重新付款' }).count()).resolves.toBe(1);
    expect(await chat.locator('.row.bot', { hasText: '感謝您的購買' }).count()).toBe(0);
    await shot(chat, '8-payment-failed');
    expect(await chat.locator('[data-testid="system-notice"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 45_000);

  test('a third customer pays by ATM transfer: account number in the chat, then the receipt', async () => {
    const response = await fetch(`${sandbox.lineSimUrl}/sim/api/users`, { method: 'POST' });
    const { userId } = (await response.json()) as { userId: string };
    const { context, chat, errors } = await newPhone(browser);
    await fillCart(chat, userId, false);
    // 超商取貨 with the logistics simulator's store map: NT$1,560 + 運費 NT$60.
    const { page, confirmation: choice } = await fillDeliveryPage(
      chat,
      botMessage(chat, '共 2 件'),
      'cvs',
      async (p, stage) => {
        await p.setViewportSize({ width: 375, height: 812 });
        await p.screenshot({ path: join(ARTIFACTS, `delivery-cvs-${stage}.png`), fullPage: true });
      },
    );
    await page.close();
    await chat.bringToFront();
    await choice.scrollIntoViewIfNeeded();
    await shot(chat, '8-order-confirmation');
    await expect(choice.textContent()).resolves.toContain('NT$1,620');
    await choice.locator('.fx-button', { hasText: 'ATM' }).click();
    // The virtual account to transfer to: bank code 807 (SinoPac) and a 14-digit account number.
    const account = botMessage(chat, '807');
    await account.waitFor({ timeout: 15_000 });
    const accountText = (await account.textContent()) ?? '';
    expect(accountText).toContain('NT$1,620');
    expect(accountText).toContain('超商取貨');
    expect(accountText.replace(/\s|-/g, '')).toMatch(/\d{14}/);
    await account.scrollIntoViewIfNeeded();
    await shot(chat, '9-atm-account');
    // The bank simulator "receives" the transfer, notifies the shop, and the receipt arrives.
    const receipt = botMessage(chat, '感謝您的購買');
    await receipt.waitFor({ timeout: 20_000 });
    expect((await receipt.textContent()) ?? '').toContain('ATM');
    expect((await receipt.textContent()) ?? '').toContain('NT$60');
    expect((await receipt.textContent()) ?? '').toContain('超商取貨（7-ELEVEN）');
    expect((await receipt.textContent()) ?? '').toContain('青松門市');
    await shot(chat, '10-atm-receipt');
    expect(await chat.locator('[data-testid="system-notice"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
