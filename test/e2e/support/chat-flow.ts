/**
 * A customer's steps in the sandbox chat page and the bank's card page, shared by the e2e test and
 * the README screenshot script. Each step waits for what the customer would see (no sleeps) and
 * throws when it does not come.
 */
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** A phone: what a customer sees in LINE. */
export const PHONE = { width: 390, height: 844 };
export const APPROVED_CARD = '4000221111111111';
export const DECLINED_CARD = '4000221111112002';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export async function newPhone(
  browser: Browser,
  viewport = PHONE,
): Promise<{ context: BrowserContext; chat: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 2, locale: 'zh-TW' });
  const chat = await context.newPage();
  chat.setDefaultTimeout(10_000);
  const errors: string[] = [];
  chat.on('pageerror', (error) => errors.push(error.message));
  return { context, chat, errors };
}

/** The newest bot message in the chat that contains `text`. */
export function botMessage(page: Page, text: string): Locator {
  return page.locator('.row.bot', { hasText: text }).last();
}

/**
 * Waits for the font subsets the page now needs. The font comes in unicode-range subsets fetched as
 * glyphs appear; headless Chromium can keep empty boxes in text laid out before its subset arrived
 * (headers and buttons above all), so every subset on the page is asked for and the page laid out again.
 */
export async function fontsSettled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const text =
      (document.body.textContent ?? '') + [...document.querySelectorAll('input')].map((i) => i.placeholder).join('');
    await Promise.all(['400', '600', '700'].map((w) => document.fonts.load(`${w} 16px "Noto Sans TC"`, text)));
    await document.fonts.ready;
    document.body.style.display = 'none';
    void document.body.offsetHeight;
    document.body.style.display = '';
  });
}

/** Waits until every <img> in the chat has loaded (or failed), so screenshots show the pictures. */
export async function imagesSettled(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    [...document.querySelectorAll<HTMLImageElement>('#messages img, #rich-menu img')].every((img) => img.complete),
  );
}

/** Opens the chat page (as `user`, or a new user), follows the shop and waits for its greeting. */
export async function openAndFollow(chat: Page, chatUrl: string, user?: string): Promise<void> {
  await chat.goto(user ? `${chatUrl}?user=${user}` : chatUrl);
  await chat.click('#follow');
  await botMessage(chat, '想看哪一類呢？').waitFor();
  await chat.waitForSelector('#rich-menu:not([hidden]) .rich-menu-area');
}

/** Taps the rich menu's 瀏覽商品 area, then a category; returns its product carousel. */
export async function browseCategory(chat: Page, category: string, firstProduct: string): Promise<Locator> {
  await chat.locator('.rich-menu-area[title="瀏覽商品"]').click();
  await chat.locator('.row.user .bubble', { hasText: '瀏覽商品' }).waitFor();
  await chat.locator('.row.bot .fx-button', { hasText: category }).last().click();
  const carousel = chat.locator('.fx-carousel', { hasText: firstProduct }).last();
  await carousel.waitFor();
  await imagesSettled(chat);
  return carousel;
}

/** Folds the rich menu away (tap the chat bar), as one does to see more of the chat. */
export async function foldRichMenu(chat: Page): Promise<void> {
  await chat.click('#chat-bar-text');
  await chat.waitForSelector('#rich-menu', { state: 'hidden' });
}

/** Taps 加入購物車 on the product's bubble and waits for the cart that counts `items`. */
export async function addToCart(chat: Page, carousel: Locator, product: string, items: number): Promise<Locator> {
  await carousel.locator('.fx-bubble', { hasText: product }).locator('.fx-button').click();
  const cart = botMessage(chat, `共 ${items} 件`);
  await cart.waitFor();
  return cart;
}

export type DeliveryChoice = 'home' | 'cvs' | 'pickup';

/** The recipient every e2e customer types. */
export const RECIPIENT = { name: '王小明', phone: '0912-345-678' };

/**
 * From the cart: 前往結帳 → the delivery step's link opens the shop's delivery page in a new tab
 * (LINE's in-app browser) → choose `method`, fill in the recipient (超商取貨: 選擇門市 on the
 * logistics simulator's map, the first store of the city 台北市) → 確認 → the done page. Returns
 * the page (on the done page, for screenshots) and the order confirmation bubble in the chat.
 */
export async function fillDeliveryPage(
  chat: Page,
  cart: Locator,
  method: DeliveryChoice,
  onPage?: (page: Page, stage: 'filled' | 'store' | 'done') => Promise<unknown>,
): Promise<{ page: Page; confirmation: Locator }> {
  await cart.locator('.fx-button', { hasText: '前往結帳' }).click();
  const step = botMessage(chat, '填寫收件資料');
  await step.waitFor();
  const [page] = await Promise.all([
    chat.context().waitForEvent('page'),
    step.locator('.fx-button', { hasText: '填寫' }).last().click(),
  ]);
  page.setDefaultTimeout(15_000);
  await page.waitForSelector('#confirm');
  await page.locator(`input[name=method][value=${method}]`).check();
  await page.fill('#name', RECIPIENT.name);
  await page.fill('#phone', RECIPIENT.phone);
  if (method === 'home') {
    await page.selectOption('#city', '臺北市');
    await page.selectOption('#district', '大安區');
    await page.fill('#address', '和平東路一段12號3樓');
  }
  if (method === 'cvs') {
    await page.selectOption('#chain', 'UNIMARTC2C');
    await page.locator('button.pick').click();
    await page.waitForURL((url) => url.pathname.startsWith('/Express/map'));
    await page.selectOption('#city', '台北市');
    await page.locator('#stores li:visible button').first().click();
    await page.waitForURL((url) => url.pathname === '/delivery');
    await page.locator('#chosen-store').waitFor();
    await page.evaluate(() => document.fonts.ready);
    await onPage?.(page, 'store');
  }
  await page.evaluate(() => document.fonts.ready);
  await onPage?.(page, 'filled');
  await page.click('#confirm');
  await page.locator('#back', { hasText: '回到 LINE' }).waitFor();
  await page.evaluate(() => document.fonts.ready);
  await onPage?.(page, 'done');
  const confirmation = botMessage(chat, '確認訂單');
  await confirmation.waitFor({ timeout: 15_000 });
  return { page, confirmation };
}

/**
 * From the cart: the delivery page (`method`, default 門市自取) → the order confirmation → 信用卡 →
 * waits for the pay-link bubble (pushed once the shop has created the order at the bank) and returns it.
 */
export async function checkoutByCard(
  chat: Page,
  cart: Locator,
  method: DeliveryChoice = 'pickup',
  shots = false,
): Promise<{ choice: Locator; payLink: Locator }> {
  const { page, confirmation: choice } = await fillDeliveryPage(chat, cart, method, async (p, stage) => {
    if (!shots) return;
    await p.setViewportSize({ width: 375, height: 812 });
    await p.screenshot({ path: `test-artifacts/delivery-${method}-${stage}.png`, fullPage: true });
  });
  await page.close();
  await chat.bringToFront();
  await choice.locator('.fx-button', { hasText: '信用卡' }).click();
  const payLink = botMessage(chat, '前往付款');
  await payLink.waitFor({ timeout: 15_000 });
  await imagesSettled(chat);
  return { choice, payLink };
}

/** Taps the pay button: the bank's card page opens in a new tab (LINE's in-app browser). */
export async function openBankPage(context: BrowserContext, payLink: Locator): Promise<Page> {
  const [bank] = await Promise.all([
    context.waitForEvent('page'),
    payLink.locator('.fx-button', { hasText: '前往付款' }).click(),
  ]);
  bank.setDefaultTimeout(15_000);
  await bank.waitForSelector('#cardNo');
  return bank;
}

export async function fillCard(bank: Page, card: string): Promise<void> {
  await bank.fill('#cardNo', card);
  await bank.fill('#exp', '12/39');
  await bank.fill('#cvc', '123');
}

/** Submits the card page; the bank posts the browser back to the shop's result page. */
export async function submitCard(bank: Page): Promise<void> {
  await bank.click('button[type="submit"]');
  await bank.waitForURL((url) => url.pathname.startsWith('/payments/qpay/'));
  await bank.locator('h1', { hasText: /付款成功|付款沒有成功/ }).waitFor();
}
