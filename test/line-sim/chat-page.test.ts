import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { messagingApi } from '@line/bot-sdk';
import { type Browser, chromium } from 'playwright-core';
import { type Demo, startDemo } from './support/demo-bot';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const hasChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';

if (!hasChromium && !inCi) {
  console.warn(`\n*** LINE chat page browser test SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium). ***\n`);
}
// In CI chromium is installed by .ci/run, so a missing browser must fail rather than skip.
const describeBrowser = hasChromium || inCi ? describe : describe.skip;

describeBrowser('LINE simulator: chat page in a real browser', () => {
  let demo: Demo;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemo();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  test('follow → the bot’s Flex carousel renders; tapping a postback button reaches the bot', async () => {
    const user = demo.sim.addUser(undefined, { displayName: '瀏覽器測試' });
    const page = await browser.newPage({ viewport: { width: 430, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${demo.sim.url}/chat?user=${user.userId}`);

    await page.click('#follow');
    await page.waitForSelector('.fx-carousel .fx-bubble');
    expect(await page.locator('.fx-carousel .fx-bubble').count()).toBe(3);
    await expect(page.locator('.fx-carousel').first().textContent()).resolves.toContain('阿里山高山烏龍茶');
    expect(await page.locator('.quick-reply').count()).toBe(3);
    expect(await page.locator('#rich-menu').isVisible()).toBe(true);
    expect(await page.locator('.rich-menu-area').count()).toBe(3);

    await page.locator('.fx-carousel .fx-bubble').first().locator('.fx-button-primary').click();
    await demo.sim.waitForMessages(user.userId, 3);
    const postback = demo.bot.events().find((event) => event.type === 'postback');
    expect(postback).toMatchObject({
      source: { userId: user.userId },
      postback: { data: 'action=add&sku=TEA-OOLONG' },
    });
    await page.waitForSelector('text=收到 postback');
    await expect(page.locator('.row.user .bubble').last().textContent()).resolves.toBe('加入 阿里山高山烏龍茶');

    // A rich menu area tap sends its postback too.
    await page.locator('.rich-menu-area').first().click();
    await demo.sim.waitForMessages(user.userId, 4);
    expect(demo.bot.events().at(-1)).toMatchObject({ postback: { data: 'action=browse' } });

    // An API error the shop causes is shown in the page.
    const client = new messagingApi.MessagingApiClient({ channelAccessToken: 'demo-token', baseURL: demo.sim.url });
    await client
      .pushMessage({
        to: user.userId,
        messages: [{ type: 'flex', altText: 'x', contents: { type: 'bubble', body: { type: 'spacer' } } as never }],
      })
      .catch(() => {});
    await page.waitForSelector('[data-testid="system-notice"]');
    await expect(page.locator('[data-testid="system-notice"]').textContent()).resolves.toContain('push → 400');

    await page.screenshot({ path: join(ARTIFACTS, 'line-chat-page.png') });
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 30_000);

  test('typing shows the user bubble and the loading dots until the bot answers', async () => {
    const user = demo.sim.addUser();
    await demo.sim.follow(user.userId);
    const page = await browser.newPage({ viewport: { width: 430, height: 900 } });
    await page.goto(`${demo.sim.url}/?user=${user.userId}`);
    await page.waitForSelector('.fx-carousel');
    await page.click('#to-keyboard');
    await page.fill('#text-input', '商品');
    await page.press('#text-input', 'Enter');
    await page.waitForSelector('text=請稍候，為您查詢中…');
    await expect(page.locator('.row.user .bubble').last().textContent()).resolves.toBe('商品');
    expect(await page.locator('#loading-row').count()).toBe(0);
    expect(demo.sim.callsTo('/v2/bot/chat/loading/start').length).toBeGreaterThan(0);
    await page.close();
  }, 30_000);
});
