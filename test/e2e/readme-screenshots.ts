/**
 * Regenerates the README screenshots in test/e2e/screenshots/ from a real sandbox run:
 *   npx tsx test/e2e/readme-screenshots.ts
 * Starts the sandbox like `npm start` (throw-away database, free ports), then in Chromium at phone
 * width: follow → browse 台灣茶葉 from the rich menu (chat.png) → add two teas → check out by card →
 * the bank's card page (bank-page.png) → pay → the receipt in the chat (receipt.png).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  APPROVED_CARD,
  addToCart,
  botMessage,
  browseCategory,
  checkoutByCard,
  fillCard,
  foldRichMenu,
  fontsSettled,
  imagesSettled,
  launchChromium,
  newPhone,
  openAndFollow,
  openBankPage,
  submitCard,
} from './support/chat-flow';
import { startSandboxProcess } from './support/sandbox-process';

const OUT = join(__dirname, 'screenshots');
/** Phone width; tall enough for a product bubble above the open rich menu. */
const VIEWPORT = { width: 390, height: 932 };

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const [sandbox, browser] = await Promise.all([startSandboxProcess(), launchChromium()]);
  try {
    const { context, chat } = await newPhone(browser, VIEWPORT);
    await openAndFollow(chat, sandbox.chatUrl);
    const carousel = await browseCategory(chat, '台灣茶葉', '阿里山高山烏龍');
    await chat.locator('#messages').evaluate((box) => {
      box.scrollTop = box.scrollHeight;
    });
    await fontsSettled(chat);
    await chat.screenshot({ path: join(OUT, 'chat.png') });

    await foldRichMenu(chat);
    await addToCart(chat, carousel, '阿里山高山烏龍', 1);
    const cart = await addToCart(chat, carousel, '東方美人茶', 2);
    const { payLink } = await checkoutByCard(chat, cart, 'home');
    const bank = await openBankPage(context, payLink);
    await fillCard(bank, APPROVED_CARD);
    await bank.screenshot({ path: join(OUT, 'bank-page.png') });
    await submitCard(bank);
    await bank.close();

    await chat.bringToFront();
    await botMessage(chat, '感謝您的購買').waitFor({ timeout: 15_000 });
    await imagesSettled(chat);
    await fontsSettled(chat);
    await chat.screenshot({ path: join(OUT, 'receipt.png') });
    await context.close();
    console.log(`screenshots written to ${OUT}: chat.png, bank-page.png, receipt.png`);
  } finally {
    await browser.close();
    await sandbox.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
