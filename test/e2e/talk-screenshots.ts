/**
 * Photographs "talking to customers" (issue 16) for a person to look at:
 *   npx tsx test/e2e/talk-screenshots.ts [outDir]     (default: test-artifacts/talk)
 * A test shop on SQLite speaking as the demo tea shop, with the LINE simulator's chat page in
 * Chromium at 375 px: typed search (烏龍 → carousel), 客服 (the help bubble), 找真人客服 (the
 * hand-off message), a typed question the bot leaves to the person, and the merchant's answer from
 * the simulator's merchant side.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DEMO_SHOP_PROFILE } from '../../src/config';
import { startTestShop } from '../support/shop-harness';
import { botMessage, fontsSettled, imagesSettled, launchChromium, newPhone } from './support/chat-flow';

const OUT = process.argv[2] ?? join(__dirname, '..', '..', 'test-artifacts', 'talk');
const USER = 'U5554567890abcdef1234567890abcdef';

async function type(chat: Page, text: string): Promise<void> {
  await chat.fill('#text-input', text);
  await chat.click('#send');
  await chat.locator('.row.user .bubble', { hasText: text }).last().waitFor();
}

/** Waits for the font subsets the page now needs, then scrolls to the newest message. */
async function toBottom(chat: Page): Promise<void> {
  await fontsSettled(chat);
  await chat.locator('#messages').evaluate((box) => {
    box.scrollTop = box.scrollHeight;
  });
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const [shop, browser] = await Promise.all([
    startTestShop('sqlite', { env: { SHOP_PROFILE: DEMO_SHOP_PROFILE } }),
    launchChromium(),
  ]);
  try {
    shop.sim.addUser(USER, { displayName: '小華' });
    const { chat, errors } = await newPhone(browser, { width: 375, height: 812 });
    chat.on('requestfailed', (r) => errors.push(`${r.url()} ${r.failure()?.errorText}`));
    chat.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.url()} ${r.status()}`);
    });
    await chat.goto(`${shop.sim.url}/chat?user=${USER}`);
    await chat.click('#follow');
    await botMessage(chat, '想看哪一類呢？').waitFor();

    await type(chat, '烏龍');
    await chat.locator('.fx-carousel', { hasText: '阿里山高山烏龍' }).last().waitFor();
    await imagesSettled(chat);
    await shop.sim.waitForCall((c) => c.path === '/v2/bot/chat/markAsRead');
    await chat.locator('.row.user.read', { hasText: '烏龍' }).waitFor();
    await toBottom(chat);
    await chat.screenshot({ path: join(OUT, 'search.png') });

    await type(chat, '客服');
    const help = botMessage(chat, '客服中心');
    await help.waitFor();
    // The whole bubble: a taller phone for this one picture.
    await chat.setViewportSize({ width: 375, height: 1400 });
    await toBottom(chat);
    await help.screenshot({ path: join(OUT, 'help-bubble.png') });
    await chat.setViewportSize({ width: 375, height: 812 });

    await help.locator('.fx-button', { hasText: '找真人客服' }).click();
    await botMessage(chat, '通知店家').waitFor();
    await type(chat, '包裝可以寫卡片嗎？');
    await chat.click('#merchant-toggle');
    await chat.fill('#merchant-input', '可以喔！請把卡片內容傳給我們，我們手寫附上 😊');
    await chat.click('#merchant-send');
    await botMessage(chat, '手寫附上').waitFor();
    await toBottom(chat);
    await chat.screenshot({ path: join(OUT, 'handoff.png') });
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
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
