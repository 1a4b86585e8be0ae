/**
 * Sandbox mode end to end in a real browser: the sandbox is started the way `npm start` starts it
 * (a child process, no LINE credentials), and Chromium acts as the customer — follow, browse from
 * the rich menu, add two products, check out by card, pay on the bank's hosted page, land on the
 * shop's result page, see the receipt in the chat. A second customer pays with the decline card.
 * Screenshots go to test-artifacts/ (git-ignored).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const hasChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';

if (!hasChromium && !inCi) {
  console.warn(
    `\n*** SANDBOX BROWSER TEST SKIPPED: ${CHROMIUM} not found. Install it (apt-get install -y chromium) to run test/e2e. ***\n`,
  );
}
// In CI chromium is installed by .ci/run, so a missing browser must fail rather than skip.
const describeBrowser = hasChromium || inCi ? describe : describe.skip;

/** A phone: what a customer sees in LINE. */
const PHONE = { width: 390, height: 844 };
const APPROVED_CARD = '4000221111111111';
const DECLINED_CARD = '4000221111112002';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(ARTIFACTS, `sandbox-${name}.png`) });
}

/** The newest bot message in the chat that contains `text`. */
function botMessage(page: Page, text: string) {
  return page.locator('.row.bot', { hasText: text }).last();
}

/** Waits until every <img> in the chat has loaded (or failed), so screenshots show the pictures. */
async function imagesSettled(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    [...document.querySelectorAll<HTMLImageElement>('#messages img, #rich-menu img')].every((img) => img.complete),
  );
}

describeBrowser('sandbox mode in a real browser', () => {
  let sandbox: SandboxProcess;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [sandbox, browser] = await Promise.all([
      startSandboxProcess(),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
  }, 45_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  }, 15_000);

  async function newPhone(): Promise<{ context: BrowserContext; chat: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, locale: 'zh-TW' });
    const chat = await context.newPage();
    chat.setDefaultTimeout(10_000);
    const errors: string[] = [];
    chat.on('pageerror', (error) => errors.push(error.message));
    return { context, chat, errors };
  }

  /** Follow → browse from the rich menu → 台灣茶葉 → add two teas → cart. */
  async function fillCart(chat: Page, user: string | undefined, shots: boolean): Promise<void> {
    await chat.goto(user ? `${sandbox.chatUrl}?user=${user}` : sandbox.chatUrl);
    await chat.click('#follow');
    await botMessage(chat, '想看哪一類呢？').waitFor();
    await chat.waitForSelector('#rich-menu:not([hidden]) .rich-menu-area');

    // The rich menu's 瀏覽商品 area, as a customer would tap it.
    await chat.locator('.rich-menu-area[title="瀏覽商品"]').click();
    await chat.locator('.row.user .bubble', { hasText: '瀏覽商品' }).waitFor();
    // Fold the rich menu away (tap the chat bar), as one does to see more of the chat.
    await chat.click('#chat-bar-text');
    await chat.waitForSelector('#rich-menu', { state: 'hidden' });
    await chat.locator('.row.bot .fx-button', { hasText: '台灣茶葉' }).last().click();
    const carousel = chat.locator('.fx-carousel', { hasText: '阿里山高山烏龍' }).last();
    await carousel.waitFor();
    expect(await carousel.locator('.fx-bubble').count()).toBe(5);
    // The product pictures come from the shop's /media over http and must really load.
    await imagesSettled(chat);
    const broken = await carousel.locator('.fx-image-broken').count();
    expect(broken).toBe(0);
    if (shots) await shot(chat, '1-browse');

    await carousel.locator('.fx-bubble', { hasText: '阿里山高山烏龍' }).locator('.fx-button').click();
    await botMessage(chat, '共 1 件').waitFor();
    await carousel.locator('.fx-bubble', { hasText: '東方美人茶' }).locator('.fx-button').click();
    const cart = botMessage(chat, '共 2 件');
    await cart.waitFor();
    await expect(cart.textContent()).resolves.toContain('NT$1,560');
    // −/＋/刪除 sit side by side on one line, as in LINE.
    const controls = cart.locator('.fx-box.fx-horizontal', { hasText: '刪除' }).first();
    const boxes = await Promise.all(
      ['－', '＋', '刪除'].map((label) => controls.locator('.fx-button', { hasText: label }).boundingBox()),
    );
    expect(boxes.every((b) => b && Math.abs(b.y - (boxes[0]?.y ?? 0)) < 1)).toBe(true);
    if (shots) await shot(chat, '2-cart');
  }

  /**
   * From the cart: 前往結帳 → 信用卡 → the pay-link bubble → its URI button opens the bank's hosted
   * card page in a new tab (LINE's in-app browser) → pay with `card` → the bank sends the browser
   * back to the shop's result page. Returns that tab, on the final result.
   */
  async function payByCard(context: BrowserContext, chat: Page, card: string, shots: boolean): Promise<Page> {
    await botMessage(chat, '共 2 件').locator('.fx-button', { hasText: '前往結帳' }).click();
    const choice = botMessage(chat, '選擇付款方式');
    await choice.waitFor();
    await expect(choice.textContent()).resolves.toContain('NT$1,560');
    await choice.locator('.fx-button', { hasText: '信用卡' }).click();
    // The pay link arrives once the shop has created the order at the bank (a push, not a reply).
    const payLink = botMessage(chat, '前往付款');
    await payLink.waitFor({ timeout: 15_000 });
    await expect(payLink.textContent()).resolves.toContain('NT$1,560');
    if (shots) {
      await imagesSettled(chat);
      await shot(chat, '3-pay-link');
    }

    const [bank] = await Promise.all([
      context.waitForEvent('page'),
      payLink.locator('.fx-button', { hasText: '前往付款' }).click(),
    ]);
    bank.setDefaultTimeout(15_000);
    await bank.waitForSelector('#cardNo');
    expect(bank.url().startsWith(sandbox.bankUrl)).toBe(true);
    await expect(bank.locator('button[type="submit"]').textContent()).resolves.toContain('1,560');
    await bank.fill('#cardNo', card);
    await bank.fill('#exp', '12/39');
    await bank.fill('#cvc', '123');
    if (shots) await shot(bank, '4-bank-page');
    await bank.click('button[type="submit"]');
    // The bank's page posts the browser back to the shop (ReturnURL), which shows the outcome.
    await bank.waitForURL((url) => url.pathname.startsWith('/payments/qpay/'));
    await bank.locator('h1', { hasText: /付款成功|付款沒有成功/ }).waitFor();
    return bank;
  }

  test('follow, browse, add two products, pay by card, result page, receipt in the chat', async () => {
    const { context, chat, errors } = await newPhone();
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
    expect(receiptText).toContain('阿里山高山烏龍');
    expect(receiptText).toContain('東方美人茶');
    await receipt.scrollIntoViewIfNeeded();
    await imagesSettled(chat);
    await shot(chat, '6-receipt');
    // Nothing the shop sent was refused by the (simulated) Messaging API.
    expect(await chat.locator('[data-testid="system-notice"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  test('a second customer pays with the decline card: result page and chat say it failed', async () => {
    const info = (await (await fetch(`${sandbox.lineSimUrl}/sim/api/users`, { method: 'POST' })).json()) as {
      userId: string;
    };
    const { context, chat, errors } = await newPhone();
    await fillCart(chat, info.userId, false);
    const result = await payByCard(context, chat, DECLINED_CARD, false);

    await expect(result.locator('h1').textContent()).resolves.toBe('付款沒有成功');
    await shot(result, '7-result-failed');
    await result.close();

    await chat.bringToFront();
    const failed = botMessage(chat, '付款沒有成功');
    await failed.waitFor({ timeout: 15_000 });
    await expect(failed.locator('.fx-button', { hasText: '重新付款' }).count()).resolves.toBe(1);
    expect(await chat.locator('.row.bot', { hasText: '感謝您的購買' }).count()).toBe(0);
    await failed.scrollIntoViewIfNeeded();
    await shot(chat, '8-payment-failed');
    expect(errors).toEqual([]);
    await context.close();
  }, 45_000);
});
